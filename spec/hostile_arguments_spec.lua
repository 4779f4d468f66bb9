-- Hostile arguments: sizes whose product overflows, NaN, infinite and fractional sizes
-- and indices, views written by hand through the FFI, and modules whose buffers are
-- missing or replaced. Each is a clear error naming the function or module; nothing
-- crashes, wraps or reaches outside a storage (the sanitizer suite runs these too).
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local T = stn.Tensor
local core = require 'stn.ffi'
local C = core.C

local MAX = 2 ^ 48

describe('hostile sizes', function()
  it('refuses a tensor of more than 2^48 elements, whatever the product would wrap to', function()
    H.assert_error(function() T(2 ^ 32, 2 ^ 32) end, 'stn: FloatTensor', 'more than 2^48 elements')
    H.assert_error(function() T(2 ^ 40 + 1, 2 ^ 24) end, 'stn: FloatTensor', 'more than 2^48 elements')
    H.assert_error(function() T(2 ^ 48 + 1, 2 ^ 16) end, 'stn: FloatTensor', 'more than 2^48 elements')
    H.assert_error(function() T(2 ^ 16, 2 ^ 16, 2 ^ 16, 2 ^ 16, 0):resize(2 ^ 16, 2 ^ 16, 2 ^ 16, 2 ^ 16) end,
      'Tensor:resize', 'more than 2^48')
    -- zero elements are fine however large the other sizes
    assert.are.equal(0, T(2 ^ 40, 0, 2 ^ 40):nElement())
  end)

  it('refuses the same in C, for callers that bypass the Lua checks', function()
    local t = T()
    local sizes = ffi.new('int64_t[2]', 2 ^ 32, 2 ^ 32)
    assert.are_not.equal(0, C.stn_tensor_resize(core.ctx, t, 2, sizes))
    assert.truthy(core.last_error():find('more than 2^48 elements', 1, true), core.last_error())
    assert.are.equal(0, t:nElement())
    sizes[0], sizes[1] = 3, 4
    assert.are.equal(0, C.stn_tensor_resize(core.ctx, t, 2, sizes))
    assert.are.equal(12, t:nElement())
  end)

  it('expand: up to 2^48 elements as a view, no further, and never infinite', function()
    local x = T(1, 4):fill(2)
    local e = x:expand(2 ^ 46, 4)
    assert.are.equal(MAX, e:nElement())
    assert.are.equal(2, e[2 ^ 46][4])
    H.assert_error(function() x:expand(2 ^ 46 + 1, 4) end, 'Tensor:expand', 'more than 2^48')
    H.assert_error(function() x:expand(2 ^ 62, 4) end, 'Tensor:expand', 'size 1 must be a non-negative integer')
    H.assert_error(function() T(1):fill(1):expand(math.huge) end, 'Tensor:expand', 'got inf')
    H.assert_error(function() T(1):fill(1):expand(0 / 0) end, 'Tensor:expand', 'got nan')
  end)

  it('NaN, infinite and fractional sizes, indices and dimensions are errors', function()
    local x = T(4, 3):fill(1)
    for _, bad in ipairs { 0 / 0, math.huge, -math.huge, 1.5 } do
      local s = tostring(bad)
      H.assert_error(function() x:narrow(1, bad, 2) end, 'Tensor:narrow', s)
      H.assert_error(function() x:narrow(1, 1, bad) end, 'Tensor:narrow', s)
      H.assert_error(function() x:narrow(bad, 1, 2) end, 'Tensor:narrow', s)
      H.assert_error(function() x:select(1, bad) end, 'Tensor:select', s)
      H.assert_error(function() x:view(bad, 3) end, 'Tensor:view', s)
      H.assert_error(function() x:unsqueeze(bad) end, 'Tensor:unsqueeze', s)
      H.assert_error(function() x:transpose(1, bad) end, 'Tensor:transpose', s)
      H.assert_error(function() x:sum(bad) end, 'Tensor:sum', s)
      H.assert_error(function() x:resize(bad) end, 'Tensor:resize', s)
      H.assert_error(function() T(bad, 2) end, 'stn: FloatTensor', s)
      H.assert_error(function() x:sub(bad, 2) end, 'Tensor:sub', s)
      H.assert_error(function() x:index(1, stn.Tensor { 1, bad }) end, 'Tensor:index')
    end
  end)

  it('a size object with strides: the strides must be integers and the span at most 2^48', function()
    local S = stn.Tensor.Size.new
    H.assert_error(function() T(S { 2, 2 }, S { 0 / 0, 1 }) end, 'stn: FloatTensor', 'stride 1')
    H.assert_error(function() T(S { 2, 2 }, S { 2.5, 1 }) end, 'stn: FloatTensor', 'stride 1')
    H.assert_error(function() T(S { 2, 2 }, S { 2 ^ 48, 1 }) end, 'stn: FloatTensor', 'more than 2^48')
    local t = T(S { 2, 3 }, S { 1, 2 })
    assert.are.same({ 1, 2 }, t:stride():totable())
  end)
end)

describe('views written through the FFI', function()
  it('a resize trusts no offset outside the storage', function()
    local x = T(8):fill(1)
    for _, off in ipairs { -16, -2 ^ 40, 9, 2 ^ 40 } do
      local v = x:narrow(1, 1, 0)
      v.offset = off
      H.assert_error(function() v:resize(4) end, 'Tensor:resize', 'offset', 'outside its storage')
    end
    local v = x:narrow(1, 8, 0) -- offset 7: fine, and the storage grows to hold it
    v:resize(4):fill(3)
    assert.are.equal(3, v[4])
  end)

  it('every op refuses a view that reaches outside its storage', function()
    local x = T(4):fill(1)
    local cases = {
      function(v) v.offset = 3; v.shape[0] = 2 end,                 -- runs past the end
      function(v) v.offset = -1 end,                                -- before the start
      function(v) v.strides[0] = 2 end,                             -- strides past the end
      function(v) v.shape[0] = 2 ^ 62 end,                          -- a size beyond the cap
      function(v) v.strides[0] = -1 end,                            -- a negative stride
      function(v) v.ndim = 2; v.shape[1] = 2 ^ 40; v.strides[1] = 0; v.shape[0] = 2 ^ 40; v.strides[0] = 0 end,
    }
    for i, craft in ipairs(cases) do
      local v = x:narrow(1, 1, 4)
      craft(v)
      H.assert_error(function() v:fill(5) end, 'Tensor:fill')
      H.assert_error(function() return v:sum() end, 'Tensor:sum')
      H.assert_error(function() T(4):copy(v) end, 'Tensor:copy')
      assert.are.equal(4, x:sum(), 'case ' .. i .. ' wrote into the storage')
    end
  end)

  it('element reads and writes refuse a view that reaches outside its storage', function()
    local x = T(4):fill(1)
    local v = x:narrow(1, 3, 2)
    v.shape[0] = 5 -- elements 3 to 7 of a storage of 4
    assert.are.equal(1, v[2])
    H.assert_error(function() return v[3] end, 'Tensor index', 'outside the storage')
    H.assert_error(function() v[3] = 7 end, 'Tensor index', 'outside the storage')
    H.assert_error(function() v[{ 4 }] = 7 end, 'Tensor index', 'outside the storage')
    H.assert_error(function() return v[{ 5 }] end, 'Tensor index', 'outside the storage')
    local m = T(2, 2):fill(1)
    m.offset = -1
    H.assert_error(function() return m[1][1] end, 'Tensor index', 'outside the storage')
    H.assert_error(function() return v:select(1, 4) end, 'Tensor index', 'outside the storage')
    assert.are.equal(4, x:sum())
  end)

  it('counts the elements of a hand-made view without wrapping', function()
    local v = T(1):fill(1):narrow(1, 1, 1)
    v.ndim = 2; v.shape[0] = 2 ^ 32; v.shape[1] = 2 ^ 32; v.strides[0] = 0; v.strides[1] = 0
    assert.is_true(v:nElement() > MAX)
    v.shape[1] = -1
    assert.are.equal(0, v:nElement())
  end)
end)

-- Each module's tensor fields, removed or replaced by an empty tensor or a string, one
-- at a time: forward and backward either work (the field is rebuilt) or raise an error
-- naming the module; none crashes.
describe('modules with missing or replaced buffers', function()
  local function cases()
    local x4 = T(2, 3, 8, 8):uniform(-1, 1)
    return {
      { function() return nn.Linear(5, 3) end, T(2, 5):uniform(-1, 1) },
      { function() return nn.SpatialConvolution(3, 4, 3, 3) end, x4 },
      { function() return nn.SpatialConvolutionMM(3, 4, 3, 3, 1, 1, 1, 1) end, x4 },
      { function() return nn.SpatialMaxPooling(2, 2) end, x4 },
      { function() return nn.SpatialAveragePooling(2, 2) end, x4 },
      { function() return nn.ReLU() end, x4 },
      { function() return nn.Tanh() end, x4 },
      { function() return nn.Sigmoid() end, x4 },
      { function() return nn.Threshold(0.1, 0) end, x4 },
      { function() return nn.SoftMax() end, T(2, 5):uniform(-1, 1) },
      { function() return nn.LogSoftMax() end, T(2, 5):uniform(-1, 1) },
      { function() return nn.View(-1, 192) end, x4 },
      { function() return nn.SpatialContrastiveNormalization(3, stn.image.gaussian(5)) end, x4 },
      { function() return nn.SpatialSubtractiveNormalization(3, stn.image.gaussian(5)) end, x4 },
      { function() return nn.SpatialDivisiveNormalization(3, stn.image.gaussian(5)) end, x4 },
      { function() return nn.AffineTransformMatrixGenerator(true, true, true) end, T(2, 4):uniform(-1, 1) },
      { function() return nn.AffineGridGeneratorBHWD(6, 7) end, T(2, 2, 3):uniform(-1, 1) },
      { function() return nn.AffineGridGenerator(6, 7) end, T(2, 2, 3):uniform(-1, 1) },
      { function() return nn.BilinearSamplerBHWD() end, { T(2, 8, 8, 3):uniform(-1, 1), T(2, 5, 6, 2):uniform(-1, 1) } },
      { function() return nn.GridSampler() end, { x4, T(2, 5, 6, 2):uniform(-1, 1) } },
    }
  end

  local function run(m, input)
    local y = m:forward(input)
    local gy = type(y) == 'table' and y or y:clone():fill(0.5)
    m:backward(input, gy)
  end

  it('raise errors naming the module, never crash', function()
    for _, case in ipairs(cases()) do
      local make, input = case[1], case[2]
      local name = stn.type(make())
      local fields = {}
      for k, v in pairs(make()) do if stn.isTensor(v) then fields[#fields + 1] = k end end
      table.sort(fields)
      for _, k in ipairs(fields) do
        for _, replacement in ipairs { 'nil', 'empty', 'string' } do
          local m = make()
          if replacement == 'nil' then m[k] = nil
          elseif replacement == 'empty' then m[k] = T()
          else m[k] = 'not a tensor' end
          local ok, err = pcall(run, m, input)
          if not ok then
            assert.truthy(tostring(err):find('stn', 1, true),
              ('%s with %s = %s: an error not from stn: %s'):format(name, k, replacement, tostring(err)))
          end
        end
      end
    end
  end)

  it('pooling without an output tensor is an error naming the module (it was a NULL dereference)', function()
    for _, make in ipairs { function() return nn.SpatialMaxPooling(2, 2) end, function() return nn.SpatialAveragePooling(2, 2) end } do
      local m = make()
      m.output = nil
      H.assert_error(function() m:forward(T(1, 4, 4):fill(1)) end, stn.type(m), 'output')
    end
  end)

  it('kernel, stride and padding arguments are whole numbers in C int range', function()
    for _, bad in ipairs { 0 / 0, math.huge, 1.5, 2 ^ 32 + 3 } do
      local s = tostring(bad)
      H.assert_error(function() nn.SpatialConvolution(3, 4, bad, 3) end, 'nn.SpatialConvolution', 'kW', s)
      H.assert_error(function() nn.SpatialConvolution(3, 4, 3, 3, 1, bad) end, 'nn.SpatialConvolution', 'dH', s)
      H.assert_error(function() nn.SpatialConvolution(3, 4, 3, 3, 1, 1, bad) end, 'nn.SpatialConvolution', 'padW', s)
      H.assert_error(function() nn.SpatialMaxPooling(2, 2, bad) end, 'nn.SpatialMaxPooling', 'dW', s)
      H.assert_error(function() nn.SpatialMaxPooling(2, 2, 2, 2, bad) end, 'nn.SpatialMaxPooling', 'padW', s)
      H.assert_error(function() nn.SpatialAveragePooling(2, 2, 1, bad) end, 'nn.SpatialAveragePooling', 'dH', s)
      H.assert_error(function() nn.Linear(bad, 3) end, 'nn.Linear', 'inputSize', s)
    end
  end)
end)

-- LuaJIT 2.1 (Debian 12's) reads a float NaN whose sign and payload bits are set (a
-- negated CUDA NaN is 0xffffffff) as nil, a light userdata or a prototype: every element
-- read of the tensor API must give a NaN number instead.
describe('NaN bit patterns', function()
  it('read as NaN numbers through every element read', function()
    local x = T(2, 2):fill(1)
    local bits = ffi.cast('uint32_t *', x:data())
    bits[0], bits[1], bits[3] = 0xffffffff, 0xfff00001, 0xffc00001
    local function is_nan(v) return type(v) == 'number' and v ~= v end
    assert.is_true(is_nan(x[1][1]))
    assert.is_true(is_nan(x[{ 1, 2 }]))
    assert.is_true(is_nan(x[2][2]))
    assert.are.equal(1, x[2][1])
    assert.is_true(is_nan(x:view(4)[1]))
    assert.is_true(is_nan(x:select(1, 1):select(1, 1)))
    assert.is_true(is_nan(x:totable()[1][2]))
    assert.is_true(is_nan(x:narrow(1, 1, 1):narrow(2, 1, 1):item()))
    assert.is_true(is_nan(x:sum()))
    assert.is_true(is_nan(x:view(4):sum(1)[1]))
    assert.truthy(tostring(x):find('nan'), tostring(x))
    -- losses come back through a float too
    assert.is_true(is_nan(nn.MSECriterion():forward(x, T(2, 2):fill(0))))
    local logp = T(1, 2):fill(-1)
    ffi.cast('uint32_t *', logp:data())[0] = 0xffffffff
    assert.is_true(is_nan(nn.ClassNLLCriterion():forward(logp, T { 1 })))
  end)
end)

describe('process settings', function()
  it('thread counts and random states are whole numbers', function()
    local threads = stn.getnumthreads()
    for _, bad in ipairs { 0 / 0, math.huge, 1.5, 0 } do
      H.assert_error(function() stn.setnumthreads(bad) end, 'stn: setnumthreads', tostring(bad))
      H.assert_error(function() stn.setRNGState { seed = bad == 0 and -1 or bad, offset = 0 } end, 'stn: setRNGState')
    end
    assert.are.equal(threads, stn.getnumthreads())
  end)
end)
