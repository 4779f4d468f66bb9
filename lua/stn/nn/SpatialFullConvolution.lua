-- nn.SpatialFullConvolution(nInputPlane, nOutputPlane, kW, kH, [dW], [dH], [padW], [padH],
-- [adjW], [adjH]): the transposed convolution ("deconvolution", in-network upsampling) as
-- Torch7's: each input pixel spreads a kW x kH patch of the weights over the output,
-- dW, dH apart, padding cropped off the output's borders and adjW, adjH (below the
-- stride) extra columns and rows added at its far side:
-- oW = (W - 1) dW - 2 padW + kW + adjW (oH likewise). weight nInputPlane x nOutputPlane x
-- kH x kW, bias nOutputPlane. The input may also be {input, sizeTensor}: adjW, adjH are
-- then chosen so that the output has sizeTensor's last two sizes (and gradInput is
-- {gradInput, a zero tensor of sizeTensor's size}). C: csrc/nn/full_conv2d.c; CUDA:
-- cuda/nn/full_conv2d.cu.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local ffi = require 'ffi'
local C, ctx = checks.C, checks.ctx
local P = require('stn.Tensor')._private

local SpatialFullConvolution, parent = class.new('nn.SpatialFullConvolution', 'nn.Module')

-- Torch7's rule for adj: below the stride.
local function check_adj(self, adjW, adjH, what)
  if adjW > self.dW - 1 or adjH > self.dH - 1 then
    checks.fail(self, ('%s %d,%d must be smaller than the stride %d,%d'):format(what or 'adjW, adjH', adjW, adjH,
      self.dW, self.dH))
  end
end

function SpatialFullConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
  parent.__init(self)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  self.adjW, self.adjH = adjW or 0, adjH or 0
  for _, a in ipairs { { 'nInputPlane', 1 }, { 'nOutputPlane', 1 }, { 'kW', 1 }, { 'kH', 1 }, { 'dW', 1 }, { 'dH', 1 },
    { 'padW', 0 }, { 'padH', 0 }, { 'adjW', 0 }, { 'adjH', 0 } } do
    checks.c_int(self, a[1], self[a[1]], a[2])
  end
  check_adj(self, self.adjW, self.adjH)
  self.weight = stn.Tensor(nInputPlane, nOutputPlane, kH, kW)
  self.bias = stn.Tensor(nOutputPlane)
  self.gradWeight = stn.Tensor(nInputPlane, nOutputPlane, kH, kW):zero()
  self.gradBias = stn.Tensor(nOutputPlane):zero()
  self.finput = stn.Tensor() -- columns, kept between calls
  self.ones = stn.Tensor() -- (unused here; Torch7's module has it, so a saved one loads there)
  self:reset()
end

-- Uniform in +-stdv * sqrt(3) when stdv is given, else +-1/sqrt(kW * kH * nInputPlane).
function SpatialFullConvolution:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3)
  else stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane) end
  checks.uniform(self.weight, stdv)
  if self.bias then checks.uniform(self.bias, stdv) end
  return self
end

function SpatialFullConvolution:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

-- Files from Torch7s that predate adj lack the fields: Torch7 reads them as 0.
function SpatialFullConvolution:backCompatibility()
  if self.adjW == nil then self.adjW = 0 end
  if self.adjH == nil then self.adjH = 0 end
end

-- The image tensor and the adj of a call: from the fields, or for {input, sizeTensor}
-- the adj that gives sizeTensor's last two sizes (Torch7's rule: (size + 2 pad - k) mod
-- stride). A size no adj reaches is refused (Torch7 would silently give another size).
local function unpack_input(self, input)
  self:backCompatibility()
  if type(input) ~= 'table' or P.is_tensor(input) then return input, self.adjW, self.adjH end
  local x, target = input[1], input[2]
  if not P.is_tensor(x) or not P.is_tensor(target) or #input ~= 2 then
    checks.fail(self, 'a table input must be {input, sizeTensor} (two tensors)')
  end
  local td = target:dim()
  if td < 2 then
    checks.fail(self, ('sizeTensor must have at least 2 dimensions (its last two are the output size), got %s'):format(
      td == 0 and 'an empty tensor' or P.shape_str(target)))
  end
  local tH, tW = target:size(td - 1), target:size(td)
  local adjW, adjH = (tW + 2 * self.padW - self.kW) % self.dW, (tH + 2 * self.padH - self.kH) % self.dH
  local _, h, w = checks.images(self, x, self.nInputPlane)
  local oH, oW = (h - 1) * self.dH - 2 * self.padH + self.kH + adjH, (w - 1) * self.dW - 2 * self.padW + self.kW + adjW
  if oH ~= tH or oW ~= tW then
    checks.fail(self, ('sizeTensor asks for a %dx%d output but input %s gives %dx%d (an adj below the stride ' ..
      'reaches only that)'):format(tH, tW, P.shape_str(x), oH, oW))
  end
  return x, adjW, adjH
end

-- The C calls' plan and gradients, filled at each call from the module's fields (which
-- may change after construction; a loaded module has only them); C keeps neither.
local plan, grads = ffi.new('stn_full_conv2d_plan'), ffi.new('stn_conv2d_grads')
local function plan_of(self, adjW, adjH)
  for _, a in ipairs { { 'kW', 1 }, { 'kH', 1 }, { 'dW', 1 }, { 'dH', 1 }, { 'padW', 0 }, { 'padH', 0 } } do
    checks.c_int(self, a[1], self[a[1]], a[2])
  end
  checks.c_int(self, 'adjW', adjW, 0); checks.c_int(self, 'adjH', adjH, 0)
  check_adj(self, adjW, adjH)
  plan.kW, plan.kH, plan.dW, plan.dH, plan.padW, plan.padH = self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
  plan.adjW, plan.adjH = adjW, adjH
  return plan
end

function SpatialFullConvolution:updateOutput(input)
  local x, adjW, adjH = unpack_input(self, input)
  checks.images(self, x, self.nInputPlane)
  checks.call(self, C.stn_full_conv2d_forward(ctx, plan_of(self, adjW, adjH), x, self.output, self.weight, self.bias,
    self.finput))
  return self.output
end

-- gradInput as Torch7 gives it for {input, sizeTensor}: {gradInput, zeros of sizeTensor's
-- size} (one zero, expanded).
local function image_grad(self)
  local gi = self.gradInput
  if type(gi) == 'table' and not P.is_tensor(gi) then gi = gi[1] end
  return gi
end
local function wrap_grad(self, input, gi)
  if type(input) == 'table' and not P.is_tensor(input) then
    local target = input[2]
    local zero = self.zeroScalar
    if not (P.is_tensor(zero) and zero.device == target.device and zero.dtype == target.dtype and
        zero:nElement() == 1) then
      zero = P.empty(target.device, target.dtype):resize(1):zero()
      self.zeroScalar = zero
    end
    local ones = {}
    for d = 1, target:dim() do ones[d] = 1 end
    self.gradInput = { gi, zero:view(unpack(ones)):expandAs(target) }
  else
    self.gradInput = gi
  end
  return self.gradInput
end

-- One C call for any of the three gradients (nil ones are skipped).
local function backward(self, input, gradOutput, gradInput, gradWeight, gradBias, scale)
  local x, adjW, adjH = unpack_input(self, input)
  checks.images(self, x, self.nInputPlane)
  checks.tensor(self, gradOutput, 'gradOutput')
  grads.input, grads.weight, grads.bias, grads.scale = gradInput, gradWeight, gradBias, scale or 1
  local status = C.stn_full_conv2d_backward(ctx, plan_of(self, adjW, adjH), x, gradOutput, self.weight, grads,
    self.finput)
  grads.input, grads.weight, grads.bias = nil, nil, nil -- no pointers kept past the call
  checks.call(self, status)
end

-- (self.gradInput = nil skips the input gradient, as in Torch7.)
function SpatialFullConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local gi = image_grad(self)
  if not P.is_tensor(gi) then gi = P.empty(self.weight.device, self.weight.dtype) end
  backward(self, input, gradOutput, gi, nil, nil, 1)
  return wrap_grad(self, input, gi)
end

function SpatialFullConvolution:accGradParameters(input, gradOutput, scale)
  backward(self, input, gradOutput, nil, self.gradWeight, self.gradBias, scale)
end

-- Both passes in one call: the columns of gradOutput are built once for both products.
function SpatialFullConvolution:backward(input, gradOutput, scale)
  if not self.gradInput then
    self:accGradParameters(input, gradOutput, scale)
    return nil
  end
  local gi = image_grad(self)
  if not P.is_tensor(gi) then gi = P.empty(self.weight.device, self.weight.dtype) end
  backward(self, input, gradOutput, gi, self.gradWeight, self.gradBias, scale)
  return wrap_grad(self, input, gi)
end

function SpatialFullConvolution:clearState()
  utils.clear(self, 'finput', 'fgradInput', 'zeroScalar', '_input', '_gradOutput')
  return parent.clearState(self)
end

-- stn.load's check (checks.lua): the configuration, then weight nInputPlane x
-- nOutputPlane x kH x kW and bias nOutputPlane (and their gradients, when present).
function SpatialFullConvolution:checkLoaded()
  local nin, nout = checks.loaded_int(self, 'nInputPlane'), checks.loaded_int(self, 'nOutputPlane')
  local kW, kH = checks.loaded_int(self, 'kW'), checks.loaded_int(self, 'kH')
  local dW, dH = checks.loaded_int(self, 'dW'), checks.loaded_int(self, 'dH')
  checks.loaded_int(self, 'padW', 0); checks.loaded_int(self, 'padH', 0)
  self:backCompatibility()
  if checks.loaded_int(self, 'adjW', 0) >= dW then checks.loaded_refuse('adjW', 'must be below dW = %d', dW) end
  if checks.loaded_int(self, 'adjH', 0) >= dH then checks.loaded_refuse('adjH', 'must be below dH = %d', dH) end
  checks.loaded_tensor(self, 'weight', { nin, nout, kH, kW })
  checks.loaded_tensor(self, 'bias', { nout }, true)
  checks.loaded_tensor(self, 'gradWeight', { nin, nout, kH, kW }, true)
  checks.loaded_tensor(self, 'gradBias', { nout }, true)
end

-- Torch7's form: the stride when anything differs from the defaults, then the padding
-- and the adj when they are not 0.
function SpatialFullConvolution:__tostring()
  local s = ('%s(%d -> %d, %dx%d'):format(stn.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.dW, self.dH) end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.padW, self.padH) end
  local adjW, adjH = self.adjW or 0, self.adjH or 0
  if adjW ~= 0 or adjH ~= 0 then s = s .. (', %d,%d'):format(adjW, adjH) end
  return self.bias and s .. ')' or s .. ') without bias'
end

return SpatialFullConvolution
