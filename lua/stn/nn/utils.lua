-- nn.utils: walking module fields: converting every tensor to another type while
-- keeping views of one storage views of one storage (as getParameters needs), and
-- emptying buffers.
local ffi = require 'ffi'
local Tensor = require 'stn.Tensor'
local P = Tensor._private

local utils = {}

local function storage_key(t)
  return t.mem ~= nil and tostring(tonumber(ffi.cast('intptr_t', t.mem))) or nil
end

-- t converted to typename ('stn.FloatTensor' / 'stn.CudaTensor'); views of one
-- storage stay views of one (new) storage, through `map` (key -> converted storage).
local function convert_tensor(t, typename, map)
  if t:type() == typename then return t end
  local key = storage_key(t)
  if not key then return P.empty(typename == 'stn.CudaTensor' and 1 or 0) end
  local whole = map[key]
  if not whole then
    local src = P.empty(t.device)
    src:set(t)
    src.offset = 0
    src.ndim = 1
    src.shape[0] = t.mem.size
    src.strides[0] = 1
    whole = src:type(typename)
    map[key] = whole
  end
  local v = P.empty(whole.device)
  v:set(whole)
  v.offset = t.offset
  v.ndim = t.ndim
  for d = 0, t.ndim - 1 do v.shape[d] = t.shape[d]; v.strides[d] = t.strides[d] end
  return v
end

-- Converts every tensor reachable from obj's fields (tables recursively). Tensors
-- are replaced in their tables; returns the converted obj.
function utils.recursiveType(obj, typename, map, seen)
  map = map or {}
  seen = seen or {}
  if P.is_tensor(obj) then return convert_tensor(obj, typename, map) end
  if type(obj) ~= 'table' or seen[obj] then return obj end
  seen[obj] = true
  for k, v in pairs(obj) do
    if P.is_tensor(v) or type(v) == 'table' then obj[k] = utils.recursiveType(v, typename, map, seen) end
  end
  return obj
end

-- Empties the named tensor fields of obj (keeping their type); tables of tensors too.
function utils.clear(obj, ...)
  for _, name in ipairs { ... } do
    local v = obj[name]
    if P.is_tensor(v) then obj[name] = v.new(v)
    elseif type(v) == 'table' then obj[name] = {} end
  end
  return obj
end

-- A deep copy of obj: tensors cloned (views of one storage stay views of one copy),
-- tables copied with their metatables, shared references kept shared.
function utils.deepCopy(obj, map, copies)
  map = map or {}
  copies = copies or {}
  if P.is_tensor(obj) then
    -- converting to the same type would return obj itself, so go through a storage copy
    local key = storage_key(obj)
    if not key then return obj.new(obj) end
    local whole = map[key]
    if not whole then
      local src = P.empty(obj.device)
      src:set(obj)
      src.offset, src.ndim, src.shape[0], src.strides[0] = 0, 1, obj.mem.size, 1
      whole = src:clone()
      map[key] = whole
    end
    local v = P.empty(whole.device)
    v:set(whole)
    v.offset, v.ndim = obj.offset, obj.ndim
    for d = 0, obj.ndim - 1 do v.shape[d] = obj.shape[d]; v.strides[d] = obj.strides[d] end
    return v
  end
  if type(obj) ~= 'table' then return obj end
  if copies[obj] then return copies[obj] end
  local r = {}
  copies[obj] = r
  for k, v in pairs(obj) do r[utils.deepCopy(k, map, copies)] = utils.deepCopy(v, map, copies) end
  return setmetatable(r, getmetatable(obj))
end

return utils
