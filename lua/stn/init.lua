-- stn: Spatial Transformer Networks for LuaJIT, in the style of Torch7.
--   local stn = require 'stn'
--   local x = stn.Tensor(2, 3):uniform()
--   local net = stn.nn.Sequential():add(stn.nn.Linear(3, 4))
-- Sets no globals. The table is stn.base's functions (tensors, classes, process
-- settings) and the areas, each loaded on first use: stn.nn, stn.optim, stn.data,
-- stn.image, stn.spatial, stn.save, stn.load.
local stn = {}
for k, v in pairs(require 'stn.base') do stn[k] = v end

-- A Torch7 function stn does not have reads as a function raising "not supported yet".
local absent = require('stn.tensor.torch7_names').function_raisers
local lazy = {
  nn = 'stn.nn', optim = 'stn.optim', data = 'stn.data', image = 'stn.image', spatial = 'stn.spatial',
  save = { 'stn.serialize', 'save' }, load = { 'stn.serialize', 'load' },
}
setmetatable(stn, {
  __index = function(t, k)
    local what = lazy[k]
    if what == nil then return absent[k] end
    local v
    if type(what) == 'string' then v = require(what) else v = require(what[1])[what[2]] end
    rawset(t, k, v)
    return v
  end,
})

return stn
