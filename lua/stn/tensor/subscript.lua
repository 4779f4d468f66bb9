-- Torch7's subscripts, read and written, on CPU and CUDA tensors:
--   x[i]            1-D: the number at i; more dims: the view x:select(1, i)
--   x[{a, {}, {b}, {c, d}}]   per dim: select a, keep the dim whole, narrow to b, narrow to c..d
--                   (fewer entries than dims keep the rest whole; all numbers: the element)
--   x[size]         a size object with one entry per dim: the element
--   x[...] = v      sets the element, fills the view (number) or copies into it (tensor)
-- Negative indices count from the end (-1 is the last). Tensor.lua's metatable sends here
-- every key that is not a method (nor x.new); the number key comes first, so that x[i] in
-- a loop over a 1-D CPU tensor costs a bounds check and a load, without any allocation.
-- A string key names a field: a Torch7 method stn lacks reads as a function raising "not
-- supported yet" (stn/tensor/torch7_names.lua), any other as nil.
local Tensor = require 'stn.Tensor'
local fail = require('stn.errors').fail
local P = Tensor._private
local is_tensor, shape_str, view_of, typename_of = P.is_tensor, P.shape_str, P.view_of, P.typename_of
local get_element = P.element_at -- the value at a storage offset (a CUDA one copied back)
local in_storage, float_at, set_geometry = P.in_storage, P.float_at, P.set_geometry
local Size = Tensor.Size
local floor = math.floor

local S = P.subscript -- the table the metatable calls: number, read, write
local absent = require('stn.tensor.torch7_names').method_raisers

---------------------------------------------------------------------- errors
-- A key or value as the user wrote it, for messages: {2, {1, 3}}, <stn.FloatTensor 3x3>.
local function describe(v, depth)
  local ty = type(v)
  if ty == 'number' then
    if v == floor(v) and math.abs(v) < 2 ^ 53 then return ('%d'):format(v) end
    return tostring(v)
  elseif ty == 'string' then return ('%q'):format(v)
  elseif is_tensor(v) then return ('<%s %s>'):format(typename_of(v), shape_str(v))
  elseif ty == 'table' then
    if getmetatable(v) == Size then return ('<size %s>'):format(tostring(v)) end
    depth = depth or 0
    if depth > 2 then return '{...}' end
    local parts, n = {}, #v
    for i = 1, math.min(n, 8) do parts[i] = describe(v[i], depth + 1) end
    if n > 8 then parts[#parts + 1] = '...' end
    return '{' .. table.concat(parts, ', ') .. '}'
  elseif ty == 'nil' or ty == 'boolean' then return tostring(v)
  end
  return '<' .. ty .. '>'
end

-- Raises "stn: Tensor index: x[<key>] on a tensor of size 2x3: <msg>" at the line that
-- indexed (the user's line, stn.errors).
local function raise(t, key, msg, assigning, v)
  local on = t.ndim == 0 and 'an empty tensor' or ('a tensor of size %s'):format(shape_str(t))
  fail('Tensor index', ('x[%s]%s on %s: %s'):format(describe(key), assigning and (' = ' .. describe(v)) or '', on, msg))
end

---------------------------------------------------------------------- positions and views
-- As in Lua (and Torch7), a numeric string counts as a number.
local function as_number(e)
  if type(e) == 'number' then return e end
  if type(e) == 'string' then return tonumber(e) end
  return nil
end

-- The 1-based position of index e in a dim of size n (Torch7's rule: -1 is the last,
-- -n the first), or nil and why not. Torch7 truncates a fractional index; stn refuses it.
local function position(e, n)
  if e ~= floor(e) then return nil, 'is not an integer' end
  local p = e < 0 and e + n + 1 or e
  if p < 1 or p > n then return nil, 'out of range' end
  return p
end

-- The dims a subscript keeps, as (size, stride) pairs; scratch reused by every call
-- (subscripts never nest: nothing here calls back into Lua code that could index).
local kept_size, kept_stride = {}, {}

-- A view of t at storage offset off with the kept dims.
local function make_view(t, off, kept)
  return set_geometry(view_of(t), off, kept_size, kept_stride, kept)
end

-- A one-element 1-D view of the element at storage offset off (CUDA reads and writes).
local function cell(t, off)
  kept_size[1], kept_stride[1] = 1, 1
  return make_view(t, off, 1)
end

local function set_element(t, off, v)
  if t.device == 0 then P.store(t, off, v, 'Tensor index') else cell(t, off):fill(v) end
end

-- The position of index e in dim d, or an error naming both; entry: e's place in a
-- table key (nil for a number key).
local function entry_position(t, key, d, e, entry, assigning, v)
  local n = tonumber(t.shape[d - 1])
  local p, why = position(e, n)
  if not p then
    raise(t, key, ('index %s%s %s for dimension %d of size %d')
      :format(describe(e), entry and (' (entry %d)'):format(entry) or '', why, d, n), assigning, v)
  end
  return p
end

-- {}, {a} or {a, b} for dim d: its first and last positions, or an error.
local function entry_range(t, key, d, r, assigning, v)
  local n = tonumber(t.shape[d - 1])
  local a, b = rawget(r, 1), rawget(r, 2)
  local function bad(msg)
    raise(t, key, ('range %s (entry %d) %s'):format(describe(r), d, msg), assigning, v)
  end
  if rawget(r, 3) ~= nil then bad('has more than two entries; expected {}, {i} or {first, last}') end
  local first, last = 1, n
  if a ~= nil then
    a = as_number(a)
    if not a then bad('starts with a ' .. type(rawget(r, 1)) .. '; expected numbers') end
    first, last = a, a
  end
  if b ~= nil then
    b = as_number(b)
    if not b then bad('ends with a ' .. type(rawget(r, 2)) .. '; expected numbers') end
    last = b
  end
  local p, why = position(first, n)
  if not p then bad(('starts at %s, %s for dimension %d of size %d'):format(describe(first), why, d, n)) end
  local q, why2 = position(last, n)
  if not q then bad(('ends at %s, %s for dimension %d of size %d'):format(describe(last), why2, d, n)) end
  if q < p then bad(('ends at %d, before its start %d (dimension %d of size %d)'):format(q, p, d, n)) end
  return p, q
end

-- Walks a table key: returns the storage offset and the number of kept dims (their
-- sizes and strides in kept_size / kept_stride). No kept dim: the key names one element.
local function resolve(t, key, assigning, v)
  local nd = t.ndim
  local n = #key
  if n > nd then
    raise(t, key, ('%d entries for a %d-D tensor (too many indices)'):format(n, nd), assigning, v)
  end
  local off, kept = tonumber(t.offset), 0
  for d = 1, nd do
    local size, stride = tonumber(t.shape[d - 1]), tonumber(t.strides[d - 1])
    local e = rawget(key, d)
    local num = as_number(e)
    if num then
      off = off + (entry_position(t, key, d, num, d, assigning, v) - 1) * stride
    elseif type(e) == 'table' then
      local p, q = entry_range(t, key, d, e, assigning, v)
      off = off + (p - 1) * stride
      kept = kept + 1
      kept_size[kept], kept_stride[kept] = q - p + 1, stride
    elseif d > n then -- fewer entries than dims: the rest stay whole
      kept = kept + 1
      kept_size[kept], kept_stride[kept] = size, stride
    else
      raise(t, key, ('entry %d is a %s; expected a number, {}, {i} or {first, last}')
        :format(d, e == nil and 'nil' or type(e)), assigning, v)
    end
  end
  return off, kept
end

-- Torch7's LongStorage subscript, here a size object: one index per dim, the element.
local function resolve_size(t, key, assigning, v)
  if #key ~= t.ndim then
    raise(t, key, ('a size index needs one entry per dimension (%d), got %d'):format(t.ndim, #key), assigning, v)
  end
  local off = tonumber(t.offset)
  for d = 1, t.ndim do
    local e = as_number(key[d])
    if not e then raise(t, key, ('entry %d is a %s, not a number'):format(d, type(key[d])), assigning, v) end
    off = off + (entry_position(t, key, d, e, d, assigning, v) - 1) * tonumber(t.strides[d - 1])
  end
  return off
end

-- A tensor key: a ByteTensor mask (Torch7: x[mask] is x:maskedSelect(mask), x[mask] = v
-- is maskedFill for a number, maskedCopy for a tensor); any other tensor is refused.
local BYTE = 4
local function mask_refused(t, key, assigning, v)
  raise(t, key, ('a %s is not a mask: mask indexing (x[mask], x[mask] = v) needs a torch.ByteTensor')
    :format(P.typename_of(key)), assigning, v)
end

-- Number key: the storage offset of x:select(1, i) and its kept dims (none for 1-D).
local function select_first(t, i, assigning, v)
  if t.ndim == 0 then raise(t, i, 'cannot index an empty tensor', assigning, v) end
  local off = tonumber(t.offset) + (entry_position(t, i, 1, i, nil, assigning, v) - 1) * tonumber(t.strides[0])
  for d = 2, t.ndim do kept_size[d - 1], kept_stride[d - 1] = tonumber(t.shape[d - 1]), tonumber(t.strides[d - 1]) end
  return off, t.ndim - 1
end

---------------------------------------------------------------------- reads
function S.number(t, i)
  if t.ndim == 1 then
    local n = tonumber(t.shape[0])
    local p = i < 0 and i + n + 1 or i
    if p >= 1 and p <= n and p == floor(p) and t.device == 0 and t.dtype == 0 then
      local off = t.offset + (p - 1) * t.strides[0]
      if in_storage(t, off) then return float_at(t.mem.data, off) end
    end
  end
  local off, kept = select_first(t, i)
  if kept == 0 then return get_element(t, off) end
  return make_view(t, off, kept)
end

-- Any key that is not a number and not a method.
function S.read(t, key)
  local ty = type(key)
  if ty == 'string' then
    local i = tonumber(key)
    if i then return S.number(t, i) end
    -- a Torch7 method stn lacks: a function raising "not supported yet"; any other
    -- unknown field: nil, as in Torch7
    return absent[key]
  end
  if ty == 'table' then
    if getmetatable(key) == Size then return get_element(t, resolve_size(t, key)) end
    if t.ndim == 0 and #key == 0 then return view_of(t) end
    local off, kept = resolve(t, key)
    if kept == 0 then return get_element(t, off) end
    return make_view(t, off, kept)
  end
  if is_tensor(key) then
    if key.dtype == BYTE then return t:maskedSelect(key) end
    mask_refused(t, key)
  end
  raise(t, key, ('a %s is not an index; expected a number, a table such as {2, {1, 3}} or a size'):format(ty))
end

---------------------------------------------------------------------- writes
-- Fills (number) or copies into (tensor, same element count) the view, as Torch7 does.
local function assign_view(t, key, view, v)
  local num = as_number(v)
  if num then view:fill(num); return end
  if not is_tensor(v) then
    raise(t, key, ('cannot assign a %s; expected a number or a tensor'):format(type(v)), true, v)
  end
  local n, m = view:nElement(), v:nElement()
  if n ~= m then
    raise(t, key, ('the view has size %s (%d elements), the tensor %s (%d): a copy needs the same number of elements')
      :format(shape_str(view), n, shape_str(v), m), true, v)
  end
  view:copy(v)
end

-- One element: Torch7 takes only a number here.
local function assign_element(t, key, off, v)
  local num = as_number(v)
  if not num then
    raise(t, key, ('one element takes a number, got a %s%s'):format(is_tensor(v) and 'tensor' or type(v),
      is_tensor(v) and '; write the last index as a range {i} to copy a one-element tensor' or ''), true, v)
  end
  if not in_storage(t, off) then
    raise(t, key, ('the element at storage offset %s lies outside the storage of the view'):format(tostring(off)), true, v)
  end
  set_element(t, off, num)
end

function S.write(t, key, v)
  local ty = type(key)
  if ty == 'number' and t.ndim == 1 and t.device == 0 and t.dtype == 0 and type(v) == 'number' then
    local n = tonumber(t.shape[0])
    local p = key < 0 and key + n + 1 or key
    if p >= 1 and p <= n and p == floor(p) then
      local off = t.offset + (p - 1) * t.strides[0]
      if in_storage(t, off) then t.mem.data[off] = v; return end
    end
  end
  if ty == 'string' and tonumber(key) then key, ty = tonumber(key), 'number' end
  if ty == 'number' then
    local off, kept = select_first(t, key, true, v)
    if kept == 0 then
      -- 1-D: Torch7 narrows to the one element, so a one-element tensor copies in.
      if is_tensor(v) then return assign_view(t, key, cell(t, off), v) end
      return assign_element(t, key, off, v)
    end
    return assign_view(t, key, make_view(t, off, kept), v)
  end
  if ty == 'table' then
    if getmetatable(key) == Size then return assign_element(t, key, resolve_size(t, key, true, v), v) end
    if t.ndim == 0 and #key == 0 then return assign_view(t, key, view_of(t), v) end
    local off, kept = resolve(t, key, true, v)
    if kept == 0 then return assign_element(t, key, off, v) end
    return assign_view(t, key, make_view(t, off, kept), v)
  end
  if is_tensor(key) then
    if key.dtype ~= BYTE then mask_refused(t, key, true, v) end
    if is_tensor(v) then t:maskedCopy(key, v) else t:maskedFill(key, v) end
    return
  end
  if ty == 'string' then raise(t, key, 'cannot set a field on a tensor', true, v) end
  raise(t, key, ('a %s is not an index; expected a number, a table such as {2, {1, 3}} or a size'):format(ty), true, v)
end

return S
