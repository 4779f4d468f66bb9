-- nn.Jacobian: Torch7's finite-difference checks of a module's backward pass.
-- A Jacobian here is a (number of wrt elements) x (number of output elements) matrix of
-- the default tensor type (stn.Tensor(), as Torch7's torch.Tensor(): set the default to
-- Double, as Torch7's tests do, for differences at perturbation 1e-6 to mean anything).
--   backward(module, input [, param, dparam])   rows d output / d input (or d param), by
--                                               backpropagating each unit gradOutput
--   forward(module, input [, param, perturbation = 1e-6])  the same by central differences
--   testJacobian(module, input [, minval = -2, maxval = 2, perturbation])
--   testJacobianParameters(module, input, param, dparam [, minval, maxval, perturbation])
--   testJacobianUpdateParameters(module, input, param [, minval, maxval, perturbation])
--   testIO(module, input [, minval, maxval]) -> forward error, backward error after a save
--                                               and load (through stn.save/stn.load)
--   testAllUpdate(module, input, weight, gradWeight) -> table of errors
--   backwardDiagHessian, linearModuleDiagHessian, testDiagHessian, testDiagHessianInput,
--   testDiagHessianWeight, testDiagHessianBias: stn/nn/jacobian_hessian.lua
-- The tests fill input (and param) with uniform values in [minval, maxval] and return the
-- largest absolute difference. stn's modules have no accUpdateGradParameters: the
-- "update" checks use zeroGradParameters + accGradParameters + updateParameters, which is
-- what Torch7's default accUpdateGradParameters computes.
local stn = require 'stn.base'
local errors = require 'stn.errors'

local Jacobian = {}

local function fail(fn, msg, ...) errors.fail('nn.Jacobian.' .. fn, msg, ...) end

local function check_tensor(fn, t, what)
  if not stn.isTensor(t) then fail(fn, '%s must be a tensor, got %s', what, stn.type(t)) end
end

local function check_module(fn, module)
  if type(module) ~= 'table' or type(module.forward) ~= 'function' then
    fail(fn, 'module must be an nn module, got %s', stn.type(module))
  end
end

-- A flat view of t through which writes reach t itself.
local function flat(fn, t, what)
  if not t:isContiguous() then fail(fn, '%s must be contiguous (its elements are perturbed in place)', what) end
  return t:view(t:nElement())
end

local function fill_uniform(t, minval, maxval)
  t:copy(stn.rand(t:nElement()):mul(maxval - minval):add(minval):view(t:size()))
end

function Jacobian.backward(module, input, param, dparam)
  check_module('backward', module)
  check_tensor('backward', input, 'input')
  local wrt_param = param ~= nil
  if wrt_param then check_tensor('backward', dparam, 'dparam') end
  param = param or input
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local sdout = dout:view(dout:nElement())
  local jacobian = stn.Tensor(param:nElement(), dout:nElement()):zero()
  for i = 1, sdout:nElement() do
    dout:zero()
    sdout[i] = 1
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout, 1)
    jacobian:select(2, i):copy((wrt_param and dparam or din):contiguous():view(param:nElement()))
  end
  return jacobian
end

-- Column i: param after one update of rate 1 with the unit gradOutput e_i.
function Jacobian.backwardUpdate(module, input, param)
  check_module('backwardUpdate', module)
  check_tensor('backwardUpdate', param, 'param')
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local sdout = dout:view(dout:nElement())
  local jacobian = stn.Tensor(param:nElement(), dout:nElement()):zero()
  local params = module:parameters() or {}
  local saved = {}
  for j = 1, #params do saved[j] = params[j]:clone() end
  for i = 1, sdout:nElement() do
    for j = 1, #params do params[j]:copy(saved[j]) end
    dout:zero()
    sdout[i] = 1
    module:updateGradInput(input, dout)
    module:zeroGradParameters()
    module:accGradParameters(input, dout, 1)
    module:updateParameters(1)
    jacobian:select(2, i):copy(param:contiguous():view(param:nElement()))
  end
  for j = 1, #params do params[j]:copy(saved[j]) end
  return jacobian
end

local function central_differences(fn, module, input, param, perturbation, update)
  check_module(fn, module)
  check_tensor(fn, input, 'input')
  param = param or input
  check_tensor(fn, param, 'param')
  perturbation = perturbation or 1e-6
  if type(perturbation) ~= 'number' or not (perturbation > 0) then
    fail(fn, 'perturbation must be a positive number, got %s', tostring(perturbation))
  end
  local sin = flat(fn, param, 'param')
  local jacobian = stn.Tensor(param:nElement(), module:forward(input):nElement())
  local outa = stn.Tensor(jacobian:size(2))
  local outb = stn.Tensor(jacobian:size(2))
  for i = 1, sin:nElement() do
    local orig = sin[i]
    sin[i] = orig - perturbation
    outa:copy(module:forward(input):contiguous():view(outa:nElement()))
    sin[i] = orig + perturbation
    outb:copy(module:forward(input):contiguous():view(outb:nElement()))
    sin[i] = orig
    outb:add(-1, outa):div(2 * perturbation)
    local row = jacobian:select(1, i):copy(outb)
    if update then row:mul(-1):add(sin[i]) end
  end
  return jacobian
end

function Jacobian.forward(module, input, param, perturbation)
  return central_differences('forward', module, input, param, perturbation, false)
end

-- Row i: param_i minus the derivatives of the outputs by param_i (what one update of
-- rate 1 per unit gradOutput gives).
function Jacobian.forwardUpdate(module, input, param, perturbation)
  return central_differences('forwardUpdate', module, input, param, perturbation, true)
end

local function range(fn, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  if type(minval) ~= 'number' or type(maxval) ~= 'number' or not (minval <= maxval) then
    fail(fn, 'minval and maxval must be numbers with minval <= maxval, got %s and %s', tostring(minval),
      tostring(maxval))
  end
  return minval, maxval
end

function Jacobian.testJacobian(module, input, minval, maxval, perturbation)
  check_module('testJacobian', module)
  check_tensor('testJacobian', input, 'input')
  minval, maxval = range('testJacobian', minval, maxval)
  fill_uniform(input, minval, maxval)
  local jac_fprop = Jacobian.forward(module, input, input, perturbation)
  local jac_bprop = Jacobian.backward(module, input)
  return (jac_fprop - jac_bprop):abs():max()
end

function Jacobian.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
  check_module('testJacobianParameters', module)
  check_tensor('testJacobianParameters', input, 'input')
  check_tensor('testJacobianParameters', param, 'param')
  check_tensor('testJacobianParameters', dparam, 'dparam')
  minval, maxval = range('testJacobianParameters', minval, maxval)
  fill_uniform(input, minval, maxval)
  fill_uniform(param, minval, maxval)
  local jac_bprop = Jacobian.backward(module, input, param, dparam)
  local jac_fprop = Jacobian.forward(module, input, param, perturbation)
  return (jac_fprop - jac_bprop):abs():max()
end

function Jacobian.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
  check_module('testJacobianUpdateParameters', module)
  check_tensor('testJacobianUpdateParameters', input, 'input')
  check_tensor('testJacobianUpdateParameters', param, 'param')
  minval, maxval = range('testJacobianUpdateParameters', minval, maxval)
  fill_uniform(input, minval, maxval)
  fill_uniform(param, minval, maxval)
  local params_bprop = Jacobian.backwardUpdate(module, input, param)
  local params_fprop = Jacobian.forwardUpdate(module, input, param, perturbation)
  return (params_fprop - params_bprop):abs():max()
end

-- Forward and backward of the module against those of its copy written to a file and
-- read back (after clearState, which must return the module).
function Jacobian.testIO(module, input, minval, maxval)
  check_module('testIO', module)
  check_tensor('testIO', input, 'input')
  minval, maxval = range('testIO', minval, maxval)
  local serialize = require 'stn.serialize'
  local inputclone = input:clone()
  module:forward(input)
  local go = module.output:clone()
  fill_uniform(go, minval, maxval)
  local goclone = go:clone()
  module:zeroGradParameters()
  module:updateGradInput(input, go)
  module:accGradParameters(input, go, 1)
  local fo, bo = module.output:clone(), module.gradInput:clone()

  if module:clearState() ~= module then fail('testIO', 'clearState did not return the module') end
  local filename = os.tmpname()
  local ok, err = pcall(serialize.save, filename, module)
  local m
  if ok then ok, m = pcall(serialize.load, filename) end
  os.remove(filename)
  if not ok then error(err or m, 0) end
  m:forward(inputclone)
  m:zeroGradParameters()
  m:updateGradInput(inputclone, goclone)
  m:accGradParameters(inputclone, goclone, 1)
  local errf = (fo - m.output):abs():max()
  local db = bo - m.gradInput
  return errf, db:nElement() == 0 and 0 or db:abs():max()
end

-- The norms of the differences between one accGradParameters + updateParameters(lr)
-- step and the weight it should give, alone and with the weight shared by two clones
-- (stn has no accUpdateGradParameters: those two entries of Torch7's table are absent).
function Jacobian.testAllUpdate(module, input, weight, gradWeight)
  check_module('testAllUpdate', module)
  check_tensor('testAllUpdate', input, 'input')
  if not stn.isTensor(module[weight]) or not stn.isTensor(module[gradWeight]) then
    fail('testAllUpdate', 'module has no tensors %s and %s', tostring(weight), tostring(gradWeight))
  end
  local lr = 0.1 + 0.9 * stn.uniform()
  local result = {}

  local m = module:clone()
  local weightc = m[weight]:clone()
  m:forward(input)
  local gradOutput = m.output.new():resizeAs(m.output)
  fill_uniform(gradOutput, 0, 1)
  m:zeroGradParameters()
  m:updateGradInput(input, gradOutput)
  m:accGradParameters(input, gradOutput, 1)
  m:updateParameters(lr)
  result.accGradParameters = (weightc - m[gradWeight] * lr - m[weight]):norm()

  local a, b = module:clone(), module:clone()
  b:share(a, weight)
  for _, c in ipairs { a, b } do
    c:forward(input)
    c:zeroGradParameters()
  end
  for _, c in ipairs { a, b } do
    c:updateGradInput(input, gradOutput)
    c:accGradParameters(input, gradOutput, 1)
  end
  a:updateParameters(lr)
  b:updateParameters(lr)
  local expected = weightc - m[gradWeight] * (lr * 2)
  result['accGradParameters [shared]'] = (expected - a[weight]):norm() + (expected - b[weight]):norm()
  return result
end

for name, fn in pairs(require 'stn.nn.jacobian_hessian') do Jacobian[name] = fn end

return Jacobian
