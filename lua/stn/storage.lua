-- Storages as Torch7's: torch.FloatStorage, DoubleStorage, LongStorage, IntStorage,
-- ByteStorage, CharStorage, ShortStorage, HalfStorage, BFloat16Storage (and CudaStorage,
-- CudaLongStorage, ... for CUDA tensors' storages).
-- A storage object is a window on a C stn_storage: the storage it holds a reference to,
-- the offset of its first element there and its size. x:storage() is the whole of x's
-- storage; torch.XStorage(s, offset, size) is a view of part of s sharing its memory, as
-- in Torch7. Element reads and writes, fill, copy and printing go through a 1-D tensor
-- over the window, so they follow the tensor rules (typed, range-checked).
local ffi = require 'ffi'
local core = require 'stn.ffi'
local C, ctx, check = core.C, core.ctx, core.check
local errors = require 'stn.errors'
local integer = require 'stn.integer'
local Tensor = require 'stn.Tensor'
local P = Tensor._private

local is_integer = integer.is_integer
local fail = errors.fail

local Storage = {}       -- the methods
local classes = {}       -- Torch7 name -> class table (constructor, methods)
local metatables = {}    -- Torch7 name -> metatable of the instances
local NAMES = { [0] = {}, [1] = {} }
for dtype = 0, P.NUM_DTYPES - 1 do
  local part = P.DTYPES[dtype].name
  NAMES[0][dtype] = 'torch.' .. part .. 'Storage'
  NAMES[1][dtype] = dtype == 0 and 'torch.CudaStorage' or 'torch.Cuda' .. part .. 'Storage'
end

local function is_storage(x)
  local mt = type(x) == 'table' and getmetatable(x)
  return mt ~= nil and mt ~= false and metatables[mt.__typename] == mt
end

local storage_out = ffi.new('stn_storage *[1]')

-- A storage object over C storage mem (a reference is taken; nil: empty) of a type.
local function wrap(device, dtype, mem, offset, size)
  local s = { _device = device, _dtype = dtype, _offset = offset or 0 }
  if mem ~= nil then
    C.stn_storage_retain(mem)
    s._mem = ffi.gc(ffi.cast('stn_storage *', mem), C.stn_storage_release)
    s._size = size or tonumber(mem.size) - s._offset
  else
    s._size = 0
  end
  return setmetatable(s, metatables[NAMES[device][dtype]])
end

-- A new C storage of n elements (nil for n = 0, as an empty Torch7 storage has no memory).
local function allocate(device, dtype, n, what)
  if n == 0 then return nil end
  check(C.stn_storage_new(ctx, device, dtype, n, storage_out), what)
  local mem = storage_out[0]
  local s = wrap(device, dtype, mem)
  C.stn_storage_release(mem) -- wrap took its own reference
  return s
end

-- A 1-D tensor over the window (an empty tensor for an empty storage).
local function as_tensor(s)
  local t = P.empty(s._device, s._dtype)
  if s._size == 0 then return t end
  return t:set(s._mem, s._offset + 1, { s._size })
end

local function name_of(s) return getmetatable(s).__typename end
local function what_of(s, method) return name_of(s):sub(7) .. ':' .. method end

function Storage.size(s) return s._size end
function Storage.elementSize(s) return C.stn_dtype_size(s._dtype) end
function Storage.type(s) return name_of(s) end
function Storage.isCuda(s) return s._device == 1 end

-- A pointer to the first element of a CPU storage, typed as its elements.
function Storage.data(s)
  if s._device ~= 0 then fail(what_of(s, 'data'), 'only CPU storages expose a host pointer') end
  if s._size == 0 then return nil end
  return s._mem[P.DTYPES[s._dtype].field] + s._offset
end

function Storage.fill(s, v)
  if s._size > 0 then as_tensor(s):fill(v) end
  return s
end

-- s:copy(other): the elements of another storage or a tensor of the same number of
-- elements (any type: converted as tensor copies are).
function Storage.copy(s, src)
  local what = what_of(s, 'copy')
  local from
  if is_storage(src) then from = as_tensor(src)
  elseif P.is_tensor(src) then from = src
  else fail(what, 'expected a storage or a tensor, got ' .. type(src)) end
  if from:nElement() ~= s._size then
    fail(what, ('the source has %d elements but the storage %d'):format(from:nElement(), s._size))
  end
  if s._size > 0 then as_tensor(s):copy(from) end
  return s
end

-- s:resize(n): exactly n elements, the first ones kept (Torch7); a view cannot resize.
function Storage.resize(s, n)
  local what = what_of(s, 'resize')
  if not is_integer(n) or n < 0 or n > P.MAX_NUMEL then
    fail(what, 'the size must be an integer from 0 to 2^48, got ' .. tostring(n))
  end
  if s._view then fail(what, 'a view of another storage cannot be resized') end
  if s._mem == nil then
    local fresh = allocate(s._device, s._dtype, n, what)
    if fresh then rawset(s, '_mem', fresh._mem); s._size = n end
    return s
  end
  check(C.stn_storage_resize(s._mem, n), what)
  s._size = n
  return s
end

function Storage.totable(s)
  if s._size == 0 then return {} end
  return as_tensor(s):totable()
end

-- ByteStorage and CharStorage only, as in Torch7: s:string(str) fills s with the bytes of
-- str (resizing it); s:string() gives the bytes as a Lua string.
function Storage.string(s, str)
  local what = what_of(s, 'string')
  if (s._dtype ~= 4 and s._dtype ~= 5) or s._device ~= 0 then
    fail(what, 'only torch.ByteStorage and torch.CharStorage have string()')
  end
  if str == nil then
    if s._size == 0 then return '' end
    return ffi.string(s:data(), s._size)
  end
  if type(str) ~= 'string' then fail(what, 'expected a string, got ' .. type(str)) end
  s:resize(#str)
  if #str > 0 then ffi.copy(s:data(), str, #str) end
  return s
end

-- Torch7 prints a storage as a column, as a 1-D tensor, then its type and size.
function Storage.__tostring(s)
  local footer = ('[%s of size %d]\n'):format(name_of(s), s._size)
  if s._size == 0 then return footer end
  local text = tostring(as_tensor(s))
  return (text:gsub('%[[%w%.]+ of size %d+%]\n$', '')) .. footer
end

-- s[i] and s[i] = v (1-based); any other key reads as a method or nil.
local function index(s, k)
  if type(k) == 'number' then
    if not is_integer(k) or k < 1 or k > s._size then
      fail(what_of(s, '[]'), ('index %s out of range (size %d)'):format(tostring(k), s._size))
    end
    if s._device == 0 then return P.value_at({ dtype = s._dtype, mem = s._mem, device = 0 }, s._offset + k - 1) end
    return as_tensor(s)[k]
  end
  return Storage[k]
end

local function newindex(s, k, v)
  if type(k) ~= 'number' then fail(what_of(s, '[]='), 'storages take number keys only, got ' .. type(k)) end
  if not is_integer(k) or k < 1 or k > s._size then
    fail(what_of(s, '[]='), ('index %s out of range (size %d)'):format(tostring(k), s._size))
  end
  if s._device == 0 then P.store({ dtype = s._dtype, mem = s._mem, device = 0 }, s._offset + k - 1, v, what_of(s, '[]='))
  else as_tensor(s)[k] = v end
end

-- s1 == s2: the same elements of the same memory (x:storage() == y:storage() for two
-- views of one storage, as Torch7 scripts test it).
local function same_window(a, b)
  if a._mem == nil or b._mem == nil then return rawequal(a, b) end
  return a._mem == b._mem and a._offset == b._offset and a._size == b._size
end

-- Torch7's constructor forms: (), (size), ({values}), (storage [, offset [, size]]) (a
-- view). The form with a file name (a memory-mapped file) is not supported.
local function construct(device, dtype, ...)
  local name = NAMES[device][dtype]
  local what = name:sub(7)
  if device == 1 and not core.has_cuda() then fail(what, 'no CUDA device: ' .. core.cuda_reason()) end
  local n, first, offset, size = select('#', ...), ...
  if n == 0 then return wrap(device, dtype, nil) end
  if type(first) == 'number' then
    if n > 1 then fail(what, ('the size form %s(n) takes one number, got %d arguments'):format(what, n)) end
    if not is_integer(first) or first < 0 or first > P.MAX_NUMEL then
      fail(what, 'the size must be an integer from 0 to 2^48, got ' .. tostring(first))
    end
    return allocate(device, dtype, first, what) or wrap(device, dtype, nil)
  end
  if is_storage(first) then
    if name_of(first) ~= name then fail(what, ('cannot view a %s as a %s'):format(name_of(first), name)) end
    offset = offset == nil and 1 or offset
    if not is_integer(offset) or offset < 1 or offset > first._size + 1 then
      fail(what, ('offset must be an integer from 1 to %d, got %s'):format(first._size + 1, tostring(offset)))
    end
    local rest = first._size - offset + 1
    size = size == nil and rest or size
    if not is_integer(size) or size < 0 or size > rest then
      fail(what, ('size must be an integer from 0 to %d at offset %d, got %s'):format(rest, offset, tostring(size)))
    end
    local v = wrap(device, dtype, first._mem, first._offset + offset - 1, size)
    rawset(v, '_view', true)
    return v
  end
  if type(first) == 'table' and not P.is_tensor(first) then
    if n > 1 then fail(what, ('the table form %s({values}) takes only the table'):format(what)) end
    local s = allocate(device, dtype, #first, what) or wrap(device, dtype, nil)
    for i = 1, #first do
      if type(first[i]) ~= 'number' then fail(what, ('entry %d is a %s, expected a number'):format(i, type(first[i]))) end
      s[i] = first[i]
    end
    return s
  end
  if type(first) == 'string' then
    fail(what, 'the file form (a memory-mapped file) is not supported; read the file with stn.load or io.open')
  end
  fail(what, 'expected nothing, a size, a table of numbers or a storage, got a ' .. type(first))
end

for device = 0, 1 do
  for dtype = 0, P.NUM_DTYPES - 1 do
    local name = NAMES[device][dtype]
    local mt = { __typename = name, __index = index, __newindex = newindex, __tostring = Storage.__tostring,
      __eq = same_window }
    metatables[name] = mt
    local new = function(...) return construct(device, dtype, ...) end
    classes[name] = setmetatable({ new = new, __typename = name }, {
      __call = function(_, ...) return new(...) end,
      __index = Storage,
    })
  end
end

-- x:storage(): x's whole storage (nil when x has none, as in Torch7).
function Tensor.storage(t)
  if t.mem == nil then return nil end
  return wrap(t.device, t.dtype, t.mem)
end

-- For Tensor:set and the tensor constructors: is x a storage, and its window (C storage,
-- offset, size, device, dtype).
P.is_storage = is_storage
P.hooks.is_storage = is_storage
P.hooks.storage_window = function(s) return s._mem, s._offset, s._size, s._device, s._dtype end

return { is_storage = is_storage, classes = classes, NAMES = NAMES }
