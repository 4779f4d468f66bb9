-- Tensor: the float32 N-d strided view over refcounted storage, on 'cpu' or 'cuda'.
-- The Lua object is the C struct stn_tensor itself (an FFI metatype), so a tensor is
-- handed to the C kernels without any marshalling. This file holds construction,
-- shape and views, copies and conversions; the math lives in stn/tensor/*.lua,
-- which add their methods to the same table.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local C, ctx, check = core.C, core.ctx, core.check

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

-- LuaJIT's collector sees a tensor as its small struct, not the storage behind it, so
-- code that makes a fresh result per step (y = stn.mm(a, b)) would pile up unreachable
-- storages and fault in new pages every time, as slow as the product itself at
-- convolution sizes. So, like Torch7's heap tracking, a full collection runs once the
-- storages have grown by 4 MB, or by 16 times the Lua heap when that is more (a
-- collection costs about as much as the heap it walks), since the last one; the freed
-- CPU blocks go to the library's reuse cache (csrc/storage.c) and come back at once.
-- base: the fewest bytes seen since the last collection (so frees, and the user's own
-- collectgarbage(), count); step: recomputed at each collection.
local gc_base, gc_step = 0, 0
local function collect_if_needed()
  local live = C.stn_storage_bytes()
  if live < gc_base then gc_base = live end
  if live > gc_base + gc_step then
    collectgarbage()
    gc_base = C.stn_storage_bytes()
    gc_step = math.max(4 * 2 ^ 20, 16 * 1024 * collectgarbage('count'))
  end
end

-- A new empty tensor on a device (0 = cpu, 1 = cuda); its storage reference is
-- dropped by the garbage collector.
local function empty(device)
  collect_if_needed()
  local t = ffi.gc(tensor_ct(), C.stn_tensor_release)
  t.device = device or 0
  return t
end

local function shape_str(t)
  if t.ndim == 0 then return '[empty]' end
  local parts = {}
  for d = 0, t.ndim - 1 do parts[#parts + 1] = tostring(tonumber(t.shape[d])) end
  return table.concat(parts, 'x')
end

local function typename_of(t) return t.device == 1 and 'stn.CudaTensor' or 'stn.FloatTensor' end

-- Raises "stn: <what>: <msg>" at the user's line (two frames above the caller).
local function fail(what, msg, level) error('stn: ' .. what .. ': ' .. msg, (level or 2) + 1) end

-- The list of sizes in a call such as resize(2, 3), resize({2, 3}) or resize(t:size()).
local function sizes_of(what, ...)
  local first = ...
  local list
  if type(first) == 'table' then list = first
  elseif is_tensor(first) then list = first:totable()
  else list = { ... } end
  if #list > MAX_DIM then fail(what, ('%d dimensions asked, at most %d supported'):format(#list, MAX_DIM), 3) end
  for i = 1, #list do
    local s = list[i]
    if type(s) ~= 'number' or s < 0 or s ~= math.floor(s) then
      fail(what, ('size %d must be a non-negative integer, got %s'):format(i, tostring(s)), 3)
    end
  end
  return list
end

local function resize_to(t, list, what)
  for i = 1, #list do sizes_buf[i - 1] = list[i] end
  check(C.stn_tensor_resize(ctx, t, #list, sizes_buf), what, 3)
  return t
end

-- 1-based dim d of t, checked, as a 0-based C index.
local function cdim(t, d, what)
  if type(d) ~= 'number' or d ~= math.floor(d) or d < 1 or d > t.ndim then
    fail(what, ('dimension %s out of range for a %d-D tensor (%s)'):format(tostring(d), t.ndim, shape_str(t)), 3)
  end
  return d - 1
end

-- A new view sharing t's storage.
local function view_of(t)
  local v = empty(t.device)
  C.stn_tensor_set(v, t)
  return v
end

---------------------------------------------------------------------- construction
-- Fills a new CPU tensor from nested Lua tables of numbers.
local function from_table(tbl)
  local sizes, probe = {}, tbl
  while type(probe) == 'table' do
    sizes[#sizes + 1] = #probe
    probe = probe[1]
  end
  local t = resize_to(empty(0), sizes, 'stn.Tensor')
  if #tbl == 0 then return empty(0) end
  local data, n = t:data(), 0
  local function walk(x, depth)
    if depth > #sizes then
      if type(x) ~= 'number' then fail('stn.Tensor', 'table holds a ' .. type(x) .. ', expected numbers', 4) end
      data[n] = x; n = n + 1
      return
    end
    if type(x) ~= 'table' or #x ~= sizes[depth] then
      fail('stn.Tensor', ('ragged table: expected %d entries at depth %d'):format(sizes[depth], depth), 4)
    end
    for i = 1, #x do walk(x[i], depth + 1) end
  end
  walk(tbl, 1)
  return t
end

-- stn.Tensor(), stn.Tensor(2, 3), stn.Tensor(size), stn.Tensor({{1, 2}, {3, 4}})
-- (values, as in Torch7) or stn.Tensor(other) (a view of other's storage).
local function construct(device, ...)
  local first = ...
  if first == nil then return empty(device) end
  if is_tensor(first) then return view_of(first) end
  if type(first) == 'table' and getmetatable(first) ~= Size then
    local t = from_table(first)
    return device == 1 and t:cuda() or t
  end
  return resize_to(empty(device), sizes_of('stn.Tensor', ...), 'stn.Tensor')
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

function Tensor.nElement(t) return tonumber(C.stn_tensor_numel(t)) end
Tensor.numel = Tensor.nElement
function Tensor.isContiguous(t) return C.stn_tensor_is_contiguous(t) ~= 0 end
function Tensor.storageOffset(t) return tonumber(t.offset) + 1 end
function Tensor.isSameSizeAs(t, other)
  if t.ndim ~= other.ndim then return false end
  for d = 0, t.ndim - 1 do if t.shape[d] ~= other.shape[d] then return false end end
  return true
end
function Tensor.isSetTo(t, other)
  return t.mem == other.mem and t.offset == other.offset and t:isSameSizeAs(other)
end

-- Pointer to the first element of a CPU tensor (float *), for C code and fast loops.
function Tensor.data(t)
  if t.device ~= 0 then fail('Tensor:data', 'only CPU tensors expose a host pointer (this one is on cuda)') end
  if t.mem == nil then return nil end
  return t.mem.data + t.offset
end

function Tensor.resize(t, ...)
  return resize_to(t, sizes_of('Tensor:resize', ...), 'Tensor:resize')
end

function Tensor.resizeAs(t, other)
  if not is_tensor(other) then fail('Tensor:resizeAs', 'expected a tensor, got ' .. type(other)) end
  return resize_to(t, other:size(), 'Tensor:resizeAs')
end

-- t becomes a view of other (shares its storage).
function Tensor.set(t, other)
  if not is_tensor(other) then fail('Tensor:set', 'expected a tensor, got ' .. type(other)) end
  if other.device ~= t.device then fail('Tensor:set', 'cannot view a ' .. typename_of(other) .. ' from a ' .. typename_of(t)) end
  C.stn_tensor_set(t, other)
  return t
end

---------------------------------------------------------------------- views
-- A view with other sizes; one size may be -1 (inferred). t must be contiguous.
function Tensor.view(t, ...)
  local first = ...
  local list
  if type(first) == 'table' then list = Size.totable(first) elseif is_tensor(first) then list = first:totable() else list = { ... } end
  local n, infer = 1, nil
  for i = 1, #list do
    if list[i] == -1 and not infer then infer = i
    elseif type(list[i]) ~= 'number' or list[i] < 0 then fail('Tensor:view', 'bad size ' .. tostring(list[i]) .. ' at position ' .. i)
    else n = n * list[i] end
  end
  local total = t:nElement()
  if infer then
    if n == 0 or total % n ~= 0 then fail('Tensor:view', ('cannot infer size -1 for %d elements (%s) into %s'):format(total, shape_str(t), table.concat(list, 'x'))) end
    list[infer] = total / n
    n = total
  end
  if n ~= total then
    fail('Tensor:view', ('size %s has %d elements but the tensor (%s) has %d'):format(table.concat(list, 'x'), n, shape_str(t), total))
  end
  if not t:isContiguous() then fail('Tensor:view', 'tensor (' .. shape_str(t) .. ') is not contiguous; call :contiguous() first') end
  if #list > MAX_DIM then fail('Tensor:view', #list .. ' dimensions asked, at most ' .. MAX_DIM) end
  local v = view_of(t)
  v.ndim = #list
  local stride = 1
  for i = #list, 1, -1 do
    v.shape[i - 1] = list[i]
    v.strides[i - 1] = stride
    stride = stride * list[i]
  end
  return v
end

function Tensor.viewAs(t, other) return t:view(other:size()) end

-- A view of `size` entries of dim d starting at index i (1-based).
function Tensor.narrow(t, d, i, size)
  local cd = cdim(t, d, 'Tensor:narrow')
  local n = tonumber(t.shape[cd])
  if type(i) ~= 'number' or type(size) ~= 'number' or i < 1 or size < 0 or i + size - 1 > n then
    fail('Tensor:narrow', ('index %s, size %s out of range for dimension %d of size %d (%s)'):format(tostring(i), tostring(size), d, n, shape_str(t)))
  end
  local v = view_of(t)
  v.offset = v.offset + (i - 1) * t.strides[cd]
  v.shape[cd] = size
  return v
end

-- A view without dim d, at index i of it (1-based).
function Tensor.select(t, d, i)
  local cd = cdim(t, d, 'Tensor:select')
  local n = tonumber(t.shape[cd])
  if type(i) ~= 'number' or i < 1 or i > n or i ~= math.floor(i) then
    fail('Tensor:select', ('index %s out of range for dimension %d of size %d (%s)'):format(tostring(i), d, n, shape_str(t)))
  end
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

-- Without dims of size 1 (or only dim d, if it has size 1).
function Tensor.squeeze(t, d)
  local keep = {}
  local cd = d and cdim(t, d, 'Tensor:squeeze')
  for k = 0, t.ndim - 1 do
    if not (t.shape[k] == 1 and (cd == nil or cd == k)) then keep[#keep + 1] = k end
  end
  local v = view_of(t)
  for i, k in ipairs(keep) do v.shape[i - 1] = t.shape[k]; v.strides[i - 1] = t.strides[k] end
  v.ndim = #keep
  return v
end

-- A view with a dim of size 1 inserted at position d (1 to dim + 1).
function Tensor.unsqueeze(t, d)
  if type(d) ~= 'number' or d < 1 or d > t.ndim + 1 or t.ndim >= MAX_DIM then
    fail('Tensor:unsqueeze', ('position %s out of range for a %d-D tensor'):format(tostring(d), t.ndim))
  end
  local v = view_of(t)
  for k = t.ndim, d, -1 do v.shape[k] = t.shape[k - 1]; v.strides[k] = t.strides[k - 1] end
  v.shape[d - 1] = 1
  v.strides[d - 1] = d <= t.ndim and t.shape[d - 1] * t.strides[d - 1] or 1
  v.ndim = t.ndim + 1
  return v
end

-- A read-only broadcast view: dims of size 1 repeated to the given sizes (stride 0).
function Tensor.expand(t, ...)
  local list = sizes_of('Tensor:expand', ...)
  if #list ~= t.ndim then fail('Tensor:expand', ('%d sizes given for a %d-D tensor (%s)'):format(#list, t.ndim, shape_str(t))) end
  local v = view_of(t)
  for k = 0, t.ndim - 1 do
    local s = list[k + 1]
    if t.shape[k] ~= s then
      if t.shape[k] ~= 1 then fail('Tensor:expand', ('cannot expand %s to %s'):format(shape_str(t), table.concat(list, 'x'))) end
      v.shape[k] = s
      v.strides[k] = 0
    end
  end
  return v
end
function Tensor.expandAs(t, other) return t:expand(other:size()) end

---------------------------------------------------------------------- copies and devices
function Tensor.copy(t, src)
  if not is_tensor(src) then fail('Tensor:copy', 'expected a tensor, got ' .. type(src)) end
  check(C.stn_copy(ctx, t, src), 'Tensor:copy')
  return t
end

-- A tensor of the same size on `device` (0 or 1), holding nothing yet.
local function new_like(t, device)
  return resize_to(empty(device or t.device), t:size(), 'Tensor')
end
Tensor.new_like = new_like

function Tensor.new(t, ...) return construct(t.device, ...) end
function Tensor.clone(t) return new_like(t):copy(t) end
function Tensor.contiguous(t)
  if t:isContiguous() then return t end
  return t:clone()
end

function Tensor.float(t)
  if t.device == 0 then return t end
  return new_like(t, 0):copy(t)
end

function Tensor.cuda(t)
  if t.device == 1 then return t end
  if not require('stn').hasCUDA() then fail('Tensor:cuda', 'no CUDA device: ' .. require('stn').cudaReason()) end
  return new_like(t, 1):copy(t)
end

function Tensor.isCuda(t) return t.device == 1 end
function Tensor.getDevice(t) return t.device == 1 and 1 or nil end

local type_alias = {
  ['stn.FloatTensor'] = 0, ['torch.FloatTensor'] = 0, ['torch.DoubleTensor'] = 0, float = 0,
  ['stn.CudaTensor'] = 1, ['torch.CudaTensor'] = 1, cuda = 1,
}
-- t:type() names the type; t:type(name) converts (a no-op when already of that type).
function Tensor.type(t, name)
  if name == nil then return typename_of(t) end
  local device = type_alias[name]
  if device == nil then fail('Tensor:type', 'unknown tensor type ' .. tostring(name)) end
  return device == 1 and t:cuda() or t:float()
end
function Tensor.typeAs(t, other) return t:type(other:type()) end

---------------------------------------------------------------------- elements
-- Nested Lua tables of numbers (a number for a 0-element... empty table).
function Tensor.totable(t)
  local c = t:float():contiguous()
  if c.ndim == 0 then return {} end
  local data, n = c:data(), 0
  local function build(d)
    local r = {}
    for i = 1, tonumber(c.shape[d]) do
      if d == c.ndim - 1 then r[i] = data[n]; n = n + 1 else r[i] = build(d + 1) end
    end
    return r
  end
  return build(0)
end

-- The single value of a one-element tensor.
function Tensor.item(t)
  if t:nElement() ~= 1 then fail('Tensor:item', 'expected one element, the tensor is ' .. shape_str(t)) end
  return t:float():contiguous():data()[0]
end

---------------------------------------------------------------------- metatable
local mt = {}

-- Every other key (x[i], x[{2, {1, 3}}], x[size], x.unknown) and every assignment go to
-- stn/tensor/subscript.lua, which fills in this table; the tail calls leave the indexing
-- line as the caller, for the errors raised there.
local subscript = {}
mt.__index = function(t, k)
  if type(k) == 'number' then return subscript.number(t, k) end
  local m = Tensor[k]
  if m ~= nil then return m end
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
  if a.ndim == 2 and b.ndim == 2 then return Tensor.new(a):mm(a, b) end
  if a.ndim == 2 and b.ndim == 1 then return Tensor.new(a):mv(a, b) end
  if a.ndim == 1 and b.ndim == 1 then return a:dot(b) end
  fail('Tensor *', ('cannot multiply %s by %s'):format(shape_str(a), shape_str(b)), 1)
end
mt.__div = function(a, b)
  if type(b) ~= 'number' then fail('Tensor /', 'can only divide by a number', 1) end
  return a:clone():div(b)
end

ffi.metatype(tensor_ct, mt)
registry['stn.Tensor'] = Tensor

-- helpers for the other tensor files
Tensor._private = {
  empty = empty, is_tensor = is_tensor, shape_str = shape_str, fail = fail, cdim = cdim,
  construct = construct, view_of = view_of, resize_to = resize_to, sizes_of = sizes_of, typename_of = typename_of,
}
Tensor._private.subscript = subscript

return Tensor
