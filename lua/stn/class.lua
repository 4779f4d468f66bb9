-- class: Torch7-style classes. stn.class('nn.Linear', 'nn.Module') returns the new
-- class and its parent; calling the class constructs an instance through __init.
-- Classes are registered by name so that stn.load can rebuild saved objects.
local class = { registry = {} }

-- Metamethods a subclass inherits (Lua looks them up raw on the metatable).
local inherited = { '__tostring', '__len', '__concat', '__call__' }

local function resolve(name_or_class)
  if type(name_or_class) == 'table' then return name_or_class end
  local c = class.find(name_or_class)
  if not c then error('stn.class: unknown parent class ' .. tostring(name_or_class), 3) end
  return c
end

function class.new(name, parent)
  if type(name) ~= 'string' then error('stn.class: expected a class name, got ' .. type(name), 2) end
  local p = parent and resolve(parent)
  local cls = { __typename = name }
  cls.__index = cls
  if p then
    for _, k in ipairs(inherited) do cls[k] = rawget(p, k) end
  end
  setmetatable(cls, {
    __index = p,
    __call = function(c, ...)
      local obj = setmetatable({}, c)
      if c.__init then c.__init(obj, ...) end
      return obj
    end,
    __tostring = function() return 'class ' .. name end,
  })
  class.registry[name] = cls
  return cls, p
end

-- The class registered under name, loading stn.nn.<X> on demand for 'nn.<X>'.
function class.find(name)
  local c = class.registry[name]
  if c then return c end
  local short = type(name) == 'string' and name:match('^nn%.([%w_]+)$')
  if short then
    local ok = pcall(function() return require('stn.nn')[short] end)
    if ok then return class.registry[name] end
  end
  return nil
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
