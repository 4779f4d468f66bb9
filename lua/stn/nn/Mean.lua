-- nn.Mean(dim, nInputDims): nn.Sum(dim, nInputDims, true), the mean along dim (Torch7
-- keeps it for old scripts; it prints as nn.Mean).
local class = require 'stn.class'
require 'stn.nn.Sum'

local Mean, parent = class.new('nn.Mean', 'nn.Sum')

function Mean:__init(dimension, nInputDims)
  parent.__init(self, dimension, nInputDims, true)
end

return Mean
