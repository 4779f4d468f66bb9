-- nn.Max(dim, nInputDims): the maximum along dim (default 1), with its positions for
-- the gradient, as Torch7's; the body is lua/stn/nn/extremum.lua, shared with nn.Min.
local class = require 'stn.class'

local Max, parent = class.new('nn.Max', 'nn.Module')
require('stn.nn.extremum')(Max, parent, 'max')

return Max
