-- Torch7's Tensor methods and torch.* functions (torch7 HEAD: generic/Tensor.c, Tensor.lua,
-- TensorMath.lua, FFInterface.lua, init.lua, random.lua, File.lua, utils.c; cutorch's
-- typed CUDA tensors). Reading one that stn does not have gives a function raising
-- "stn: Tensor:<name>: not supported yet" (x.<name>, through stn/tensor/subscript.lua)
-- or "stn: <name>: not supported yet" (stn.<name>, stn/init.lua), instead of Lua's "attempt to
-- call a nil value"; any other unknown name reads as nil, as in Torch7. The names stn
-- has are found first, so they are never shadowed.
local errors = require 'stn.errors'

local function set(text)
  local s = {}
  for name in text:gmatch('%S+') do s[name] = true end
  return s
end

local METHODS = set [[
  abs acos add addbmm addcdiv addcmul addmm addmv addr all any apply asin atan atan2 baddbmm
  bernoulli bhistc bitand bitor bitxor bmm byte cat cauchy cbitand cbitor cbitxor cdata cdiv
  ceil cfmod char chunk cinv clamp clone clshift cmax cmin cmod cmul contiguous conv2 conv3
  copy cos cosh cpow cremainder cross crshift csub cumprod cumsum data diag dim dist div dot
  double eig elementSize eq equal exp expand expandAs exponential eye fill float floor fmod
  frac free gather ge gels geometric geqrf ger gesv gt half histc index indexAdd indexCopy
  indexFill int inverse isContiguous isSameSizeAs isSetTo isSize kthvalue le lerp linspace log
  log1p logNormal logspace long lshift lt map map2 maskedCopy maskedFill maskedSelect match max
  mean median min mm mod mode mul multinomial mv narrow nDimension ne neg nElement nonzero norm
  normal numel ones orgqr ormqr permute potrf potri potrs pow prod pstrf qr rand randn random
  randperm range read real remainder renorm repeatTensor reshape resize resizeAs retain round
  rshift rsqrt scatter select set short sigmoid sign sin sinh size sort split sqrt squeeze std
  storage storageOffset stride sub sum svd symeig t tan tanh topk totable trace transpose tril
  triu trtrs trunc type typeAs unfold uniform var view viewAs write xcorr2 xcorr3 zero zeros
]]

local FUNCTIONS = set [[
  abs acos add addbmm addcdiv addcmul addmm addmv addr all any asin atan atan2 baddbmm
  bernoulli bhistc bitand bitor bitxor bmm cat cauchy cbitand cbitor cbitxor cdiv ceil cfmod
  chunk cinv clamp class clshift cmax cmin cmod cmul conv2 conv3 cos cosh cpow cremainder cross
  crshift csub cumprod cumsum deserialize deserializeFromStorage diag dist div dot eig eq equal
  exp expand expandAs exponential eye factory fill floor fmod frac gather ge gels geometric
  geqrf ger gesv getconstructortable getdefaulttensortype getenv getmetatable getnumcores
  getnumthreads getRNGState gt histc include initialSeed inverse isatty isequal isStorage
  isTensor isTypeOf kthvalue le lerp linspace load loadobj log log1p logNormal logspace lshift
  lt manualSeed match max mean median metatype min mm mod mode mul multinomial
  multinomialAlias multinomialAliasSetup mv ne neg newmetatable nonzero norm normal numel ones
  orgqr ormqr packageLuaPath permute pointer potrf potri potrs pow prod pstrf pushudata qr rand
  randn random randperm range remainder renorm repeatTensor reshape round rshift rsqrt save
  saveobj scatter seed serialize serializeToStorage setdefaulttensortype setenv setheaptracking
  setmetatable setnumthreads setRNGState sigmoid sign sin sinh sort split sqrt squeeze std sum
  svd symeig tan tanh tic toc topk totable trace tril triu trtrs trunc type typename uniform
  updateerrorhandlers updatethreadlocals var version view viewAs xcorr2 xcorr3 zero zeros
  Tensor FloatTensor DoubleTensor ByteTensor CharTensor ShortTensor IntTensor LongTensor
  HalfTensor CudaTensor CudaDoubleTensor CudaByteTensor CudaCharTensor CudaShortTensor
  CudaIntTensor CudaLongTensor CudaHalfTensor Storage FloatStorage DoubleStorage ByteStorage
  CharStorage ShortStorage IntStorage LongStorage HalfStorage CudaStorage
  Timer Generator File DiskFile MemoryFile PipeFile CmdLine Tester TestSuite
]]

-- What to use instead, where stn has a way.
local HINTS = {
}

-- name -> a function raising the error at its caller's line; made once per name.
local function raisers(names, prefix)
  local r = {}
  for name in pairs(names) do
    local msg = 'not supported yet'
    if HINTS[name] then msg = msg .. ' (' .. HINTS[name] .. ')' end
    r[name] = function() errors.fail(prefix .. name, msg) end
  end
  return r
end

return {
  methods = METHODS, functions = FUNCTIONS,
  method_raisers = raisers(METHODS, 'Tensor:'),
  function_raisers = raisers(FUNCTIONS, ''),
}
