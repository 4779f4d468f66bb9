-- nn.hessian: Torch7's estimate of the diagonal of a loss's Hessian by backpropagation
-- (Becker and LeCun's Gauss-Newton rule: second derivatives flow back through the
-- squares of the first derivatives, off-diagonal and f'' terms dropped), used to set a
-- learning rate per parameter. As in Torch7 it is off until nn.hessian.enable(), which
-- adds to the classes:
--   module:updateDiagHessianInput(input, diagHessianOutput) -> self.diagHessianInput
--   module:accDiagHessianParameters(input, diagHessianOutput)  accumulates into
--                                   self.diagHessianWeight / self.diagHessianBias
--   module:initDiagHessianParameters()  creates them (zeroed)
--   criterion:updateDiagHessianInput(input, target) -> self.diagHessianInput
--   parameters() gains a third list (the diagonal-Hessian tensors) and getParameters() a
--   third flat tensor once those exist;
-- and the helpers nn.hessian.updateDiagHessianInput, accDiagHessianParameters,
-- updateDiagHessianInputPointWise and initDiagHessianParameters, with Torch7's arguments.
-- The rules, per kind of module (h = the diagonal term on the output side):
--   linear in its weight (Linear, SpatialConvolution): input side = the input gradient
--     computed with weight^2 from h; parameter side = the weight gradient computed from
--     input^2 and h (the bias's from h)
--   point-wise (Tanh, Square, Sqrt): input side = f'(x)^2 * h
--   Reshape: h seen with the input's sizes; Sequential: the chain, last module first
--   MSECriterion: 2 (2 / nElement with sizeAverage)
-- Built on tensor ops only, so it runs on every type the modules take (Float, Double,
-- CUDA). A module outside this list raises an error naming it and the method.
local stn = require 'stn.base'
local errors = require 'stn.errors'

local hessian = {}

-- The classes enable() covers, and those Torch7 covers that stn lacks (for the message).
local WEIGHTED = { 'Linear', 'SpatialConvolution', 'SpatialFullConvolution' } -- SpatialConvolutionMM inherits
local POINTWISE = { 'Tanh', 'Square', 'Sqrt' }
local COVERED = 'nn.Sequential, nn.Linear, nn.SpatialConvolution (and nn.SpatialConvolutionMM), '
  .. 'nn.SpatialFullConvolution, nn.Tanh, '
  .. 'nn.Square, nn.Sqrt, nn.Reshape and nn.MSECriterion'

local function fail(where, msg, ...) errors.fail(where, msg, ...) end

-- Before enable() the helpers read as errors saying so, rather than nil.
local HELPERS = { updateDiagHessianInput = true, accDiagHessianParameters = true,
                  updateDiagHessianInputPointWise = true, initDiagHessianParameters = true }
setmetatable(hessian, {
  __index = function(_, k)
    if HELPERS[k] then fail('nn.hessian.' .. k, 'call nn.hessian.enable() first') end
  end,
})

local function check_tensor(where, x, what)
  if not stn.isTensor(x) then fail(where, '%s must be a tensor, got %s', what, stn.type(x)) end
end

local function check_names(where, a, b, what)
  if type(a) ~= 'table' or type(b) ~= 'table' or #a ~= #b then
    fail(where, 'expected two lists of %s field names of the same length', what)
  end
end

local function swap(module, a, b)
  for i = 1, #a do module[a[i]], module[b[i]] = module[b[i]], module[a[i]] end
end

-- A zeroed tensor like t (Torch7 leaves it uninitialised; accumulating into that would
-- give garbage).
local function zeros_like(t) return t.new():resizeAs(t):zero() end

-- The input-side term of a module linear in the weights named by w: updateGradInput run
-- with each weight replaced by its square (kept in the field named by wsq) and
-- diagHessianOutput as gradOutput, into module.diagHessianInput. Fields are restored
-- even when the module raises.
local function updateDiagHessianInput(module, input, diagHessianOutput, w, wsq)
  local where = stn.type(module) .. ':updateDiagHessianInput'
  check_names(where, w, wsq, 'weight')
  check_tensor(where, input, 'input')
  check_tensor(where, diagHessianOutput, 'diagHessianOutput')
  module.diagHessianInput = module.diagHessianInput or input.new()
  local dhi = module.diagHessianInput
  dhi:resizeAs(input):zero()
  local present, squares = {}, {}
  for i = 1, #w do
    local wv = module[w[i]]
    if wv ~= nil then
      local sq = module[wsq[i]] or wv.new()
      sq:resizeAs(wv):cmul(wv, wv)
      module[wsq[i]] = sq
      present[#present + 1], squares[#squares + 1] = w[i], wsq[i]
    end
  end
  local gradInput = module.gradInput
  module.gradInput = dhi
  swap(module, present, squares)
  local ok, res = pcall(module.updateGradInput, module, input, diagHessianOutput)
  swap(module, present, squares)
  module.gradInput = gradInput
  if not ok then error(res, 0) end
  -- a module that put its gradient in a tensor of its own: take the values from there
  if res ~= nil and not rawequal(res, dhi) then dhi:resizeAs(res):copy(res) end
  return dhi
end

-- The parameter-side term: accGradParameters run on input^2 with diagHessianOutput,
-- accumulating into the fields named by hw in place of those named by gw (created,
-- zeroed, when missing; a gradient the module lacks, such as gradBias after noBias(), is
-- skipped). The forward on input^2 lets a module that keeps state from forward see it;
-- self.output is kept.
local function accDiagHessianParameters(module, input, diagHessianOutput, gw, hw)
  local where = stn.type(module) .. ':accDiagHessianParameters'
  check_names(where, gw, hw, 'gradient')
  check_tensor(where, input, 'input')
  check_tensor(where, diagHessianOutput, 'diagHessianOutput')
  module.inputSq = module.inputSq or input.new()
  local inputSq = module.inputSq
  inputSq:resizeAs(input):cmul(input, input)
  local grads, diags = {}, {}
  for i = 1, #gw do
    local g = module[gw[i]]
    if g ~= nil then
      local h = module[hw[i]]
      if h == nil then
        h = zeros_like(g)
        module[hw[i]] = h
      elseif not stn.isTensor(h) or h:nElement() ~= g:nElement() then
        fail(where, '%s must be a tensor of %d elements (as %s), got %s', hw[i], g:nElement(), gw[i],
          stn.isTensor(h) and h:nElement() .. ' elements' or stn.type(h))
      end
      grads[#grads + 1], diags[#diags + 1] = gw[i], hw[i]
    end
  end
  local output = module.output
  module.output = output.new()
  swap(module, grads, diags)
  local ok, err = pcall(function()
    module:forward(inputSq)
    module:accGradParameters(inputSq, diagHessianOutput, 1)
  end)
  swap(module, grads, diags)
  module.output = output
  if not ok then error(err, 0) end
end

-- f'(x)^2 * diagHessianOutput for a point-wise module: updateGradInput with a gradOutput
-- of ones gives f'(x).
local function updateDiagHessianInputPointWise(module, input, diagHessianOutput)
  check_tensor(stn.type(module) .. ':updateDiagHessianInput', diagHessianOutput, 'diagHessianOutput')
  local ones = diagHessianOutput.new():resizeAs(diagHessianOutput):fill(1)
  local dhi = updateDiagHessianInput(module, input, ones, {}, {})
  dhi:cmul(dhi):cmul(diagHessianOutput)
  return dhi
end

local function initDiagHessianParameters(module, gw, hw)
  check_names(stn.type(module) .. ':initDiagHessianParameters', gw, hw, 'gradient')
  module.diagHessianInput = module.diagHessianInput or (module.gradInput or module.output).new()
  for i = 1, #gw do
    local g = module[gw[i]]
    if g ~= nil and module[hw[i]] == nil then module[hw[i]] = zeros_like(g) end
  end
end

local GRADS, DIAGS = { 'gradWeight', 'gradBias' }, { 'diagHessianWeight', 'diagHessianBias' }

local function install_weighted(cls)
  function cls:updateDiagHessianInput(input, diagHessianOutput)
    return updateDiagHessianInput(self, input, diagHessianOutput, { 'weight' }, { 'weightSq' })
  end
  function cls:accDiagHessianParameters(input, diagHessianOutput)
    accDiagHessianParameters(self, input, diagHessianOutput, GRADS, DIAGS)
  end
  function cls:initDiagHessianParameters()
    initDiagHessianParameters(self, GRADS, DIAGS)
  end
end

local function install_pointwise(cls)
  function cls:updateDiagHessianInput(input, diagHessianOutput)
    return updateDiagHessianInputPointWise(self, input, diagHessianOutput)
  end
end

local function install_module(Module)
  function Module:updateDiagHessianInput()
    fail(stn.type(self) .. ':updateDiagHessianInput', 'not defined for %s (nn.hessian covers %s)', stn.type(self),
      COVERED)
  end
  -- Nothing to do for a module without parameters (Torch7: a no-op for all); one with
  -- parameters that is not covered would leave them without a term: an error.
  function Module:accDiagHessianParameters()
    local params = self:parameters()
    if params and #params > 0 then
      fail(stn.type(self) .. ':accDiagHessianParameters', 'not defined for %s (nn.hessian covers %s)',
        stn.type(self), COVERED)
    end
  end
  function Module:initDiagHessianParameters() end

  function Module:parameters()
    if self.weight and self.bias then
      return { self.weight, self.bias }, { self.gradWeight, self.gradBias }, { self.diagHessianWeight, self.diagHessianBias }
    elseif self.weight then
      return { self.weight }, { self.gradWeight }, { self.diagHessianWeight }
    elseif self.bias then
      return { self.bias }, { self.gradBias }, { self.diagHessianBias }
    end
    return nil
  end

  -- The third result, one flat tensor of the diagonal-Hessian terms laid out as the
  -- parameters, once every parameter has one (none: no third result; some: an error,
  -- since they could not be laid out as the parameters).
  local getParameters = Module.getParameters
  function Module:getParameters()
    local flatParams, flatGrads = getParameters(self)
    local params, _, diags = self:parameters()
    if not diags or diags[1] == nil then return flatParams, flatGrads end
    local where = stn.type(self) .. ':getParameters'
    if #diags ~= #params then
      fail(where, 'diagonal-Hessian tensors for %d of the %d parameter tensors: call initDiagHessianParameters() '
        .. 'on the whole network (nn.hessian covers %s)', #diags, #params, COVERED)
    end
    local flatDiags = Module.flatten(diags)
    if flatDiags:nElement() ~= flatParams:nElement() then
      fail(where, '%d parameters but %d diagonal-Hessian terms: they are laid out differently',
        flatParams:nElement(), flatDiags:nElement())
    end
    return flatParams, flatGrads, flatDiags
  end
end

local function install_sequential(Sequential)
  function Sequential:initDiagHessianParameters()
    for i, m in ipairs(self.modules) do self:rethrowErrors(m, i, 'initDiagHessianParameters') end
  end

  -- Each module is given the output of the one before it as its input (run forward
  -- first), as backward does.
  function Sequential:updateDiagHessianInput(input, diagHessianOutput)
    local current = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local m = self.modules[i]
      current = self:rethrowErrors(m, i, 'updateDiagHessianInput', i > 1 and self.modules[i - 1].output or input,
        current)
    end
    self.diagHessianInput = current
    return current
  end

  -- Uses each module's diagHessianInput from updateDiagHessianInput.
  function Sequential:accDiagHessianParameters(input, diagHessianOutput)
    local current = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local m = self.modules[i]
      self:rethrowErrors(m, i, 'accDiagHessianParameters', i > 1 and self.modules[i - 1].output or input, current)
      if i > 1 then
        current = m.diagHessianInput
        if current == nil then
          fail(stn.type(self) .. ':accDiagHessianParameters',
            'module %d (%s) has no diagHessianInput: call updateDiagHessianInput first', i, stn.type(m))
        end
      end
    end
  end

  function Sequential:parameters()
    local w, gw, dw = {}, {}, {}
    for _, m in ipairs(self.modules) do
      local mw, mgw, mdw = m:parameters()
      if mw then
        for i = 1, #mw do
          w[#w + 1] = mw[i]
          gw[#gw + 1] = mgw and mgw[i]
          if mdw and mdw[i] ~= nil then dw[#dw + 1] = mdw[i] end
        end
      end
    end
    return w, gw, dw
  end
end

local function install_criterions(Criterion, MSECriterion)
  function Criterion:updateDiagHessianInput()
    fail(stn.type(self) .. ':updateDiagHessianInput', 'not defined for %s (nn.hessian covers %s)', stn.type(self),
      COVERED)
  end
  function MSECriterion:updateDiagHessianInput(input, target)
    check_tensor(stn.type(self) .. ':updateDiagHessianInput', input, 'input')
    self.diagHessianInput = self.diagHessianInput or input.new()
    local value = 2
    if self.sizeAverage then value = value / input:nElement() end
    self.diagHessianInput:resizeAs(input):fill(value)
    return self.diagHessianInput
  end
end

local function install_reshape(Reshape)
  function Reshape:updateDiagHessianInput(input, diagHessianOutput)
    local where = stn.type(self) .. ':updateDiagHessianInput'
    check_tensor(where, input, 'input')
    check_tensor(where, diagHessianOutput, 'diagHessianOutput')
    if diagHessianOutput:nElement() ~= input:nElement() then
      fail(where, 'diagHessianOutput has %d elements but the input %d', diagHessianOutput:nElement(), input:nElement())
    end
    self.diagHessianInput = self.diagHessianInput or input.new()
    self.diagHessianInput:set(diagHessianOutput:contiguous()):resizeAs(input)
    return self.diagHessianInput
  end
end

local enabled = false

-- Adds the methods to the classes (once; later calls do nothing, as in Torch7).
function hessian.enable()
  if enabled then return end
  local nn = require 'stn.nn'
  install_module(nn.Module)
  install_sequential(nn.Sequential)
  install_criterions(nn.Criterion, nn.MSECriterion)
  install_reshape(nn.Reshape)
  for _, name in ipairs(WEIGHTED) do install_weighted(nn[name]) end
  for _, name in ipairs(POINTWISE) do install_pointwise(nn[name]) end
  rawset(hessian, 'updateDiagHessianInput', updateDiagHessianInput)
  rawset(hessian, 'accDiagHessianParameters', accDiagHessianParameters)
  rawset(hessian, 'updateDiagHessianInputPointWise', updateDiagHessianInputPointWise)
  rawset(hessian, 'initDiagHessianParameters', initDiagHessianParameters)
  enabled = true
end

return hessian
