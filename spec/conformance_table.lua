-- The conformance table: one row per Tensor op, nn module, criterion, spatial module and
-- optimizer step, run by spec/conformance_spec.lua (driver: spec/conformance.lua) on the
-- CPU and on CUDA. A row says how to build the thing, its inputs, and what is claimed:
--   name          unique; the `it` names start with it
--   kind          'op' (default: op(inputs...) returns the results), 'module', 'criterion'
--   op / build    the function / the constructor (called with the random generator seeded;
--                 a module is built on the CPU and moved with :cuda())
--   inputs        list of specs: {sizes...}, {{sizes}, lo, hi}, or function(previous inputs)
--                 returning a CPU tensor; never all zeros
--   table_input   the module takes the inputs as one table ({images, grid})
--   scale         backward's scale; state(m) extra results (max pooling's indices)
--   flatten       getParameters() on the device first, its flat gradient a result too
--   host_inputs   {[i] = true}: the CUDA leg leaves input i on the host (labels)
--   cuda          CPU vs CUDA claim: 0 bitwise, a tolerance relative to max(1, |cpu|), or a
--                 table by result label (output, gradInput, gradInput[2], gradParameters,
--                 loss, result, state, default); false with cuda_why: not run on CUDA
--   deterministic CUDA gives the same bits run after run (3 runs of the same module/op)
--   noncontig     CPU, non-contiguous vs contiguous operands: 0 (bitwise, the default) or a
--                 tolerance; a string: not claimed, and why
--   layouts       the layout variants to run (spec/conformance.lua D.LAYOUTS by default)
--   jacobian      {eps, tol, inputs (smaller ones), input_indices, skip_params}: a finite-
--                 difference check on the CPU (criteria: of the loss w.r.t. the input)
--   double        CPU on Double (inputs converted with :double(), a module or criterion with
--                 :double()) vs the Float run: a tolerance relative to max(1, |float|) or a
--                 table by result label as for cuda (0: equal values); a string: not
--                 claimed, and why. With jacobian, the Jacobian is also checked on Double at
--                 Torch7's step and precision (eps 1e-6, tol 1e-5; spec/conformance.lua)
--
-- Where the CPU-vs-CUDA checks that used to be scattered over the specs went (old check ->
-- row names here; "kept" = not a CPU-vs-CUDA comparison, left in place or moved to
-- spec/cuda_device_spec.lua):
--   tensor_cuda_spec 'copy between devices and layouts'          -> copy: * rows (+ device_spec: :cuda() on a CUDA tensor)
--   tensor_cuda_spec 'fill, zero, and element reads and writes'  -> fill, zero (element reads/writes: cuda_device_spec)
--   tensor_cuda_spec 'arithmetic ops agree bit for bit'          -> pointwise: add .. pow(2) (bitwise, 4 layouts)
--   tensor_cuda_spec 'transcendental ops ...'                    -> pointwise: exp log tanh sigmoid pow cpow (1e-5)
--   tensor_cuda_spec 'whole-tensor reductions agree'             -> reduce all: * (1e-9; max/min bitwise), prod
--   tensor_cuda_spec 'reductions along each dim agree ...'       -> reduce dim d: * on 5x300x7 (transposed: 7x300x5 buffer), 3x5000
--   tensor_cuda_spec 'max and min keep the first of tied ...'    -> reduce ties/NaN: * rows (bitwise)
--   tensor_cuda_spec 'reductions are bitwise identical ...'      -> reduce 1000x1000: * rows (deterministic)
--   tensor_cuda_spec 'matrix products agree for every layout'    -> blas: mm / addmm into a transposed result, every layout pair
--   tensor_cuda_spec 'products never read an uninitialized ...'  -> blas: mm/mv into a NaN-filled result, addmm inner size 0
--   tensor_cuda_spec 'batched products agree ...'                -> blas: bmm, baddbmm, bmm transposed/broadcast/transposed result
--   tensor_cuda_spec 'matrix-vector products and dot agree'      -> blas: mv, addmv, dot
--   tensor_cuda_spec 'index, indexCopy and cat agree'            -> index: * rows, cat
--   tensor_cuda_spec 'random fills give the CPU's numbers'       -> random: uniform, bernoulli(p), normal
--   tensor_cuda_spec 'prints like a CPU tensor'                  -> kept: cuda_device_spec
--   tensor_pointwise 'cmax and cmin with a number on CUDA: NaN'  -> pointwise: cmax(0)/cmin(0) in place with NaNs
--   tensor_random 'bernoulli(pTensor) on CUDA'                   -> random: bernoulli(pTensor) (p with exact 0s and 1s); its error: cuda_device_spec
--   nn_activation 'match the CPU on CUDA'                        -> ReLU, Tanh, Sigmoid (1e-6)
--   nn_softmax 'match the CPU on CUDA (rows and planes)'         -> SoftMax / LogSoftMax 50x43, 3x1000, 2x5x7x3 (1e-5)
--   nn_linear 'matches the CPU on CUDA and repeats bit for bit'  -> Linear(37, 19) batch (1e-5, scale 0.5, deterministic)
--   nn_conv 'matches the CPU on CUDA ... repeats bit for bit'    -> SpatialConvolution 3->8 k7 p2 / 4->6 k3 s2 (1e-4, deterministic)
--   nn_pooling 'picks the same NaN as the CPU on CUDA'           -> SpatialMaxPooling * with NaNs (output, indices bitwise)
--   nn_pooling 'matches the CPU on CUDA' (max)                   -> SpatialMaxPooling 2x2 / 3x3 s2 p1 ceil (output bitwise, 1e-6)
--   nn_pooling 'matches the CPU on CUDA' (average)               -> SpatialAveragePooling 2x2 s2 / 3x3 s2 p1 ceil exclude-pad (1e-6)
--   nn_normalization 'match the CPU on CUDA and repeat bit ...'  -> Spatial{Subtractive,Divisive,Contrastive}Normalization (1e-5, deterministic)
--   nn_dropout 'draws on CUDA the mask it draws on the CPU'      -> Dropout(0.4) (1e-6)
--   nn_shape 'shape modules on CUDA give the CPU's results'      -> View, Reshape, Transpose, Identity (bitwise)
--   nn_shape nn.Copy between devices (two)                       -> kept in nn_shape_spec (device moves, no comparison)
--   nn_containers 'containers on CUDA give the CPU's results'    -> Sequential(ConcatTable, JoinTable, View, Transpose, Reshape) (1e-6)
--   nn_containers 'flatten and run on CUDA as on the CPU'        -> Sequential(Linear, Concat(Linear, Identity)) flattened (1e-5)
--   nn_containers 'flattens on CUDA ...'                         -> kept in nn_containers_spec (flat storage on CUDA)
--   nn_criterion ClassNLL 'matches the CPU on CUDA, labels ...'  -> ClassNLLCriterion, labels on the host, weighted (label error: cuda_device_spec)
--   nn_criterion MSE 'matches the CPU on CUDA'                   -> MSECriterion (1e-6)
--   optim 'gives the CPU's result bit for bit on CUDA'           -> optim.sgd: * (three configurations, bitwise)
--   spatial_transformer 'gives the CPU's results on CUDA'        -> SpatialTransformer rotation+scale+translation (1e-5, 1e-4)
--   spatial_cuda 'AffineTransformMatrixGenerator ... every flag' -> AffineTransformMatrixGenerator(*, *, *) (1e-6, 1e-5)
--   spatial_cuda 'the grid generators match the CPU'             -> AffineGridGenerator 7x9 align */BHWD 48x40 (1e-6, 1e-5)
--   spatial_cuda 'GridSampler matches the CPU ...'               -> GridSampler <shape> align * padding * (1e-5; grid 5e-4)
--   spatial_cuda 'BilinearSamplerBHWD matches the CPU'           -> BilinearSamplerBHWD <shape>
--   spatial_cuda 'skips the image gradient on request'           -> GridSampler imageGradient=false (vs the CPU's)
--   spatial_cuda 'backward is deterministic ...'                 -> GridSampler/BilinearSamplerBHWD zoomed * (deterministic)
--   spatial_cuda 'the grid generator's backward is deterministic'-> AffineGridGenerator 48x48 x50 (deterministic)
--   spatial_cuda 'handles empty channels and empty grids'        -> kept: cuda_device_spec
--   spatial_cuda 'a non-finite gradOutput gives NaN ...'         -> kept: cuda_device_spec (CUDA's own NaN rule)
--   spatial_cuda slice-vs-split and the per-variant repeats      -> gone with the split kernel (stn.setSamplerBackward)
--   nn_train 'trains on CUDA ... bitwise repeatably'             -> kept in nn_train_spec (end to end accuracy)
--   nn_learning_rates 'getOptimConfig on CUDA'                   -> kept (device of the config vectors)
--   serialize 'saves a CUDA network ...', viz_figures GPU probe,
--   tensor_subscript/tensor_torch7/tensor_errors/tensor_print CUDA cases -> kept (device behaviour)
local stn = require 'stn'
local H = require 'helpers'
require 'nn_testmodules'
local nn = stn.nn
local T = stn.Tensor

local rows = {}
local function row(r) rows[#rows + 1] = r; return r end
local function new(a) return a.new() end

---------------------------------------------------------------- Tensor: copy and fill
local M = { { 37, 53 } }
row { name = 'copy: clone', op = function(a) return a:clone() end, inputs = M, cuda = 0 }
row { name = 'copy: into a transposed view on the same device', cuda = 0, inputs = M,
  op = function(a) local r = new(a):resize(53, 37):t(); r:copy(a); return r end }
row { name = 'copy: device to a transposed host view', cuda = 0, inputs = M,
  op = function(a) local r = T(53, 37):t(); r:copy(a); return r end }
row { name = 'copy: host to a transposed view on the device', cuda = 0, inputs = M,
  op = function(a) local r = new(a):resize(53, 37):t(); r:copy(a:float()); return r end }
row { name = 'fill', cuda = 0, double = 0, inputs = { { 5, 7 } }, op = function(a) return a:fill(0.75) end }
row { name = 'zero', cuda = 0, double = 0, inputs = { { 5, 7 } }, op = function(a) return a:zero() end }

---------------------------------------------------------------- Tensor: pointwise
local X, Y = { { 33, 65 } }, { { 33, 65 }, 0.5, 2 }
local function rounded(xs) return xs[1]:clone():round() end
-- double: the Double run computes in double from the same (float-valued) inputs, the
-- Float run rounds each step to float: within a few float ulps (1e-6), comparisons and
-- ops exact in both (sign, floor, ..., cmax, cfmod) bitwise
local function pw(name, op, inputs, tol, double)
  row { name = 'pointwise: ' .. name, op = op, inputs = inputs, cuda = tol or 0, double = double or 1e-6 }
end
pw('add(a, b)', function(a, b) return new(a):add(a, b) end, { X, Y })
pw('add(a, -0.3, b)', function(a, b) return new(a):add(a, -0.3, b) end, { X, Y })
pw('add(a, 1.7)', function(a) return new(a):add(a, 1.7) end, { X })
pw('csub(a, b)', function(a, b) return new(a):csub(a, b) end, { X, Y })
pw('mul(a, 3.1)', function(a) return new(a):mul(a, 3.1) end, { X })
pw('div(a, 3.1)', function(a) return new(a):div(a, 3.1) end, { X })
pw('cmul(a, b)', function(a, b) return new(a):cmul(a, b) end, { X, Y })
pw('cdiv(a, b)', function(a, b) return new(a):cdiv(a, b) end, { X, Y })
pw('cmax(a, b)', function(a, b) return new(a):cmax(a, b) end, { X, Y }, 0, 0)
pw('cmin(a, b)', function(a, b) return new(a):cmin(a, b) end, { X, Y }, 0, 0)
pw('cmax(a, 0.1)', function(a) return new(a):cmax(a, 0.1) end, { X })
pw('clamp(a, -0.5, 0.25)', function(a) return new(a):clamp(a, -0.5, 0.25) end, { X })
pw('addcmul(a, 0.7, b, c)', function(a, b, c) return new(a):addcmul(a, 0.7, b, c) end, { X, Y, Y })
pw('addcdiv(a, 0.7, b, c)', function(a, b, c) return new(a):addcdiv(a, 0.7, b, c) end, { X, Y, Y })
pw('a:add(b) in place', function(a, b) return a:add(b) end, { X, Y })
pw('a:pow(2) in place', function(a) return a:pow(2) end, { X })
for _, name in ipairs { 'abs', 'neg', 'sign', 'floor', 'ceil', 'round', 'sqrt' } do
  pw(name, function(a) local r = new(a); return r[name](r, a) end, { name == 'sqrt' and Y or X }, 0, name == 'sqrt' and 1e-6 or 0)
end
for _, cmp in ipairs { 'eq', 'ne', 'gt', 'lt', 'ge', 'le' } do
  pw(cmp .. '(a, round(a))', function(a, b) return a[cmp](a, b) end, { X, rounded }, 0, 0)
  pw(cmp .. '(a, 0.25)', function(a) return a[cmp](a, 0.25) end, { X }, 0, 0)
end
local Z = { { 20, 30 }, 0.5, 2 }
for _, name in ipairs { 'exp', 'log', 'tanh', 'sigmoid' } do
  pw(name, function(a) local r = new(a); return r[name](r, a) end, { Z }, 1e-5)
end
pw('pow(a, 2.5)', function(a) return new(a):pow(a, 2.5) end, { Z }, 1e-5)
pw('pow(1.5, a)', function(a) return new(a):pow(1.5, a) end, { Z }, 1e-5)
pw('cpow(a, a)', function(a, b) return new(a):cpow(a, b) end, { Z, function(xs) return xs[1]:clone() end }, 1e-5)
-- CUDA's sinf, cosf, ... are within 2 ulp of the exact value, glibc's within 1: 1e-6 relative
local W = { { 20, 30 }, -3, 3 }
local U = { { 20, 30 }, -0.99, 0.99 }
for _, name in ipairs { 'sin', 'cos', 'tan', 'atan', 'sinh', 'cosh', 'asin', 'acos' } do
  pw(name, function(a) local r = new(a); return r[name](r, a) end, { (name == 'asin' or name == 'acos') and U or W }, 1e-6)
end
pw('atan2(a, b)', function(a, b) return new(a):atan2(a, b) end, { W, W }, 1e-6)
-- fmod is exact and remainder computed the same way on both: bitwise
pw('fmod(a, 0.7)', function(a) return new(a):fmod(a, 0.7) end, { W })
pw('remainder(a, -0.7)', function(a) return new(a):remainder(a, -0.7) end, { W })
pw('cfmod(a, b)', function(a, b) return new(a):cfmod(a, b) end, { W, Z }, 0, 0)
pw('cremainder(a, b)', function(a, b) return new(a):cremainder(a, b) end, { W, Z })
-- trunc and frac are exact, rsqrt and cinv correctly rounded divisions and square roots,
-- lerp unfused on both: bitwise; log1p is libm's on the CPU, CUDA's on the GPU
for _, name in ipairs { 'trunc', 'frac', 'rsqrt', 'cinv' } do
  pw(name, function(a) local r = new(a); return r[name](r, a) end, { name == 'rsqrt' and Z or W }, 0,
    (name == 'trunc' or name == 'frac') and 0 or 1e-6)
end
pw('log1p', function(a) return new(a):log1p(a) end, { Z }, 1e-6)
pw('lerp(a, b, 0.3)', function(a, b) return new(a):lerp(a, b, 0.3) end, { W, Z })
-- the NaN rule of cmax/cmin with a number (a NaN element gives the number), in place
-- x (contiguous) with a fraction of its elements NaN, at random places
local function sprinkle_nans(x, fraction)
  local u = H.rand(x:size():totable(), 0, 1)
  local px, pu = x:data(), u:data()
  for i = 0, x:nElement() - 1 do
    if pu[i] < fraction then px[i] = 0 / 0 end
  end
  return x
end
local function with_nans() return sprinkle_nans(H.rand({ 40, 30 }), 0.2) end
pw('cmax(0) in place, NaNs', function(a) return a:cmax(0) end, { with_nans })
pw('cmin(0) in place, NaNs', function(a) return a:cmin(0) end, { with_nans })
pw('cmax(2) in place, NaNs', function(a) return a:cmax(2) end, { with_nans })

---------------------------------------------------------------- Tensor: constructors and shapes
-- views, copies and fills (range and linspace are computed on the host): bitwise
local SQ = { { 7, 9 } }
row { name = 'shape: tril(a, 1), triu(a, -2)', double = 0, cuda = 0, inputs = SQ,
  op = function(a) return new(a):tril(a, 1), new(a):triu(a, -2) end }
row { name = 'shape: diag(a, 2), diag(a[1], -1), trace', double = 0, cuda = 0, inputs = SQ,
  op = function(a) return new(a):diag(a, 2), new(a):diag(a:select(1, 1), -1), a:trace() end }
row { name = 'shape: repeatTensor(a, 2, 1, 3)', cuda = 0, inputs = SQ,
  op = function(a) return new(a):repeatTensor(a, 2, 1, 3) end }
row { name = 'shape: eye, range, linspace', double = 1e-6, cuda = 0, inputs = SQ,
  op = function(a) return new(a):eye(4, 6), new(a):range(-1, 2.5, 0.3), new(a):linspace(-2, 3, 77) end }
row { name = 'shape: logspace (powf on each device)', double = 1e-6, cuda = 1e-6, inputs = SQ,
  op = function(a) return new(a):logspace(-1, 1, 9) end }
row { name = 'shape: split(a, 4, 2), chunk(a, 3)', cuda = 0, inputs = SQ,
  op = function(a) local p, c = a:split(4, 2), a:chunk(3); return p[1], p[3], c[1], c[3] end }
row { name = 'shape: permute(3, 1, 2), reshape(a, 6, 35), a % 0.7', cuda = 0, inputs = { { 5, 6, 7 } },
  op = function(a) return a:permute(3, 1, 2), a:permute(2, 3, 1):contiguous(), new(a):reshape(a, 6, 35),
    a:transpose(1, 3):reshape(a:nElement()), a % 0.7, a % -1.3 end }
row { name = 'shape: unfold(2, 3, 2), unfold(3, 7, 1)', cuda = 0, inputs = { { 5, 6, 7 } },
  op = function(a) return a:unfold(2, 3, 2), a:unfold(3, 7, 1):contiguous() end }

---------------------------------------------------------------- Tensor: scans, dist, renorm
-- cumsum/cumprod walk each line in the same order in double on both devices: bitwise,
-- contiguous or not; dist and renorm with p = 2 square exactly (bitwise), other p go
-- through each device's powf
local CUBE3 = { { 5, 6, 7 } }
row { name = 'scan: cumsum along 1, 2, 3 and of a transposed view', double = 1e-6, cuda = 0, inputs = CUBE3,
  op = function(a) return a:cumsum(), a:cumsum(2), a:cumsum(3), a:transpose(1, 3):cumsum(2) end }
row { name = 'scan: cumprod along 1, 3 and of a transposed view', double = 1e-6, cuda = 0, inputs = CUBE3,
  op = function(a) return a:cumprod(), a:cumprod(3), a:transpose(2, 3):cumprod(3) end }
row { name = 'scan: cumsum in place into a transposed view of itself', double = 1e-6, cuda = 0, inputs = SQ,
  op = function(a) local c = a:clone(); c:t():cumsum(c:t(), 2); return c end }
row { name = 'compare: equal, dist(p = 2, 1)', double = 1e-5, cuda = 0, inputs = SQ,
  op = function(a) local b = a:clone():mul(0.5); return a:equal(a:clone()) and 1 or 0, a:dist(b), a:dist(b, 1) end }
row { name = 'compare: dist(p = 3) (powf on each device)', double = 1e-5, cuda = 1e-6, inputs = SQ,
  op = function(a) return a:dist(a:clone():mul(-0.5), 3) end }
row { name = 'norms: renorm(2, d, 1) along 1 and 2', double = 1e-6, cuda = 0, inputs = SQ,
  op = function(a) return stn.renorm(a, 2, 1, 1), stn.renorm(a, 2, 2, 1) end }
row { name = 'norms: renorm(3, 1, 1) (powf on each device)', double = 1e-6, cuda = 1e-6, inputs = SQ,
  op = function(a) return stn.renorm(a, 3, 1, 1) end }

---------------------------------------------------------------- Tensor: reductions
-- whole-tensor results are doubles; the CPU visits a non-contiguous tensor in another
-- order, which moves the last bits of a double (never a float's). Double against Float:
-- the same values summed in double (whole tensor: 1e-12), or results rounded to float
-- (along a dim: 1e-6); max, min and their Long indices agree exactly
local DOUBLE_ORDER = 1e-12
local BIG = { { 300, 170 } }
for _, name in ipairs { 'sum', 'mean', 'var', 'std', 'norm' } do
  row { name = 'reduce all: ' .. name, double = 1e-12, op = function(a) return a[name](a) end, inputs = BIG, cuda = 1e-9,
    noncontig = DOUBLE_ORDER }
end
row { name = 'reduce all: max, min', double = 0, op = function(a) return a:max(), a:min() end, inputs = BIG, cuda = 0 }
row { name = 'reduce all: var(true), std(true), norm(1)', double = 1e-12, op = function(a) return a:var(true), a:std(true), a:norm(1) end,
  inputs = BIG, cuda = 1e-9, noncontig = DOUBLE_ORDER }
row { name = 'reduce all: prod', double = 1e-12, op = function(a) return a:prod() end, inputs = { { { 60 }, 0.5, 1.5 } }, cuda = 1e-9 }
-- dims of 5, 300 (long runs: a block per output) and 7 (its transposed layout is the
-- 7x300x5 buffer seen through transpose(1, 3)); and a long last dim
for _, sizes in ipairs { { 5, 300, 7 }, { 3, 5000 } } do
  local shape = table.concat(sizes, 'x')
  for d = 1, #sizes do
    for _, name in ipairs { 'sum', 'mean', 'var', 'std', 'norm', 'prod' } do
      -- (norm's argument is p: y:norm(d) is the whole-tensor d-norm, as the old spec had it)
      row { name = ('reduce dim %d: %s(%d) on %s'):format(d, name, d, shape), double = 1e-6, inputs = { sizes }, cuda = 1e-6,
        noncontig = name == 'norm' and DOUBLE_ORDER or 0,
        op = function(a)
          local y = name == 'prod' and new(a):mul(a, 0.5):add(1) or a -- products of values near 1 stay in range
          return y[name](y, d)
        end }
    end
    row { name = ('reduce dim %d: var(d, true), std(d, true) on %s'):format(d, shape), double = 1e-6, inputs = { sizes }, cuda = 1e-6,
      op = function(a) return a:var(d, true), a:std(d, true) end }
    row { name = ('reduce dim %d: max on %s'):format(d, shape), double = 0, inputs = { sizes }, cuda = 0, op = function(a) return a:max(d) end }
    row { name = ('reduce dim %d: min on %s'):format(d, shape), double = 0, inputs = { sizes }, cuda = 0, op = function(a) return a:min(d) end }
  end
end
-- max and min keep the first of tied values and let a NaN win
local function ties() return H.rand({ 40, 600 }, 0, 3):floor() end
local function ties_nans()
  local x = ties()
  x[3][17] = 0 / 0; x[3][400] = 0 / 0; x[20][5] = 0 / 0
  return x
end
for d = 1, 2 do
  row { name = 'reduce ties: max dim ' .. d, double = 0, inputs = { ties }, cuda = 0, op = function(a) return a:max(d) end }
  row { name = 'reduce ties: min dim ' .. d, double = 0, inputs = { ties }, cuda = 0, op = function(a) return a:min(d) end }
  row { name = 'reduce NaN: max dim ' .. d, double = 0, inputs = { ties_nans }, cuda = 0, op = function(a) return a:max(d) end }
end
row { name = 'reduce NaN: max, min', double = 0, inputs = { ties_nans }, cuda = 0, op = function(a) return a:max(), a:min() end }
-- run-to-run determinism on a large tensor; the narrowed norm: few outputs, long runs
local MEGA = { { 1000, 1000 } }
for _, r in ipairs {
  { 'sum', function(g) return g:sum() end, 1e-9 }, { 'var', function(g) return g:var() end, 1e-9 },
  { 'sum(1)', function(g) return g:sum(1) end, 1e-6 }, { 'mean(2)', function(g) return g:mean(2) end, 1e-6 },
  { 'narrow(2, 1, 3):norm(2, 1)', function(g) return g:narrow(2, 1, 3):norm(2, 1) end, 1e-6 },
} do
  row { name = 'reduce 1000x1000: ' .. r[1], double = r[3] == 1e-9 and 1e-12 or 1e-6, op = r[2], inputs = MEGA, cuda = r[3], deterministic = true, noncontig = DOUBLE_ORDER,
    layouts = { 'contiguous', 'transposed' } }
end

---------------------------------------------------------------- Tensor: BLAS
-- OpenBLAS picks its kernel by layout and shape (gemv for one row, gemv_t for a
-- transposed matrix): layouts agree within float rounding, not bit for bit. Double
-- (dgemm, dgemv) against Float: the float rounding of sums of up to 147 products
local BLAS_LAYOUT = 1e-5
for _, s in ipairs { { 33, 17, 65 }, { 1, 40, 9 }, { 150, 147, 211 } } do
  local n, k, p = s[1], s[2], s[3]
  local shape = ('%dx%d * %dx%d'):format(n, k, k, p)
  row { name = 'blas: mm ' .. shape, double = 1e-4, inputs = { { n, k }, { k, p } }, cuda = 1e-4, noncontig = BLAS_LAYOUT, layout_pairs = true,
    op = function(a, b) return new(a):mm(a, b) end }
  row { name = 'blas: addmm(0.5, M, -2, a, b) into a transposed result ' .. shape, double = 1e-4, inputs = { { n, k }, { k, p } },
    cuda = 1e-4, noncontig = BLAS_LAYOUT, layout_pairs = true,
    op = function(a, b)
      local m = new(a):resize(p, n):fill(0.5)
      m:t():addmm(0.5, m:t(), -2, a, b)
      return m
    end }
end
row { name = 'blas: mm into a NaN-filled result', double = 1e-4, inputs = { { 2, 2 }, { 2, 2 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(a, b) local r = new(a):resize(2, 2):fill(0 / 0); return r:mm(a, b) end }
row { name = 'blas: mv into a NaN-filled result', double = 1e-4, inputs = { { 2, 2 }, { 2 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(a, v) local r = new(a):resize(2):fill(0 / 0); return r:mv(a, v) end }
row { name = 'blas: addmm with an inner size of 0 gives beta * M', double = 1e-4, inputs = { { 2, 2 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(m) return stn.addmm(2, m, new(m):resize(2, 0), new(m):resize(0, 2)) end }
local A, B, MB = { 6, 20, 30 }, { 6, 30, 10 }, { 6, 20, 10 }
row { name = 'blas: bmm', double = 1e-4, inputs = { A, B }, cuda = 1e-4, noncontig = BLAS_LAYOUT, op = function(x, y) return new(x):bmm(x, y) end }
row { name = 'blas: baddbmm(0.3, M, 2, a, b)', double = 1e-4, inputs = { A, B, MB }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(x, y, z) return new(x):baddbmm(0.3, z, 2, x, y) end }
row { name = 'blas: bmm of a transposed batch', double = 1e-4, inputs = { { 6, 30, 20 }, B }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(x, y) return new(x):bmm(x:transpose(2, 3), y) end }
row { name = 'blas: bmm with a broadcast factor', double = 1e-4, inputs = { A, { 1, 30, 10 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(x, y) return new(x):bmm(x, y:expand(6, 30, 10)) end }
row { name = 'blas: bmm into a transposed batch result', double = 1e-4, inputs = { A, B }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(x, y)
    local r = new(x):resize(6, 10, 20)
    r:transpose(2, 3):bmm(x, y)
    return r
  end }
row { name = 'blas: mv', double = 1e-4, inputs = { { 70, 45 }, { 45 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT, op = function(m, x) return new(m):mv(m, x) end }
row { name = 'blas: addmv(0.5, y, 2, M, x)', double = 1e-4, inputs = { { 70, 45 }, { 45 }, { 70 } }, cuda = 1e-4, noncontig = BLAS_LAYOUT,
  op = function(m, x, y) return new(m):addmv(0.5, y, 2, m, x) end }
row { name = 'blas: ger, addr(0.5, M, 2, v1, v2)', double = 1e-6, inputs = { { 40 }, { 30 }, { 40, 30 } }, cuda = 1e-5,
  noncontig = BLAS_LAYOUT, op = function(x, y, m) return new(x):ger(x, y), new(x):addr(0.5, m, 2, x, y) end }
row { name = 'blas: addbmm(0.3, M, 2, a, b)', double = 1e-4, inputs = { A, B, { 20, 10 } }, cuda = 1e-4,
  noncontig = BLAS_LAYOUT, op = function(x, y, z) return new(x):addbmm(0.3, z, 2, x, y) end }
row { name = 'blas: dot', double = 1e-4, inputs = { { 1000 }, { 1000 } }, cuda = 1e-9, op = function(x, y) return x:dot(y) end }

---------------------------------------------------------------- Tensor: index, cat
-- The indexing family moves elements (0: bitwise on CUDA and on Double); indexAdd sums a
-- repeated index with atomicAdd on CUDA (any order) and in double vs float on Double.
-- Index tensors are LongTensors (CudaLongTensors on CUDA), masks ByteTensors, made in the op.
local function long_on(a, values)
  local l = stn.LongTensor(values)
  if a.device == 1 then l = l:cudaLong() end
  return l
end
local function byte_on(a, values)
  local m = stn.ByteTensor(values)
  if a.device == 1 then m = m:cudaByte() end
  return m
end
local CUBE = { 9, 11, 13 }
for d = 1, 3 do
  local idx = { 2, 1, 2, CUBE[d] }
  row { name = 'index: index(' .. d .. ', {2, 1, 2, last})', inputs = { CUBE }, cuda = 0, double = 0,
    op = function(a) return a:index(d, idx) end }
  row { name = 'index: index(' .. d .. ', LongTensor) of a transposed view', inputs = { CUBE }, cuda = 0, double = 0,
    op = function(a) local at = a:transpose(1, 3); return at:index(d, long_on(a, { 1, at:size(d), 1 })) end }
  local sizes = { unpack(CUBE) }
  sizes[d] = #idx
  row { name = 'index: indexCopy(' .. d .. ') with a repeated index (the last wins)', inputs = { CUBE, sizes }, cuda = 0,
    double = 0, op = function(a, s) return a:indexCopy(d, long_on(a, idx), s) end }
  row { name = 'index: indexAdd(' .. d .. ') with a repeated index (summed)', inputs = { CUBE, sizes }, cuda = 1e-6,
    double = 1e-6, op = function(a, s) return a:indexAdd(d, long_on(a, idx), s) end }
  row { name = 'index: indexFill(' .. d .. ', idx, -3)', inputs = { CUBE }, cuda = 0, double = 0,
    op = function(a) return a:indexFill(d, long_on(a, idx), -3) end }
end
-- gather / scatter along d of a 5x6x7 tensor: index entries (i + 2j + 3k + d) % size + 1,
-- with repeats inside lines (scatter keeps the last write on both devices)
local GS = { 5, 6, 7 }
local function gs_index(d, len)
  local sizes = { unpack(GS) }
  sizes[d] = len
  local t = {}
  for i = 1, sizes[1] do
    t[i] = {}
    for j = 1, sizes[2] do
      t[i][j] = {}
      for k = 1, sizes[3] do t[i][j][k] = (i + 2 * j + 3 * k + d) % GS[d] + 1 end
    end
  end
  return t, sizes
end
for d = 1, 3 do
  local values, sizes = gs_index(d, 4)
  row { name = 'gather: gather(' .. d .. ', idx)', inputs = { GS }, cuda = 0, double = 0,
    op = function(a) return a:gather(d, long_on(a, values)) end }
  row { name = 'gather: res:gather(x, ' .. d .. ', idx) into a transposed result', inputs = { GS }, cuda = 0, double = 0,
    op = function(a)
      local r = new(a):resize(sizes[3], sizes[2], sizes[1]):transpose(1, 3)
      r:gather(a, d, long_on(a, values))
      return r
    end }
  row { name = 'gather: scatter(' .. d .. ', idx, src) with repeats in a line', inputs = { GS, sizes }, cuda = 0, double = 0,
    op = function(a, s) return a:scatter(d, long_on(a, values), s) end }
  row { name = 'gather: scatter(' .. d .. ', idx, 2.5)', inputs = { GS }, cuda = 0, double = 0,
    op = function(a) return a:scatter(d, long_on(a, values), 2.5) end }
end
-- masks: 1 where (i * 7 + j * 3) % 5 < 2 on a 8x9 tensor (or its 72 elements as 6x12)
local function mask_values(rows, cols)
  local m = {}
  for i = 1, rows do
    m[i] = {}
    for j = 1, cols do m[i][j] = ((i * 7 + j * 3) % 5 < 2) and 1 or 0 end
  end
  return m
end
row { name = 'masked: maskedFill(mask, -1)', inputs = { { 8, 9 } }, cuda = 0, double = 0,
  op = function(a) return a:maskedFill(byte_on(a, mask_values(8, 9)), -1) end }
row { name = 'masked: maskedFill with a mask of another shape', inputs = { { 8, 9 } }, cuda = 0, double = 0,
  op = function(a) return a:maskedFill(byte_on(a, mask_values(6, 12)), 4) end }
row { name = 'masked: maskedCopy(mask, src)', inputs = { { 8, 9 }, { 4, 18 } }, cuda = 0, double = 0,
  op = function(a, s) return a:maskedCopy(byte_on(a, mask_values(8, 9)), s) end }
row { name = 'masked: maskedSelect(mask)', inputs = { { 8, 9 } }, cuda = 0, double = 0,
  op = function(a) return a:maskedSelect(byte_on(a, mask_values(8, 9))) end }
row { name = 'masked: nonzero (through the host on CUDA)', inputs = { { 8, 9 } }, cuda = 0, double = 0,
  op = function(a) return a:maskedFill(byte_on(a, mask_values(8, 9)), 0):nonzero() end }

---------------------------------------------------------------- Tensor: sort and selection
-- Through the host on CUDA: the CPU's results exactly; Double orders the same values.
-- TIES: a 7x9x5 tensor of small integers (ties in every line) for mode, median, sort.
local TIES = function()
  local t = T(7, 9, 5)
  for i = 1, 7 do for j = 1, 9 do for k = 1, 5 do t[i][j][k] = (i * 5 + j * 3 + k * 7) % 4 + 1 end end end
  return t
end
local SEL = { 7, 9, 5 }
for d = 1, 3 do
  row { name = 'sort: sort(' .. d .. ')', inputs = { SEL }, cuda = 0, double = 0, op = function(a) return a:sort(d) end }
  row { name = 'sort: sort(' .. d .. ', true) with ties (stable)', inputs = { TIES }, cuda = 0, double = 0,
    op = function(a) return a:sort(d, true) end }
  row { name = 'sort: topk(3, ' .. d .. ', true)', inputs = { SEL }, cuda = 0, double = 0,
    op = function(a) return a:topk(3, d, true) end }
  row { name = 'sort: kthvalue(2, ' .. d .. ')', inputs = { SEL }, cuda = 0, double = 0,
    op = function(a) return a:kthvalue(2, d) end }
  row { name = 'sort: median(' .. d .. ') with ties', inputs = { TIES }, cuda = 0, double = 0,
    op = function(a) return a:median(d) end }
  row { name = 'sort: mode(' .. d .. ') with ties', inputs = { TIES }, cuda = 0, double = 0,
    op = function(a) return a:mode(d) end }
end

row { name = 'index: cat({a, b, a}, 2)', inputs = { { 4, 3 }, { 4, 5 } }, cuda = 0,
  op = function(a, b) return stn.cat({ a, b, a }, 2) end }

---------------------------------------------------------------- Tensor: random fills
-- the CUDA generator gives the CPU's numbers for the same seed; normal differs by ulps
-- (libm vs CUDA log/cos). double: a Double fill draws the Float fill's numbers and
-- evaluates the transform in double (float ulps apart); the integer kinds draw the same
-- integers (bitwise)
row { name = 'random: uniform(-2, 3)', double = 1e-6, inputs = { { 50, 70 } }, cuda = 0, op = function(t) return t:uniform(-2, 3) end }
row { name = 'random: bernoulli(0.3)', double = 0, inputs = { { 50, 70 } }, cuda = 0, op = function(t) return t:bernoulli(0.3) end }
row { name = 'random: normal(1, 2)', double = 1e-5, inputs = { { 10001 } }, cuda = 1e-5, op = function(t) return t:normal(1, 2) end }
local function probabilities() -- with exact 0s and 1s, which must come out exactly
  local p = H.rand({ 50, 70 }, 0, 1)
  p:narrow(1, 1, 5):zero()
  p:narrow(1, 6, 5):fill(1)
  return p
end
row { name = 'random: bernoulli(pTensor)', double = 0, inputs = { { 50, 70 }, probabilities }, cuda = 0,
  op = function(t, p) return t:bernoulli(p) end }
row { name = 'random: random(-5, 20)', double = 0, inputs = { { 50, 70 } }, cuda = 0, op = function(t) return t:random(-5, 20) end }
row { name = 'random: random() (0 .. 2^24)', double = 'Torch7 draws random() on Double tensors in [0, 2^53], on Float ones in [0, 2^24]', inputs = { { 50, 70 } }, cuda = 0, op = function(t) return t:random() end }
-- geometric works in double: bitwise; CUDA's log / exp / tan differ from libm by an ulp or
-- so: logNormal as normal, exponential and cauchy to 1e-6
row { name = 'random: logNormal(1, 2)', double = 1e-5, inputs = { { 10001 } }, cuda = 1e-5, op = function(t) return t:logNormal(1, 2) end }
row { name = 'random: exponential(2)', double = 1e-6, inputs = { { 50, 70 } }, cuda = 1e-6, op = function(t) return t:exponential(2) end }
-- (cauchy: Float rounds pi * c to float before the tangent, which near c = +-1/2 magnifies
-- that rounding: 8e-5 on this row's draws)
row { name = 'random: cauchy(1, 2)', double = 1e-4, inputs = { { 50, 70 } }, cuda = 1e-6, op = function(t) return t:cauchy(1, 2) end }
row { name = 'random: geometric(0.3)', double = 0, inputs = { { 50, 70 } }, cuda = 0, op = function(t) return t:geometric(0.3) end }
-- multinomial draws on the host for a CUDA p (the CudaLongTensor result copied back): bitwise;
-- a Double p holds the Float p's values, so the same indices
row { name = 'random: multinomial(p, 30, true)', double = 0, inputs = { { { 40, 7 }, 0.1, 1 } }, cuda = 0,
  op = function(p) return stn.multinomial(p, 30, true) end }
row { name = 'random: multinomial(p, 5) without replacement', double = 0, inputs = { { { 40, 7 }, 0.1, 1 } }, cuda = 0,
  op = function(p) return p:multinomial(5) end }

---------------------------------------------------------------- nn modules
local function mod(r) r.kind = 'module'; return row(r) end
for _, name in ipairs { 'ReLU', 'Tanh', 'Sigmoid' } do
  mod { name = 'nn.' .. name, build = function() return nn[name]() end, inputs = { { { 4, 5, 6 }, -2, 2 } }, cuda = 1e-6,
    double = name == 'ReLU' and 0 or 1e-6, jacobian = { eps = 1e-3, tol = 2e-3 } }
end
mod { name = 'nn.Threshold(0.1, -2)', build = function() return nn.Threshold(0.1, -2) end, inputs = { { { 4, 5, 6 }, -2, 2 } },
  cuda = 1e-6, double = 0, jacobian = { eps = 1e-3, tol = 2e-3 } }
for _, size in ipairs { { 50, 43 }, { 3, 1000 }, { 2, 5, 7, 3 } } do
  for _, name in ipairs { 'SoftMax', 'LogSoftMax' } do
    mod { name = ('nn.%s %s'):format(name, table.concat(size, 'x')), build = function() return nn[name]() end,
      inputs = { { size, -5, 5 } }, cuda = 1e-5, double = 1e-6,
      jacobian = { tol = 2e-3, inputs = { { #size == 4 and { 2, 3, 2, 3 } or { 3, 7 }, -5, 5 } } } }
  end
end
mod { name = 'nn.Linear(37, 19) batch', build = function() return nn.Linear(37, 19) end, inputs = { { 50, 37 } }, scale = 0.5,
  cuda = 1e-5, double = 1e-5, deterministic = true, jacobian = { tol = 2e-3, inputs = { { 3, 37 } } } }
mod { name = 'nn.Linear(37, 19) vector', build = function() return nn.Linear(37, 19) end, inputs = { { 37 } }, cuda = 1e-5,
  double = 1e-5, deterministic = true, jacobian = { tol = 2e-3 } }
for _, conv in ipairs { 'SpatialConvolution', 'SpatialConvolutionMM' } do
  for _, cfg in ipairs { { 3, 8, 7, 7, 1, 1, 2, 2, { 4, 3, 20, 20 }, { 1, 3, 8, 8 } },
                         { 4, 6, 3, 3, 2, 2, 1, 1, { 4, 9, 11 }, { 4, 5, 6 } } } do
    local cin, cout, kW, kH, dW, dH, pW, pH, size, small = unpack(cfg)
    mod { name = ('nn.%s(%d, %d, %d, %d, %d, %d, %d, %d) on %s'):format(conv, cin, cout, kW, kH, dW, dH, pW, pH,
        table.concat(size, 'x')),
      build = function() return nn[conv](cin, cout, kW, kH, dW, dH, pW, pH) end, inputs = { size }, scale = 0.5,
      cuda = 1e-4, double = 1e-5, deterministic = true, jacobian = { eps = 1e-2, tol = 2e-3, inputs = { small } } }
  end
end
for _, cfg in ipairs { { 3, 8, 3, 3, 1, 1, 2, 2, 2, 2, { 4, 3, 20, 20 }, { 1, 3, 8, 8 } },
                       { 4, 6, 3, 2, 2, 1, 1, 0, 3, 2, { 4, 13, 11 }, { 4, 9, 8 } } } do
  local cin, cout, kW, kH, dW, dH, pW, pH, lW, lH, size, small = unpack(cfg)
  mod { name = ('nn.SpatialDilatedConvolution(%d, %d, %d, %d, %d, %d, %d, %d, %d, %d) on %s'):format(cin, cout, kW, kH,
      dW, dH, pW, pH, lW, lH, table.concat(size, 'x')),
    build = function() return nn.SpatialDilatedConvolution(cin, cout, kW, kH, dW, dH, pW, pH, lW, lH) end,
    inputs = { size }, scale = 0.5, cuda = 1e-4, double = 1e-5, deterministic = true,
    jacobian = { eps = 1e-2, tol = 2e-3, inputs = { small } } }
end
for _, cfg in ipairs { { 3, 8, 4, 4, 2, 2, 1, 1, 0, 0, { 4, 3, 10, 10 }, { 1, 3, 3, 3 } },
                       { 4, 6, 3, 2, 3, 2, 1, 0, 2, 1, { 4, 5, 6 }, { 4, 3, 3 } } } do
  local cin, cout, kW, kH, dW, dH, pW, pH, aW, aH, size, small = unpack(cfg)
  mod { name = ('nn.SpatialFullConvolution(%d, %d, %d, %d, %d, %d, %d, %d, %d, %d) on %s'):format(cin, cout, kW, kH,
      dW, dH, pW, pH, aW, aH, table.concat(size, 'x')),
    build = function() return nn.SpatialFullConvolution(cin, cout, kW, kH, dW, dH, pW, pH, aW, aH) end,
    inputs = { size }, scale = 0.5, cuda = 1e-4, double = 1e-5, deterministic = true,
    jacobian = { eps = 1e-2, tol = 2e-3, inputs = { small } } }
end
-- {input, sizeTensor}: the output takes sizeTensor's last two sizes (adj 2,1 here);
-- gradInput[2] is zeros
mod { name = 'nn.SpatialFullConvolution(3, 4, 3, 3, 3, 2, 1, 1) on {2x3x4x5, sizeTensor 2x4x8x15}',
  build = function() return nn.SpatialFullConvolution(3, 4, 3, 3, 3, 2, 1, 1) end,
  inputs = { { 2, 3, 4, 5 }, { 2, 4, 8, 15 } }, table_input = true, scale = 0.5, cuda = 1e-4, double = 1e-5,
  deterministic = true, jacobian = { eps = 1e-2, tol = 2e-3, input_indices = { 1 } } }
local function nan_images() return sprinkle_nans(H.rand({ 2, 3, 9, 11 }), 0.3) end
for _, p in ipairs { { 'nn.SpatialMaxPooling(2, 2)', function() return nn.SpatialMaxPooling(2, 2) end },
                     { 'nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil()', function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil() end } } do
  mod { name = p[1], build = p[2], inputs = { { 3, 4, 9, 11 } }, state = function(m) return m.indices end,
    cuda = { output = 0, state = 0, default = 1e-6 }, double = { output = 0, state = 0, default = 1e-6 },
    jacobian = { eps = 1e-3, tol = 2e-3, inputs = { { 2, 2, 7, 6 } } } }
  mod { name = p[1] .. ' with NaNs (the first NaN of a window wins)', build = p[2], inputs = { nan_images },
    state = function(m) return m.indices end, cuda = { output = 0, state = 0, default = 1e-6 },
    double = { output = 0, state = 0, default = 1e-6 } }
end
for _, p in ipairs { { 'nn.SpatialAveragePooling(2, 2, 2, 2)', function() return nn.SpatialAveragePooling(2, 2, 2, 2) end },
                     { 'nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil():setCountExcludePad()',
                       function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil():setCountExcludePad() end } } do
  mod { name = p[1], build = p[2], inputs = { { 3, 4, 9, 11 } }, cuda = 1e-6, double = 1e-6,
    jacobian = { tol = 2e-3, inputs = { { 2, 2, 7, 6 } } } }
end
-- sub-sampling: forward and gradInput sum each window (or gather each pixel's windows)
-- in the same order on both, products rounded alone (no fused multiply-add on CUDA):
-- bitwise; the parameters' gradients are per-plane reductions (double on the CPU, a
-- fixed float tree on CUDA)
for _, cfg in ipairs { { 4, 3, 2, 2, 1, { 3, 4, 9, 11 }, { 2, 4, 6, 5 } }, { 3, 2, 2, 2, 2, { 3, 8, 7 }, { 3, 5, 4 } } } do
  local n, kW, kH, dW, dH, size, small = unpack(cfg)
  mod { name = ('nn.SpatialSubSampling(%d, %d, %d, %d, %d) on %s'):format(n, kW, kH, dW, dH, table.concat(size, 'x')),
    build = function() return nn.SpatialSubSampling(n, kW, kH, dW, dH) end, inputs = { size }, scale = 0.5,
    cuda = { output = 0, gradInput = 0, default = 1e-5 }, double = 1e-6, deterministic = true,
    jacobian = { tol = 2e-3, inputs = { small } } }
end
for _, p in ipairs {
  { 'nn.SpatialSubtractiveNormalization(5, gaussian1D(7))', function() return nn.SpatialSubtractiveNormalization(5, stn.image.gaussian1D(7)) end },
  { 'nn.SpatialDivisiveNormalization(5, gaussian(5), 0.3, 0.5)', function() return nn.SpatialDivisiveNormalization(5, stn.image.gaussian(5), 0.3, 0.5) end },
  { 'nn.SpatialContrastiveNormalization(5)', function() return nn.SpatialContrastiveNormalization(5) end },
} do
  mod { name = p[1], build = p[2], inputs = { { 3, 5, 11, 9 } }, cuda = 1e-5, double = 1e-5, deterministic = true,
    jacobian = { tol = 5e-3, inputs = { { 1, 5, 5, 4 } } } }
end
-- padding: zero copies (bitwise); replication / reflection index (output bitwise) and sum
-- the border copies' gradients with indexAdd (atomics on CUDA: rounding order)
for _, name in ipairs { 'SpatialZeroPadding', 'SpatialReplicationPadding', 'SpatialReflectionPadding' } do
  for _, pads in ipairs { { 2, 1, 3, 2 }, { -2, 3, 1, -1 } } do
    local exact = name == 'SpatialZeroPadding'
    mod { name = ('nn.%s(%s)'):format(name, table.concat(pads, ', ')), build = function() return nn[name](unpack(pads)) end,
      inputs = { { 3, 4, 9, 11 } }, cuda = exact and 0 or { output = 0, default = 1e-6 },
      double = exact and 0 or { output = 0, default = 1e-6 }, jacobian = { tol = 2e-3, inputs = { { 2, 2, 6, 5 } } } }
  end
end
-- batch normalization: reductions along each feature's row (no atomics), in training (batch
-- statistics; the running ones are a state) and in evaluation (running statistics given)
local function with_stats(m)
  m.running_mean:uniform(-0.5, 0.5)
  m.running_var:uniform(0.5, 2)
  return m
end
for _, c in ipairs { { 'BatchNormalization', { 16, 10 }, { 5, 10 } }, { 'SpatialBatchNormalization', { 4, 3, 7, 6 }, { 2, 3, 3, 3 } } } do
  local name, size, small = c[1], c[2], c[3]
  mod { name = ('nn.%s(%d) training on %s'):format(name, size[2], table.concat(size, 'x')), scale = 0.5,
    build = function() return with_stats(nn[name](size[2])) end, inputs = { { size, -2, 3 } },
    state = function(m) return m.running_var end, cuda = 1e-5, double = 1e-5,
    jacobian = { eps = 1e-3, tol = 5e-3, inputs = { { small, -2, 3 } } } }
  mod { name = ('nn.%s(%d, 1e-3, 0.1, false) evaluation on %s'):format(name, size[2], table.concat(size, 'x')),
    build = function() return with_stats(nn[name](size[2], 1e-3, 0.1, false)):evaluate() end, inputs = { { size, -2, 3 } },
    cuda = 1e-5, double = 1e-5, jacobian = { eps = 1e-3, tol = 5e-3, inputs = { { small, -2, 3 } } } }
end
mod { name = 'nn.Dropout(0.4)', build = function() return nn.Dropout(0.4) end, inputs = { { 3, 40 } }, cuda = 1e-6, double = 1e-6,
  jacobian = false, jacobian_why = 'a new mask every forward' }
for _, p in ipairs { { 'nn.View(-1):setNumInputDims(2)', function() return nn.View(-1):setNumInputDims(2) end },
                     { 'nn.Reshape(12)', function() return nn.Reshape(12) end },
                     { 'nn.Transpose({1, 3})', function() return nn.Transpose({ 1, 3 }) end },
                     { 'nn.Identity', function() return nn.Identity() end } } do
  mod { name = p[1], build = p[2], inputs = { { 2, 3, 4 } }, cuda = 0, double = 0, jacobian = {} }
end
mod { name = 'nn.Decorator(nn.Linear(5, 4))', build = function() return nn.Decorator(nn.Linear(5, 4)) end,
  inputs = { { 3, 5 } }, cuda = 1e-5, double = 1e-6, jacobian = {} }
-- DontCast keeps its Linear Float on the CPU whatever the network becomes: a CUDA or
-- Double input is copied to it and the output back, so every leg computes the Float run
mod { name = 'nn.DontCast(nn.Linear(5, 4), true)', build = function() return nn.DontCast(nn.Linear(5, 4), true) end,
  inputs = { { 3, 5 } }, cuda = 0, jacobian = {},
  double = 'keeps its module Float by design (spec/nn_decorator_spec.lua): no Double Jacobian to claim' }
mod { name = 'nn.Copy(float, float)', build = function() return nn.Copy('torch.FloatTensor', 'torch.FloatTensor') end,
  inputs = { { 2, 3, 4 } }, cuda = false, cuda_why = 'a device mover (spec/nn_shape_spec.lua)', jacobian = {},
  double = 'a type mover: its types are its arguments, and :double() leaves them (spec/nn_shape_spec.lua)' }

-- the element-wise modules composed from tensor ops (spec/nn_transfer_spec.lua): CUDA's
-- exp / log1p / pow / sums differ from the CPU's by float ulps; Double vs Float within a
-- few float ulps, clamps and masks exactly (a clamp at 1.1: Float clamps at 1.1 rounded to
-- float, as Torch7). In place: spec/nn_transfer_spec.lua
local J = { eps = 1e-3, tol = 5e-3 }
local POS = { { 4, 5, 6 }, 0.2, 2 }
for _, p in ipairs {
  { 'nn.HardTanh(-0.8, 1.1)', function() return nn.HardTanh(-0.8, 1.1) end, nil, 1e-6, 1e-6 },
  { 'nn.HardTanh', function() return nn.HardTanh() end, nil, 1e-6, 0 },
  { 'nn.LeakyReLU(0.2)', function() return nn.LeakyReLU(0.2) end, nil, 1e-6, 1e-6 },
  { 'nn.ELU(1.3)', function() return nn.ELU(1.3) end, nil, 1e-5, 1e-6 },
  { 'nn.SoftPlus(1.5)', function() return nn.SoftPlus(1.5) end, nil, 1e-5, 1e-6 },
  { 'nn.Square', function() return nn.Square() end, nil, 1e-6, 1e-6 },
  { 'nn.Sqrt(0.1)', function() return nn.Sqrt(0.1) end, POS, 1e-5, 1e-6 },
  { 'nn.Power(2.5)', function() return nn.Power(2.5) end, POS, 1e-5, 1e-6 },
  { 'nn.Mul', function() return nn.Mul() end, nil, 1e-5, 1e-6 },
  { 'nn.Add(30)', function() return nn.Add(30) end, nil, 1e-5, 1e-6, { { 2, 5, 6 } } },
  { 'nn.Add(6)', function() return nn.Add(6) end, { { 4, 6 }, -2, 2 }, 1e-5, 1e-6, { { 3, 6 } } },
  { 'nn.Add(1, true)', function() return nn.Add(1, true) end, nil, 1e-5, 1e-6 },
  { 'nn.CMul(5, 6)', function() return nn.CMul(5, 6) end, nil, 1e-5, 1e-6, { { 2, 5, 6 } } },
  { 'nn.CMul(4, 1, 6)', function() return nn.CMul(4, 1, 6) end, nil, 1e-5, 1e-6, { { 4, 3, 6 } } },
  { 'nn.CMul(4, 5, 6)', function() return nn.CMul(4, 5, 6) end, nil, 1e-5, 1e-6, { { 4, 5, 6 } } },
  { 'nn.PReLU()', function() return nn.PReLU() end, nil, 1e-5, 1e-6 },
  { 'nn.PReLU(5)', function() return nn.PReLU(5) end, nil, 1e-5, 1e-6, { { 2, 5, 3 } } },
} do
  local name, build, input, cuda, double, small = unpack(p)
  mod { name = name, build = build, inputs = { input or { { 4, 5, 6 }, -2, 2 } }, scale = 0.5, cuda = cuda,
    double = double, jacobian = { eps = J.eps, tol = J.tol, inputs = small or { { input and input[1] or { 3, 4, 5 },
      input and input[2] or -2, input and input[3] or 2 } } } }
end
for _, p in ipairs { 1, 2, 3, 1.5, math.huge } do
  mod { name = ('nn.Normalize(%s)'):format(tostring(p)), build = function() return nn.Normalize(p) end,
    inputs = { { { 7, 30 }, -2, 2 } }, cuda = 1e-5, double = 1e-5, jacobian = { eps = 1e-3, tol = 5e-3, inputs = { { 3, 5 } } } }
end

---------------------------------------------------------------- modules along a dim (spec/nn_dim_modules_spec.lua)
for _, p in ipairs {
  { 'nn.Narrow(2, 2, -2)', function() return nn.Narrow(2, 2, -2) end },
  { 'nn.Narrow(-1, -1, 2)', function() return nn.Narrow(-1, -1, 2) end },
  { 'nn.Select(2, -1)', function() return nn.Select(2, -1) end },
  { 'nn.Squeeze() on 3x1x4x1', function() return nn.Squeeze() end, { 3, 1, 4, 1 } },
  { 'nn.Squeeze(2, 3) on a batch', function() return nn.Squeeze(2, 3) end, { 3, 1, 4, 1 } },
  { 'nn.Unsqueeze(2)', function() return nn.Unsqueeze(2) end },
  { 'nn.Unsqueeze(1, 2) on a batch', function() return nn.Unsqueeze(1, 2) end },
  { 'nn.Replicate(3, 2)', function() return nn.Replicate(3, 2) end },
  { 'nn.Replicate(2, 1, 2) on a batch', function() return nn.Replicate(2, 1, 2) end },
} do
  mod { name = p[1], build = p[2], inputs = { p[3] or { 3, 4, 5 } }, cuda = 0, double = 0, jacobian = {} }
end
for _, p in ipairs {
  { 'nn.Sum(2)', function() return nn.Sum(2) end },
  { 'nn.Sum(-1, nil, true, false)', function() return nn.Sum(-1, nil, true, false) end },
  { 'nn.Sum(1, 2) on a batch', function() return nn.Sum(1, 2) end },
  { 'nn.Mean(3)', function() return nn.Mean(3) end },
} do
  mod { name = p[1], build = p[2], inputs = { { 3, 40, 5 } }, cuda = 1e-6, double = 1e-6,
    jacobian = { inputs = { { 3, 4, 5 } } } }
end
for _, p in ipairs {
  { 'nn.Max(2)', function() return nn.Max(2) end },
  { 'nn.Max(-1)', function() return nn.Max(-1) end },
  { 'nn.Min(1, 2) on a batch', function() return nn.Min(1, 2) end },
  { 'nn.Min(1)', function() return nn.Min(1) end },
} do
  -- the Jacobian's input: distinct values 1/60 apart, so no step swaps the extreme
  mod { name = p[1], build = p[2], inputs = { { 3, 40, 5 } }, state = function(m) return m._indices end,
    cuda = 0, double = 0, jacobian = { inputs = { function() return stn.randperm(60):float():view(3, 4, 5):div(60) end } } }
end

---------------------------------------------------------------- containers
local function randomized(m)
  for _, p in ipairs(m:parameters()) do p:uniform(-1, 1) end
  return m
end
mod { name = 'nn.Sequential(ConcatTable(TestAffine, Identity), JoinTable, View, Transpose, Reshape)', inputs = { { 5 } },
  build = function()
    return randomized(nn.Sequential()
      :add(nn.ConcatTable():add(nn.TestAffine(5)):add(nn.Identity()))
      :add(nn.JoinTable(1))
      :add(nn.View(2, 5)):add(nn.Transpose({ 1, 2 })):add(nn.Reshape(10)))
  end, cuda = 1e-6, double = 1e-6, jacobian = {} }
mod { name = 'nn.Sequential(Linear, Concat(Linear, Identity)) flattened', inputs = { { 4, 6 } }, flatten = true,
  build = function()
    return nn.Sequential():add(nn.Linear(6, 5)):add(nn.Concat(2):add(nn.Linear(5, 3)):add(nn.Identity()))
  end, cuda = 1e-5, double = 1e-5, jacobian = { tol = 2e-3 } }
mod { name = 'nn.ParallelTable(Linear, Tanh)', inputs = { { 2, 4 }, { 2, 5 } }, table_input = true,
  build = function() return nn.ParallelTable():add(nn.Linear(4, 3)):add(nn.Tanh()) end, cuda = 1e-5, double = 1e-5,
  jacobian = { tol = 2e-3, input_indices = { 1, 2 } } }
mod { name = 'nn.JoinTable(2)', inputs = { { 4, 3 }, { 4, 5 } }, table_input = true, build = function() return nn.JoinTable(2) end,
  cuda = 0, double = 0, jacobian = { input_indices = { 1, 2 } } }
mod { name = 'nn.SelectTable(2)', inputs = { { 4, 3 }, { 4, 5 } }, table_input = true, build = function() return nn.SelectTable(2) end,
  cuda = 0, double = 0, jacobian = { input_indices = { 2 } } }

---------------------------------------------------------------- table modules (spec/nn_table_modules_spec.lua)
local TWO = { { 3, 4, 5 }, { 3, 4, 5 } }
mod { name = 'nn.CAddTable (three entries, one 12x5)', inputs = { { 3, 4, 5 }, { 3, 4, 5 }, { 12, 5 } }, table_input = true,
  build = function() return nn.CAddTable() end, cuda = 1e-6, double = 1e-6, jacobian = { input_indices = { 1, 2, 3 } } }
-- in place: forward writes into its first entry, so a full Narrow copies it first (the driver reuses its inputs)
mod { name = 'nn.Sequential(ParallelTable(Narrow(1, 1, -1), Identity), CAddTable(true))', inputs = TWO, table_input = true,
  build = function()
    return nn.Sequential():add(nn.ParallelTable():add(nn.Narrow(1, 1, -1)):add(nn.Identity())):add(nn.CAddTable(true))
  end, cuda = 1e-6, double = 1e-6, jacobian = { input_indices = { 1, 2 } } }
mod { name = 'nn.CSubTable', inputs = TWO, table_input = true, build = function() return nn.CSubTable() end,
  cuda = 1e-6, double = 1e-6, jacobian = { input_indices = { 1, 2 } } }
mod { name = 'nn.CMulTable (three entries)', inputs = { { 3, 4, 5 }, { 3, 4, 5 }, { 3, 4, 5 } }, table_input = true,
  build = function() return nn.CMulTable() end, cuda = 1e-6, double = 1e-6, jacobian = { input_indices = { 1, 2, 3 } } }
mod { name = 'nn.CDivTable', inputs = { { 3, 4, 5 }, { { 3, 4, 5 }, 0.5, 2 } }, table_input = true,
  build = function() return nn.CDivTable() end, cuda = 1e-5, double = 1e-5, jacobian = { tol = 5e-3, input_indices = { 1, 2 } } }
mod { name = 'nn.SplitTable(2)', inputs = { { 3, 4, 5 } }, build = function() return nn.SplitTable(2) end,
  cuda = 0, double = 0, jacobian = {} }
mod { name = 'nn.SplitTable(-1, 2) on a batch', inputs = { { 3, 4, 5 } }, build = function() return nn.SplitTable(-1, 2) end,
  cuda = 0, double = 0, jacobian = {} }
mod { name = 'nn.NarrowTable(2, 2)', inputs = { { 2, 3 }, { 4 }, { 3, 2 }, { 5 } }, table_input = true,
  build = function() return nn.NarrowTable(2, 2) end, cuda = 0, double = 0, jacobian = { input_indices = { 1, 2, 3, 4 } } }
mod { name = 'nn.Sequential(ConcatTable(Identity, NarrowTable(1, 2)), FlattenTable)', inputs = { { 2, 3 }, { 4 } },
  table_input = true,
  build = function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.NarrowTable(1, 2))):add(nn.FlattenTable())
  end, cuda = 0, double = 0, jacobian = { input_indices = { 1, 2 } } }

---------------------------------------------------------------- criteria
local function crit(r) r.kind = 'criterion'; return row(r) end
local function labels()
  local t = H.rand({ 50 }, 1, 43.999):floor()
  t[3] = 43
  t[9] = 1
  return t
end
crit { name = 'nn.ClassNLLCriterion', build = function() return nn.ClassNLLCriterion() end, inputs = { { 50, 43 }, labels },
  cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6, jacobian = { tol = 2e-3 } }
crit { name = 'nn.ClassNLLCriterion, labels on the host', build = function() return nn.ClassNLLCriterion() end,
  inputs = { { 50, 43 }, labels }, host_inputs = { [2] = true }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6 }
crit { name = 'nn.ClassNLLCriterion(weights)', inputs = { { 50, 43 }, labels },
  build = function() return nn.ClassNLLCriterion(H.rand({ 43 }, 0, 1)) end, cuda = { loss = 1e-5, default = 1e-6 },
  double = 1e-6, jacobian = { tol = 2e-3 } }
-- labels with some set to v (the ignoreIndex of the row)
local function labels_with(v)
  return function()
    local t = labels()
    t[4], t[20], t[31] = v, v, v
    return t
  end
end
crit { name = 'nn.ClassNLLCriterion(weights), labels -100 ignored', inputs = { { 50, 43 }, labels_with(-100) },
  build = function() return nn.ClassNLLCriterion(H.rand({ 43 }, 0, 1)) end, cuda = { loss = 1e-5, default = 1e-6 },
  double = 1e-6, jacobian = { tol = 2e-3 } }
crit { name = 'nn.ClassNLLCriterion(nil, false, 5)', inputs = { { 50, 43 }, labels_with(5) },
  build = function() return nn.ClassNLLCriterion(nil, false, 5) end, cuda = { loss = 1e-5, default = 1e-6 },
  double = 1e-6, jacobian = { tol = 2e-3 } }
crit { name = 'nn.CrossEntropyCriterion', build = function() return nn.CrossEntropyCriterion() end,
  inputs = { { 50, 43 }, labels }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6, jacobian = { tol = 2e-3 } }
-- the tensor-op criterions (stn/nn/criterion_utils.lua); the finite-difference inputs
-- keep clear of the kinks (|x - t| = 0 or 1, x y = margin, a hinge at 0)
local function signs(xs) return H.rand(xs[1]:size()):add(-0.5):sign() end
crit { name = 'nn.AbsCriterion', build = function() return nn.AbsCriterion() end,
  inputs = { { { 7, 9 }, 0.1, 1 }, { { 7, 9 }, -1, -0.1 } }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6,
  jacobian = { tol = 2e-3 } }
crit { name = 'nn.SmoothL1Criterion', build = function() return nn.SmoothL1Criterion() end,
  inputs = { { { 7, 9 }, -0.4, 0.4 }, { { 7, 9 }, -0.4, 0.4 } }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6,
  jacobian = { tol = 2e-3 } }
crit { name = 'nn.SmoothL1Criterion(false), both sides of 1', build = function() return nn.SmoothL1Criterion(false) end,
  inputs = { { { 7, 9 }, -3, 3 }, { { 7, 9 }, -1, 1 } }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6 }
crit { name = 'nn.DistKLDivCriterion', build = function() return nn.DistKLDivCriterion() end,
  inputs = { { { 7, 9 }, -3, -0.1 }, { { 7, 9 }, -0.3, 1 } }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6,
  jacobian = { tol = 2e-3 } }
crit { name = 'nn.BCECriterion', build = function() return nn.BCECriterion() end,
  inputs = { { { 7, 9 }, 0.05, 0.95 }, { { 7, 9 }, 0, 1 } }, cuda = { loss = 1e-5, default = 1e-5 }, double = 1e-5,
  jacobian = { tol = 2e-3 } }
crit { name = 'nn.BCECriterion(weights per column, false)', inputs = { { { 7, 9 }, 0.05, 0.95 }, { { 7, 9 }, 0, 1 } },
  build = function() return nn.BCECriterion(H.rand({ 9 }, 0, 2), false) end, cuda = { loss = 1e-5, default = 1e-5 },
  double = 1e-5, jacobian = { eps = 1e-3, tol = 5e-3 } }
crit { name = 'nn.MarginCriterion(1)', build = function() return nn.MarginCriterion() end,
  inputs = { { { 7, 9 }, -0.9, 0.9 }, signs }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6,
  jacobian = { tol = 2e-3 } }
crit { name = 'nn.MarginCriterion(0.3), some inactive', build = function() return nn.MarginCriterion(0.3) end,
  inputs = { { { 7, 9 }, -2, 2 }, signs }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6 }
local function class_labels(n)
  return function(xs) return H.rand({ xs[1]:size(1) }, 1, n + 0.999):floor() end
end
crit { name = 'nn.MultiMarginCriterion', build = function() return nn.MultiMarginCriterion() end,
  inputs = { { 20, 9 }, class_labels(9) }, cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6,
  jacobian = { tol = 2e-3, inputs = { { 3, 4 }, class_labels(4) } } }
crit { name = 'nn.MultiMarginCriterion(2, weights, 0.5)', inputs = { { 20, 9 }, class_labels(9) },
  build = function() return nn.MultiMarginCriterion(2, H.rand({ 9 }, 0, 2), 0.5) end,
  cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6, jacobian = { tol = 2e-3 } } -- (p = 2: no kink at the hinge)
crit { name = 'nn.MultiCriterion(MSE 0.5, SmoothL1 2)', inputs = { { 7, 9 }, { { 7, 9 }, -0.4, 0.4 } },
  build = function() return nn.MultiCriterion():add(nn.MSECriterion(), 0.5):add(nn.SmoothL1Criterion(), 2) end,
  cuda = { loss = 1e-5, default = 1e-6 }, double = 1e-6 }
crit { name = 'nn.MSECriterion', build = function() return nn.MSECriterion() end, inputs = { { 7, 9 }, { 7, 9 } }, cuda = 1e-6,
  double = 1e-6, jacobian = { tol = 2e-3 } }

---------------------------------------------------------------- spatial modules
for _, rot in ipairs { false, true } do
  for _, sc in ipairs { false, true } do
    for _, tr in ipairs { false, true } do
      local k = (rot or sc or tr) and ((rot and 1 or 0) + (sc and 1 or 0) + (tr and 2 or 0)) or 6
      mod { name = ('nn.AffineTransformMatrixGenerator(%s, %s, %s)'):format(tostring(rot), tostring(sc), tostring(tr)),
        build = function() return nn.AffineTransformMatrixGenerator(rot, sc, tr) end, inputs = { { 37, k } },
        cuda = { output = 1e-6, default = 1e-5 }, double = 1e-6,
        jacobian = { eps = 1e-3, tol = 1e-3, inputs = { { 3, k } } } }
    end
  end
end
for _, align in ipairs { true, false } do
  mod { name = 'nn.AffineGridGenerator(7, 9) alignCorners ' .. tostring(align), inputs = { { 5, 2, 3 } },
    build = function() return nn.AffineGridGenerator(7, 9, { alignCorners = align }) end,
    cuda = { output = 1e-6, default = 1e-5 }, double = 1e-5, jacobian = { tol = 1e-3 } }
end
mod { name = 'nn.AffineGridGeneratorBHWD(48, 40)', build = function() return nn.AffineGridGeneratorBHWD(48, 40) end,
  inputs = { { 3, 2, 3 } }, cuda = { output = 1e-6, default = 1e-5 }, double = 1e-5, jacobian = { tol = 1e-3 } }
mod { name = 'nn.AffineGridGenerator(48, 48) on 50 transforms', build = function() return nn.AffineGridGenerator(48, 48) end,
  inputs = { { 50, 2, 3 } }, cuda = { output = 1e-6, default = 1e-5 }, double = 1e-5, deterministic = true }

-- A random grid: an affine map plus a little noise, with some samples outside; zoom < 1
-- lands many samples on the same input pixels.
local function random_grid(B, Ho, Wo, spread, zoom)
  return function()
    local theta = H.rand({ B, 2, 3 }, -0.3, 0.3)
    for b = 1, B do theta[b][1][1] = theta[b][1][1] + 1; theta[b][2][2] = theta[b][2][2] + 1 end
    local grid = nn.AffineGridGenerator(Ho, Wo):forward(theta):clone()
    return grid:add(H.rand({ B, Ho, Wo, 2 }, -spread, spread)):mul(zoom or 1)
  end
end
-- A grid whose samples stay 0.2 pixel away from pixel boundaries (for finite differences):
-- (x, y) pairs, x across width pixels (give height and width swapped for (y, x) pairs).
local function smooth_grid(B, Ho, Wo, height, width, align)
  return function()
    local u = H.rand({ B, Ho, Wo, 2 }, 0, 1)
    local g = stn.Tensor(B, Ho, Wo, 2)
    local pu, pg = u:data(), g:data()
    for i = 0, B * Ho * Wo * 2 - 1, 2 do
      local size = { width, height }
      for c = 0, 1 do
        local n = size[c + 1]
        local px = math.floor(pu[i + c] * (n + 1)) - 1 + 0.2 + 0.6 * pu[i + 1 - c]
        pg[i + c] = align and (2 * px / (n - 1) - 1) or ((2 * px + 1) / n - 1)
      end
    end
    return g
  end
end
-- one channel group per block, several groups, many channels, a large image, zoomed-in
-- grids, and 48 x 48 outputs with few and many elements
local SHAPES = {
  { 4, 3, 17, 23, 19, 13, 0.05 },
  { 2, 16, 23, 23, 23, 23, 0.05 },
  { 3, 70, 12, 12, 10, 14, 0.02 },
  { 1, 2, 200, 190, 40, 50, 0.02 },
  { 2, 3, 48, 48, 48, 48, 0.05 },
  { 40, 3, 48, 48, 48, 48, 0.05 },
}
-- the grid gradient sums channels in another association on each device
local SAMPLER_TOL = { output = 1e-5, gradInput = 1e-5, ['gradInput[2]'] = 5e-4 }
-- Double against Float: the Float result's rounding, the grid gradient's times the pixel
-- scale ((size - 1)/2: up to 100 here), and the pixel coordinates of a float grid value rounded
-- in float (size * 2^-24 pixels) move the weights
local SAMPLER_DOUBLE = { output = 2e-4, gradInput = 2e-4, ['gradInput[2]'] = 1e-2 }
-- why the rows on random grids claim nothing on Double (the smooth-grid rows below do)
local DOUBLE_KINKS = 'random grids put a few samples within float rounding of a pixel line (Float snaps within '
  .. 'size * 2^-22 pixels of a pixel centre, Double within size * 2^-51), where the two types read different cells '
  .. 'and the grid gradient, a one-sided derivative at a kink, differs by its jump; the smooth-grid rows claim Double'
for i, s in ipairs(SHAPES) do
  local B, Cc, Hh, W, Ho, Wo, spread = unpack(s)
  local shape = ('%dx%dx%dx%d -> %dx%d'):format(B, Cc, Hh, W, Ho, Wo)
  for _, align in ipairs { true, false } do
    for _, padding in ipairs { 'zeros', 'border' } do
      mod { name = ('nn.GridSampler %s align %s padding %s'):format(shape, tostring(align), padding), table_input = true,
        build = function() return nn.GridSampler { alignCorners = align, padding = padding } end,
        inputs = { { B, Cc, Hh, W }, random_grid(B, Ho, Wo, spread) }, cuda = SAMPLER_TOL, double = DOUBLE_KINKS }
    end
  end
  mod { name = ('nn.BilinearSamplerBHWD %dx%dx%dx%d -> %dx%d'):format(B, Hh, W, Cc, Ho, Wo), table_input = true,
    build = function() return nn.BilinearSamplerBHWD() end, inputs = { { B, Hh, W, Cc }, random_grid(B, Ho, Wo, spread) },
    cuda = SAMPLER_TOL, double = DOUBLE_KINKS }
end
-- Grids whose samples stay 0.2 pixel away from pixel lines: Float and Double read the same
-- cells, so every result is claimed on Double; the Jacobian rows (on Double too).
for i = 1, 5 do
  local B, Cc, Hh, W, Ho, Wo = unpack(SHAPES[i])
  local shape = ('%dx%dx%dx%d -> %dx%d'):format(B, Cc, Hh, W, Ho, Wo)
  for _, align in ipairs { true, false } do
    for _, padding in ipairs { 'zeros', 'border' } do
      mod { name = ('nn.GridSampler %s smooth grid align %s padding %s'):format(shape, tostring(align), padding),
        table_input = true, build = function() return nn.GridSampler { alignCorners = align, padding = padding } end,
        inputs = { { B, Cc, Hh, W }, smooth_grid(B, Ho, Wo, Hh, W, align) }, cuda = SAMPLER_TOL, double = SAMPLER_DOUBLE,
        jacobian = i == 1 and { input_indices = { 1, 2 }, eps = { 1e-2, 1e-3 }, tol = { 1e-3, 2e-3 },
          inputs = { { 2, 2, 4, 5 }, smooth_grid(2, 3, 4, 4, 5, align) } } or nil }
    end
  end
  mod { name = ('nn.BilinearSamplerBHWD %dx%dx%dx%d -> %dx%d smooth grid'):format(B, Hh, W, Cc, Ho, Wo), table_input = true,
    build = function() return nn.BilinearSamplerBHWD() end,
    -- (y, x) pairs: the first coordinate spans the height
    inputs = { { B, Hh, W, Cc }, smooth_grid(B, Ho, Wo, W, Hh, true) }, cuda = SAMPLER_TOL, double = SAMPLER_DOUBLE,
    jacobian = i == 1 and { input_indices = { 1, 2 }, eps = { 1e-2, 1e-3 }, tol = { 1e-3, 2e-3 },
      inputs = { { 2, 4, 5, 2 }, smooth_grid(2, 3, 4, 5, 4, true) } } or nil }
end
mod { name = 'nn.GridSampler imageGradient=false', table_input = true,
  build = function() return nn.GridSampler { imageGradient = false } end,
  inputs = { { 3, 5, 16, 16 }, random_grid(3, 12, 12, 0.05) }, cuda = SAMPLER_TOL, double = DOUBLE_KINKS }
-- the CUDA backward repeats bit for bit, zoomed in (many samples per input pixel)
for _, c in ipairs {
  { 'nn.GridSampler zoomed 50x3x48x48', function() return nn.GridSampler() end, { 50, 3, 48, 48 }, { 48, 48 }, 0.05 },
  { 'nn.GridSampler zoomed 2x32x23x23 align false padding border',
    function() return nn.GridSampler { alignCorners = false, padding = 'border' } end, { 2, 32, 23, 23 }, { 23, 23 }, 0.05 },
  { 'nn.GridSampler zoomed 1x2x200x190 -> 40x50', function() return nn.GridSampler() end, { 1, 2, 200, 190 }, { 40, 50 }, 0.02 },
} do
  local name, build, isz, osz, spread = unpack(c)
  mod { name = name, build = build, table_input = true, deterministic = true, cuda = SAMPLER_TOL, double = DOUBLE_KINKS,
    inputs = { isz, random_grid(isz[1], osz[1], osz[2], spread, 0.2) } }
end
mod { name = 'nn.BilinearSamplerBHWD zoomed 8x30x30x4', build = function() return nn.BilinearSamplerBHWD() end,
  table_input = true, deterministic = true, cuda = SAMPLER_TOL, double = DOUBLE_KINKS,
  inputs = { { 8, 30, 30, 4 }, random_grid(8, 30, 30, 0.1, 0.3) } }
-- The sampler's other modes and reflection padding (csrc/spatial/sampler_modes.c, its
-- CUDA twin cuda/spatial/sampler_modes.cu). Random grids reach past the borders (zoom 1.6);
-- the kink-free grid keeps every pixel coordinate 0.15 pixel away from whole and half
-- pixels (the taps' steps, nearest's rounding, the reflection borders: reflection maps
-- such a coordinate to another), so Float and Double read the same pixels there.
local function modes_grid(B, Ho, Wo, height, width, align)
  return function()
    local u = H.rand({ B, Ho, Wo, 2 }, 0, 1)
    local g = stn.Tensor(B, Ho, Wo, 2)
    local pu, pg = u:data(), g:data()
    for i = 0, B * Ho * Wo * 2 - 1 do
      local n = i % 2 == 0 and width or height
      local r = pu[i] * 2 -- which of the two windows of a pixel
      local f = r < 1 and 0.15 + 0.2 * r or 0.65 + 0.2 * (r - 1)
      local px = math.floor(pu[(i + 1) % (B * Ho * Wo * 2)] * (n + 4)) - 2 + f
      pg[i] = align and (2 * px / (n - 1) - 1) or ((2 * px + 1) / n - 1)
    end
    return g
  end
end
-- bicubic sums 16 taps (and their derivatives): more roundings on each device
local MODES_TOL = { output = 1e-5, gradInput = 1e-5, ['gradInput[2]'] = 1e-3 }
local MODES_DOUBLE = { output = 2e-4, gradInput = 2e-4, ['gradInput[2]'] = 1e-2 }
local MODES_KINKS = 'random grids put a few samples within float rounding of a step (a tap change, a half pixel '
  .. 'for nearest, a reflection border), where Float and Double read different pixels; the kink-free rows claim Double'
for _, s in ipairs { SHAPES[1], SHAPES[2] } do
  local B, Cc, Hh, W, Ho, Wo, spread = unpack(s)
  local shape = ('%dx%dx%dx%d -> %dx%d'):format(B, Cc, Hh, W, Ho, Wo)
  for _, mode in ipairs { 'nearest', 'bicubic', 'bilinear' } do
    for _, padding in ipairs { 'zeros', 'border', 'reflection' } do
      if mode ~= 'bilinear' or padding == 'reflection' then
        for _, align in ipairs { true, false } do
          local opts = { mode = mode, padding = padding, alignCorners = align }
          local build = function() return nn.GridSampler(opts) end
          local tag = ('%s %s mode %s align %s padding %s'):format('nn.GridSampler', shape, mode, tostring(align), padding)
          mod { name = tag, table_input = true, build = build, cuda = MODES_TOL, double = MODES_KINKS,
            inputs = { { B, Cc, Hh, W }, random_grid(B, Ho, Wo, spread, 1.6) } }
          mod { name = tag .. ' kink-free grid', table_input = true, build = build, cuda = MODES_TOL,
            double = MODES_DOUBLE, inputs = { { B, Cc, Hh, W }, modes_grid(B, Ho, Wo, Hh, W, align) },
            jacobian = s == SHAPES[1] and {
              input_indices = mode == 'nearest' and { 1 } or { 1, 2 }, eps = { 1e-2, 1e-3 }, tol = { 1e-3, 3e-3 },
              inputs = { { 2, 2, 4, 5 }, modes_grid(2, 3, 4, 4, 5, align) } } or nil }
        end
      end
    end
  end
end
-- the CUDA backward of every mode repeats bit for bit, zoomed in and reaching outside
for _, mode in ipairs { 'nearest', 'bicubic', 'bilinear' } do
  mod { name = ('nn.GridSampler zoomed 20x3x48x48 mode %s padding reflection'):format(mode), table_input = true,
    deterministic = true, cuda = MODES_TOL, double = MODES_KINKS,
    build = function() return nn.GridSampler { mode = mode, padding = 'reflection' } end,
    inputs = { { 20, 3, 48, 48 }, random_grid(20, 48, 48, 0.05, 0.3) } }
end
mod { name = 'nn.GridSampler zoomed 4x8x30x30 mode bicubic padding zeros align false', table_input = true,
  deterministic = true, cuda = MODES_TOL, double = MODES_KINKS,
  build = function() return nn.GridSampler { mode = 'bicubic', alignCorners = false } end,
  inputs = { { 4, 8, 30, 30 }, random_grid(4, 30, 30, 0.05, 0.3) } }

-- Antialiased sampling (desc->antialias = 1) through the C op: results output, image
-- gradient, grid gradient, on zoom-out grids (3x and 4.5x, rotated); the grid gradient is
-- times the pixel scale and sums the channels, hence its looser claims
local function antialias_op(padding, align)
  local ffi = require 'ffi'
  local core = require 'stn.ffi'
  local d = ffi.new('stn_sampler_desc', 0, 0, align, padding, 0, 1)
  return function(images, grid, gout)
    local out, gi, gg = new(images), new(images), new(images)
    assert(core.C.stn_sampler_forward(core.ctx, d, images, grid, out) == 0, ffi.string(core.C.stn_last_error()))
    assert(core.C.stn_sampler_backward(core.ctx, d, images, grid, gout, gi, gg) == 0, ffi.string(core.C.stn_last_error()))
    return { out, gi, gg }
  end
end
local function zoom_out_grid(B, Ho, Wo, scale, align)
  return function()
    local theta = stn.Tensor(B, 2, 3)
    for b = 1, B do
      local a = 0.4 * b
      theta[b][1][1], theta[b][1][2], theta[b][1][3] = scale * math.cos(a), -scale * math.sin(a), 0.03 * b
      theta[b][2][1], theta[b][2][2], theta[b][2][3] = scale * math.sin(a), scale * math.cos(a), -0.02 * b
    end
    return nn.AffineGridGenerator(Ho, Wo, { alignCorners = align == 1 }):forward(theta):clone()
  end
end
for _, c in ipairs { { 3, 4, 60, 54, 20, 18, 3 }, { 2, 3, 96, 96, 20, 21, 4.5 } } do
  local B, Cc, Hh, W, Ho, Wo, scale = unpack(c)
  for align = 0, 1 do
    for padding = 0, 2 do
      row { name = ('sampler antialias %dx%dx%dx%d -> %dx%d zoom-out %g align %d padding %d'):format(B, Cc, Hh, W, Ho, Wo,
        scale, align, padding), op = antialias_op(padding, align), layouts = { 'contiguous', 'transposed' },
        inputs = { { B, Cc, Hh, W }, zoom_out_grid(B, Ho, Wo, scale, align), { B, Cc, Ho, Wo } },
        cuda = 1e-3, deterministic = true, double = 1e-3,
        jacobian = false, jacobian_why = 'a finite difference of a grid value moves the footprints of its neighbours, '
          .. 'which the gradient holds fixed: spec/spatial_antialias_spec.lua checks it against a fixed-footprint reference' }
    end
  end
end

local function locnet(C, Hh, W, n)
  return nn.Sequential():add(nn.View(C * Hh * W)):add(nn.Linear(C * Hh * W, n)):add(nn.Tanh())
end
mod { name = 'nn.SpatialTransformer rotation, scale, translation', inputs = { { 4, 3, 8, 8 } },
  build = function()
    local st = nn.SpatialTransformer { locnet = locnet(3, 8, 8, 6), transform = { 'rotation', 'scale', 'translation' },
      height = 6, width = 7 }
    st.modules[2].weight:uniform(-0.2, 0.2)
    return st
  end, cuda = { output = 1e-5, default = 1e-4 }, deterministic = true, double = DOUBLE_KINKS,
  jacobian = false, jacobian_why = 'random transforms put samples on the kinks of bilinear interpolation; '
    .. 'spec/spatial_transformer_spec.lua checks it with a transform that keeps them off' }

---------------------------------------------------------------- projective and TPS grids (spec/spatial_grids_spec.lua)
-- homographies near the identity (w stays in [0.5, 1.5]: no point near infinity)
local function homographies(B)
  return function()
    local m = H.rand({ B, 3, 3 }, -0.15, 0.15)
    for b = 1, B do for i = 1, 3 do m[b][i][i] = m[b][i][i] + 1 end end
    return m
  end
end
for _, align in ipairs { true, false } do
  mod { name = 'nn.ProjectiveGridGenerator(7, 9) alignCorners ' .. tostring(align), inputs = { homographies(5) },
    build = function() return nn.ProjectiveGridGenerator(7, 9, { alignCorners = align }) end,
    cuda = { output = 1e-6, default = 1e-5 }, double = 1e-5, jacobian = { eps = 1e-3, tol = 1e-3 } }
end
mod { name = 'nn.ProjectiveGridGenerator(48, 48) on 50 homographies', inputs = { homographies(50) },
  build = function() return nn.ProjectiveGridGenerator(48, 48) end,
  cuda = { output = 1e-6, default = 1e-5 }, double = 1e-5, deterministic = true }
for _, normalized in ipairs { false, true } do
  local k = normalized and 9 or 8
  mod { name = 'nn.ProjectiveTransformMatrixGenerator(' .. tostring(normalized) .. ')', inputs = { { { 6, k }, 0.5, 1 } },
    build = function() return nn.ProjectiveTransformMatrixGenerator(normalized) end,
    cuda = { output = 1e-6, default = 1e-5 }, double = 1e-6, jacobian = { eps = 1e-3, tol = 1e-3 } }
end
for _, c in ipairs { { 3, 'regular 3x3' }, { 4, 'regular 4x4' } } do
  local n, what = unpack(c)
  mod { name = ('nn.TPSGridGenerator(6, 7, %s)'):format(what), inputs = { { { 4, n * n, 2 }, -1, 1 } },
    build = function() return nn.TPSGridGenerator(6, 7, n) end,
    cuda = { output = 1e-5, default = 1e-5 }, double = 1e-5, deterministic = true, jacobian = { eps = 1e-3, tol = 1e-3 } }
end
mod { name = 'nn.TPSGridGenerator(9, 8, 5 given points) alignCorners false', inputs = { { { 3, 10 }, -1, 1 } },
  build = function()
    local pts = stn.Tensor { { -0.8, -0.6 }, { 0.7, -0.9 }, { 0.1, 0.8 }, { -0.3, 0.2 }, { 0.9, 0.5 } }
    return nn.TPSGridGenerator(9, 8, pts, { alignCorners = false })
  end, cuda = { output = 1e-5, default = 1e-5 }, double = 1e-5, deterministic = true,
  jacobian = { eps = 1e-3, tol = 1e-3 } }
---------------------------------------------------------------- volumetric sampler and 3-D affine grid
-- op rows on the C entry points through stn.spatial.volumetric (the nn module that wraps
-- them is nn.GridSampler's 5-D form): each returns {output, gradImages, gradGrid} for a
-- given gradOutput; spec/spatial_volumetric_spec.lua has the fixtures and Jacobians
local V3 = require 'stn.spatial.volumetric'
-- voxel coordinates 0.1 voxel away from integers and half-integers (every padding's kinks),
-- on cells from -2 to size: Float and Double read the same voxels
local function smooth_grid3(B, Do, Ho, Wo, D, Hh, W, align)
  return function()
    local u, w = H.rand({ B, Do, Ho, Wo, 3 }, 0, 1), H.rand({ B, Do, Ho, Wo, 3 }, 0, 1)
    local g = stn.Tensor(B, Do, Ho, Wo, 3)
    local pu, pw, pg = u:data(), w:data(), g:data()
    local sizes = { W, Hh, D }
    for i = 0, B * Do * Ho * Wo * 3 - 1 do
      local n = sizes[i % 3 + 1]
      local px = math.floor(pu[i] * (n + 3)) - 2 + (pw[i] < 0.5 and 0.1 + 0.6 * pw[i] or 0.6 + 0.6 * (pw[i] - 0.5))
      pg[i] = align and (2 * px / (n - 1) - 1) or ((2 * px + 1) / n - 1)
    end
    return g
  end
end
local function sampler3d_op(mode, padding, align)
  return function(images, grid, gout)
    local d = V3.desc(mode, padding, align)
    local out = V3.forward('sampler3d', d, { images, grid }, images.new())
    local gi, gg = V3.backward('sampler3d', d, { images, grid }, gout, images.new(), images.new())
    return out, gi, gg
  end
end
local SAMPLER3D_TOL = { default = 1e-5, ['result[3]'] = 5e-4 }
for _, mode in ipairs { 'bilinear', 'nearest' } do
  for _, padding in ipairs { 'zeros', 'border', 'reflection' } do
    for _, align in ipairs { true, false } do
      row { name = ('spatial: sampler3d %s padding %s align %s 2x3x5x6x7 -> 4x5x6'):format(mode, padding, tostring(align)),
        inputs = { { 2, 3, 5, 6, 7 }, smooth_grid3(2, 4, 5, 6, 5, 6, 7, align), { 2, 3, 4, 5, 6 } },
        op = sampler3d_op(mode, padding, align), cuda = SAMPLER3D_TOL, deterministic = true,
        double = { default = 1e-5, ['result[3]'] = 1e-4 } }
    end
  end
end
-- zoomed in (many samples per voxel: long fixed-point sums) on random grids
for _, c in ipairs { { 'bilinear', 'zeros', true, { 4, 8, 16, 16, 16 } }, { 'nearest', 'reflection', false, { 2, 1, 24, 24, 24 } } } do
  local mode, padding, align, isz = unpack(c)
  row { name = ('spatial: sampler3d %s padding %s align %s zoomed %s'):format(mode, padding, tostring(align),
    table.concat(isz, 'x')),
    inputs = { isz, { { isz[1], 16, 16, 16, 3 }, -0.4, 0.4 }, { { isz[1], isz[2], 16, 16, 16 }, -1, 1 } },
    op = sampler3d_op(mode, padding, align), cuda = SAMPLER3D_TOL, deterministic = true,
    double = 'random grids put samples within float rounding of voxel lines, where Float and Double read other voxels' }
end
row { name = 'spatial: affine_grid3d 3x4x5x6 forward and backward', cuda = 1e-6, deterministic = true, double = 1e-6,
  inputs = { { 3, 3, 4 }, { 3, 4, 5, 6, 3 } },
  op = function(theta, gg)
    local gen = nn.AffineGridGenerator(4, 5, 6, { alignCorners = false })
    if theta.dtype == 1 then gen:double() elseif theta.device == 1 then gen:cuda() end
    return gen:forward(theta):clone(), gen:backward(theta, gg):clone()
  end }

---------------------------------------------------------------- spatial: Half and BFloat16
-- The samplers and grid generators on 16-bit inputs, converted on the inputs' device; the
-- results read back as Float. Each device rounds its own Float result once (the CPU's is
-- checked bit for bit in spec/spatial_half_spec.lua), so CPU and CUDA differ by the Float
-- rows' claims plus one unit in the last place of the format where the two Float results
-- straddle a rounding boundary: 2^-10 (Half) or 2^-7 (BFloat16) relative to max(1, |cpu|).
local HALF_FORMATS = { { 'Half', 2 ^ -10 }, { 'BFloat16', 2 ^ -7 } }
local HALF_DOUBLE = 'a 16-bit row: spec/spatial_half_spec.lua checks it against Float (the Float result rounded once)'
local function half_op(format, run)
  return function(...)
    local xs = { ... }
    local cuda = xs[1].device == 1
    local name = (cuda and 'torch.Cuda' or 'torch.') .. format .. 'Tensor'
    for i, x in ipairs(xs) do xs[i] = x:type(name) end
    local results = { run(unpack(xs)) }
    for i, r in ipairs(results) do results[i] = r:type(cuda and 'torch.CudaTensor' or 'torch.FloatTensor') end
    return unpack(results)
  end
end
local function sampler_op(d, volume)
  local core = require 'stn.ffi'
  local ffi = require 'ffi'
  local fwd = volume and core.C.stn_sampler3d_forward or core.C.stn_sampler_forward
  local bwd = volume and core.C.stn_sampler3d_backward or core.C.stn_sampler_backward
  return function(images, grid, gout)
    local out, gi, gg = new(images), new(images), new(images)
    assert(fwd(core.ctx, d, images, grid, out) == 0, ffi.string(core.C.stn_last_error()))
    assert(bwd(core.ctx, d, images, grid, gout, gi, gg) == 0, ffi.string(core.C.stn_last_error()))
    return out, gi, gg
  end
end
local function half_desc(mode, padding, align, antialias)
  return require('ffi').new('stn_sampler_desc', 0, 0, align and 1 or 0, padding, mode, antialias and 1 or 0)
end
local MODE_NAMES, PADDING_NAMES = { [0] = 'bilinear', 'nearest', 'bicubic' }, { [0] = 'zeros', 'border', 'reflection' }
for _, f in ipairs(HALF_FORMATS) do
  local format, u = unpack(f)
  for mode = 0, 2 do
    for padding = 0, 2 do
      local align = (mode + padding) % 2 == 0
      local grid_tol = (mode == 0 and padding < 2 and 5e-4 or 1e-3) + u
      row { name = ('spatial: sampler %s mode %s padding %s align %s 4x3x17x23 -> 19x13'):format(format, MODE_NAMES[mode],
        PADDING_NAMES[padding], tostring(align)),
        inputs = { { 4, 3, 17, 23 }, random_grid(4, 19, 13, 0.05, 1.6), { 4, 3, 19, 13 } },
        op = half_op(format, sampler_op(half_desc(mode, padding, align, false))),
        cuda = { default = 1e-5 + u, ['result[3]'] = grid_tol }, deterministic = true, double = HALF_DOUBLE }
    end
  end
  for padding = 0, 2 do
    row { name = ('spatial: sampler %s antialias padding %s 2x3x96x96 -> 20x21 zoom-out 4.5'):format(format,
      PADDING_NAMES[padding]),
      inputs = { { 2, 3, 96, 96 }, zoom_out_grid(2, 20, 21, 4.5, 1), { 2, 3, 20, 21 } },
      op = half_op(format, sampler_op(half_desc(0, padding, true, true))),
      cuda = 1e-3 + u, deterministic = true, double = HALF_DOUBLE }
  end
  for mode = 0, 1 do
    row { name = ('spatial: sampler3d %s %s padding reflection 2x3x5x6x7 -> 4x5x6'):format(format, MODE_NAMES[mode]),
      inputs = { { 2, 3, 5, 6, 7 }, { { 2, 4, 5, 6, 3 }, -1.2, 1.2 }, { 2, 3, 4, 5, 6 } },
      op = half_op(format, sampler_op(half_desc(mode, 2, false, false), true)),
      cuda = { default = 1e-5 + u, ['result[3]'] = 5e-4 + u }, deterministic = true, double = HALF_DOUBLE }
  end
  row { name = ('spatial: affine_grid %s 3x2x3 -> 7x9 forward and backward'):format(format),
    inputs = { { 3, 2, 3 }, { 3, 7, 9, 2 } },
    op = half_op(format, function(theta, gg)
      local gen = nn.AffineGridGenerator(7, 9, { alignCorners = false }):type(theta:type())
      return gen:forward(theta):clone(), gen:backward(theta, gg):clone()
    end),
    cuda = 1e-6 + u, deterministic = true, double = HALF_DOUBLE }
end

---------------------------------------------------------------- optim.sgd
-- three steps with given gradients; every step's gradient (weight decay adds to it), x,
-- and the momentum buffer are results
local N = 5000
for _, c in ipairs {
  { 'momentum, weight decay', function() return { learningRate = 0.1, momentum = 0.9, weightDecay = 0.01 } end },
  { 'Nesterov, learningRates', function(lrs) return { learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true,
    learningRates = lrs } end },
  { 'learningRateDecay, weightDecays, learningRates', function(lrs, wds) return { learningRate = 0.1,
    learningRateDecay = 0.1, weightDecays = wds, learningRates = lrs } end },
} do
  row { name = 'optim.sgd: ' .. c[1], cuda = 0, double = 1e-6, layouts = { 'contiguous' },
    noncontig = 'optim.sgd takes a contiguous x (spec/optim_spec.lua)',
    inputs = { { N }, { { N }, 0, 1 }, { { N }, 0, 0.1 }, { N }, { N }, { N } },
    op = function(x, lrs, wds, g1, g2, g3)
      local cfg = c[2](lrs, wds)
      local out = {}
      for _, g in ipairs { g1, g2, g3 } do
        stn.optim.sgd(function() return 0, g end, x, cfg)
        out[#out + 1] = g:clone()
      end
      out[#out + 1] = x
      out[#out + 1] = cfg.dfdx
      return out
    end }
end

return rows
