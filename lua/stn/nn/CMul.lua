-- nn.CMul(size...) or nn.CMul(LongStorage): y = w .* x with a learnable weight w of the
-- given size, as Torch7's. w meets the input in one of three ways, as there: the same
-- number of elements (multiplied element by element in row-major order); the same number
-- of dimensions (each of w's sizes equal to the input's or 1, broadcast); otherwise a
-- batch (the input's first dimension B, the rest holding w's elements per sample).
-- reset(stdv) draws w uniformly in +-stdv * sqrt(3), +-1/sqrt(#w) without stdv. Built on
-- stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local errors = require 'stn.errors'

local CMul, parent = class.new('nn.CMul', 'nn.Module')

function CMul:__init(...)
  parent.__init(self)
  local args = { ... }
  local sizes = {}
  if #args == 1 and type(args[1]) ~= 'number' and stn.type(args[1]) == 'torch.LongStorage' then
    for i = 1, args[1]:size() do sizes[i] = args[1][i] end
  else
    sizes = args
  end
  if select('#', ...) == 0 or #sizes == 0 then checks.fail(self, 'usage: nn.CMul(size...) or nn.CMul(LongStorage)') end
  for i = 1, select('#', ...) > #args and select('#', ...) or #sizes do
    if not errors.is_integer(sizes[i]) or sizes[i] < 1 then
      checks.fail(self, ('size %d must be a positive integer, got %s'):format(i, tostring(sizes[i])))
    end
  end
  -- (Torch7 also keeps the sizes in a LongStorage field, size, which stn.save cannot store)
  self.weight = stn.Tensor(stn.LongStorage(sizes))
  self.gradWeight = stn.Tensor(stn.LongStorage(sizes)):zero()
  self:reset()
end

function CMul:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:nElement()) end
  checks.uniform(self.weight, stdv)
  return self
end

-- How w meets an input (see the header): returns the mode and, for a batch, B.
local function mode(self, input)
  checks.tensor(self, input)
  local w = self.weight
  if input:nElement() == w:nElement() then return 'same' end
  if input:dim() == w:dim() then
    for d = 1, w:dim() do
      if w:size(d) ~= 1 and w:size(d) ~= input:size(d) then
        checks.fail(self, ('input %s does not match the weight %s in dimension %d (sizes must be equal, or 1 in ' ..
          'the weight)'):format(checks.shape(input), checks.shape(w), d))
      end
    end
    return 'broadcast'
  end
  if input:dim() == 0 or input:nElement() ~= input:size(1) * w:nElement() then
    checks.fail(self, ('input %s is neither of the weight\'s %d elements, nor of its %d dimensions, nor a batch of ' ..
      'samples of %d elements'):format(checks.shape(input), w:nElement(), w:dim(), w:nElement()))
  end
  return 'batch', input:size(1)
end

-- t (of the input's shape) and w as two tensors of one shape, for cmul.
local function aligned(self, m, B, t)
  local w = self.weight
  if m == 'same' then return t, w:view(t:size()) end
  if m == 'broadcast' then return t, w:expandAs(t) end
  local flat = t:contiguous():view(B, -1)
  return flat, w:view(1, -1):expandAs(flat)
end

function CMul:updateOutput(input)
  local m, B = mode(self, input)
  self.output:resizeAs(input)
  local x, w = aligned(self, m, B, input)
  local out = aligned(self, m, B, self.output)
  out:cmul(x, w)
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  local m, B = mode(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(input)
  local g, w = aligned(self, m, B, gradOutput)
  local gi = aligned(self, m, B, self.gradInput)
  gi:cmul(g, w)
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local m, B = mode(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  local x = aligned(self, m, B, input)
  local g = aligned(self, m, B, gradOutput)
  local prod = x.new():resizeAs(x):cmul(x, g)
  if m == 'same' then
    self.gradWeight:add(scale, prod:view(self.weight:size()))
  elseif m == 'broadcast' then
    for d = 1, self.weight:dim() do
      if self.weight:size(d) ~= prod:size(d) then prod = prod:sum(d) end
    end
    self.gradWeight:add(scale, prod)
  else
    self.gradWeight:add(scale, prod:sum(1):view(self.weight:size()))
  end
end

function CMul:checkLoaded()
  local w = checks.loaded_tensor(self, 'weight', self.weight and self.weight:dim() or 1)
  checks.loaded_tensor(self, 'gradWeight', w:size():totable(), true)
end

return CMul
