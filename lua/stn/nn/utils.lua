-- nn.utils: Torch7's public nn.utils (recursiveType, clear, the recursive* helpers on
-- nested tables of tensors, addSingletonDimension, contiguousView), and stn's own helpers
-- for walking module fields: flattening parameters (getParameters), deep copies, type
-- names, and the error level of the user's line.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local is_integer = errors.is_integer
local P = Tensor._private
local fail = errors.fail

local utils = {}

-- The error() level of the user's line (stn.errors.user_level).
utils.user_level = errors.user_level

utils.storage_key = P.storage_key

local function sameStrides(a, b)
  for d = 0, a.ndim - 1 do if a.strides[d] ~= b.strides[d] then return false end end
  return true
end

-- t converted to typename (a tensor type name, see Tensor.lua's type_device); views of
-- one storage stay views of one (new) storage, through `map` (key -> converted storage),
-- and one tensor met in several fields stays one tensor (map[t] -> its conversion), as
-- Torch7's conversion keeps `m1.bias == m2.bias` for a shared bias.
local function convert_tensor(t, typename, map)
  local device, msg, dtype = P.type_device(typename)
  if not device then fail('nn.utils.recursiveType', msg) end
  if t.device == device and t.dtype == dtype then return t end
  if map[t] then return map[t] end
  local key = utils.storage_key(t)
  local converted
  if not key then
    converted = P.empty(device, dtype)
  else
    local whole = map[key]
    if not whole then
      whole = P.whole_view(t):type(typename)
      map[key] = whole
    end
    converted = P.view_like(whole, t)
  end
  map[t] = converted
  return converted
end

-- Whether a module runs on the 16-bit float types (Half, BFloat16): the spatial
-- transformer's grid generators and samplers say so (halfTypes = true in their class),
-- and a container whose modules all do.
local function takes_half(obj)
  if obj.halfTypes then return true end
  if type(obj.modules) ~= 'table' or #obj.modules == 0 then return false end
  for _, m in ipairs(obj.modules) do
    if type(m) ~= 'table' or not takes_half(m) then return false end
  end
  return true
end
utils.takes_half = takes_half

-- Module:type and Criterion:type: every tensor field of obj converted to typename,
-- keeping shared storage shared (one map for the whole call, so flattened parameters stay
-- flattened); modules below are converted through their own :type, so overrides run.
-- With no typename, the current type, named as tensors name theirs ('torch.FloatTensor').
function utils.setType(obj, typename, map)
  if typename == nil then return obj._type and select(2, P.type_device(obj._type)) or 'torch.FloatTensor' end
  local device, name, dtype = P.type_device(typename)
  if not device then fail(stn.type(obj) .. ':type', name) end
  local half = P.is_half(dtype)
  if half and not takes_half(obj) then
    fail(stn.type(obj) .. ':type', '%s: this module computes in Float or Double; only the grid generators and samplers '
      .. '(nn.GridSampler, nn.BilinearSamplerBHWD, nn.AffineGridGenerator, nn.AffineGridGeneratorBHWD, '
      .. 'nn.ProjectiveGridGenerator, nn.AffineTransformMatrixGenerator, and containers of them) take Half and BFloat16', name)
  end
  if not half and not P.is_floating(dtype) then
    fail(stn.type(obj) .. ':type', '%s: modules compute in a floating type (Float, Double or Cuda)', name)
  end
  if device == 1 and not stn.hasCUDA() then fail(stn.type(obj) .. ':cuda()', 'no CUDA device: ' .. stn.cudaReason()) end
  if device == 1 and dtype ~= 0 and not half then
    fail(stn.type(obj) .. ':type', '%s: modules on CUDA compute in Float only (torch.CudaTensor)', name)
  end
  map = map or {}
  map[obj] = true -- a child that points back here is not converted twice
  for k, v in pairs(obj) do obj[k] = utils.recursiveType(v, name, map) end
  obj._type = name
  return obj
end

-- Converts every tensor reachable from obj (tables recursively) and returns the
-- converted obj; tensors are replaced in their tables. An nn module or criterion met on
-- the way converts itself through its own :type (so overrides run and its _type is set). `map`
-- is shared by the whole conversion: converted storages, and the tables already done.
function utils.recursiveType(obj, typename, map)
  map = map or {}
  if P.is_tensor(obj) then return convert_tensor(obj, typename, map) end
  if type(obj) ~= 'table' or map[obj] then return obj end
  map[obj] = true
  local mt = getmetatable(obj)
  if mt and mt.__typename and type(obj.type) == 'function'
    and (class.isinstance(obj, 'nn.Module') or class.isinstance(obj, 'nn.Criterion')) then
    obj:type(typename, map)
    return obj
  end
  for k, v in pairs(obj) do
    if P.is_tensor(v) or type(v) == 'table' then obj[k] = utils.recursiveType(v, typename, map) end
  end
  return obj
end

-- Elements from the first to one past the last element of t, in its storage.
local function span(t)
  local s = 1
  for d = 0, t.ndim - 1 do s = s + (tonumber(t.shape[d]) - 1) * tonumber(t.strides[d]) end
  return s
end

-- One contiguous tensor holding the values of every tensor of list; each tensor
-- becomes a view into it (Torch7's Module.flatten). Tensors whose storage regions
-- overlap (shared weights, or views into an earlier flat tensor) keep their relative
-- layout, so sharing survives. A tensor alone in its region with holes in it (a strided
-- view such as x:select(2, 1)) is not compact: Torch7 refuses to gather it ("Cannot
-- gather tensors that are not compact"), and so does stn. The order is that of list, so
-- two lists with the same structure (weights, gradients) get the same layout. Holes left
-- inside a region between tensors are zeros.
function utils.flatten(list, what)
  local device, dtype, regions = nil, nil, {}
  local byStorage = {}
  for i, t in ipairs(list) do
    if not P.is_tensor(t) then fail(what, 'entry %d is a %s, not a tensor', i, type(t)) end
    if t:nElement() > 0 then
      if device and t.device ~= device then fail(what, 'tensors on both cpu and cuda') end
      if dtype and t.dtype ~= dtype then
        fail(what, 'tensors of two element types (%s and %s): convert the module with :type() first',
          P.DTYPES[dtype].name, P.DTYPES[t.dtype].name)
      end
      device, dtype = t.device, t.dtype
      local lo = tonumber(t.offset)
      local item = { t = t, lo = lo, hi = lo + span(t) }
      local key = utils.storage_key(t)
      byStorage[key] = byStorage[key] or {}
      table.insert(byStorage[key], item)
    end
  end
  -- regions: overlapping intervals of one storage merged, ordered by first appearance
  for _, items in pairs(byStorage) do
    local sorted = {}
    for i, it in ipairs(items) do sorted[i] = it end
    table.sort(sorted, function(a, b) return a.lo < b.lo end)
    local cur
    for _, it in ipairs(sorted) do
      if cur and it.lo < cur.hi then
        cur.hi = math.max(cur.hi, it.hi)
        cur.items[#cur.items + 1] = it
      else
        cur = { lo = it.lo, hi = it.hi, items = { it } }
        regions[#regions + 1] = cur
      end
    end
  end
  local order = {}
  for i, t in ipairs(list) do order[t] = order[t] or i end
  for _, r in ipairs(regions) do
    r.first = math.huge
    for _, it in ipairs(r.items) do r.first = math.min(r.first, order[it.t]) end
    -- a lone strided tensor (same layout for every item) with holes: not compact
    local a = r.items[1].t
    local holes = a:nElement() < r.hi - r.lo
    for _, it in ipairs(r.items) do
      if it.lo ~= r.items[1].lo or not it.t:isSameSizeAs(a) or not sameStrides(it.t, a) then holes = false end
    end
    if holes then
      fail(what, 'cannot gather tensors that are not compact (a %s view with strides %s over %d elements of its storage, '
        .. 'as Torch7 refuses it): give the module a contiguous tensor (:clone())', tostring(a:size()),
        table.concat(a:stride():totable(), ','), r.hi - r.lo)
    end
  end
  table.sort(regions, function(a, b) return a.first < b.first end)
  local n = 0
  for _, r in ipairs(regions) do
    r.base = n
    n = n + r.hi - r.lo
  end
  if not device then return P.empty(0, P.default_dtype) end
  local flat = P.construct(device, dtype, n):zero()
  for _, r in ipairs(regions) do
    for _, it in ipairs(r.items) do
      local t = it.t
      local at = flat:storageOffset() + r.base + it.lo - r.lo
      local v = P.empty(device, dtype):set(flat.mem, at, t:size(), t:stride())
      v:copy(t)
      t:set(v)
    end
  end
  return flat
end

-- Torch7's nn.utils.clear(obj, 'a', 'b') or clear(obj, {'a', 'b'}): each named field
-- that is set is emptied: a tensor is replaced by an empty tensor of its type (rather
-- than emptied in place as Torch7's set() does, since an stn module's output may be the
-- caller's own input tensor), a table by {}, anything else by nil. Returns obj.
function utils.clear(obj, ...)
  local names = { ... }
  if type(names[1]) == 'table' and not P.is_tensor(names[1]) then names = names[1] end
  for _, name in ipairs(names) do
    local v = obj[name]
    if P.is_tensor(v) then obj[name] = P.empty(v.device, v.dtype)
    elseif type(v) == 'table' then obj[name] = {}
    elseif v then obj[name] = nil end
  end
  return obj
end

---------------------------------------------------------------------- Torch7's public helpers
-- nn.utils.recursiveResizeAs, recursiveFill, recursiveAdd, recursiveCopy,
-- addSingletonDimension and contiguousView, with Torch7's arguments and results, for
-- modules that handle tensors or nested tables of tensors (recursiveType and clear are above).

local what = stn.type
local function is_table(v) return type(v) == 'table' and not P.is_tensor(v) end

local function mismatch(fn, a, b)
  fail('nn.utils.' .. fn, 'expected nested tensors or tables, got %s and %s', what(a), what(b))
end

-- t1 takes t2's structure, each tensor resized as t2's (t1's own tensors reused, new ones
-- empty tensors of t2's type); keys t2 lacks are dropped. Returns t1, t2.
function utils.recursiveResizeAs(t1, t2)
  if is_table(t2) then
    t1 = is_table(t1) and t1 or { t1 }
    for k in pairs(t2) do t1[k], t2[k] = utils.recursiveResizeAs(t1[k], t2[k]) end
    for k in pairs(t1) do if t2[k] == nil then t1[k] = nil end end
  elseif P.is_tensor(t2) then
    t1 = P.is_tensor(t1) and t1 or P.empty(t2.device, t2.dtype)
    t1:resize(t2:size())
  else
    mismatch('recursiveResizeAs', t1, t2)
  end
  return t1, t2
end

-- Every tensor in t2 (a tensor or nested tables of them) filled with val. Returns t2.
function utils.recursiveFill(t2, val)
  if is_table(t2) then
    for k in pairs(t2) do t2[k] = utils.recursiveFill(t2[k], val) end
  elseif P.is_tensor(t2) then
    t2:fill(val)
  else
    fail('nn.utils.recursiveFill', 'expected a tensor or a table of them, got %s', what(t2))
  end
  return t2
end

-- t1 += val * t2 for matching nested tensors; recursiveAdd(t1, t2) adds t2 once.
-- Returns t1, t2.
function utils.recursiveAdd(t1, val, t2)
  if t2 == nil then
    if val == nil then fail('nn.utils.recursiveAdd', 'expected at least two arguments') end
    t2, val = val, 1
  end
  if is_table(t2) then
    t1 = is_table(t1) and t1 or { t1 }
    for k in pairs(t2) do t1[k], t2[k] = utils.recursiveAdd(t1[k], val, t2[k]) end
  elseif P.is_tensor(t1) and P.is_tensor(t2) then
    t1:add(val, t2)
  else
    mismatch('recursiveAdd', t1, t2)
  end
  return t1, t2
end

-- t1 takes t2's structure and values (tensors resized and copied, new ones of t2's type).
-- Returns t1, t2. Torch7's async flag is accepted: stn's copy has finished on return.
function utils.recursiveCopy(t1, t2, async)
  if is_table(t2) then
    t1 = is_table(t1) and t1 or { t1 }
    for k in pairs(t2) do t1[k], t2[k] = utils.recursiveCopy(t1[k], t2[k], async) end
  elseif P.is_tensor(t2) then
    t1 = P.is_tensor(t1) and t1 or P.empty(t2.device, t2.dtype)
    t1:resize(t2:size()):copy(t2)
  else
    mismatch('recursiveCopy', t1, t2)
  end
  return t1, t2
end

-- addSingletonDimension([view,] t [, dim = 1]): a view of t with a dimension of size 1
-- inserted before dimension dim (1 .. t:dim() + 1), written into view when given.
function utils.addSingletonDimension(...)
  local view, t, dim
  if select('#', ...) < 3 then t, dim = ... else view, t, dim = ... end
  local function fail(msg, ...) errors.fail('nn.utils.addSingletonDimension', msg, ...) end
  if view ~= nil and not P.is_tensor(view) then fail('expected the output tensor first, got %s', what(view)) end
  if not P.is_tensor(t) then fail('expected an input tensor, got %s', what(t)) end
  if t:dim() == 0 then fail('the input tensor is empty') end
  dim = dim or 1
  if type(dim) ~= 'number' or not is_integer(dim) or dim < 1 or dim > t:dim() + 1 then
    fail('invalid dimension %s for a tensor of %d dimensions', tostring(dim), t:dim())
  end
  if t:dim() + 1 > P.MAX_DIM then fail('the input already has the most dimensions') end
  local sizes, strides = t:size():totable(), t:stride():totable()
  table.insert(sizes, dim, 1)
  table.insert(strides, dim, 1)
  view = view or P.empty(t.device, t.dtype)
  view:set(t)
  return P.set_geometry(view, t.offset, sizes, strides)
end

-- contiguousView(output, input, sizes...): output viewing input with the sizes; a
-- non-contiguous input is copied into output first. output may be nil (a new tensor).
function utils.contiguousView(output, input, ...)
  if not P.is_tensor(input) then
    fail('nn.utils.contiguousView', 'expected an input tensor, got %s', what(input))
  end
  output = output or P.empty(input.device, input.dtype)
  if input:isContiguous() then return output:view(input, ...) end
  output:resize(input:size()):copy(input)
  return output:view(output, ...)
end

-- A deep copy of obj: tensors cloned (views of one storage stay views of one copy),
-- tables copied with their metatables, shared references kept shared.
function utils.deepCopy(obj, map, copies)
  map = map or {}
  copies = copies or {}
  if P.is_tensor(obj) then
    -- converting to the same type would return obj itself, so go through a storage copy
    local key = utils.storage_key(obj)
    if not key then return obj.new() end
    local whole = map[key]
    if not whole then
      whole = P.whole_view(obj):clone()
      map[key] = whole
    end
    return P.view_like(whole, obj)
  end
  if type(obj) ~= 'table' then return obj end
  if copies[obj] then return copies[obj] end
  local r = {}
  copies[obj] = r
  for k, v in pairs(obj) do r[utils.deepCopy(k, map, copies)] = utils.deepCopy(v, map, copies) end
  return setmetatable(r, getmetatable(obj))
end

-- Torch7's print form of a pooling layer: "nn.SpatialMaxPooling(2x2, 2,2[, padW,padH])".
function utils.pooling_string(self)
  local s = ('%s(%dx%d, %d,%d'):format(stn.type(self), self.kW, self.kH, self.dW, self.dH)
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.padW, self.padH) end
  return s .. ')'
end

return utils
