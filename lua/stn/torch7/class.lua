-- Torch7's class functions (torch7 init.lua and lib/luaT) on stn's class system
-- (stn/class.lua), so that classes made here are the ones stn.load and stn.type know:
--   torch.class(name [, parentName] [, module])  -> the class, its parent
--   torch.getmetatable(name), torch.setmetatable(obj, name), torch.isTypeOf(obj, spec)
-- As in Torch7, torch.class stores the new class in its module: the table given, else the
-- global table reached by the name's prefix ('nn.Foo' -> _G.nn.Foo, 'Foo' -> _G.Foo).
-- stn's class is one table: the methods, the metatable of its instances and the
-- constructor (Torch7 keeps a separate constructor table); Foo.new is the constructor too.
local class = require 'stn.class'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local P = Tensor._private

local M = {}

local function parent_of(cls)
  local mt = getmetatable(cls)
  local p = mt and rawget(mt, '__index')
  return type(p) == 'table' and rawget(p, '__typename') and p or nil
end

-- The table a class named 'a.b.C' is stored in: _G.a.b (Torch7 walks the globals too).
local function module_of(name)
  local path = name:match('^(.*)%.[^.]+$')
  if not path then return _G end
  local t = _G
  local walked = nil
  for part in path:gmatch('[^.]+') do
    walked = walked and (walked .. '.' .. part) or part
    t = t[part]
    if type(t) ~= 'table' then
      errors.fail('class', 'cannot create class %s: %s is not a table (the module the class goes in)', name, walked)
    end
  end
  return t
end

-- torch.class(name), (name, parentName), (name, module), (name, parentName, module):
-- Torch7's four forms, told apart by argument types as Torch7 does.
function M.class(...)
  local n = select('#', ...)
  local a, b, c = ...
  local name, parent_name, module
  if n == 1 and type(a) == 'string' then name = a
  elseif n == 2 and type(a) == 'string' and type(b) == 'string' then name, parent_name = a, b
  elseif n == 2 and type(a) == 'string' and type(b) == 'table' then name, module = a, b
  elseif n == 3 and type(a) == 'string' and type(b) == 'string' and type(c) == 'table' then
    name, parent_name, module = a, b, c
  else
    errors.fail('class', 'expected <class name> [<parent class name>] [<module table>]')
  end
  local parent
  if parent_name then
    parent = class.find(parent_name)
    if not parent then errors.fail('class', 'unknown parent class %s of %s', parent_name, name) end
  end
  module = module or module_of(name)

  -- A name seen before is the same class (Torch7 keeps one metatable per name); it may
  -- gain a parent once.
  local cls = class.registry[name]
  if cls then
    if parent then
      local old = parent_of(cls)
      if old then errors.fail('class', 'class %s already has a parent class (%s)', name, old.__typename) end
      getmetatable(cls).__index = parent
    end
  else
    cls = class.new(name, parent)
    rawset(cls, 'new', function(...) return cls(...) end)
  end
  module[name:match('([^.]+)$')] = cls
  return cls, parent
end

-- A tensor type's methods as Torch7's metatable shows them (one table per type name):
-- reading a method gives it (a Torch7 method stn lacks: the function raising "not
-- supported yet"), defining one adds it to that type alone, as in Torch7.
local absent = require('stn.tensor.torch7_names').method_raisers
local tensor_metatables = {}
for name, typed in pairs(P.typed_methods) do
  tensor_metatables[name] = setmetatable({}, {
    __index = function(_, k)
      local m = typed[k]
      if m == nil then m = Tensor[k] end
      if m == nil then m = absent[k] end
      return m
    end,
    __newindex = function(_, k, v) P.add_typed_method(name, k, v) end,
  })
end

-- The methods table of a type: a class by name, or a tensor type's; nil for an unknown
-- name, as in Torch7.
function M.getmetatable(name)
  if type(name) ~= 'string' then errors.fail('getmetatable', 'expected a type name, got %s', type(name)) end
  return tensor_metatables[name] or class.find(name)
end

-- obj becomes an instance of the class named name; returns obj.
function M.setmetatable(obj, name)
  if type(obj) ~= 'table' then errors.fail('setmetatable', 'expected a table, got %s', type(obj)) end
  local cls = type(name) == 'string' and class.find(name)
  if not cls then errors.fail('setmetatable', 'unknown class %s', tostring(name)) end
  return setmetatable(obj, cls)
end

-- true when obj's type or one of its ancestors matches spec: a class (its name), a
-- name, or a Lua pattern (a plain name must match whole, as in Torch7).
function M.isTypeOf(obj, spec)
  if type(spec) == 'table' and rawget(spec, '__typename') then spec = spec.__typename end
  if type(spec) ~= 'string' then
    errors.fail('isTypeOf', 'expected a class, a type name or a pattern, got %s', type(spec))
  end
  local function matches(tname)
    local m = tname:match(spec)
    return m ~= nil and (m ~= spec or m == tname)
  end
  if P.is_tensor(obj) then return matches(P.typename_of(obj)) end
  local c = type(obj) == 'table' and getmetatable(obj)
  while type(c) == 'table' and rawget(c, '__typename') do
    if matches(c.__typename) then return true end
    c = parent_of(c)
  end
  return false
end

return M
