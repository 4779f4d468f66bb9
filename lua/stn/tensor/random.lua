-- Random fills with Torch7's names and defaults (csrc/core/random.c, cuda/core/random.cu): one
-- Philox generator seeded by stn.manualSeed, so a seed gives the same numbers run
-- after run and on either device.
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.integer').is_integer
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local fail = P.fail

local function number_or(x, default, what, name)
  if x == nil then return default end
  if type(x) ~= 'number' then fail(what, ('%s must be a number, got %s'):format(name, type(x))) end
  return x
end

-- t:uniform([a = 0 [, b = 1]]): uniform on [a, b); t:normal([mean = 0 [, std = 1]]).
for name, f in pairs { uniform = { C.stn_uniform, 'a', 'b' }, normal = { C.stn_normal, 'mean', 'std' } } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, b)
    a = number_or(a, 0, what, f[2])
    b = number_or(b, 1, what, f[3])
    check(f[1](ctx, t, a, b), what)
    return t
  end
end

-- t:bernoulli([p = 0.5]): 1 with probability p, else 0. With a tensor p of t's element
-- count (Torch7's form), element i is 1 with probability p[i] (paired in row-major
-- order): t is filled with uniform numbers u, then set to u < p, so that a tensor of
-- equal probabilities draws exactly what the number form draws.
-- (Tail-called by the method, so level 2 of its errors is the user's line.)
local function bernoulli_tensor(t, p)
  local what = 'Tensor:bernoulli'
  local n = t:nElement()
  if p:nElement() ~= n then
    fail(what, ('p has %d elements (%s) but the tensor %d (%s)'):format(p:nElement(), P.shape_str(p), n, P.shape_str(t)))
  end
  if p.device ~= t.device then
    fail(what, ('p is a %s but the tensor a %s'):format(P.typename_of(p), P.typename_of(t)))
  end
  if n == 0 then return t end
  local lo, hi = p:min(), p:max()
  if not (lo >= 0 and hi <= 1) then
    fail(what, ('probabilities must be in [0, 1], p holds values from %g to %g'):format(lo, hi))
  end
  if p.mem == t.mem then p = p:clone() end -- t:bernoulli(t): read before overwritten
  t:uniform(0, 1)
  return t:lt(t, p)
end

function Tensor.bernoulli(t, p)
  if P.is_tensor(p) then return bernoulli_tensor(t, p) end
  p = number_or(p, 0.5, 'Tensor:bernoulli', 'p')
  check(C.stn_bernoulli(ctx, t, p), 'Tensor:bernoulli')
  return t
end

local function check_n(n, what)
  if type(n) ~= 'number' or n < 1 or not is_integer(n) then
    fail(what, 'n must be a positive integer, got ' .. tostring(n))
  end
end

-- res:randperm(n): res <- a random permutation of 1..n (a CPU tensor, as in Torch7).
function Tensor.randperm(t, n)
  check_n(n, 'Tensor:randperm')
  check(C.stn_randperm(ctx, t, n), 'Tensor:randperm')
  return t
end

-- x:rand(sizes), x:randn(sizes): x resized (numbers or a size object) and filled with
-- uniform [0, 1) or standard normal numbers, as Torch7's methods (stn.rand / stn.randn
-- make a new tensor).
function Tensor.rand(t, ...)
  t:resize(...)
  return t:uniform(0, 1)
end
function Tensor.randn(t, ...)
  t:resize(...)
  return t:normal(0, 1)
end

return Tensor
