-- nn.Jacobian's diagonal-Hessian checks, as Torch7's (they need nn.hessian.enable()).
-- Both sides compute the diagonal of the Hessian of F = sum_k y_k^2 / 2 over the
-- module's outputs y, whose second derivative by each output is 1:
--   backwardDiagHessian(module, input, diagHessianParamName)  by nn.hessian's rules
--     (updateDiagHessianInput and accDiagHessianParameters with a diagHessianOutput of
--     ones); returns module[diagHessianParamName]
--   linearModuleDiagHessian(module, input, gradParamName)  sum_k (d y_k / d x)^2 from one
--     backward per unit gradOutput: exact for a module linear in its input and
--     parameters; a 1-D tensor
--   testDiagHessian(module, input, gradParamName, diagHessianParamName [, minval, maxval])
--     fills input uniformly in [minval = -2, maxval = 2], returns the largest difference
--   testDiagHessianInput / testDiagHessianWeight / testDiagHessianBias(module, input
--     [, minval, maxval])  the same for gradInput / gradWeight / gradBias
local stn = require 'stn.base'
local errors = require 'stn.errors'

local M = {}

local function fail(fn, msg, ...) errors.fail('nn.Jacobian.' .. fn, msg, ...) end

local function check_args(fn, module, input)
  if type(module) ~= 'table' or type(module.forward) ~= 'function' then
    fail(fn, 'module must be an nn module, got %s', stn.type(module))
  end
  if not stn.isTensor(input) then fail(fn, 'input must be a tensor, got %s', stn.type(input)) end
end

local function flat(t) return t:contiguous():view(t:nElement()) end

function M.backwardDiagHessian(module, input, diagHessianParamName)
  check_args('backwardDiagHessian', module, input)
  module:forward(input)
  local diagHessianOutput = module.output.new():resizeAs(module.output):fill(1)
  for _, name in ipairs { 'diagHessianWeight', 'diagHessianBias' } do
    if module[name] ~= nil then module[name]:zero() end
  end
  module:updateDiagHessianInput(input, diagHessianOutput)
  module:accDiagHessianParameters(input, diagHessianOutput)
  local h = module[diagHessianParamName]
  if not stn.isTensor(h) then
    fail('backwardDiagHessian', '%s has no tensor %s', stn.type(module), tostring(diagHessianParamName))
  end
  return h
end

function M.linearModuleDiagHessian(module, input, gradParamName)
  check_args('linearModuleDiagHessian', module, input)
  module:forward(input)
  local gradOutput = module.output.new():resizeAs(module.output)
  local gradOutput1D = gradOutput:view(gradOutput:nElement())
  local diagHessian
  for i = 1, gradOutput1D:nElement() do
    gradOutput1D:zero()
    gradOutput1D[i] = 1
    module:zeroGradParameters()
    module:updateGradInput(input, gradOutput)
    module:accGradParameters(input, gradOutput, 1)
    local g = module[gradParamName]
    if not stn.isTensor(g) then
      fail('linearModuleDiagHessian', '%s has no tensor %s', stn.type(module), tostring(gradParamName))
    end
    g = flat(g)
    diagHessian = diagHessian or g.new():resize(g:nElement()):zero()
    diagHessian:addcmul(g, g)
  end
  return diagHessian
end

function M.testDiagHessian(module, input, gradParamName, diagHessianParamName, minval, maxval)
  check_args('testDiagHessian', module, input)
  minval, maxval = minval or -2, maxval or 2
  if type(minval) ~= 'number' or type(maxval) ~= 'number' or not (minval <= maxval) then
    fail('testDiagHessian', 'minval and maxval must be numbers with minval <= maxval, got %s and %s',
      tostring(minval), tostring(maxval))
  end
  input:copy(stn.rand(input:nElement()):mul(maxval - minval):add(minval):view(input:size()))
  module:initDiagHessianParameters()
  local h_bprop = flat(M.backwardDiagHessian(module, input, diagHessianParamName))
  local h_linear = M.linearModuleDiagHessian(module, input, gradParamName)
  return (h_bprop - h_linear):abs():max()
end

function M.testDiagHessianInput(module, input, minval, maxval)
  return M.testDiagHessian(module, input, 'gradInput', 'diagHessianInput', minval, maxval)
end

function M.testDiagHessianWeight(module, input, minval, maxval)
  return M.testDiagHessian(module, input, 'gradWeight', 'diagHessianWeight', minval, maxval)
end

function M.testDiagHessianBias(module, input, minval, maxval)
  return M.testDiagHessian(module, input, 'gradBias', 'diagHessianBias', minval, maxval)
end

return M
