-- nn.ReLU([inplace = false]): y = max(x, 0), Torch7's Threshold(0, 0).
local class = require 'stn.class'
require 'stn.nn.Threshold'

local ReLU, parent = class.new('nn.ReLU', 'nn.Threshold')

function ReLU:__init(inplace)
  parent.__init(self, 0, 0, inplace)
end

return ReLU
