-- nn.Normalize(p, [eps = 1e-10]): y = x / ||x||_p for a vector x or each row of a batch
-- (B x n), as Torch7's, with ||x||_p = (sum |x_i|^p + eps)^(1/p), or max |x_i| + eps for
-- p = math.huge. Built on stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local Normalize, parent = class.new('nn.Normalize', 'nn.Module')

function Normalize:__init(p, eps)
  parent.__init(self)
  if type(p) ~= 'number' or p ~= p or not (p > 0) then
    checks.fail(self, ('p must be a positive number (math.huge for the max norm), got %s'):format(tostring(p)))
  end
  opt.optional_number(self, 'eps', eps)
  self.p = p
  self.eps = eps or 1e-10
end

-- input as B x n (a vector as 1 x n).
local function rows(self, x, what)
  checks.dims(self, x, { 1, 2 }, what, '1-D (n) or 2-D (B x n)')
  if x:dim() == 1 then return x:contiguous():view(1, -1) end
  return x
end

-- The norm of each row of x (B x 1), and for the max norm the column of each row's
-- largest magnitude (B x 1, a LongTensor).
local function norms(self, x)
  local a = x.new():resizeAs(x):abs(x)
  if self.p == math.huge then
    local m, idx = a:max(2)
    return m:add(self.eps), idx
  end
  return a:pow(self.p):sum(2):add(self.eps):pow(1 / self.p)
end

function Normalize:updateOutput(input)
  local x = rows(self, input)
  local n = norms(self, x)
  self.output:resizeAs(input)
  self.output:view(x:size()):cdiv(x, n:expandAs(x))
  return self.output
end

-- With N the row's norm: dy_i/dx_j = [i = j] / N - x_i s_j / N^(p+1), where s_j =
-- x_j |x_j|^(p-2) (for the max norm: sign(x_k) at the row's largest |x_k|, 0
-- elsewhere, over N^2). So gradInput = g / N - (g . x) s / N^(p+1).
function Normalize:updateGradInput(input, gradOutput)
  local x = rows(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  local g = gradOutput:contiguous():view(x:size())
  local n, idx = norms(self, x)
  local s = x.new():resizeAs(x)
  local power
  if self.p == math.huge then
    s:zero():scatter(2, idx, x:gather(2, idx):sign())
    power = 2
  else
    -- x |x|^(p-2); below p = 2 as (|x| + eps)^(p-2) x, as Torch7, finite at x = 0
    s:abs(x)
    if self.p < 2 then s:add(self.eps) end
    s:pow(self.p - 2):cmul(x)
    power = self.p + 1
  end
  local coef = x.new():resizeAs(x):cmul(g, x):sum(2):cdiv(n.new():pow(n, power))
  self.gradInput:resizeAs(input)
  local gi = self.gradInput:view(x:size())
  gi:cdiv(g, n:expandAs(x))
  gi:addcmul(-1, s, coef:expandAs(x))
  return self.gradInput
end

function Normalize:__tostring()
  if self.p % 1 == 0 then return ('%s(%d)'):format(stn.type(self), self.p) end
  return ('%s(%f)'):format(stn.type(self), self.p)
end

return Normalize
