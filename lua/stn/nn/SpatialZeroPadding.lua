-- nn.SpatialZeroPadding(pad_l, [pad_r], [pad_t], [pad_b]): pads the W and H dims of
-- C x H x W or B x C x H x W images with zeros, as Torch7's; a negative pad crops that
-- side. The part of the input kept is copied into the matching part of the output.
local stn = require 'stn.base'
local class = require 'stn.class'
local padding = require 'stn.nn.padding'

local SpatialZeroPadding, parent = class.new('nn.SpatialZeroPadding', 'nn.Module')

function SpatialZeroPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  padding.init(self, pad_l, pad_r, pad_t, pad_b)
end

-- a (the padded tensor) and b (the unpadded one) narrowed to the region they share; nil
-- when a crop takes the whole input (then the output is all padding).
local function overlap(self, a, b, dh, dw)
  for _, s in ipairs { { dh, self.pad_t, self.pad_b }, { dw, self.pad_l, self.pad_r } } do
    local d, lo, hi = s[1], s[2], s[3]
    local n = b:size(d) - math.max(-lo, 0) - math.max(-hi, 0) -- the input kept
    if n < 1 then return nil end
    a = a:narrow(d, 1 + math.max(lo, 0), n)
    b = b:narrow(d, 1 + math.max(-lo, 0), n)
  end
  return a, b
end

function SpatialZeroPadding:updateOutput(input)
  local dh, dw, oh, ow = padding.sizes(self, input, false)
  local size = input:size():totable()
  size[dh], size[dw] = oh, ow
  self.output:resize(unpack(size)):zero()
  local out, inp = overlap(self, self.output, input, dh, dw)
  if out then out:copy(inp) end
  return self.output
end

function SpatialZeroPadding:updateGradInput(input, gradOutput)
  local dh, dw, oh, ow = padding.sizes(self, input, false)
  padding.check_grad(self, input, gradOutput, oh, ow)
  self.gradInput:resizeAs(input):zero()
  local g, gi = overlap(self, gradOutput, self.gradInput, dh, dw)
  if g then gi:copy(g) end
  return self.gradInput
end

SpatialZeroPadding.checkLoaded = padding.checkLoaded

function SpatialZeroPadding:__tostring()
  return stn.type(self) .. padding.tostring(self)
end

return SpatialZeroPadding
