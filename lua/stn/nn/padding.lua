-- Shared by nn.SpatialZeroPadding, nn.SpatialReplicationPadding and nn.SpatialReflectionPadding
-- (Torch7's argument order pad_l, pad_r, pad_t, pad_b; a negative pad crops that side):
-- the constructor's checks, the input and gradOutput checks, and the border maps that
-- replication and reflection read through index / indexAdd (so they run on every type
-- and device stn's index ops take).
local checks = require 'stn.nn.checks'

local padding = {}

-- pad_l is required; the others default to it, as Torch7's. Each an integer of any sign.
function padding.init(self, pad_l, pad_r, pad_t, pad_b)
  self.pad_l = pad_l
  self.pad_r = pad_r or pad_l
  self.pad_t = pad_t or pad_l
  self.pad_b = pad_b or pad_l
  for _, f in ipairs { 'pad_l', 'pad_r', 'pad_t', 'pad_b' } do
    checks.c_int(self, f, self[f], -checks.INT_MAX)
  end
end

-- input is C x H x W or B x C x H x W; returns the dims of H and W, the output's H and W.
-- With reflect, a pad must be smaller than the side it reflects (Torch7 reads outside the
-- image otherwise).
function padding.sizes(self, input, reflect)
  checks.images(self, input)
  local d = input:dim()
  local h, w = input:size(d - 1), input:size(d)
  local oh, ow = h + self.pad_t + self.pad_b, w + self.pad_l + self.pad_r
  if oh < 1 or ow < 1 then
    checks.fail(self, ('input %s is too small for pads l=%d, r=%d, t=%d, b=%d: the output would be %dx%d')
      :format(checks.shape(input), self.pad_l, self.pad_r, self.pad_t, self.pad_b, oh, ow))
  end
  if reflect then
    for _, p in ipairs { { 'pad_l', w }, { 'pad_r', w }, { 'pad_t', h }, { 'pad_b', h } } do
      if self[p[1]] >= p[2] then
        checks.fail(self, ('%s = %d must be smaller than the side it reflects (input %s)'):format(p[1], self[p[1]],
          checks.shape(input)))
      end
    end
  end
  return d - 1, d, oh, ow
end

-- gradOutput has the output's shape for this input.
function padding.check_grad(self, input, gradOutput, oh, ow)
  checks.tensor(self, gradOutput, 'gradOutput')
  local ok = gradOutput:dim() == input:dim()
  local d = input:dim()
  for k = 1, d - 2 do ok = ok and gradOutput:size(k) == input:size(k) end
  ok = ok and gradOutput:size(d - 1) == oh and gradOutput:size(d) == ow
  if not ok then
    local want = input:size():totable()
    want[d - 1], want[d] = oh, ow
    checks.fail(self, ('gradOutput is %s but the output is %s'):format(checks.shape(gradOutput), table.concat(want, 'x')))
  end
end

-- The 1-based input position each of n output positions reads along a side of size s with
-- pads lo (before) and hi (after): clamped to the side (replicate) or mirrored about its
-- end pixels (reflect).
function padding.map(s, lo, n, reflect)
  local m = {}
  for j = 0, n - 1 do
    local x = j - lo -- 0-based input position
    if reflect then
      if x < 0 then x = -x elseif x > s - 1 then x = 2 * (s - 1) - x end
    else
      x = math.max(0, math.min(s - 1, x))
    end
    m[j + 1] = x + 1
  end
  return m
end

-- forward and backward of replication (reflect false) and reflection through index maps:
-- output = input rows mapH, columns mapW; gradInput sums gradOutput back with indexAdd.
-- The work buffer (the columns picked, or their gradient), of the input's type and device.
local function buffer(self, input)
  local b = self._columns
  if b == nil or b:type() ~= input:type() then self._columns = input.new() end
end

function padding.forward(self, input, reflect)
  local dh, dw, oh, ow = padding.sizes(self, input, reflect)
  buffer(self, input)
  local mw = padding.map(input:size(dw), self.pad_l, ow, reflect)
  local mh = padding.map(input:size(dh), self.pad_t, oh, reflect)
  self._columns:index(input, dw, mw)
  self.output:index(self._columns, dh, mh)
  return self.output
end

function padding.backward(self, input, gradOutput, reflect)
  local dh, dw, oh, ow = padding.sizes(self, input, reflect)
  padding.check_grad(self, input, gradOutput, oh, ow)
  local mw = padding.map(input:size(dw), self.pad_l, ow, reflect)
  local mh = padding.map(input:size(dh), self.pad_t, oh, reflect)
  buffer(self, input)
  local size = gradOutput:size():totable()
  size[dh] = input:size(dh)
  self._columns:resize(unpack(size)):zero():indexAdd(dh, mh, gradOutput)
  self.gradInput:resizeAs(input):zero():indexAdd(dw, mw, self._columns)
  return self.gradInput
end

-- stn.load's check (checks.lua): the four pads are integers of any sign.
function padding.checkLoaded(self)
  for _, f in ipairs { 'pad_l', 'pad_r', 'pad_t', 'pad_b' } do checks.loaded_int(self, f, -checks.INT_MAX) end
end

function padding.tostring(self)
  return ('(l=%d, r=%d, t=%d, b=%d)'):format(self.pad_l, self.pad_r, self.pad_t, self.pad_b)
end

return padding
