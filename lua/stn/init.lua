-- stn: Spatial Transformer Networks for LuaJIT, in the style of Torch7.
--   local stn = require 'stn'
--   local x = stn.Tensor(2, 3):uniform()
--   local net = stn.nn.Sequential():add(stn.nn.Linear(3, 4))
-- Sets no globals. The table is stn.base's functions (tensors, classes, process
-- settings) and the areas, each loaded on first use: stn.nn, stn.optim, stn.data,
-- stn.image, stn.spatial, stn.save, stn.load.
local stn = {}
local base = require 'stn.base'
-- (stn.Tensor and stn.Storage follow setdefaulttensortype: read from base on each use)
local DEFAULT_TYPED = { Tensor = true, Storage = true }
for k, v in pairs(base) do
  if not DEFAULT_TYPED[k] then stn[k] = v end
end

-- A Torch7 function stn does not have reads as a function raising "not supported yet".
local absent = require('stn.tensor.torch7_names').function_raisers
local lazy = {
  nn = 'stn.nn', optim = 'stn.optim', data = 'stn.data', image = 'stn.image', spatial = 'stn.spatial',
  save = { 'stn.serialize', 'save' }, load = { 'stn.serialize', 'load' },
}
setmetatable(stn, {
  __index = function(t, k)
    if DEFAULT_TYPED[k] then return base[k] end
    local what = lazy[k]
    if what == nil then return absent[k] end
    local v
    if type(what) == 'string' then v = require(what) else v = require(what[1])[what[2]] end
    rawset(t, k, v)
    return v
  end,
})

return stn
