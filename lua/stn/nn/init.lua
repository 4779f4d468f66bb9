-- stn.nn: the neural-network modules, one file each (stn/nn/<Name>.lua, the spatial
-- transformer's in stn/spatial/), loaded on first use: stn.nn.Linear is
-- require('stn.nn.Linear'); a class registered elsewhere as 'nn.<Name>' (stn.class) is
-- stn.nn.<Name> too. A name Torch7's nn has and stn does not reads as a placeholder
-- raising an error saying so when used, rather than nil; other unknown names give nil.
local nn = {}

local class = require 'stn.class'
local torch7 = require 'stn.nn.torch7_names'
local errors = require 'stn.errors'

-- modules kept with the rest of their area
local elsewhere = {}
for _, name in ipairs { 'AffineTransformMatrixGenerator', 'AffineGridGenerator', 'AffineGridGeneratorBHWD',
  'BilinearSamplerBHWD', 'GridSampler', 'SpatialTransformer',
  'ProjectiveGridGenerator', 'ProjectiveTransformMatrixGenerator', 'TPSGridGenerator' } do
  elsewhere[name] = 'stn.spatial.' .. name
end

-- A Torch7 nn name stn lacks reads as a placeholder that raises "stn: nn.<Name>: not
-- supported yet" at the caller's line when it is used (called, indexed or assigned to),
-- so a script may still read it (Torch7's test.lua keeps `sjac = nn.SparseJacobian`).
local placeholders = {}
local function absent(name)
  local p = placeholders[name]
  if p then return p end
  local function raise() errors.fail('nn.' .. name, 'not supported yet') end
  p = setmetatable({}, { __call = raise, __index = raise, __newindex = raise,
    __tostring = function() return 'nn.' .. name .. ' (not supported yet)' end })
  placeholders[name] = p
  return p
end

setmetatable(nn, {
  __index = function(t, name)
    if type(name) ~= 'string' then return nil end
    local modname = elsewhere[name] or 'stn.nn.' .. name
    if not package.searchpath(modname, package.path) then
      -- a module class defined elsewhere with stn.class('nn.<Name>', ...), as in Torch7
      local c = class.registry['nn.' .. name]
      if c == nil and torch7[name] then return absent(name) end
      return c
    end
    local m = require(modname)
    rawset(t, name, m)
    return m
  end,
})

return nn
