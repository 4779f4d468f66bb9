-- stn.nn: the neural-network modules, one file each (stn/nn/<Name>.lua), loaded on
-- first use: stn.nn.Linear is require('stn.nn.Linear'); a class registered elsewhere as
-- 'nn.<Name>' (stn.class) is stn.nn.<Name> too.
local nn = {}

setmetatable(nn, {
  __index = function(t, name)
    if type(name) ~= 'string' then return nil end
    local modname = 'stn.nn.' .. name
    if not package.searchpath(modname, package.path) then
      -- a module class defined elsewhere with stn.class('nn.<Name>', ...), as in Torch7
      return require('stn.class').registry['nn.' .. name]
    end
    local m = require(modname)
    rawset(t, name, m)
    return m
  end,
})

return nn
