-- class: Torch7-style classes. stn.class('nn.Linear', 'nn.Module') returns the new
-- class and its parent; calling the class constructs an instance through __init.
-- Classes are registered by name so that stn.load can rebuild saved objects.
--
-- Operators work as in Torch7's class system (luaT): a class defines them under
-- Torch7's names (__call__, __tostring__, __len__, __unm__, __add__, __sub__, __mul__,
-- __div__, __mod__, __pow__, __concat__, __eq__, __lt__, __le__) or under Lua's own
-- (__call, __tostring, ...), and subclasses inherit them; the nearest class that
-- defines one, in either spelling, wins. Without a definition, tostring gives the class
-- name, == compares identity, and anything else is an error naming the class.
local errors = require 'stn.errors'

local class = { registry = {} }

-- Lua metamethod name -> how Torch7 handles a class that lacks it.
local OPERATORS = {
  tostring = 'name', call = 'call', len = 'length', unm = 'negation',
  add = 'addition', sub = 'subtraction', mul = 'multiplication', div = 'division', mod = 'modulo',
  pow = 'power', concat = 'concat', eq = 'equality', lt = 'less-than', le = 'less-equal',
}
local BINARY = { add = true, sub = true, mul = true, div = true, mod = true, pow = true, concat = true, eq = true,
                 lt = true, le = true }

local dispatch = {} -- Lua name ('__add') -> the one function every class installs for it

local function parent_of(cls)
  local mt = getmetatable(cls)
  local p = mt and rawget(mt, '__index')
  return type(p) == 'table' and rawget(p, '__typename') and p or nil
end

local function is_instance_table(v)
  local mt = type(v) == 'table' and getmetatable(v)
  return type(mt) == 'table' and rawget(mt, '__typename') ~= nil and rawget(mt, '__index') == mt
end

-- The function defining operator op for objects of class cls: at each class from cls
-- up, Torch7's spelling first, then Lua's (unless it is the shared dispatcher).
local function resolve(cls, op)
  local torch_name, lua_name = '__' .. op .. '__', '__' .. op
  local c = cls
  while c do
    local f = rawget(c, torch_name)
    if f ~= nil and f ~= class.base_tostring then return f end
    f = rawget(c, lua_name)
    if f ~= nil and f ~= dispatch[lua_name] then return f end
    c = parent_of(c)
  end
  return nil
end

local function typename(v)
  if is_instance_table(v) then return getmetatable(v).__typename end
  return type(v)
end

for op, what in pairs(OPERATORS) do
  local lua_name = '__' .. op
  if op == 'tostring' then
    dispatch[lua_name] = function(self)
      local f = resolve(getmetatable(self), op)
      if f then return f(self) end
      return getmetatable(self).__typename
    end
  elseif BINARY[op] then
    dispatch[lua_name] = function(a, b)
      local owner = is_instance_table(a) and a or b
      local f = resolve(getmetatable(owner), op)
      if f then return f(a, b) end
      if op == 'eq' then return rawequal(a, b) end
      errors.fail('class', 'both %s and %s have no %s operator', typename(a), typename(b), what)
    end
  else
    dispatch[lua_name] = function(self, ...)
      local f = resolve(getmetatable(self), op)
      if f then return f(self, ...) end
      errors.fail(typename(self), 'has no %s operator', what)
    end
  end
end

-- obj:__tostring__() where no class defines a string: the class name, as tostring gives.
function class.base_tostring(self) return getmetatable(self).__typename end

-- Method definitions on a class go through here (for names not yet set on it). The two
-- spellings of an operator name one method: defining either sets both (so
-- parent.__tostring__(self) finds a parent's __tostring), and Lua's slot then holds the
-- method itself, or the dispatcher when the Torch7 name was given.
local function define(cls, key, value)
  if key == '__index__' or key == '__newindex__' then
    errors.fail('class', "%s: %s (Torch7's custom indexing) is not supported", rawget(cls, '__typename'), key)
  end
  rawset(cls, key, value)
  if type(key) ~= 'string' then return end
  local op = key:match('^__(%l+)__$')
  if op and OPERATORS[op] then
    rawset(cls, '__' .. op, dispatch['__' .. op])
    return
  end
  op = key:match('^__(%l+)$')
  if op and OPERATORS[op] and value ~= dispatch[key] then rawset(cls, '__' .. op .. '__', value) end
end

-- Before a class's first instance: Lua looks operators up in the class itself, so each
-- one the class does not define gets the dispatcher, which finds the inherited one.
local ready = setmetatable({}, { __mode = 'k' })
local function prepare(cls)
  if ready[cls] then return end
  for lua_name, f in pairs(dispatch) do
    if rawget(cls, lua_name) == nil then rawset(cls, lua_name, f) end
  end
  ready[cls] = true
end

local function resolve_parent(name_or_class)
  if type(name_or_class) == 'table' then return name_or_class end
  -- (not prepared here: the parent may still be getting its methods)
  local c = class.registry[name_or_class] or class.find(name_or_class)
  if not c then errors.fail('class', 'unknown parent class ' .. tostring(name_or_class)) end
  return c
end

function class.new(name, parent)
  if type(name) ~= 'string' then errors.fail('class', 'expected a class name, got ' .. type(name)) end
  local p = parent and resolve_parent(parent)
  local cls = { __typename = name }
  cls.__index = cls
  if not p then cls.__tostring__ = class.base_tostring end
  setmetatable(cls, {
    __index = p,
    __newindex = define,
    __call = function(c, ...)
      if not ready[c] then prepare(c) end
      local obj = setmetatable({}, c)
      if c.__init then c.__init(obj, ...) end
      return obj
    end,
    __tostring = function() return 'class ' .. name end,
  })
  class.registry[name] = cls
  return cls, p
end

-- The class registered under name, loading stn.nn.<X> on demand for 'nn.<X>' (the nn
-- modules are classes built on this file, so stn.nn is reached only when a name asks
-- for it: stn.load meeting a saved nn module before its file was loaded).
-- (Ready for instances: stn.load sets it as the metatable of what it rebuilds.)
function class.find(name)
  local c = class.registry[name]
  if not c then
    local short = type(name) == 'string' and name:match('^nn%.([%w_]+)$')
    if short and pcall(function() return require('stn.nn')[short] end) then c = class.registry[name] end
  end
  if c then prepare(c) end
  return c
end

-- true when obj's class is name or derives from it.
function class.isinstance(obj, name)
  local mt = type(obj) == 'table' and getmetatable(obj)
  while mt do
    if mt.__typename == name then return true end
    mt = getmetatable(mt) and getmetatable(mt).__index
  end
  return false
end

return setmetatable(class, { __call = function(_, ...) return class.new(...) end })
