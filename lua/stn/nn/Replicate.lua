-- nn.Replicate(nFeature, dim, ndim): the input repeated nFeature times along a new dim
-- at dim (default 1), a view with stride 0 there (no copy, as Torch7's); gradInput is
-- gradOutput summed over that dim. With ndim (the non-batch dims), an input with more
-- dims is a batch and dim moves one to the right. The output shares the input's memory:
-- copy it before writing into it.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'
local is_integer = require('stn.integer').is_integer

local Replicate, parent = class.new('nn.Replicate', 'nn.Module')

function Replicate:__init(nFeature, dim, ndim)
  parent.__init(self)
  dim = dim or 1
  for _, a in ipairs { { 'nFeature', nFeature }, { 'dim', dim } } do
    if type(a[2]) ~= 'number' or a[2] < 1 or not is_integer(a[2]) then
      checks.fail(self, ('%s must be a positive integer (nn.Replicate(nFeature, dim, ndim)), got %s'):format(a[1],
        tostring(a[2])))
    end
  end
  self.nfeatures, self.dim = nFeature, dim
  self.ndim = TC.ninputdims_arg(self, ndim, 'ndim')
end

function Replicate:_dim(input)
  local rdim = self.dim + ((self.ndim and input:dim() > self.ndim) and 1 or 0)
  if rdim > input:dim() + 1 then
    checks.fail(self, ('cannot replicate along dimension %d of a %d-D input (%s)'):format(rdim, input:dim(),
      TC.shape(input)))
  end
  return rdim
end

function Replicate:updateOutput(input)
  TC.tensor(self, input)
  local rdim = self:_dim(input)
  local sizes = input:size():totable()
  table.insert(sizes, rdim, self.nfeatures)
  self.output:set(input:unsqueeze(rdim):expand(unpack(sizes)))
  return self.output
end

function Replicate:updateGradInput(input, gradOutput)
  TC.tensor(self, input)
  local rdim = self:_dim(input)
  checks.tensor(self, gradOutput, 'gradOutput')
  local ok = gradOutput:dim() == input:dim() + 1
  for d = 1, ok and gradOutput:dim() or 0 do
    ok = ok and gradOutput:size(d) == (d == rdim and self.nfeatures or input:size(d < rdim and d or d - 1))
  end
  if not ok then
    checks.fail(self, ('gradOutput (%s) does not match the output (%s)'):format(TC.shape(gradOutput),
      TC.shape(self.output)))
  end
  self.gradInput:resizeAs(input):copy(gradOutput:sum(rdim))
  return self.gradInput
end

function Replicate:checkLoaded()
  TC.loaded(self, { { 'nfeatures', 1 }, { 'dim', 1 }, { 'ndim', 1, false, true } })
end

return Replicate
