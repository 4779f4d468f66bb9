-- Tensor: the N-d strided view over refcounted storage, on 'cpu' or 'cuda', of one of
-- Torch7's element types (Float, Double, Long, Int, Byte, Char, Short: the dtype field),
-- and the 16-bit float storage types Half and BFloat16.
-- The Lua object is the C struct stn_tensor itself (an FFI metatype), so a tensor is
-- handed to the C kernels without any marshalling. This file holds construction,
-- shape and views, copies and conversions; the math lives in stn/tensor/*.lua,
-- which add their methods to the same table.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local C, ctx, check = core.C, core.ctx, core.check
local errors = require 'stn.errors'
local integer = require 'stn.integer'
local is_integer, MAX_NUMEL = integer.is_integer, integer.MAX_NUMEL

-- One methods table per Lua state: the FFI metatype can be set only once.
local registry = debug.getregistry()
if registry['stn.Tensor'] then return registry['stn.Tensor'] end

local Tensor = {}        -- the methods
local tensor_ct = ffi.typeof('stn_tensor')
local sizes_buf = ffi.new('int64_t[?]', 8)
local MAX_DIM = 8

-- A size, printed and compared like Torch7's LongStorage of sizes.
local Size = {}
Size.__index = Size
function Size.new(t) return setmetatable(t, Size) end
function Size:size() return #self end
function Size:totable() local r = {}; for i = 1, #self do r[i] = self[i] end; return r end
function Size:__tostring()
  local parts = {}
  for i = 1, #self do parts[i] = tostring(self[i]) end
  return table.concat(parts, 'x')
end
function Size.__eq(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end
Tensor.Size = Size

local function is_tensor(x) return ffi.istype(tensor_ct, x) end

-- A list of sizes or strides as a plain Lua list: a size object or table as it is, a
-- storage (torch.LongStorage{2, 3}, as Torch7 scripts pass sizes) as its values.
-- (stn/storage.lua registers is_storage once loaded.)
local P_hooks = {}
local function size_list(x)
  if P_hooks.is_storage and P_hooks.is_storage(x) then return x:totable() end
  return x
end

-- LuaJIT's collector sees a tensor as its small struct, not the storage behind it, so
-- code that makes a fresh result per step (y = stn.mm(a, b)) would pile up unreachable
-- storages and fault in new pages every time, as slow as the product itself at
-- convolution sizes. So, like Torch7's heap tracking, a full collection runs once the
-- storages have grown by 4 MB, or by 16 times the Lua heap when that is more (a
-- collection costs about as much as the heap it walks), since the last one; the freed
-- CPU blocks go to the library's reuse cache (csrc/core/storage.c) and come back at once.
-- base: the fewest bytes seen since the last collection (so frees, and the user's own
-- collectgarbage(), count); step: recomputed at each collection.
local gc_base, gc_step = 0, 0
local gc_paused = false -- (stn.cuda.warmup and stn.cuda.graph: no collection mid-step)
local function collect_if_needed()
  if gc_paused then return end
  local live = C.stn_storage_bytes()
  if live < gc_base then gc_base = live end
  if live > gc_base + gc_step then
    collectgarbage()
    gc_base = C.stn_storage_bytes()
    gc_step = math.max(4 * 2 ^ 20, 16 * 1024 * collectgarbage('count'))
  end
end

local function pause_collection(paused) gc_paused = paused end

-- A new empty tensor on a device (0 = cpu, 1 = cuda) of an element type (C.STN_FLOAT,
-- the default, ...); its storage reference is dropped by the garbage collector.
local function empty(device, dtype)
  collect_if_needed()
  local t = ffi.gc(tensor_ct(), C.stn_tensor_release)
  t.device = device or 0
  t.dtype = dtype or 0
  return t
end

local function shape_str(t)
  if t.ndim == 0 then return '[empty]' end
  local parts = {}
  for d = 0, t.ndim - 1 do parts[#parts + 1] = tostring(tonumber(t.shape[d])) end
  return table.concat(parts, 'x')
end

-- Element types by dtype (the C enum stn_dtype): Torch7's name part, the storage's
-- pointer field, and the Lua method converting to it.
local DTYPES = {
  [0] = { name = 'Float', field = 'data', method = 'float' },
  [1] = { name = 'Double', field = 'f64', method = 'double' },
  [2] = { name = 'Long', field = 'i64', method = 'long' },
  [3] = { name = 'Int', field = 'i32', method = 'int' },
  [4] = { name = 'Byte', field = 'u8', method = 'byte' },
  [5] = { name = 'Char', field = 'i8', method = 'char' },
  [6] = { name = 'Short', field = 'i16', method = 'short' },
  [7] = { name = 'Half', field = 'u16', method = 'half' },
  [8] = { name = 'BFloat16', field = 'u16', method = 'bfloat16' },
}
local NUM_DTYPES = 9
local HALF, BFLOAT16 = 7, 8
local FLOAT, DOUBLE = 0, 1
-- The floating types ops compute in (Half and BFloat16 are storage types: see is_half).
local function is_floating(dtype) return dtype <= DOUBLE end
local function is_half(dtype) return dtype == HALF or dtype == BFLOAT16 end

-- Torch7's names (what x:type(), stn.type(x) and printing show), by device then dtype:
-- torch.FloatTensor ... torch.ShortTensor, torch.HalfTensor, torch.BFloat16Tensor (PyTorch's
-- name); cutorch's torch.CudaTensor (float), torch.CudaDoubleTensor, torch.CudaLongTensor,
-- torch.CudaIntTensor, torch.CudaByteTensor, torch.CudaCharTensor, torch.CudaShortTensor,
-- torch.CudaHalfTensor, and torch.CudaBFloat16Tensor.
local TYPENAMES = { [0] = {}, [1] = {} }
local TYPE_OF = {} -- name -> { device, dtype }
for dtype = 0, NUM_DTYPES - 1 do
  local part = DTYPES[dtype].name
  TYPENAMES[0][dtype] = 'torch.' .. part .. 'Tensor'
  TYPENAMES[1][dtype] = dtype == FLOAT and 'torch.CudaTensor' or 'torch.Cuda' .. part .. 'Tensor'
  TYPE_OF[TYPENAMES[0][dtype]] = { 0, dtype }
  TYPE_OF[TYPENAMES[1][dtype]] = { 1, dtype }
end
-- stn's former names and the short ones
TYPE_OF['stn.FloatTensor'], TYPE_OF.float = TYPE_OF['torch.FloatTensor'], TYPE_OF['torch.FloatTensor']
TYPE_OF['stn.CudaTensor'], TYPE_OF.cuda = TYPE_OF['torch.CudaTensor'], TYPE_OF['torch.CudaTensor']
TYPE_OF.double = TYPE_OF['torch.DoubleTensor']
local TYPENAME = TYPENAMES[0] -- (the name of a device's float type: TYPENAMES[device][0])
local function typename_of(t) return TYPENAMES[t.device][t.dtype] end

-- The device (0 or 1), Torch7 name and dtype of a tensor type given by name.
-- Returns nil and a message for a name stn does not have.
local function type_device(name)
  local ty = TYPE_OF[name]
  if ty then return ty[1], TYPENAMES[ty[1]][ty[2]], ty[2] end
  if type(name) == 'string' and name:match('^torch%.%a+Tensor$') then
    return nil, ('stn has no %s (it has torch.FloatTensor, DoubleTensor, LongTensor, IntTensor, ByteTensor, '
      .. 'CharTensor, ShortTensor, HalfTensor, BFloat16Tensor and their Cuda forms)'):format(name)
  end
  return nil, 'unknown tensor type ' .. (type(name) == 'string' and ("'" .. name .. "'") or tostring(name))
end

-- Raises "stn: <what>: <msg>" at the user's line.
local fail = errors.fail

-- The list of sizes in a call such as resize(2, 3), resize({2, 3}) or resize(t:size());
-- a tensor is refused (Torch7 too), not read as a list of sizes.
local function sizes_of(what, ...)
  local first = ...
  local list
  if type(first) == 'table' then list = size_list(first)
  elseif is_tensor(first) then
    fail(what, 'sizes must be numbers or a size object, got a tensor (x:size() gives its sizes)')
  else list = { ... } end
  if #list > MAX_DIM then fail(what, ('%d dimensions asked, at most %d supported'):format(#list, MAX_DIM)) end
  local numel = 1
  for i = 1, #list do
    local s = list[i]
    if not is_integer(s) or s < 0 then
      fail(what, ('size %d must be a non-negative integer, got %s'):format(i, tostring(s)))
    end
    numel = math.min(numel * s, MAX_NUMEL + 1) -- exact while it matters: the factors are below 2^53
  end
  for i = 1, #list do -- each size is capped too, even where another is 0
    if list[i] > MAX_NUMEL then numel = MAX_NUMEL + 1 end
  end
  if numel > MAX_NUMEL then
    fail(what, ('%s is more than 2^%d elements, the largest tensor stn makes'):format(table.concat(list, 'x'),
      C.STN_MAX_NUMEL_LOG2))
  end
  return list
end

local function resize_to(t, list, what)
  for i = 1, #list do sizes_buf[i - 1] = list[i] end
  check(C.stn_tensor_resize(ctx, t, #list, sizes_buf), what)
  return t
end

-- 1-based dim d of t, checked, as a 0-based C index.
local function cdim(t, d, what)
  if type(d) ~= 'number' or d ~= math.floor(d) or d < 1 or d > t.ndim then
    fail(what, ('dimension %s out of range for a %d-D tensor (%s)'):format(tostring(d), t.ndim, shape_str(t)))
  end
  return d - 1
end

-- A key naming t's storage (its address), the same for every view of it; nil for a
-- tensor without storage.
local function storage_key(t)
  return t.mem ~= nil and tonumber(ffi.cast('intptr_t', t.mem)) or nil
end

-- src, or a copy of it when res is src or shares its storage: for ops that resize or
-- write res before they have read all of src.
local function apart(res, src)
  if res == src or (res.mem ~= nil and storage_key(res) == storage_key(src)) then return src:clone() end
  return src
end

-- A new view sharing t's storage.
local function view_of(t)
  local v = empty(t.device, t.dtype)
  C.stn_tensor_set(v, t)
  return v
end

-- res made a view of src, for the result-first forms (res:view(x, ...), res:squeeze(x),
-- res:expand(x, ...)): the two must be of one type.
local function view_into(res, src, what)
  if res.device ~= src.device or res.dtype ~= src.dtype then
    fail(what, ('cannot make a %s a view of a %s'):format(typename_of(res), typename_of(src)))
  end
  C.stn_tensor_set(res, src)
  return res
end

---------------------------------------------------------------------- elements
-- The float at data[i] (data: a float pointer) as a Lua number. LuaJIT 2.1 (as Debian 12
-- ships it) does not canonicalize NaNs on FFI loads: a float NaN with the sign bit set
-- and payload bits (0xffffffff, which a negated CUDA NaN is) reads as nil, a light
-- userdata or a prototype, so such a NaN is read as Lua's own NaN. Positive NaNs read
-- correctly. Every element read of the tensor API goes through here.
local float_bits = ffi.typeof('const uint32_t *')
local function float_at(data, i)
  if ffi.cast(float_bits, data)[i] > 0xff800000 then return 0 / 0 end
  return data[i]
end

-- x (a Lua number) rounded to float32, as a float argument or a float operation's
-- result is: one float +, -, * or / done in double and rounded here gives the float
-- operation's result (53 >= 2 * 24 + 2 bits).
local f32 = ffi.new('float[1]')
local function to_float(x) f32[0] = x; return f32[0] end

-- Is storage offset off inside t's storage? (A view written by hand through the FFI may
-- say otherwise; the C ops check the same with stn_check_tensor.)
local function in_storage(t, off) return t.mem ~= nil and off >= 0 and off < t.mem.size end

-- The double at data[i] (data: a double pointer), with the same care: a double NaN
-- whose sign bit is set and payload bits too (x86 is little-endian: the high word is
-- the second) reads as Lua's own NaN.
local function double_at(data, i)
  local w = ffi.cast(float_bits, data + i)
  local hi = w[1]
  if hi > 0xfff00000 or (hi == 0xfff00000 and w[0] ~= 0) then return 0 / 0 end
  return data[i]
end

-- The element at storage offset off of a CPU storage mem of the given dtype, as a Lua
-- number (a Long beyond 2^53 rounds to the nearest double).
local READ = {
  [0] = function(mem, off) return float_at(mem.data, off) end,
  [1] = function(mem, off) return double_at(mem.f64, off) end,
  [2] = function(mem, off) return tonumber(mem.i64[off]) end,
  [3] = function(mem, off) return mem.i32[off] end,
  [4] = function(mem, off) return mem.u8[off] end,
  [5] = function(mem, off) return mem.i8[off] end,
  [6] = function(mem, off) return mem.i16[off] end,
  -- (a 16-bit NaN is judged by its bits, for the reason float_at gives)
  [7] = function(mem, off)
    local b = mem.u16[off]
    if b % 0x8000 > 0x7c00 then return 0 / 0 end
    return C.stn_half_value(HALF, b)
  end,
  [8] = function(mem, off)
    local b = mem.u16[off]
    if b % 0x8000 > 0x7f80 then return 0 / 0 end
    return C.stn_half_value(BFLOAT16, b)
  end,
}
local function value_at(t, off) return READ[t.dtype](t.mem, off) end

-- Each integer type's modulus, for the wrap of a value written into it.
local INT_BITS = { [2] = 2 ^ 64, [3] = 2 ^ 32, [4] = 2 ^ 8, [5] = 2 ^ 8, [6] = 2 ^ 16 }
local INT_SIGNED = { [2] = true, [3] = true, [4] = false, [5] = true, [6] = true }

-- v as t's element type stores it, as Torch7 converts a number: toward zero for the
-- integer types, wrapping modulo 2^bits (-1 into a ByteTensor is 255, as Torch7's C
-- conversion gives on the machines it ran on); a NaN, an infinity or a value beyond
-- int64 has no integer and is an error. (Half and BFloat16 round it when stored.)
local function storable(t, v, what)
  if type(v) ~= 'number' then fail(what, ('expected a number, got a %s'):format(type(v))) end
  local m = INT_BITS[t.dtype]
  if not m then return v end
  if not (v >= -2 ^ 63 and v < 2 ^ 63) then
    fail(what, ('%s has no integer value for a %s'):format(tostring(v), typename_of(t)))
  end
  v = v >= 0 and math.floor(v) or math.ceil(v)
  if t.dtype == 2 then return v end -- (int64: the FFI converts every value in range)
  v = v % m
  if INT_SIGNED[t.dtype] and v >= m / 2 then v = v - m end
  return v
end

-- Writes v at storage offset off of CPU tensor t (into Half and BFloat16: v's bits,
-- rounded to nearest even once).
local function store(t, off, v, what)
  v = storable(t, v, what)
  if is_half(t.dtype) then t.mem.u16[off] = C.stn_half_bits(t.dtype, v); return end
  t.mem[DTYPES[t.dtype].field][off] = v
end

---------------------------------------------------------------------- construction
-- Fills a new CPU tensor of type dtype from nested Lua tables of numbers.
local function from_table(tbl, dtype)
  local sizes, probe = {}, tbl
  while type(probe) == 'table' do
    sizes[#sizes + 1] = #probe
    probe = probe[1]
  end
  local t = resize_to(empty(0, dtype), sizes, 'Tensor')
  if #tbl == 0 then return empty(0, dtype) end
  local n = 0
  local function walk(x, depth)
    if depth > #sizes then
      if type(x) ~= 'number' then fail('Tensor', 'table holds a ' .. type(x) .. ', expected numbers') end
      store(t, n, x, 'Tensor')
      n = n + 1
      return
    end
    if type(x) ~= 'table' or #x ~= sizes[depth] then
      fail('Tensor', ('ragged table: expected %d entries at depth %d'):format(sizes[depth], depth))
    end
    for i = 1, #x do walk(x[i], depth + 1) end
  end
  walk(tbl, 1)
  return t
end

-- t's geometry set as given: offset (0-based, in elements of its storage), and ndim
-- (default #sizes) dims of these sizes and strides (Lua lists); the dims past them are
-- zeroed. Unchecked: for views whose geometry was computed from valid ones (Tensor:set
-- checks a user's).
local function set_geometry(t, offset, sizes, strides, ndim)
  ndim = ndim or #sizes
  t.offset = offset
  t.ndim = ndim
  for d = 0, ndim - 1 do t.shape[d] = sizes[d + 1]; t.strides[d] = strides[d + 1] end
  for d = ndim, MAX_DIM - 1 do t.shape[d] = 0; t.strides[d] = 0 end
  return t
end

-- Checked sizes and strides (size objects or lists) as Lua lists, and their span: the
-- elements from the first to one past the last (0 when a size is 0). No strides, or a
-- negative one, means the contiguous one (as in Torch7).
local function geometry(what, sizes, strides)
  if type(sizes) ~= 'table' or is_tensor(sizes) then
    fail(what, 'sizes must be a size object or a table of numbers, got ' .. type(sizes))
  end
  local list = sizes_of(what, sizes)
  if strides ~= nil and (type(strides) ~= 'table' or is_tensor(strides)) then
    fail(what, 'strides must be a size object or a table of numbers, got ' .. type(strides))
  end
  strides = size_list(strides or {})
  if #strides ~= #list and #strides > 0 then fail(what, ('%d sizes but %d strides'):format(#list, #strides)) end
  local span, stride = 1, {}
  for i = #list, 1, -1 do
    local s = strides[i] or -1
    if not is_integer(s) or s > MAX_NUMEL then
      fail(what, ('stride %d must be an integer of at most 2^%d, got %s'):format(i, C.STN_MAX_NUMEL_LOG2, tostring(s)))
    end
    if s >= 0 then stride[i] = s
    elseif i == #list then stride[i] = 1
    else stride[i] = list[i + 1] * stride[i + 1] end
    if list[i] == 0 then span = 0 end
  end
  if span == 0 then return list, stride, 0 end
  for i = 1, #list do span = span + (list[i] - 1) * stride[i] end
  if span > MAX_NUMEL then
    fail(what, ('sizes %s with strides %s span %.0f elements, more than 2^%d'):format(table.concat(list, 'x'),
      table.concat(stride, ','), span, C.STN_MAX_NUMEL_LOG2))
  end
  return list, stride, span
end

-- stn.Tensor(sizes, strides): Torch7's form with two size objects; a negative stride
-- means "the contiguous one", as in Torch7. The storage is just large enough.
local function with_strides(device, dtype, sizes, strides, what)
  if #strides ~= #sizes then fail(what, ('%d sizes but %d strides'):format(#sizes, #strides)) end
  local list, stride, span = geometry(what, sizes, strides)
  if #list == 0 then return empty(device, dtype) end
  if span == 0 then return resize_to(empty(device, dtype), list, what) end
  return set_geometry(view_of(resize_to(empty(device, dtype), { span }, what)), 0, list, stride)
end

-- Torch7's constructor forms (torch.Tensor in its generic/Tensor.c): (), (sz1 [, sz2 ...]),
-- (sizes [, strides]) with size objects, (table of values) and (tensor), a view of it.
-- Its storage forms wait for storage objects; any other form is an error naming it.
local function construct(device, dtype, ...)
  local n = select('#', ...)
  local first, second = ...
  local what = TYPENAMES[device][dtype]:sub(7)
  if n == 0 then return empty(device, dtype) end
  if is_tensor(first) then
    if n > 1 then
      fail(what, ('the tensor form %s(x) takes only the tensor (it gives a view of x), got %d more argument%s')
        :format('stn.' .. what, n - 1, n > 2 and 's' or ''))
    end
    if first.device ~= device or first.dtype ~= dtype then
      fail(what, ('cannot view a %s as a %s'):format(typename_of(first), TYPENAMES[device][dtype]))
    end
    return view_of(first)
  end
  -- a storage of the tensor's own type is the storage form; any other (a LongStorage) holds
  -- sizes, as in Torch7
  local storage_type = P_hooks.is_storage and P_hooks.is_storage(first) and select(4, P_hooks.storage_window(first)) == device
    and select(5, P_hooks.storage_window(first)) == dtype
  if storage_type then return empty(device, dtype):set(...)
  end
  if getmetatable(first) == Size or (P_hooks.is_storage and P_hooks.is_storage(first)) then
    if n == 1 then return resize_to(empty(device, dtype), sizes_of(what, first), what) end
    if n == 2 and getmetatable(second) == Size then return with_strides(device, dtype, first, second, what) end
    fail(what, ('the size form %s(sizes [, strides]) takes one or two size objects, got a size and %d more argument%s')
      :format('stn.' .. what, n - 1, n > 2 and 's' or ''))
  end
  if type(first) == 'table' then
    if n > 1 then
      fail(what, ('the table form %s({values}) takes only the table, got %d more argument%s'):format('stn.' .. what, n - 1, n > 2 and 's' or ''))
    end
    local t = from_table(first, dtype)
    return device == 1 and resize_to(empty(1, dtype), t:size(), what):copy(t) or t
  end
  if type(first) == 'number' then return resize_to(empty(device, dtype), sizes_of(what, ...), what) end
  fail(what, ('expected sizes, a size object, a table of values, a storage or a tensor, got a %s')
    :format(type(first)))
end

---------------------------------------------------------------------- shape
function Tensor.dim(t) return t.ndim end
Tensor.nDimension = Tensor.dim

function Tensor.size(t, d)
  if d ~= nil then return tonumber(t.shape[cdim(t, d, 'Tensor:size')]) end
  local s = {}
  for i = 0, t.ndim - 1 do s[i + 1] = tonumber(t.shape[i]) end
  return Size.new(s)
end

function Tensor.stride(t, d)
  if d ~= nil then return tonumber(t.strides[cdim(t, d, 'Tensor:stride')]) end
  local s = {}
  for i = 0, t.ndim - 1 do s[i + 1] = tonumber(t.strides[i]) end
  return Size.new(s)
end

-- torch.Tensor.isTensor(x), Torch7's alias of torch.isTensor.
function Tensor.isTensor(x) return is_tensor(x) end
function Tensor.nElement(t) return tonumber(C.stn_tensor_numel(t)) end
Tensor.numel = Tensor.nElement
function Tensor.isContiguous(t) return C.stn_tensor_is_contiguous(t) ~= 0 end
function Tensor.storageOffset(t) return tonumber(t.offset) + 1 end
function Tensor.isSameSizeAs(t, other)
  if t.ndim ~= other.ndim then return false end
  for d = 0, t.ndim - 1 do if t.shape[d] ~= other.shape[d] then return false end end
  return true
end
-- As Torch7: the same storage, offset, sizes and strides (never true without a storage).
function Tensor.isSetTo(t, other)
  if not is_tensor(other) then fail('Tensor:isSetTo', 'expected a tensor, got ' .. type(other)) end
  if t.mem == nil or t.mem ~= other.mem or t.offset ~= other.offset or not t:isSameSizeAs(other) then return false end
  for d = 0, t.ndim - 1 do if t.strides[d] ~= other.strides[d] then return false end end
  return true
end
-- x:isSize(sizes): are x's sizes these (a size object or a table of numbers)?
function Tensor.isSize(t, sizes)
  if type(sizes) ~= 'table' then fail('Tensor:isSize', 'expected a size object, got ' .. type(sizes)) end
  sizes = size_list(sizes)
  if #sizes ~= t.ndim then return false end
  for d = 1, t.ndim do if sizes[d] ~= tonumber(t.shape[d - 1]) then return false end end
  return true
end

-- Pointer to the first element of a CPU tensor, typed as its elements (float *,
-- double *, int64_t *, int32_t *, uint8_t *, ...; uint16_t * holding the bits of a Half
-- or BFloat16 tensor), for C code and fast loops.
function Tensor.data(t)
  if t.device ~= 0 then fail('Tensor:data', 'only CPU tensors expose a host pointer (this one is on cuda)') end
  if t.mem == nil then return nil end
  return t.mem[DTYPES[t.dtype].field] + t.offset
end

function Tensor.resize(t, ...)
  return resize_to(t, sizes_of('Tensor:resize', ...), 'Tensor:resize')
end

function Tensor.resizeAs(t, other)
  if not is_tensor(other) then fail('Tensor:resizeAs', 'expected a tensor, got ' .. type(other)) end
  return resize_to(t, other:size(), 'Tensor:resizeAs')
end

-- Torch7's set, returning t:
--   t:set(y)        a view of tensor y: the same storage, offset, sizes and strides
--   t:set(storage [, storageOffset [, sizes [, strides]]])
--                   a view of a storage (x.mem, the storage of tensor x) at storageOffset
--                   (1-based, default 1) with these sizes and strides (size objects or
--                   tables; no sizes: 1-D to the storage's end; no strides or a negative
--                   one: contiguous), every element inside the storage
--   t:set()         t becomes empty: no dims, no storage
local storage_ptr = ffi.typeof('stn_storage *')
-- base, limit: the window of s seen (a storage object's: its offset and size; default
-- the whole of s); storageOffset counts from the window's first element.
local function set_storage(t, s, offset, sizes, strides, base, limit)
  local what = 'Tensor:set'
  if s == nil then fail(what, 'the storage is NULL (a tensor without storage has none to give)') end
  if s.device ~= t.device or s.dtype ~= t.dtype then
    fail(what, ('cannot view a %s %s storage from a %s'):format(s.device == 1 and 'cuda' or 'cpu',
      DTYPES[s.dtype] and DTYPES[s.dtype].name or 'unknown', typename_of(t)))
  end
  base = base or 0
  local size = limit or tonumber(s.size)
  offset = offset == nil and 1 or offset
  if not is_integer(offset) or offset < 1 or offset > size + 1 then
    fail(what, ('storageOffset must be an integer from 1 to %.0f (the storage holds %.0f elements), got %s')
      :format(size + 1, size, tostring(offset)))
  end
  if sizes == nil then
    if strides ~= nil then fail(what, 'strides given without sizes') end
    sizes = { size - offset + 1 }
  end
  local list, stride, span = geometry(what, sizes, strides)
  if offset - 1 + span > size then
    fail(what, ('sizes %s with strides %s at storageOffset %.0f reach element %.0f, past the %.0f of the storage')
      :format(table.concat(list, 'x'), table.concat(stride, ','), offset, offset - 1 + span, size))
  end
  C.stn_storage_retain(s) -- before the release: s may be t's storage already
  if t.mem ~= nil then C.stn_storage_release(t.mem) end
  t.mem = s
  return set_geometry(t, base + offset - 1, list, stride)
end

-- The storage forms' arguments after the storage, as (offset, sizes, strides): Torch7's
-- (storage [, storageOffset [, sizes [, strides]]]) with size objects, LongStorages or
-- tables, or (storage, storageOffset, size1 [, stride1 [, size2 [, stride2 ...]]]) with
-- numbers (a missing stride: the contiguous one).
local function storage_form_args(n, storage, offset, sizes, ...)
  if type(sizes) ~= 'number' then
    if n > 4 then
      fail('Tensor:set', ('expected (storage [, storageOffset [, sizes [, strides]]]), got %d arguments'):format(n))
    end
    return offset, sizes, (...)
  end
  if n - 2 > 2 * MAX_DIM then
    fail('Tensor:set', ('%d sizes and strides given, at most %d dimensions'):format(n - 2, MAX_DIM))
  end
  local list, strides = {}, {}
  for k = 3, n, 2 do
    local size, stride = select(k - 2, sizes, ...)
    if type(size) ~= 'number' or (stride ~= nil and type(stride) ~= 'number') then
      local bad = type(size) ~= 'number' and k or k + 1
      fail('Tensor:set', ('argument %d: sizes and strides after the storage offset are numbers here, got a %s')
        :format(bad, type(type(size) ~= 'number' and size or stride)))
    end
    list[#list + 1], strides[#strides + 1] = size, stride or -1
  end
  return offset, list, strides
end

function Tensor.set(t, ...)
  local n, src = select('#', ...), ...
  if n == 0 then
    C.stn_tensor_release(t)
    for d = 0, MAX_DIM - 1 do t.shape[d] = 0; t.strides[d] = 0 end
    return t
  end
  if P_hooks.is_storage and P_hooks.is_storage(src) then
    local mem, woff, wsize, device, dtype = P_hooks.storage_window(src)
    local offset, sizes, strides = storage_form_args(n, ...)
    if device ~= t.device or dtype ~= t.dtype then
      fail('Tensor:set', ('cannot view a %s from a %s'):format(getmetatable(src).__typename, typename_of(t)))
    end
    if wsize == 0 then
      if (offset or 1) ~= 1 or (sizes ~= nil and #size_list(sizes) > 0) then
        fail('Tensor:set', 'the storage is empty: only storageOffset 1 and no sizes fit it')
      end
      return t:set()
    end
    return set_storage(t, mem, offset, sizes, strides, woff, wsize)
  end
  if ffi.istype(storage_ptr, src) then
    return set_storage(t, src, storage_form_args(n, ...))
  end
  if not is_tensor(src) then
    fail('Tensor:set', 'expected a tensor, a storage (x.mem) or nothing (to empty x), got ' .. type(src))
  end
  if n > 1 then fail('Tensor:set', ('x:set(y) takes only the tensor y, got %d more arguments'):format(n - 1)) end
  if src.device ~= t.device or src.dtype ~= t.dtype then
    fail('Tensor:set', 'cannot view a ' .. typename_of(src) .. ' from a ' .. typename_of(t))
  end
  C.stn_tensor_set(t, src)
  return t
end

-- A 1-D view of the whole storage of t (nil when t has none).
local function whole_view(t)
  if t.mem == nil then return nil end
  return empty(t.device, t.dtype):set(t.mem)
end

-- A view of base's storage with t's offset, sizes and strides (base: a whole_view of a
-- storage of t's size, such as a copy of t's storage).
local function view_like(base, t)
  return empty(base.device, base.dtype):set(base.mem, t:storageOffset(), t:size(), t:stride())
end

---------------------------------------------------------------------- views
-- The value at storage offset off of t (a CUDA tensor's through a one-element copy).
local function element_at(t, off)
  if not in_storage(t, off) then
    fail('Tensor index', ('element at storage offset %s lies outside the storage of the view'):format(tostring(off)))
  end
  if t.device == 0 then return value_at(t, off) end
  local v = view_of(t)
  v.offset, v.ndim, v.shape[0], v.strides[0] = off, 1, 1, 1
  local h = empty(0, t.dtype):resize(1):copy(v)
  return value_at(h, h.offset)
end

-- x:view(sizes) or res:view(x, sizes): the same elements with other sizes (numbers or a
-- size object; one size may be -1, inferred); x must be contiguous. Torch7's forms.
function Tensor.view(t, ...)
  local res, src = nil, t
  local first = ...
  local list
  if is_tensor(first) then
    res, src = t, first
    local second = select(2, ...)
    if type(second) == 'table' then list = Size.totable(size_list(second)) else list = { select(2, ...) } end
  elseif type(first) == 'table' then list = Size.totable(size_list(first))
  else list = { ... } end
  if #list == 0 then fail('Tensor:view', 'expected sizes (numbers or a size object), got none') end
  local n, infer = 1, nil
  for i = 1, #list do
    if list[i] == -1 and not infer then infer = i
    elseif not is_integer(list[i]) or list[i] < 0 or list[i] > MAX_NUMEL then
      fail('Tensor:view', 'bad size ' .. tostring(list[i]) .. ' at position ' .. i)
    else n = n * list[i] end
  end
  local total = src:nElement()
  if infer then
    if n == 0 or total % n ~= 0 then fail('Tensor:view', ('cannot infer size -1 for %d elements (%s) into %s'):format(total, shape_str(src), table.concat(list, 'x'))) end
    list[infer] = total / n
    n = total
  end
  if n ~= total then
    fail('Tensor:view', ('size %s has %d elements but the tensor (%s) has %d'):format(table.concat(list, 'x'), n, shape_str(src), total))
  end
  if not src:isContiguous() then fail('Tensor:view', 'tensor (' .. shape_str(src) .. ') is not contiguous; call :contiguous() first') end
  if #list > MAX_DIM then fail('Tensor:view', #list .. ' dimensions asked, at most ' .. MAX_DIM) end
  local v = res and view_into(res, src, 'Tensor:view') or view_of(src)
  v.ndim = #list
  local stride = 1
  for i = #list, 1, -1 do
    v.shape[i - 1] = list[i]
    v.strides[i - 1] = stride
    stride = stride * list[i]
  end
  for i = #list, MAX_DIM - 1 do v.shape[i] = 0; v.strides[i] = 0 end
  return v
end

-- x:viewAs(template) or res:viewAs(x, template)
function Tensor.viewAs(t, a, b)
  if b ~= nil then
    if not is_tensor(b) then fail('Tensor:viewAs', 'template: expected a tensor, got ' .. type(b)) end
    return t:view(a, b:size())
  end
  if not is_tensor(a) then fail('Tensor:viewAs', 'template: expected a tensor, got ' .. type(a)) end
  return t:view(a:size())
end

-- A view of `size` entries of dim d starting at index i (1-based).
function Tensor.narrow(t, d, i, size)
  local cd = cdim(t, d, 'Tensor:narrow')
  local n = tonumber(t.shape[cd])
  if type(i) ~= 'number' or type(size) ~= 'number' or i ~= math.floor(i) or size ~= math.floor(size)
    or i < 1 or size < 0 or i + size - 1 > n then
    fail('Tensor:narrow', ('index %s, size %s out of range for dimension %d of size %d (%s)'):format(tostring(i), tostring(size), d, n, shape_str(t)))
  end
  local v = view_of(t)
  v.offset = v.offset + (i - 1) * t.strides[cd]
  v.shape[cd] = size
  return v
end

-- x:sub(dim1s, dim1e [, dim2s, dim2e, ...]): Torch7's sub-view, narrowing dim k to the
-- indices dimks..dimke (inclusive; a negative index counts from the end, -1 the last).
-- Subtraction is x:csub(...) / x:add(-v), as in Torch7.
function Tensor.sub(t, ...)
  local n = select('#', ...)
  if n == 0 or n % 2 == 1 then
    fail('Tensor:sub', ('expected pairs of indices (dim1s, dim1e [, dim2s, dim2e, ...]), got %d argument%s (subtraction is csub)')
      :format(n, n == 1 and '' or 's'))
  end
  if n / 2 > t.ndim then
    fail('Tensor:sub', ('%d index ranges given for a %d-D tensor (%s)'):format(n / 2, t.ndim, shape_str(t)))
  end
  local v = view_of(t)
  for k = 1, n / 2 do
    local size = tonumber(t.shape[k - 1])
    local s, e = select(2 * k - 1, ...)
    for j, x in ipairs { s, e } do
      if not is_integer(x) then
        fail('Tensor:sub', ('dimension %d: %s index must be an integer, got %s'):format(k, j == 1 and 'start' or 'end', tostring(x)))
      end
    end
    local ps, pe = s < 0 and s + size + 1 or s, e < 0 and e + size + 1 or e
    if ps < 1 or ps > size or pe < 1 or pe > size then
      fail('Tensor:sub', ('dimension %d: range %d to %d out of range for size %d (%s)'):format(k, s, e, size, shape_str(t)))
    end
    if pe < ps then
      fail('Tensor:sub', ('dimension %d: range %d to %d ends before it starts (%s)'):format(k, s, e, shape_str(t)))
    end
    v.offset = v.offset + (ps - 1) * t.strides[k - 1]
    v.shape[k - 1] = pe - ps + 1
  end
  return v
end

-- A view without dim d, at index i of it (1-based); on a 1-D tensor, the number at i
-- (Torch7 has no 0-dimensional tensors).
function Tensor.select(t, d, i)
  -- on a 1-D tensor Torch7 reads element i whatever the dim says (its own tests select
  -- with the dim of the matrix a vector came from); any positive integer dim passes
  if t.ndim == 1 and is_integer(d) and d >= 1 then d = 1 end
  local cd = cdim(t, d, 'Tensor:select')
  local n = tonumber(t.shape[cd])
  if type(i) ~= 'number' or i < 1 or i > n or i ~= math.floor(i) then
    fail('Tensor:select', ('index %s out of range for dimension %d of size %d (%s)'):format(tostring(i), d, n, shape_str(t)))
  end
  if t.ndim == 1 then return element_at(t, t.offset + (i - 1) * t.strides[0]) end
  local v = view_of(t)
  v.offset = v.offset + (i - 1) * t.strides[cd]
  for k = cd, t.ndim - 2 do
    v.shape[k] = t.shape[k + 1]
    v.strides[k] = t.strides[k + 1]
  end
  v.ndim = t.ndim - 1
  v.shape[v.ndim] = 0
  v.strides[v.ndim] = 0
  return v
end

function Tensor.transpose(t, d1, d2)
  local a, b = cdim(t, d1, 'Tensor:transpose'), cdim(t, d2, 'Tensor:transpose')
  local v = view_of(t)
  v.shape[a], v.shape[b] = t.shape[b], t.shape[a]
  v.strides[a], v.strides[b] = t.strides[b], t.strides[a]
  return v
end

function Tensor.t(t)
  if t.ndim ~= 2 then fail('Tensor:t', 'expected a 2-D tensor, got ' .. shape_str(t)) end
  return t:transpose(1, 2)
end

-- x:squeeze([d]) or res:squeeze(x [, d]): a view without the dims of size 1 (or without
-- dim d, if it has size 1). As in Torch7: one dim is always kept, and a result of one
-- element is returned as that number (squeeze(d) does so only on a 1-D tensor).
function Tensor.squeeze(t, a, b)
  local res, src, d = nil, t, a
  if is_tensor(a) then res, src, d = t, a, b end
  local cd = d ~= nil and cdim(src, d, 'Tensor:squeeze') or nil
  local v = res and view_into(res, src, 'Tensor:squeeze') or view_of(src)
  local ndim, kept = src.ndim, 0 -- (v may be src itself: x:squeeze(x))
  for k = 0, ndim - 1 do
    local drop = src.shape[k] == 1 and (cd == nil or (cd == k and ndim > 1))
    if not drop then
      v.shape[kept], v.strides[kept] = src.shape[k], src.strides[k]
      kept = kept + 1
    end
  end
  if kept == 0 and ndim > 0 then v.shape[0], v.strides[0], kept = 1, 1, 1 end
  for k = kept, ndim - 1 do v.shape[k], v.strides[k] = 0, 0 end
  v.ndim = kept
  if kept == 1 and v.shape[0] == 1 and (cd == nil or ndim == 1) then return element_at(v, v.offset) end
  return v
end

-- A view with a dim of size 1 inserted at position d (1 to dim + 1).
function Tensor.unsqueeze(t, d)
  if t.ndim == 0 then fail('Tensor:unsqueeze', 'cannot unsqueeze an empty tensor') end
  if type(d) ~= 'number' or d < 1 or d > t.ndim + 1 or d ~= math.floor(d) or t.ndim >= MAX_DIM then
    fail('Tensor:unsqueeze', ('position %s out of range for a %d-D tensor'):format(tostring(d), t.ndim))
  end
  local v = view_of(t)
  for k = t.ndim, d, -1 do v.shape[k] = t.shape[k - 1]; v.strides[k] = t.strides[k - 1] end
  v.shape[d - 1] = 1
  v.strides[d - 1] = d <= t.ndim and t.shape[d - 1] * t.strides[d - 1] or 1
  v.ndim = t.ndim + 1
  return v
end

-- x:expand(sizes) or res:expand(x, sizes): a read-only broadcast view, dims of size 1
-- repeated to the given sizes (stride 0). Likewise x:expandAs(y), res:expandAs(x, y).
function Tensor.expand(t, ...)
  local res, src = nil, t
  local sizes
  if is_tensor((...)) then
    res, src = t, ...
    sizes = sizes_of('Tensor:expand', select(2, ...))
  else
    sizes = sizes_of('Tensor:expand', ...)
  end
  if #sizes ~= src.ndim then fail('Tensor:expand', ('%d sizes given for a %d-D tensor (%s)'):format(#sizes, src.ndim, shape_str(src))) end
  local v = res and view_into(res, src, 'Tensor:expand') or view_of(src)
  for k = 0, src.ndim - 1 do
    local s = sizes[k + 1]
    if src.shape[k] ~= s then
      if src.shape[k] ~= 1 then fail('Tensor:expand', ('cannot expand %s to %s'):format(shape_str(src), table.concat(sizes, 'x'))) end
      v.shape[k] = s
      v.strides[k] = 0
    end
  end
  return v
end
function Tensor.expandAs(t, a, b)
  local template = b ~= nil and b or a
  if not is_tensor(template) then fail('Tensor:expandAs', 'template: expected a tensor, got ' .. type(template)) end
  if b ~= nil then return t:expand(a, b:size()) end
  return t:expand(a:size())
end

---------------------------------------------------------------------- copies and devices
function Tensor.copy(t, src)
  if not is_tensor(src) then fail('Tensor:copy', 'expected a tensor, got ' .. type(src)) end
  check(C.stn_copy(ctx, t, src), 'Tensor:copy')
  return t
end

-- A tensor of the same size on `device` (0 or 1) of element type dtype (default: t's),
-- holding nothing yet.
local function new_like(t, device, dtype)
  return resize_to(empty(device or t.device, dtype or t.dtype), t:size(), 'Tensor')
end
Tensor.new_like = new_like

-- x.new is the constructor of x's type, as in Torch7: x.new() is an empty tensor of x's
-- type, x.new(2, 3) a new 2x3 one, and x:new() (= x.new(x)) a view of x. One cached
-- function per type (by Torch7 name), so reading x.new allocates nothing; construct is
-- tail-called, so that its errors name the caller's line.
local constructors = {}
for device = 0, 1 do
  for dtype = 0, NUM_DTYPES - 1 do
    constructors[TYPENAMES[device][dtype]] = function(...) return construct(device, dtype, ...) end
  end
end
function Tensor.clone(t) return new_like(t):copy(t) end
function Tensor.contiguous(t)
  if t:isContiguous() then return t end
  return t:clone()
end

-- t itself when it is of that device and type, else a copy converted to it (the
-- conversion rule of stn_copy: toward zero into the integer types, and an error for a
-- NaN or a value out of the type's range).
local function converted(t, device, dtype, what)
  if t.device == device and t.dtype == dtype then return t end
  if device == 1 and not core.has_cuda() then fail(what, 'no CUDA device: ' .. core.cuda_reason()) end
  local r = new_like(t, device, dtype)
  check(C.stn_copy(ctx, r, t), what)
  return r
end

-- x:float(), x:double(), x:long(), x:int(), x:byte(), x:char(), x:short(), x:half(),
-- x:bfloat16(): to the CPU type; x:cuda() to torch.CudaTensor (float) whatever x's type,
-- as cutorch's; x:cudaDouble(), x:cudaLong(), x:cudaInt(), x:cudaByte(), x:cudaChar(),
-- x:cudaShort(), x:cudaHalf(), x:cudaBFloat16() to the other CUDA types.
for dtype = 0, NUM_DTYPES - 1 do
  local method = DTYPES[dtype].method
  local what = 'Tensor:' .. method
  Tensor[method] = function(t) return converted(t, 0, dtype, what) end
  if dtype ~= FLOAT then
    local cuda_method = 'cuda' .. DTYPES[dtype].name
    Tensor[cuda_method] = function(t) return converted(t, 1, dtype, 'Tensor:' .. cuda_method) end
  end
end
function Tensor.cuda(t) return converted(t, 1, FLOAT, 'Tensor:cuda') end

function Tensor.isCuda(t) return t.device == 1 end
function Tensor.getDevice(t) return t.device == 1 and 1 or nil end

-- t:type() names the type (Torch7's name); t:type(name) is t itself when already of
-- that type, else a copy converted to it. A type stn does not have is an error.
function Tensor.type(t, name)
  if name == nil then return typename_of(t) end
  local device, canonical, dtype = type_device(name)
  if not device then fail('Tensor:type', canonical) end
  return (converted(t, device, dtype, 'Tensor:type'))
end
-- x:real(): x as the default tensor type (Torch7's Tensor.real).
function Tensor.real(t) return t:type(TYPENAMES[0][Tensor._private.default_dtype]) end
-- Bytes per element.
function Tensor.elementSize(t) return C.stn_dtype_size(t.dtype) end
function Tensor.typeAs(t, other)
  if not is_tensor(other) then fail('Tensor:typeAs', 'expected a tensor, got ' .. type(other)) end
  return t:type(other:type())
end

---------------------------------------------------------------------- elements
-- Nested Lua tables of numbers (a number for a 0-element... empty table).
-- A contiguous CPU tensor of t's element type holding t's values (t itself if it is one).
local function host_contiguous(t)
  if t.device == 0 then return t:contiguous() end
  return converted(t, 0, t.dtype, 'Tensor')
end

function Tensor.totable(t)
  local c = host_contiguous(t)
  if c.ndim == 0 then return {} end
  local n = tonumber(c.offset)
  local function build(d)
    local r = {}
    for i = 1, tonumber(c.shape[d]) do
      if d == c.ndim - 1 then r[i] = value_at(c, n); n = n + 1 else r[i] = build(d + 1) end
    end
    return r
  end
  return build(0)
end

-- The single value of a one-element tensor.
function Tensor.item(t)
  if t:nElement() ~= 1 then fail('Tensor:item', 'expected one element, the tensor is ' .. shape_str(t)) end
  local c = host_contiguous(t)
  return value_at(c, c.offset)
end

---------------------------------------------------------------------- metatable
local mt = {}

-- A method, x.new (the constructor of x's device), else every other key (x[i],
-- x[{2, {1, 3}}], x[size], x.unknown) and every assignment go to stn/tensor/subscript.lua,
-- which fills in this table; the tail calls leave the indexing line as the caller, for
-- the errors raised there. Number keys come first, so that x[i] stays fast.
local subscript = {}
-- Methods a script adds to one type (Torch7: `function torch.DoubleTensor:foo() ... end`,
-- or through torch.getmetatable('torch.DoubleTensor')), by Torch7 name; looked up before
-- the shared methods, and only once a script has added one.
local typed_methods, any_typed = {}, false
for device = 0, 1 do
  for dtype = 0, NUM_DTYPES - 1 do typed_methods[TYPENAMES[device][dtype]] = {} end
end
local function add_typed_method(name, k, v)
  typed_methods[name][k] = v
  any_typed = true
end

mt.__index = function(t, k)
  if type(k) == 'number' then return subscript.number(t, k) end
  if any_typed then
    local m = typed_methods[typename_of(t)][k]
    if m ~= nil then return m end
  end
  local m = Tensor[k]
  if m ~= nil then return m end
  if k == 'new' then return constructors[typename_of(t)] end
  return subscript.read(t, k)
end

mt.__newindex = function(t, k, v) return subscript.write(t, k, v) end

mt.__len = function(t) return t:size() end
mt.__tostring = function(t) return Tensor.__tostring(t) end
mt.__concat = function(a, b) return tostring(a) .. tostring(b) end

-- Arithmetic operators return new tensors, as in Torch7.
mt.__add = function(a, b)
  if type(a) == 'number' then a, b = b, a end
  if type(b) == 'number' then return a:clone():add(b) end
  return a:clone():add(b)
end
mt.__sub = function(a, b)
  if type(a) == 'number' then return b:clone():mul(-1):add(a) end
  if type(b) == 'number' then return a:clone():add(-b) end
  return a:clone():add(-1, b)
end
mt.__unm = function(a) return a:clone():mul(-1) end
mt.__mul = function(a, b)
  if type(a) == 'number' then return b:clone():mul(a) end
  if type(b) == 'number' then return a:clone():mul(b) end
  if a.ndim == 2 and b.ndim == 2 then return empty(a.device, a.dtype):mm(a, b) end
  if a.ndim == 2 and b.ndim == 1 then return empty(a.device, a.dtype):mv(a, b) end
  if a.ndim == 1 and b.ndim == 1 then return a:dot(b) end
  fail('Tensor *', ('cannot multiply %s by %s'):format(shape_str(a), shape_str(b)))
end
mt.__div = function(a, b)
  if type(b) ~= 'number' then fail('Tensor /', 'can only divide by a number') end
  return a:clone():div(b)
end
-- x % n is Torch7's remainder (the sign of n), a new tensor; Torch7 takes only a number n.
mt.__mod = function(a, b)
  if not is_tensor(a) then fail('Tensor %', 'n % x is not defined (Torch7 neither): x % n takes the tensor first') end
  if type(b) ~= 'number' then
    fail('Tensor %', ('x %% n takes a number n, got a %s (x:cremainder(y) is the element-wise remainder)')
      :format(is_tensor(b) and 'tensor' or type(b)))
  end
  return a:clone():remainder(b)
end

ffi.metatype(tensor_ct, mt)
registry['stn.Tensor'] = Tensor

-- helpers for the other tensor files
Tensor._private = {
  empty = empty, is_tensor = is_tensor, shape_str = shape_str, fail = fail, cdim = cdim, to_float = to_float, apart = apart,
  construct = construct, view_of = view_of, resize_to = resize_to, sizes_of = sizes_of, typename_of = typename_of,
  type_device = type_device, constructors = constructors, element_at = element_at, in_storage = in_storage, float_at = float_at,
  TYPENAME = TYPENAME, TYPENAMES = TYPENAMES, DTYPES = DTYPES, NUM_DTYPES = NUM_DTYPES,
  is_floating = is_floating, is_half = is_half, value_at = value_at, store = store, storable = storable, double_at = double_at,
  converted = converted, host_contiguous = host_contiguous, new_like = new_like,
  storage_key = storage_key, set_geometry = set_geometry, whole_view = whole_view,
  view_like = view_like, default_dtype = 0, typed_methods = typed_methods, add_typed_method = add_typed_method, hooks = P_hooks, size_list = size_list,
  MAX_DIM = MAX_DIM, MAX_NUMEL = MAX_NUMEL,
}
Tensor._private.subscript = subscript
Tensor._private.pause_collection = pause_collection

return Tensor
