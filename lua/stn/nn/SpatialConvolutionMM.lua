-- nn.SpatialConvolutionMM: Torch7's name for the im2col + GEMM convolution, which is
-- what nn.SpatialConvolution does here; the same module under its own type name.
local class = require 'stn.class'
require 'stn.nn.SpatialConvolution'

local SpatialConvolutionMM = class.new('nn.SpatialConvolutionMM', 'nn.SpatialConvolution')

return SpatialConvolutionMM
