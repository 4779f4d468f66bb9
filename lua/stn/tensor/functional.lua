-- Torch7's functional forms, stn.f([res,] ...), built from one table of each function's
-- documented argument forms (Torch7's doc/maths.md and the argument lists of its
-- TensorMath.lua). A form is a string of argument kinds:
--   R  a result tensor the caller may pass first or leave out (then a new one is made on
--      the device and of the element type of the first tensor argument, as Torch7; with
--      no tensor argument (stn.zeros(3), stn.rand(2, 2), stn.range(1, 5), stn.randperm(4))
--      a CPU tensor of the default type, stn.setdefaulttensortype's; a comparison's is a
--      ByteTensor, as Torch7's). A result passed in keeps its type. As in Torch7, when
--      neither of the first two arguments is a tensor, a last argument naming a tensor
--      type gives the type of the new result: stn.zeros(2, 3, 'torch.DoubleTensor').
--   T tensor   N number   B boolean   I indices (a Lua table or a tensor)
--   A a non-empty list of tensors   S sizes: the remaining arguments, numbers or one size
--   a trailing ? marks an optional argument
-- stn.f(...) takes the first form the arguments match without the results, else the
-- first they match with the results given first: stn.add(x, y) is x + y, stn.add(r, x, y)
-- writes x + y into r, as Torch7 tells them apart by the count and types of the
-- arguments. The work is done by the method with the results first (r:add(x, y)); a form
-- without R calls the method on its first argument (stn.sum(x) is x:sum()), and the
-- `number` function of an entry handles forms of numbers only (stn.exp(1)).
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local P = Tensor._private
local fail = require('stn.errors').fail
local is_tensor, Size = P.is_tensor, Tensor.Size

-- C's round(): halves away from zero, as Torch7's torch.round(number).
local function round(x) return x >= 0 and math.floor(x + 0.5) or -math.floor(-x + 0.5) end
local function sigmoid(x) return 1 / (1 + math.exp(-x)) end
-- Numbers for trunc, frac, log1p, rsqrt and lerp, in double as Torch7's number forms.
local function trunc(x) return x >= 0 and math.floor(x) or -math.floor(-x) end
local function frac(x) return math.abs(x) == math.huge and 0 / 0 or x - trunc(x) end
local function log1p(x) -- exact for tiny x: log(u) * x / (u - 1) with u = 1 + x (Goldberg)
  local u = 1 + x
  if u == 1 or u == math.huge then return u == 1 and x or u end
  return math.log(u) * x / (u - 1)
end
local function rsqrt(x) return 1 / math.sqrt(x) end
local function lerp(a, b, w) return a + w * (b - a) end

local ADD = { 'R T N', 'R T T', 'R T N T' }
local ADDMM = { 'R T T T', 'R N T T T', 'R T N T T', 'R N T N T T' }
local ADDC = { 'R T T T', 'R T N T T' }
local COMPARE = { 'R T N', 'R T T', result = 'Byte' }
local REDUCE = { 'T', 'R T N' }
local VARIANCE = { 'T B?', 'R T N B?' }
local EXTREME = { 'T', 'R R T N' }
-- results: the types of the results a form makes when the caller gives none, one per R:
-- 'same' (the first tensor argument's), or a dtype; without it, the first tensor argument's
-- type (the default type when there is none), Byte for a comparison (result = 'Byte').
local LONG = 2
local function unary(f) return { 'R T', 'N', number = f } end

local FORMS = {
  add = ADD, csub = ADD,
  mul = { 'R T N' }, div = { 'R T N' },
  cmul = { 'R T T' }, cdiv = { 'R T T' }, cpow = { 'R T T' },
  cmax = { 'R T T', 'R T N' }, cmin = { 'R T T', 'R T N' },
  clamp = { 'R T N N' },
  addcmul = ADDC, addcdiv = ADDC,
  pow = { 'R T N', 'R N T', 'N N', number = math.pow },
  abs = unary(math.abs), sqrt = unary(math.sqrt), exp = unary(math.exp), log = unary(math.log),
  tanh = unary(math.tanh), sigmoid = unary(sigmoid), floor = unary(math.floor), ceil = unary(math.ceil),
  round = unary(round),
  sin = unary(math.sin), cos = unary(math.cos), tan = unary(math.tan), asin = unary(math.asin),
  acos = unary(math.acos), atan = unary(math.atan), sinh = unary(math.sinh), cosh = unary(math.cosh),
  atan2 = { 'R T T', 'N N', number = math.atan2 },
  fmod = { 'R T N' }, remainder = { 'R T N' }, mod = { 'R T N' },
  cfmod = { 'R T T' }, cremainder = { 'R T T' }, cmod = { 'R T T' },
  neg = { 'R T' }, sign = { 'R T' },
  eq = COMPARE, ne = COMPARE, gt = COMPARE, lt = COMPARE, ge = COMPARE, le = COMPARE,
  mm = { 'R T T' }, mv = { 'R T T' }, bmm = { 'R T T' },
  addmm = ADDMM, addmv = ADDMM, baddbmm = ADDMM,
  index = { 'R T N I', results = { 'same' } },
  gather = { 'R T N T', results = { 'same' } },
  scatter = { 'T N T T', 'T N T N' },
  nonzero = { 'R T', results = { LONG } },
  all = { 'T' }, any = { 'T' },
  sort = { 'R R T N? B?', results = { 'same', LONG } },
  topk = { 'R R T N? N? B? B?', results = { 'same', LONG } },
  kthvalue = { 'R R T N N?', results = { 'same', LONG } },
  median = { 'R R T N?', results = { 'same', LONG } },
  mode = { 'R R T N?', results = { 'same', LONG } },
  cat = { 'R T T N?', 'R A N?' },
  zeros = { 'R S' }, ones = { 'R S' }, rand = { 'R S' }, randn = { 'R S' },
  randperm = { 'R N' },
  sum = REDUCE, mean = REDUCE, prod = REDUCE,
  var = VARIANCE, std = VARIANCE,
  max = EXTREME, min = EXTREME,
  norm = { 'T N?', 'R T N N' },
  dot = { 'T T' }, clone = { 'T' }, totable = { 'T' },
  squeeze = { 'R T', 'R T N' },
  view = { 'R T S' }, viewAs = { 'R T T' }, expand = { 'R T S' }, expandAs = { 'R T T' },
  range = { 'R N N N?' }, linspace = { 'R N N N?' }, logspace = { 'R N N N?' },
  eye = { 'R N N?' }, diag = { 'R T N?' }, tril = { 'R T N?' }, triu = { 'R T N?' }, trace = { 'T' },
  repeatTensor = { 'R T S' },
  cumsum = { 'R T N?' }, cumprod = { 'R T N?' },
  equal = { 'T T' }, dist = { 'T T N?' }, renorm = { 'R T N N N' },
  trunc = unary(trunc), frac = unary(frac), log1p = unary(log1p), rsqrt = unary(rsqrt), cinv = { 'R T' },
  lerp = { 'R T T N', 'N N N', number = lerp },
}

-- Torch7's torch.permute(x, d1, ..., dn) and torch.reshape([res,] x, sizes).
FORMS.permute = { 'T S' }
FORMS.reshape = { 'R T S' }
-- Torch7's outer products and sums of batched products (stn/tensor/blas.lua).
FORMS.ger, FORMS.addr, FORMS.addbmm = { 'R T T' }, ADDMM, ADDMM
-- stn.max(x, d) is x:max(d): values of x's type and LongTensor indices.
FORMS.max = { 'T', 'T N', 'R R T N' }
FORMS.min = FORMS.max

local KIND_NAME = { T = 'tensor', N = 'number', B = 'boolean', I = 'indices', A = '{tensors}', S = 'sizes' }

local function is_kind(kind, a)
  if kind == 'T' then return is_tensor(a)
  elseif kind == 'N' then return type(a) == 'number'
  elseif kind == 'B' then return type(a) == 'boolean'
  elseif kind == 'I' then return is_tensor(a) or (type(a) == 'table' and getmetatable(a) == nil)
  elseif kind == 'A' then return type(a) == 'table' and getmetatable(a) == nil and is_tensor(a[1])
  end
  return false
end

-- Do args[first..n] match the kinds of a form (its R already taken off)?
local function matches(kinds, args, first, n)
  local i = first
  for _, k in ipairs(kinds) do
    if k.kind == 'S' then -- the rest: numbers, or one size object or LongStorage
      if i == n and (getmetatable(args[i]) == Size or (P.is_storage and P.is_storage(args[i]))) then return true end
      for j = i, n do if type(args[j]) ~= 'number' then return false end end
      return true
    end
    if i <= n and is_kind(k.kind, args[i]) then i = i + 1
    elseif not k.optional then return false end
  end
  return i == n + 1
end

local function parse(form)
  local nres, kinds, text = 0, {}, {}
  for tok in form:gmatch('%S+') do
    local kind, optional = tok:match('^(%a)(%??)$')
    if kind == 'R' then nres = nres + 1
    else
      kinds[#kinds + 1] = { kind = kind, optional = optional == '?' }
      local name = KIND_NAME[kind] .. (kind == 'S' and '...' or '')
      text[#text + 1] = optional == '?' and ('[' .. name .. ']') or name
    end
  end
  local prefix = nres == 1 and '[res,] ' or nres == 2 and '[resval, resind,] ' or ''
  return { nres = nres, kinds = kinds, text = '(' .. prefix .. table.concat(text, ', ') .. ')' }
end

-- The arguments as the error message shows them: (tensor, number, table).
local function describe(args, n)
  local parts = {}
  for i = 1, n do
    local a = args[i]
    if is_tensor(a) then parts[i] = 'tensor'
    elseif getmetatable(a) == Size then parts[i] = 'size'
    elseif type(a) == 'table' and getmetatable(a) == nil and next(a) == nil then parts[i] = '{} (empty)'
    elseif is_kind('A', a) then parts[i] = '{tensors}'
    else parts[i] = type(a) end
  end
  return '(' .. table.concat(parts, ', ') .. ')'
end

-- The device and element type for new results: the first tensor's (or the first in a
-- list of tensors); the CPU and the default type when no tensor is given.
local function device_of(args, n)
  for i = 1, n do
    local a = args[i]
    if is_tensor(a) then return a.device, a.dtype end
    if type(a) == 'table' and is_tensor(a[1]) then return a[1].device, a[1].dtype end
  end
  return 0, P.default_dtype
end
local BYTE = 4

local unpack = unpack or table.unpack

-- The type of new result r of a form (see results above); dtype: the one device_of gave.
local function result_dtype(spec, r, dtype)
  local want = spec.results and spec.results[r]
  if want == nil or want == 'same' then return dtype end
  return want
end

local function make(name, spec)
  local forms = {}
  for i, f in ipairs(spec) do forms[i] = parse(f) end
  local method = Tensor[name]
  local texts = {}
  for i, f in ipairs(forms) do texts[i] = f.text end
  local expected = #texts == 1 and texts[1] or table.concat(texts, ', ', 1, #texts - 1) .. ' or ' .. texts[#texts]
  -- Every call to the method is a tail call, so the method's errors name the caller's line.
  return function(...)
    local n = select('#', ...)
    local args = { ... }
    while n > 0 and args[n] == nil do n = n - 1 end
    -- Torch7's dispatch: with no tensor first or second, a last argument naming a tensor
    -- type (torch.zeros(2, 3, 'torch.DoubleTensor')) is the type of the result
    local typed_device, typed_dtype
    if n >= 1 and type(args[n]) == 'string' and not is_tensor(args[1]) and not is_tensor(args[2]) then
      local device, _, dtype = P.type_device(args[n])
      if device then -- (another string is left to the forms, which refuse it)
        if device == 1 and not core.has_cuda() then fail(name, 'no CUDA device: ' .. core.cuda_reason()) end
        typed_device, typed_dtype = device, dtype
        args[n] = nil
        n = n - 1
      end
    end
    for _, f in ipairs(forms) do
      if matches(f.kinds, args, 1, n) then
        if f.nres == 0 then
          if spec.number and type(args[1]) == 'number' then return spec.number(unpack(args, 1, n)) end
          return method(unpack(args, 1, n))
        end
        local device, dtype = device_of(args, n)
        if typed_device then device, dtype = typed_device, typed_dtype end
        if spec.result == 'Byte' then dtype = BYTE end
        local call = {}
        for r = 1, f.nres do call[r] = P.empty(device, result_dtype(spec, r, dtype)) end
        for i = 1, n do call[f.nres + i] = args[i] end
        return method(unpack(call, 1, f.nres + n))
      end
    end
    for _, f in ipairs(forms) do
      local ok = f.nres > 0 and n >= f.nres
      for r = 1, f.nres do ok = ok and is_tensor(args[r]) end
      if ok and matches(f.kinds, args, f.nres + 1, n) then return method(unpack(args, 1, n)) end
    end
    fail(name, ('expected %s; got %s'):format(expected, describe(args, n)))
  end
end

local F = {}
for name, spec in pairs(FORMS) do
  if not Tensor[name] then fail('tensor.functional', 'no method Tensor:' .. name .. ' for stn.' .. name) end
  F[name] = make(name, spec)
end
-- split and chunk take Torch7's result table first, not a tensor: the methods sort it out.
F.split, F.chunk = Tensor.split, Tensor.chunk
-- uniform, normal, bernoulli, random: a number, or a fill when a tensor comes first.
for name, f in pairs(P.random_functions) do F[name] = f end
F.FORMS = FORMS
return F
