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

-- A number argument (default when nil); NaN and infinities are errors.
local function finite_or(x, default, what, name)
  x = number_or(x, default, what, name)
  if x ~= x or x == math.huge or x == -math.huge then fail(what, ('%s must be a finite number, got %s'):format(name, tostring(x))) end
  return x
end

-- t:uniform([a = 0 [, b = 1]]): uniform on [a, b); t:normal([mean = 0 [, std = 1]]).
-- (fills[name](what, t, ...) does the work; `what` names the caller in errors.)
local fills = {}
for name, f in pairs { uniform = { C.stn_uniform, 'a', 'b' }, normal = { C.stn_normal, 'mean', 'std' } } do
  fills[name] = function(what, t, a, b)
    a = finite_or(a, 0, what, f[2])
    b = finite_or(b, 1, what, f[3])
    check(f[1](ctx, t, a, b), what)
    return t
  end
  Tensor[name] = function(t, a, b) return fills[name]('Tensor:' .. name, t, a, b) end
end

-- t:bernoulli([p = 0.5]): 1 with probability p, else 0. With a tensor p of t's element
-- count (Torch7's form), element i is 1 with probability p[i] (paired in row-major
-- order), from the uniform number the number form would draw for element i, so that a
-- tensor of equal probabilities draws exactly what the number form draws (on either device).
function fills.bernoulli(what, t, p)
  if P.is_tensor(p) then
    local n = t:nElement()
    if p:nElement() ~= n then
      fail(what, ('p has %d elements (%s) but the tensor %d (%s)'):format(p:nElement(), P.shape_str(p), n, P.shape_str(t)))
    end
    if p.device ~= t.device then
      fail(what, ('p is a %s but the tensor a %s'):format(P.typename_of(p), P.typename_of(t)))
    end
    check(C.stn_bernoulli_tensor(ctx, t, p), what)
    return t
  end
  p = number_or(p, 0.5, what, 'p')
  check(C.stn_bernoulli(ctx, t, p), what)
  return t
end
function Tensor.bernoulli(t, p) return fills.bernoulli('Tensor:bernoulli', t, p) end

-- Torch7's other distributions, with its defaults where it has them (logNormal 1, 2;
-- cauchy 0, 1) and lambda = 1, p = 0.5 where it has none:
-- t:logNormal([mean [, stdv]]): exp of a normal of that mean and standard deviation (the
-- underlying normal's, as in Torch7), stdv > 0; t:exponential([lambda]): rate lambda > 0;
-- t:cauchy([median [, sigma]]); t:geometric([p]): integers k >= 1 with probability
-- (1 - p) p^(k - 1), p in (0, 1) (Torch7's p: the mean is 1 / (1 - p)).
function fills.logNormal(what, t, mean, stdv)
  mean = finite_or(mean, 1, what, 'mean')
  stdv = finite_or(stdv, 2, what, 'stdv')
  if not (stdv > 0) then fail(what, ('stdv must be positive, got %s'):format(tostring(stdv))) end
  check(C.stn_log_normal(ctx, t, mean, stdv), what)
  return t
end
function fills.exponential(what, t, lambda)
  lambda = finite_or(lambda, 1, what, 'lambda')
  if not (lambda > 0) then fail(what, ('lambda must be positive, got %s'):format(tostring(lambda))) end
  check(C.stn_exponential(ctx, t, lambda), what)
  return t
end
function fills.cauchy(what, t, median, sigma)
  median = finite_or(median, 0, what, 'median')
  sigma = finite_or(sigma, 1, what, 'sigma')
  check(C.stn_cauchy(ctx, t, median, sigma), what)
  return t
end
function fills.geometric(what, t, p)
  p = number_or(p, 0.5, what, 'p')
  if not (p > 0 and p < 1) then fail(what, ('p must be in (0, 1), got %s'):format(tostring(p))) end
  check(C.stn_geometric(ctx, t, p), what)
  return t
end
for _, name in ipairs { 'logNormal', 'exponential', 'cauchy', 'geometric' } do
  Tensor[name] = function(t, ...) return fills[name]('Tensor:' .. name, t, ...) end
end

-- t:random(): integers uniform in [0, top], top Torch7's for t's type: 2^24 (Float),
-- 2^53 (Double), 2^63 - 1 (Long), 2^31 - 1 (Int), 255 (Byte), 127 (Char), 32767 (Short);
-- t:random(b): in [1, b];
-- t:random(a, b): in [a, b]. The bounds must be integers the type holds (within +-2^24
-- for Float, where float32 still holds every integer, +-2^53 for Double): Torch7 would
-- round or wrap others silently.
local LIMITS = { -- [dtype] = { lowest bound, highest bound, top of random() }
  [0] = { -2 ^ 24, 2 ^ 24, 2 ^ 24 }, { -2 ^ 53, 2 ^ 53, 2 ^ 53 },
  { -2 ^ 63, 2 ^ 63, 0x7fffffffffffffffLL }, { -2 ^ 31, 2 ^ 31 - 1, 2 ^ 31 - 1 }, { 0, 255, 255 },
  { -128, 127, 127 }, { -32768, 32767, 32767 },
}
-- (Half and BFloat16 hold no random integers: refused as the C ops refuse them)
local function limits_of(t, what)
  local lim = LIMITS[t.dtype]
  if not lim then
    fail(what, ('%s tensors are not supported here (a 16-bit storage type: fill a Float tensor and convert it)')
      :format(P.DTYPES[t.dtype].name))
  end
  return lim
end
local function int_bound(x, what, name, t)
  if type(x) ~= 'number' then fail(what, ('%s must be an integer, got %s'):format(name, type(x))) end
  -- a whole number (NaN fails), then within what t's type holds
  if x ~= math.floor(x) then fail(what, ('%s must be an integer, got %s'):format(name, tostring(x))) end
  local lim = limits_of(t, what)
  if t.dtype <= 1 and (x < lim[1] or x > lim[2]) then
    fail(what, ('%s = %.0f is beyond +-2^%d: a %s does not hold every integer there'):format(name, x,
      t.dtype == 0 and 24 or 53, P.typename_of(t)))
  elseif x < lim[1] or x > lim[2] or (t.dtype == 2 and x >= 2 ^ 63) then -- 2^63 itself is beyond a Long
    fail(what, ('%s = %.0f does not fit a %s (%.0f to %s)'):format(name, x, P.typename_of(t), lim[1],
      t.dtype == 2 and '9223372036854775807' or ('%.0f'):format(lim[2])))
  end
  return x
end
local function random_bounds(a, b, what, t)
  if a == nil and b == nil then return 0, limits_of(t, what)[3] end
  if b == nil then
    b = int_bound(a, what, 'b', t)
    if b < 1 then fail(what, ('the upper bound must be at least 1, got %.0f'):format(b)) end
    return 1, b
  end
  a, b = int_bound(a, what, 'a', t), int_bound(b, what, 'b', t)
  if a > b then fail(what, ('lower bound %.0f above upper bound %.0f'):format(a, b)) end
  return a, b
end
function fills.random(what, t, a, b)
  local lo, hi = random_bounds(a, b, what, t)
  check(C.stn_random_int(ctx, t, lo, hi), what)
  return t
end
function Tensor.random(t, a, b) return fills.random('Tensor:random', t, a, b) end

-- Torch7's torch.uniform/normal/bernoulli/random (and logNormal/exponential/cauchy/geometric): a number from the generator without a
-- tensor (drawn through a 1-element Double scratch tensor: a double, as Torch7's), or the
-- method's fill when the first argument is a tensor (stn.uniform(x, a, b) is x:uniform(a, b)).
local scratch
local function number_function(name)
  return function(x, ...)
    if P.is_tensor(x) then return Tensor[name](x, ...) end
    scratch = scratch or P.empty(0, 1):resize(1)
    fills[name](name, scratch, x, ...)
    return scratch[1]
  end
end
P.random_functions = {}
for _, name in ipairs { 'uniform', 'normal', 'bernoulli', 'random', 'logNormal', 'exponential', 'cauchy', 'geometric' } do P.random_functions[name] = number_function(name) end
-- stn.random() with no argument: an integer in [0, 2^32), the range of Torch7's generator
-- word (from two 16-bit draws); stn.random(b), stn.random(a, b) as x:random(b), x:random(a, b).
local random_numbers = P.random_functions.random
function P.random_functions.random(...)
  if select('#', ...) > 0 then return random_numbers(...) end
  local two = P.empty(0):resize(2)
  check(C.stn_random_int(ctx, two, 0, 65535), 'random')
  return two[1] * 65536 + two[2]
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
