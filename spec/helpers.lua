-- Shared by the specs: tensor assertions, CUDA-or-pending, finite-difference
-- Jacobians (Torch7's nn.Jacobian idea: compare backprop with central differences
-- for the input and every parameter). Load with `local H = require 'helpers'`.
local stn = require 'stn'

local H = { stn = stn }

-- Comparisons read every type through double (exact for Float, Double, Int, Byte, and
-- Longs up to 2^53), NaNs of any bits as Lua's NaN.
local double_at = require('stn.Tensor')._private.double_at

-- Largest absolute difference between two tensors (or a tensor and a table).
function H.maxdiff(a, b)
  if type(b) == 'table' then b = stn.Tensor(b) end
  a, b = a:float(), b:float()
  assert(a:nElement() == b:nElement(), ('sizes differ: %s vs %s'):format(tostring(a:size()), tostring(b:size())))
  if a:nElement() == 0 then return 0 end
  return stn.Tensor():add(a:contiguous():view(-1), -1, b:contiguous():view(-1)):abs():max()
end

-- Asserts |a - b| <= tol * max(1, |b|) element-wise (relative for large values).
function H.assert_near(a, b, tol, msg)
  tol = tol or 1e-5
  if type(b) == 'table' then b = stn.Tensor(b) end
  if type(b) == 'number' then
    assert(math.abs(a - b) <= tol * math.max(1, math.abs(b)), (msg or '') .. (' %.9g vs %.9g'):format(a, b))
    return
  end
  a, b = a:double():contiguous(), b:double():contiguous()
  assert(a:nElement() == b:nElement(), (msg or '') .. (' sizes differ: %s vs %s'):format(tostring(a:size()), tostring(b:size())))
  local pa, pb = a:data(), b:data()
  for i = 0, a:nElement() - 1 do
    local x, y = double_at(pa, i), double_at(pb, i)
    if not (math.abs(x - y) <= tol * math.max(1, math.abs(y))) then
      error(('%s element %d: %.9g vs %.9g (tol %g)'):format(msg or 'tensors differ:', i + 1, x, y, tol), 2)
    end
  end
end

-- Asserts two tensors are equal bit for bit (same sizes, same float values).
function H.assert_equal(a, b, msg)
  a, b = a:double():contiguous(), b:double():contiguous()
  assert(a:isSameSizeAs(b), (msg or '') .. (' sizes differ: %s vs %s'):format(tostring(a:size()), tostring(b:size())))
  local pa, pb = a:data(), b:data()
  for i = 0, a:nElement() - 1 do
    local x, y = double_at(pa, i), double_at(pb, i)
    if x ~= y and not (x ~= x and y ~= y) then
      error(('%s element %d: %.17g vs %.17g'):format(msg or 'tensors differ:', i + 1, x, y), 2)
    end
  end
end

-- Asserts a agrees with b: bit for bit when tol is 0 (as assert_equal), else within tol
-- relative to max(1, |b|); NaN matches NaN and an infinity the same infinity.
function H.assert_close(a, b, tol, msg)
  if not tol or tol == 0 then return H.assert_equal(a, b, msg) end
  a, b = a:double():contiguous(), b:double():contiguous()
  assert(a:isSameSizeAs(b), (msg or '') .. (' sizes differ: %s vs %s'):format(tostring(a:size()), tostring(b:size())))
  local pa, pb = a:data(), b:data()
  for i = 0, a:nElement() - 1 do
    local x, y = double_at(pa, i), double_at(pb, i)
    if not (x == y or (x ~= x and y ~= y) or math.abs(x - y) <= tol * math.max(1, math.abs(y))) then
      error(('%s element %d: %.9g vs %.9g (tol %g)'):format(msg or 'tensors differ:', i + 1, x, y, tol), 2)
    end
  end
end

-- Asserts fn raises an error whose message contains every given plain substring.
function H.assert_error(fn, ...)
  local ok, err = pcall(fn)
  assert(not ok, 'expected an error, got none')
  err = tostring(err)
  for _, s in ipairs { ... } do
    if not err:find(s, 1, true) then error(('error message %q lacks %q'):format(err, s), 2) end
  end
  return err
end

-- Runs source as a script in a child luajit from /tmp, with the checkout's lua/ first on
-- the path, through the Torch7 entry (`-l stn.torch7`) unless entry is false; returns its
-- output (stdout and stderr) and exit status. env: variables to set for it ({ NAME = value }).
local root = os.getenv('PWD') or '.'
local luajit_bin = arg and arg[-1] or 'luajit'
if not luajit_bin:match('luajit') then luajit_bin = 'luajit' end
function H.run_script(source, entry, env)
  local path = os.tmpname()
  H.spit(path, source)
  local vars = ''
  for k, v in pairs(env or {}) do vars = vars .. ("%s='%s' "):format(k, v) end
  local cmd = ("cd /tmp && %sLUA_PATH='%s/lua/?.lua;%s/lua/?/init.lua;%s' LUA_CPATH='%s' %s %s %s 2>&1; echo \"EXIT:$?\"")
    :format(vars, root, root, package.path, package.cpath, luajit_bin, entry == false and '' or '-l stn.torch7', path)
  local p = io.popen(cmd)
  local out = p:read('*a')
  p:close()
  os.remove(path)
  local status = tonumber(out:match('EXIT:(%d+)%s*$'))
  return (out:gsub('EXIT:%d+%s*$', '')), status
end

-- it() when a CUDA device is present, else a pending test that says why.
H.has_cuda = stn.hasCUDA()
-- (busted gives `it` and `pending` to the spec file's environment, not to _G, so they
-- are looked up in the caller's.)
function H.cuda_it(name, fn)
  local env = getfenv(2)
  if H.has_cuda then
    env.it(name, fn)
  else
    env.pending(name .. ' [no GPU: ' .. stn.cudaReason() .. ']')
  end
end

-- A whole file's bytes; and writing bytes to a file (returns its path).
function H.slurp(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end
function H.spit(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
  return path
end

-- Runs examples/gtsrb/main.lua (on the CPU, 2 threads) with args in a child LuaJIT, the
-- checkout's lua/ first on the path, then this process's; lua_args (optional) go before
-- main.lua, e.g. "-e \"dofile('x.lua')\"". Returns its output and exit status.
local root = os.getenv('PWD') or '.'
local luajit = arg and arg[-1] or 'luajit'
if not luajit:match('luajit') then luajit = 'luajit' end
function H.run_main(args, lua_args)
  local cmd = ("cd %s/examples/gtsrb && LUA_PATH='%s/lua/?.lua;%s/lua/?/init.lua;%s' LUA_CPATH='%s' %s %s main.lua "
    .. "--no_cuda --threads 2 %s 2>&1; echo \"EXIT:$?\""):format(root, root, root, package.path, package.cpath, luajit,
    lua_args or '', args)
  local p = io.popen(cmd)
  local out = p:read('*a')
  p:close()
  local status = tonumber(out:match('EXIT:(%d+)%s*$'))
  return out:gsub('EXIT:%d+%s*$', ''), status
end

-- The names in folder d (hidden ones too), sorted.
function H.listing(d)
  local p = io.popen('ls -A ' .. d)
  local names = {}
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  table.sort(names)
  return names
end

-- A tensor of the given sizes with values uniform in [lo, hi] (default [-1, 1]).
-- (sizes: a number, a size object, or a plain table of sizes such as {2, 3}).
function H.rand(sizes, lo, hi)
  if type(sizes) == 'table' and getmetatable(sizes) == nil then sizes = stn.Size.new({ unpack(sizes) }) end
  return stn.Tensor(sizes):uniform(lo or -1, hi or 1)
end

-- A sampler module m (nn.GridSampler ...) run on a fixture case c (images, grid,
-- grad_output, output, grad_images, grad_grid: {data, sizes} each) with the inputs made by
-- ctor: its output and image gradient within tol of the fixture's, its grid gradient
-- within gtol (a derivative: the float grid may sit a hair from a kink).
function H.check_sampler_fixture(m, c, ctor, tol, gtol)
  local function T(f, k) return (k or stn.DoubleTensor)(f.data):view(f.sizes) end
  local images, grid, gout = T(c.images, ctor), T(c.grid, ctor), T(c.grad_output, ctor)
  H.assert_near(m:forward { images, grid }, T(c.output), tol, 'output')
  local g = m:backward({ images, grid }, gout)
  H.assert_near(g[1], T(c.grad_images), tol, 'grad images')
  H.assert_near(g[2], T(c.grad_grid), gtol, 'grad grid')
end

-- Sum of output .* gradOutput, in double precision.
local function dot(a, b)
  if type(a) == 'table' then -- a table of outputs
    local s = 0
    for i = 1, #a do s = s + dot(a[i], b[i]) end
    return s
  end
  a, b = a:double():contiguous(), b:double():contiguous() -- (exact for float values)
  local pa, pb, s = a:data(), b:data(), 0
  for i = 0, a:nElement() - 1 do s = s + pa[i] * pb[i] end
  return s
end

-- A criterion's d loss / d input by central differences, element by element (x is
-- perturbed in place and restored).
function H.criterion_numeric_grad(crit, x, t, eps)
  eps = eps or 1e-2
  local g = x:clone() -- (every element is set below)
  local flat, gf = x:view(-1), g:view(-1)
  for i = 1, flat:nElement() do
    local v = flat[i]
    flat[i] = v + eps
    local up = crit:forward(x, t)
    flat[i] = v - eps
    local down = crit:forward(x, t)
    flat[i] = v
    gf[i] = (up - down) / (2 * eps)
  end
  return g
end

-- Checks module's gradients by central differences. With a fixed random gradOutput
-- g, backprop gives d(sum(f(x) .* g))/dx; each element of x (then of each parameter)
-- is moved by +-eps and the change of sum(f .* g) compared with it.
-- opts: eps (1e-2), tol (1e-2, relative to max(1, |grad|)), input_index (for table
-- inputs: which tensor to perturb), skip_params.
function H.check_jacobian(module, input, opts)
  opts = opts or {}
  local eps, tol = opts.eps or 1e-2, opts.tol or 1e-2
  local function target_of(inp) return opts.input_index and inp[opts.input_index] or inp end
  local out = module:forward(input)
  -- a random gradOutput like o: drawn in float (the same draws for a Double module as
  -- for its Float twin), kept on the host in o's own type
  local function rand_like(o)
    if o.dtype == 0 then return o.new():resizeAs(o):uniform(-1, 1) end
    return o.new():resizeAs(o):copy(stn.FloatTensor(o:size()):uniform(-1, 1))
  end
  local g
  if type(out) == 'table' then
    g = {}
    for i, o in ipairs(out) do g[i] = rand_like(o) end
  else
    g = rand_like(out)
  end
  if opts.gradOutput then g = opts.gradOutput end
  module:zeroGradParameters()
  local gradIn = module:backward(input, g)
  local gradTarget = opts.input_index and gradIn[opts.input_index] or gradIn
  -- host copies in the module's own type (a Double module is checked in double)
  local function host(t) return t.device == 0 and t:clone() or t:float() end
  gradTarget = host(gradTarget)
  local _, grads = module:parameters()
  local gradCopies = {}
  if grads then for i, gr in ipairs(grads) do gradCopies[i] = host(gr) end end

  local function objective() return dot(module:forward(input), g) end
  local function check_tensor(x, analytic, label)
    local xf = x.device == 0 and x or x:float()
    local flat = xf:contiguous():view(-1)
    local an = analytic:contiguous():view(-1)
    local shares = x.device == 0 and x:isContiguous() -- flat is x itself
    local worst = 0
    for i = 1, flat:nElement() do
      local orig = flat[i]
      local function at(v)
        flat[i] = v
        if not shares then x:copy(flat:view(x:size())) end
        return objective()
      end
      local numeric = (at(orig + eps) - at(orig - eps)) / (2 * eps)
      at(orig)
      local diff = math.abs(numeric - an[i]) / math.max(1, math.abs(numeric))
      if diff > worst then worst = diff end
      if diff > tol then
        error(('%s: gradient of element %d: backprop %.6g, finite differences %.6g'):format(label, i, an[i], numeric), 3)
      end
    end
    return worst
  end
  local worst = check_tensor(target_of(input), gradTarget, 'input')
  if not opts.skip_params then
    local params = module:parameters()
    if params then
      for i, p in ipairs(params) do worst = math.max(worst, check_tensor(p, gradCopies[i], 'parameter ' .. i)) end
    end
  end
  return worst
end

return H
