-- nn.Min(dim, nInputDims): the minimum along dim (default 1), with its positions for
-- the gradient, as Torch7's; the body is lua/stn/nn/extremum.lua, shared with nn.Max.
local class = require 'stn.class'

local Min, parent = class.new('nn.Min', 'nn.Module')
require('stn.nn.extremum')(Min, parent, 'min')

return Min
