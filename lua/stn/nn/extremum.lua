-- The shared body of nn.Max and nn.Min (Torch7 has two sibling classes of nn.Module, not
-- one deriving from the other): extremum(M, parent, op) gives class M its methods, op
-- being 'max' or 'min'. The values along dim (default 1) lose that dim unless the input
-- is 1-D; the positions are kept in _indices (a LongTensor, a CudaLongTensor on CUDA,
-- 1-based), and gradInput is zeros with gradOutput at them. A tie goes to the first
-- position (stn's max and min). As Torch7: a negative dim counts from the end, and with
-- nInputDims, an input of one more dim is a batch (dim moves one to the right).
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

return function(M, parent, op)
  function M:__init(dimension, nInputDims)
    parent.__init(self)
    self.dimension = TC.dim_arg(self, 'dimension', dimension or 1)
    self.nInputDims = TC.ninputdims_arg(self, nInputDims)
  end

  function M:_getPositiveDimension(input)
    TC.tensor(self, input)
    return TC.positive_dim(self, self.dimension, self.nInputDims, input)
  end

  -- The values (with the dim kept) and the indices, each of the input's device.
  function M:_lazyInit(input)
    if not self._output or self._output.device ~= input.device then self._output = input.new() end
    if not self._indices or self._indices.device ~= input.device then
      self._indices = input.device == 0 and stn.LongTensor() or stn.CudaLongTensor()
    end
  end

  function M:updateOutput(input)
    local d = self:_getPositiveDimension(input)
    self:_lazyInit(input)
    self._output[op](self._output, self._indices, input, d)
    if input:dim() > 1 then
      self.output:set(self._output:select(d, 1))
    else
      self.output:set(self._output)
    end
    return self.output
  end

  function M:updateGradInput(input, gradOutput)
    local d = self:_getPositiveDimension(input)
    local g, size = TC.reduced_gradient(self, input, gradOutput, d)
    local idx = self._indices
    local fresh = idx and idx:dim() == input:dim()
    for k = 1, fresh and input:dim() or 0 do fresh = fresh and idx:size(k) == size[k] end
    if not fresh then checks.fail(self, 'backward before forward: no indices for this input') end
    self.gradInput:resizeAs(input):zero():scatter(d, idx, g)
    return self.gradInput
  end

  function M:type(typename, map)
    self._indices = nil
    self._output = nil
    return parent.type(self, typename, map)
  end

  function M:clearState()
    self._indices = nil
    self._output = nil
    return parent.clearState(self)
  end

  function M:checkLoaded()
    TC.loaded(self, { { 'dimension', nil, true }, { 'nInputDims', 1, false, true } })
  end
end
