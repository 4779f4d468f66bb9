-- stn.base: the part of the stn table below its areas: tensors (constructors, the
-- functional forms, type names), classes and the process settings (random state,
-- threads, CUDA, memory). The modules above (nn, optim, data, image, serialize) require
-- this rather than 'stn', which lua/stn/init.lua assembles from it and the areas.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local C, ctx = core.C, core.ctx

local errors = require 'stn.errors'
local is_integer = errors.is_integer

local stn = {}

local Tensor = require 'stn.Tensor'
for _, area in ipairs { 'pointwise', 'reduce', 'index', 'blas', 'random', 'print', 'sequence', 'matrix', 'pieces', 'scan', 'compare', 'norms', 'callbacks', 'subscript', 'gather', 'masked', 'sort' } do
  require('stn.tensor.' .. area)
end
local P = Tensor._private

-- One class table per tensor type, as Torch7's: stn.FloatTensor(...) constructs (see
-- stn/Tensor.lua), stn.FloatTensor.<method> reaches the methods, and .new is the
-- constructor again (torch.FloatTensor.new). The CPU types are FloatTensor, DoubleTensor,
-- LongTensor, IntTensor, ByteTensor, CharTensor, ShortTensor, HalfTensor and BFloat16Tensor;
-- the CUDA ones CudaTensor (float), CudaDoubleTensor, CudaLongTensor, CudaIntTensor,
-- CudaByteTensor, CudaCharTensor, CudaShortTensor, CudaHalfTensor and CudaBFloat16Tensor.
local classes = {}
for device = 0, 1 do
  for dtype = 0, P.NUM_DTYPES - 1 do
    local name = P.TYPENAMES[device][dtype]
    local short = name:sub(7)
    local new = P.constructors[name]
    if device == 1 then
      new = function(...)
        if not core.has_cuda() then errors.fail(short, 'no CUDA device: ' .. core.cuda_reason()) end
        return P.construct(1, dtype, ...)
      end
    end
    -- as Torch7's class tables: methods read through it, and a method defined on it
    -- (function stn.DoubleTensor:foo() ... end) is added to that type alone
    local typed = P.typed_methods[name]
    classes[name] = setmetatable({ new = new, __typename = name }, {
      __call = function(_, ...) return new(...) end,
      __index = function(_, k)
        local m = typed[k]
        if m == nil then m = Tensor[k] end
        return m
      end,
      __newindex = function(_, k, v) P.add_typed_method(name, k, v) end,
    })
    stn[short] = classes[name]
  end
end
-- stn.Tensor is the default type's class: torch.FloatTensor unless setdefaulttensortype
-- says otherwise.
stn.Tensor = stn.FloatTensor
stn.multinomial = require('stn.tensor.multinomial').multinomial
stn.Size = Tensor.Size
stn.isTensor = P.is_tensor

-- Storages (stn/storage.lua): stn.FloatStorage, DoubleStorage, LongStorage, IntStorage,
-- ByteStorage, CudaStorage, CudaLongStorage, ...; stn.isStorage.
local storage = require 'stn.storage'
for name, class in pairs(storage.classes) do stn[name:sub(7)] = class end
stn.isStorage = storage.is_storage
stn.Storage = stn.FloatStorage -- the default type's, as stn.Tensor

-- Functional forms as Torch7's, result first when given: stn.add(x, y), stn.add(res, x, y),
-- stn.zeros(2, 3), stn.zeros(res, 2, 3), stn.max(x, 2), stn.max(vals, idx, x, 2), ...
-- (the forms of each function are listed in stn/tensor/functional.lua).
for name, f in pairs(require 'stn.tensor.functional') do
  if type(f) == 'function' then stn[name] = f end
end

-- As torch.typename: tensors by Torch7's names ('torch.FloatTensor', 'torch.CudaTensor'),
-- class instances by class name, nil for anything else; torch.type falls back to Lua's type.
function stn.typename(x)
  if P.is_tensor(x) then return P.typename_of(x) end
  local mt = type(x) == 'table' and getmetatable(x)
  if mt and mt.__typename then return mt.__typename end
  return nil
end
function stn.type(x) return stn.typename(x) or type(x) end

---------------------------------------------------------------------- process settings
function stn.manualSeed(seed)
  if type(seed) ~= 'number' or seed < 0 or not is_integer(seed) then
    errors.fail('manualSeed', 'expected a non-negative integer, got ' .. tostring(seed))
  end
  C.stn_manual_seed(ctx, seed)
end
-- Torch7's seed(): seeds the generator from the clock and returns the seed;
-- initialSeed(): the seed last set (by manualSeed, seed or setRNGState).
function stn.seed()
  local seed = math.floor(C.stn_wall_seconds() * 1e6) % 2 ^ 53
  C.stn_manual_seed(ctx, seed)
  return seed
end
function stn.initialSeed()
  local s, o = ffi.new('uint64_t[1]'), ffi.new('uint64_t[1]')
  C.stn_rng_get_state(ctx, s, o)
  return tonumber(s[0])
end
-- torch.tic() / torch.toc(t): a time in seconds, and the seconds since it (wall clock).
function stn.tic() return C.stn_wall_seconds() end
function stn.toc(t)
  if type(t) ~= 'number' then errors.fail('toc', 'expected the number torch.tic() gave, got %s', type(t)) end
  return C.stn_wall_seconds() - t
end
-- The functional forms of nElement, zero and fill (torch.numel(x), torch.zero(x), torch.fill(x, v)).
local function tensor_arg(what, x)
  if not P.is_tensor(x) then errors.fail(what, 'expected a tensor, got %s', type(x)) end
  return x
end
function stn.numel(x) return tensor_arg('numel', x):nElement() end
function stn.zero(x) return tensor_arg('zero', x):zero() end
function stn.fill(x, v) return tensor_arg('fill', x):fill(v) end

-- The generator's whole state, as Torch7's: a torch.ByteTensor (16 bytes: the Philox
-- seed and counter, little-endian uint64s), a copy with value semantics.
local RNG_BYTES = 16
function stn.getRNGState()
  local state = P.empty(0, 4):resize(RNG_BYTES)
  local words = ffi.cast('uint64_t *', state:data())
  C.stn_rng_get_state(ctx, words, words + 1)
  return state
end
-- setRNGState takes what getRNGState gave, or the table {seed = n, offset = n} that stn
-- gave before its state was a ByteTensor (older checkpoints).
function stn.setRNGState(state)
  if P.is_tensor(state) then
    if state:type() ~= 'torch.ByteTensor' or state:nElement() ~= RNG_BYTES then
      errors.fail('setRNGState', 'expected the torch.ByteTensor of %d bytes from stn.getRNGState, got a %s of %d elements',
        RNG_BYTES, state:type(), state:nElement())
    end
    local words = ffi.cast('uint64_t *', state:contiguous():data())
    C.stn_rng_set_state(ctx, words[0], words[1])
    return
  end
  if type(state) ~= 'table' or not is_integer(state.seed) or not is_integer(state.offset) or state.seed < 0
    or state.offset < 0 then
    errors.fail('setRNGState', 'expected the torch.ByteTensor from stn.getRNGState (or a table {seed = n, offset = n})')
  end
  C.stn_rng_set_state(ctx, state.seed, state.offset)
end

function stn.setnumthreads(n)
  if not is_integer(n) or n < 1 or n > 2 ^ 31 - 1 then
    errors.fail('setnumthreads', 'the thread count must be an integer of at least 1, got ' .. tostring(n))
  end
  core.check(C.stn_set_num_threads(ctx, n), 'stn.setnumthreads')
end
function stn.getnumthreads() return C.stn_get_num_threads(ctx) end
-- Wall-clock seconds (monotonic), for timings; os.clock counts CPU time of all threads.
function stn.clock() return C.stn_wall_seconds() end

-- The CPU kernels' instruction-set path: 'generic', 'avx2' or 'avx512'. The best the CPU
-- runs is taken at start; stn.setCPUPath (or the STN_CPU variable, read at load) picks a
-- lower one, so that specs and benchmarks can compare the paths a machine has.
local ISA_NAMES = { generic = 0, avx2 = 1, avx512 = 2 }
function stn.cpuPath() return ffi.string(C.stn_cpu_isa_name(C.stn_cpu_isa())) end
function stn.cpuInfo()
  local buf = ffi.new('char[64]')
  C.stn_cpu_model(buf, 64)
  return { model = ffi.string(buf), path = stn.cpuPath(),
           supported = ffi.string(C.stn_cpu_isa_name(C.stn_cpu_isa_supported())) }
end
function stn.setCPUPath(name, what)
  what = what or 'setCPUPath'
  local isa = ISA_NAMES[name]
  if isa == nil then
    errors.fail(what, 'unknown instruction-set path %s (expected generic, avx2 or avx512)', tostring(name))
  end
  if isa > C.stn_cpu_isa_supported() then
    errors.fail(what, 'this CPU cannot run the %s path (it supports up to %s)', name,
      ffi.string(C.stn_cpu_isa_name(C.stn_cpu_isa_supported())))
  end
  core.check(C.stn_cpu_set_isa(ctx, isa), 'stn.' .. what)
end
if os.getenv('STN_CPU') and os.getenv('STN_CPU') ~= '' then stn.setCPUPath(os.getenv('STN_CPU'), 'STN_CPU') end

-- true when a CUDA device can be used.
stn.hasCUDA = core.has_cuda
-- Why there is no CUDA device (empty when there is one).
stn.cudaReason = core.cuda_reason
function stn.cudaDeviceName()
  if not stn.hasCUDA() then return nil end
  local buf = ffi.new('char[256]')
  core.check(C.stn_cuda_device_name(0, buf, 256), 'stn.cudaDeviceName')
  return ffi.string(buf)
end
-- Bytes held by live storages (CPU and CUDA).
function stn.memoryInUse() return C.stn_storage_bytes() end
-- Returns the freed blocks kept for reuse to the system: the CPU's, and the CUDA
-- allocator's when there is a GPU.
function stn.emptyCache()
  C.stn_host_empty_cache()
  if stn.hasCUDA() then core.check(C.stn_cuda_empty_cache(ctx), 'stn.emptyCache') end
end
function stn.synchronize()
  if stn.hasCUDA() then core.check(C.stn_cuda_synchronize(ctx), 'stn.synchronize') end
end
-- stn.cuda: the allocator's statistics, CUDA graphs (stn/cuda.lua); the precision of the
-- CUDA products: stn.setPrecision('fp32' | 'tf32'), stn.getPrecision().
stn.cuda = require 'stn.cuda'
stn.setPrecision = stn.cuda.setPrecision
stn.getPrecision = stn.cuda.getPrecision

stn.version = ffi.string(C.stn_version())
stn.libraryPath = core.path

-- Torch7's default tensor type: what stn.Tensor makes, and the type of the results the
-- functional forms make from nothing (stn.rand(3), stn.zeros(2, 2), ...). stn's is
-- torch.FloatTensor (Torch7's is DoubleTensor); it may be set to any CPU floating type,
-- as in Torch7. Anything else is an error, never ignored.
local default_type = 'torch.FloatTensor'
function stn.getdefaulttensortype() return default_type end
function stn.setdefaulttensortype(name)
  if name ~= 'torch.FloatTensor' and name ~= 'torch.DoubleTensor' then
    errors.fail('setdefaulttensortype', 'the default tensor type can be torch.FloatTensor or torch.DoubleTensor, not %s',
      type(name) == 'string' and name or tostring(name))
  end
  default_type = name
  stn.Tensor = classes[name]
  stn.Storage = storage.classes[name:gsub('Tensor$', 'Storage')]
  P.default_dtype = name == 'torch.DoubleTensor' and 1 or 0
end

stn.class = require 'stn.class'

return stn
