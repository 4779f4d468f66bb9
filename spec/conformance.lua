-- The conformance driver: runs one row of spec/conformance_table.lua on a device ('cpu'
-- or 'cuda', or 'double': the CPU on Double tensors, the inputs and the module converted
-- with :double()) in a layout, and compares two runs. Every leg of
-- spec/conformance_spec.lua (non-contiguous vs contiguous, CPU vs CUDA, Double vs Float,
-- run vs run) is `compare(run(row, ...), run(row, ...), claim)`: the CUDA and Double legs
-- are the CPU legs with another device or type, so a CPU-only run exercises all of this
-- code but the device name. docs/testing.md describes rows.
local H = require 'helpers'
local stn = H.stn

local D = {}

-- Layout variants: each tensor operand (and gradOutput) is laid out in one way; 'mixed'
-- gives operand i the (i mod 3)-th of the three, so contiguous and strided operands meet.
D.LAYOUTS = { 'contiguous', 'transposed', 'strided', 'mixed' }
local MIXED = { 'contiguous', 'transposed', 'strided' }

local function blank(device, sizes)
  local t = device == 'cuda' and stn.CudaTensor() or device == 'double' and stn.DoubleTensor() or stn.FloatTensor()
  if #sizes == 0 then return t end
  return t:resize(unpack(sizes))
end

-- A copy of CPU tensor x on device, in layout: contiguous; transposed (its first and
-- last dims swapped in memory); strided (a narrowed view of a wider buffer, offset 2; a
-- stride-2 view for 1-D tensors). Values are x's in every layout.
function D.place(x, device, layout)
  local sizes = x:size():totable()
  local d = #sizes
  local view
  if layout == 'contiguous' or d == 0 or x:nElement() == 0 then
    view = blank(device, sizes)
  elseif layout == 'transposed' and d >= 2 then
    local s = { unpack(sizes) }
    s[1], s[d] = s[d], s[1]
    view = blank(device, s):transpose(1, d)
  elseif d == 1 then -- 1-D: transposed and strided are both a stride-2 view
    view = blank(device, { sizes[1], 2 }):select(2, 2)
  else
    local s = { unpack(sizes) }
    s[d] = s[d] + 3
    view = blank(device, s):narrow(d, 3, sizes[d])
  end
  view:copy(x)
  return view
end

-- An input spec: a size table {s1, s2, ...} with an optional range {sizes, lo, hi}
-- (values uniform in it), or a function returning a CPU tensor (labels, grids, NaNs).
local function generate(spec, previous)
  if type(spec) == 'function' then return spec(previous) end
  if type(spec[1]) == 'table' then return H.rand(spec[1], spec[2], spec[3]) end
  return H.rand(spec)
end

-- The row's inputs as CPU tensors, the same every time (seeded).
function D.inputs(row)
  stn.manualSeed(row.seed or 2015)
  local xs = {}
  for i, spec in ipairs(row.inputs or {}) do xs[i] = generate(spec, xs) end
  return xs
end

-- A row's layout variants: row.layouts, or with row.layout_pairs every pair of the three
-- layouts for the first two operands, or D.LAYOUTS. A variant is a name or a list of
-- names by operand.
function D.layouts(row)
  if row.layouts then return row.layouts end
  if row.layout_pairs then
    local out = {}
    for _, a in ipairs(MIXED) do
      for _, b in ipairs(MIXED) do out[#out + 1] = { a, b } end
    end
    return out
  end
  return D.LAYOUTS
end

function D.layout_name(layout)
  if type(layout) == 'table' then return table.concat(layout, '/') end
  return layout
end

local function layout_of(layout, i)
  if type(layout) == 'table' then return layout[i] or 'contiguous' end
  if layout == 'mixed' then return MIXED[(i - 1) % 3 + 1] end
  return layout
end

-- Places a list of CPU tensors (or non-tensor values, passed as they are).
local function place_all(xs, device, layout, keep_on_host)
  local out = {}
  for i, x in ipairs(xs) do
    if stn.isTensor(x) and not (keep_on_host and keep_on_host[i]) then
      out[i] = D.place(x, device, layout_of(layout, i))
    else
      out[i] = x
    end
  end
  return out
end

-- Results: a list of { label, value } with host copies of tensors (a CPU tensor's in its
-- own type, so a Double run keeps its digits); a table of tensors (several outputs, table
-- gradients) gives label[1], label[2], ...
local function collect(results, label, v)
  if stn.isTensor(v) then
    results[#results + 1] = { label, v.device == 0 and v:clone() or v:float() }
  elseif type(v) == 'table' then
    for i, x in ipairs(v) do collect(results, ('%s[%d]'):format(label, i), x) end
  elseif type(v) == 'number' then
    results[#results + 1] = { label, v }
  end
end

-- A random gradOutput shaped like output (a tensor or a table of them), on the CPU.
local function random_like(out)
  if type(out) == 'table' then
    local g = {}
    for i, o in ipairs(out) do g[i] = random_like(o) end
    return g
  end
  return H.rand(out:size():totable())
end

local function to_device(v, device, layout)
  if type(v) == 'table' then
    local out = {}
    for i, x in ipairs(v) do out[i] = to_device(x, device, layout_of(layout, i)) end
    return out
  end
  return D.place(v, device, layout_of(layout, 1))
end

-- The module's input from the placed list: the tensor, or the table of them.
local function module_input(row, xs)
  if row.table_input then return xs end
  return xs[1]
end

local function build(row)
  stn.manualSeed(row.seed or 2015)
  return row.build()
end

-- The gradOutput of a module row: random, shaped as the CPU output (computed once).
local function grad_output(row, xs)
  if row._gradOutput == nil then
    local m = build(row)
    stn.manualSeed(row.seed or 2015)
    local out = m:forward(module_input(row, xs))
    stn.manualSeed((row.seed or 2015) + 1)
    row._gradOutput = random_like(out)
  end
  return row._gradOutput
end

-- One forward and backward of module m (already on device) on the placed input; the
-- results in order: output, gradInput, each parameter gradient, then row.state(m).
local function module_pass(row, m, input, gout)
  local results = {}
  if m.zeroGradParameters then m:zeroGradParameters() end
  stn.manualSeed((row.seed or 2015) + 2) -- the same draws on every device (Dropout)
  collect(results, 'output', m:forward(input))
  collect(results, 'gradInput', m:backward(input, gout, row.scale))
  local _, grads = m:parameters()
  for i, g in ipairs(grads or {}) do collect(results, 'gradParameters[' .. i .. ']', g) end
  if row.state then collect(results, 'state', row.state(m)) end
  return results
end

-- A module or criterion (built on the CPU in Float) moved to the device of a run.
local function to_type(m, device)
  if device == 'cuda' then return m:cuda() end
  if device == 'double' then return m:double() end
  return m
end

local runners = {}

-- A module: built on the CPU (seeded), moved to the device, one pass; `times` passes on
-- the same module for the determinism leg.
function runners.module(row, device, layout, times)
  local xs = D.inputs(row)
  local gout = grad_output(row, xs)
  local m = to_type(build(row), device)
  local input = module_input(row, place_all(xs, device, layout))
  gout = to_device(gout, device, layout)
  local flat_params, flat_grads
  if row.flatten then flat_params, flat_grads = m:getParameters() end
  local runs = {}
  for r = 1, times or 1 do
    local results = module_pass(row, m, input, gout)
    if row.flatten then
      collect(results, 'flatParameters', flat_params)
      collect(results, 'flatGradParameters', flat_grads)
    end
    runs[r] = results
  end
  return runs
end

-- A criterion: loss (every value forward returns) and gradInput; targets on the device
-- unless the row keeps them on the host (row.host_inputs).
function runners.criterion(row, device, layout, times)
  local xs = D.inputs(row)
  local c = to_type(build(row), device)
  local placed = place_all(xs, device, layout, row.host_inputs)
  local runs = {}
  for r = 1, times or 1 do
    local results = {}
    collect(results, 'loss', { c:forward(placed[1], placed[2]) })
    collect(results, 'gradInput', c:backward(placed[1], placed[2]))
    runs[r] = results
  end
  return runs
end

-- A function of tensors (a Tensor op, an optim step): row.op(inputs...) with the random
-- generator seeded first; every value it returns is a result.
function runners.op(row, device, layout, times)
  local xs = D.inputs(row)
  local runs = {}
  for r = 1, times or 1 do
    local placed = place_all(xs, device, layout)
    stn.manualSeed((row.seed or 2015) + 2)
    local results = {}
    collect(results, 'result', { row.op(unpack(placed, 1, #xs)) })
    runs[r] = results
  end
  return runs
end

-- Torch7's finite-difference step and precision (its nn tests on Double).
D.DOUBLE_EPS, D.DOUBLE_TOL = 1e-6, 1e-5

-- The finite-difference leg (CPU): a module's Jacobian by H.check_jacobian for each
-- input index asked for; a criterion's gradient w.r.t. its input by central differences.
-- With double, the module and its inputs on Double, at Torch7's step and precision.
function D.check_gradients(row, double)
  local j = row.jacobian
  local xs = D.inputs(j.inputs and { inputs = j.inputs, seed = row.seed } or row)
  local m = build(row)
  local function pick(v, k) if type(v) == 'table' then return v[k] end return v end
  if double then
    m = m:double()
    for i, x in ipairs(xs) do if stn.isTensor(x) then xs[i] = x:double() end end
    j = { input_indices = j.input_indices, skip_params = j.skip_params, eps = D.DOUBLE_EPS, tol = D.DOUBLE_TOL }
  end
  if row.kind == 'criterion' then
    local eps, tol = j.eps or 1e-2, j.tol or 1e-2
    local x, t = xs[1], xs[2]
    m:forward(x, t)
    local g = m:backward(x, t):clone()
    H.assert_near(g, H.criterion_numeric_grad(m, x, t, eps), tol, 'gradient (backprop vs finite differences):')
    return
  end
  local input = module_input(row, xs)
  for k, index in ipairs(j.input_indices or { false }) do
    H.check_jacobian(m, input, { eps = pick(j.eps, k), tol = pick(j.tol, k), input_index = index or nil,
      skip_params = j.skip_params or k > 1 })
  end
end

-- Runs row on device in layout: a list of `times` (1) result lists.
function D.run(row, device, layout, times)
  return runners[row.kind or 'op'](row, device, layout or 'contiguous', times)
end

-- The claim for a result: a number (0: equal values, NaN equal to NaN; else the tolerance
-- relative to max(1, |expected|)); tol may be a table by label ('output', 'gradInput',
-- 'gradInput[2]', 'gradParameters', 'loss', 'result', 'state') with a `default`.
local function tolerance_for(tol, label)
  if type(tol) ~= 'table' then return tol end
  if tol[label] then return tol[label] end
  local base = label:match('^([%a]+)')
  if tol[base] then return tol[base] end
  return tol.default or 0
end

-- Asserts result lists a (expected) and b agree under the claim tol.
function D.compare(a, b, tol, what)
  assert(#a == #b, ('%s: %d results vs %d'):format(what, #b, #a))
  for i = 1, #a do
    local label, x = a[i][1], a[i][2]
    local y = b[i][2]
    assert(label == b[i][1], ('%s: result %s where %s was expected'):format(what, b[i][1], label))
    local t = tolerance_for(tol, label)
    local msg = ('%s: %s'):format(what, label)
    if type(x) == 'number' then
      assert(type(y) == 'number', msg .. ': not a number')
      local same = x == y or (x ~= x and y ~= y)
      assert(same or (t > 0 and math.abs(x - y) <= t * math.max(1, math.abs(x))),
        ('%s: %.17g vs %.17g (tol %g)'):format(msg, y, x, t))
    else
      assert(stn.isTensor(y), msg .. ': not a tensor')
      assert(x:isSameSizeAs(y), ('%s: sizes %s vs %s'):format(msg, tostring(y:size()), tostring(x:size())))
      H.assert_close(y, x, t, msg)
    end
  end
end

return D
