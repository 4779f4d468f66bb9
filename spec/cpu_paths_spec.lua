-- SpatialConvolution on every CPU instruction-set path this machine runs (stn.setCPUPath):
-- forward, updateGradInput and accGradParameters on random data at the networks' layer
-- shapes and at ragged ones (plane counts that leave 8-lane and lone tiles, 1x1, strided,
-- padded, non-square, batch 1 and 50).
--   avx512 and avx2 run the same per-lane sums in the same order: equal bit for bit,
--   including the 512-bit tiles where the library keeps them off (Zen 4, maps above 256 pixels;
--   STN_CONV_ZMM=1).
--   generic (im2col + OpenBLAS sgemm) sums in another order: equal to rounding.
-- Paths the CPU lacks are pending, with the reason.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local ffi = require 'ffi'

ffi.cdef [[int setenv(const char *name, const char *value, int overwrite);]]

local RANK = { generic = 0, avx2 = 1, avx512 = 2 }
local supported = stn.cpuInfo().supported
local zmm_env = os.getenv('STN_CONV_ZMM') or '0'

-- { C, O, kW, kH, dW, dH, padW, padH, H, W, batch (0: a 3-D input) }
local shapes = {
  { 3, 150, 7, 7, 1, 1, 2, 2, 48, 48, 50 },     -- flagship conv1
  { 150, 200, 4, 4, 1, 1, 2, 2, 23, 23, 50 },   -- flagship conv2
  { 200, 300, 4, 4, 1, 1, 2, 2, 12, 12, 50 },   -- flagship conv3
  { 3, 100, 7, 7, 1, 1, 0, 0, 48, 48, 1 },      -- IDSIA's original layers
  { 100, 150, 4, 4, 1, 1, 0, 0, 21, 21, 2 },
  { 150, 250, 4, 4, 1, 1, 0, 0, 9, 9, 50 },
  { 3, 200, 5, 5, 1, 1, 2, 2, 24, 24, 2 },      -- localization networks
  { 200, 300, 5, 5, 1, 1, 2, 2, 12, 12, 1 },
  { 200, 150, 5, 5, 1, 1, 2, 2, 6, 6, 50 },
  { 150, 150, 5, 5, 1, 1, 2, 2, 3, 3, 50 },
  { 33, 17, 1, 1, 1, 1, 0, 0, 9, 9, 50 },       -- 1x1
  { 17, 33, 1, 1, 1, 1, 0, 0, 7, 5, 0 },
  { 7, 9, 3, 3, 2, 2, 1, 1, 11, 11, 3 },        -- strided
  { 17, 33, 5, 5, 3, 3, 0, 0, 20, 20, 1 },
  { 9, 40, 3, 3, 1, 1, 2, 2, 8, 8, 50 },        -- padded; 40 lanes: a pair and a lone 8-lane tile
  { 33, 24, 5, 3, 2, 1, 1, 2, 13, 10, 2 },      -- non-square; 24 lanes: a 16 + 8 pair
  { 1, 9, 3, 3, 1, 1, 1, 1, 16, 16, 50 },
  { 9, 1, 4, 4, 1, 1, 0, 0, 10, 10, 3 },
  { 17, 7, 3, 3, 1, 1, 0, 0, 12, 12, 1 },
  { 33, 48, 3, 3, 1, 1, 1, 1, 7, 7, 0 },        -- three full tiles
  { 9, 33, 2, 2, 1, 1, 0, 0, 5, 5, 50 },
  -- the tiles' tap ranges (csrc/nn/conv_tile_plan.c): images smaller than the kernel, padding
  -- of half the kernel or more (up to outputs that read padding only), odd sizes, strides,
  -- batches that leave a short last group of images
  { 20, 24, 5, 5, 1, 1, 4, 4, 2, 3, 11 },       -- a 2x3 image under a 5x5 kernel, padding 4
  { 16, 17, 3, 3, 1, 1, 3, 3, 4, 5, 7 },        -- padding 3 on a 3x3 kernel: corner outputs read padding only
  { 16, 17, 7, 5, 2, 3, 6, 4, 5, 4, 9 },        -- strided, kernel larger than the image
  { 24, 40, 4, 6, 1, 1, 3, 5, 1, 2, 13 },       -- a 1x2 image
  { 40, 33, 3, 3, 1, 1, 1, 1, 40, 1, 3 },       -- one column
  { 12, 20, 3, 5, 1, 2, 1, 2, 3, 31, 5 },       -- wide and flat, strided rows
  { 19, 48, 5, 5, 1, 1, 2, 2, 37, 29, 2 },      -- odd sizes, one image per pass
  { 33, 40, 5, 5, 1, 1, 2, 2, 5, 7, 0 },        -- 3-D input, a small map
}

-- The three passes on one path: output, gradInput, and gradWeight/gradBias accumulated
-- (scale 0.5) onto non-zero starting values.
local function passes(shape, path, zmm)
  local C, O, kW, kH, dW, dH, padW, padH, Hh, W, B = unpack(shape)
  stn.setCPUPath(path)
  ffi.C.setenv('STN_CONV_ZMM', zmm and '1' or '0', 1)
  stn.manualSeed(17)
  local m = nn.SpatialConvolution(C, O, kW, kH, dW, dH, padW, padH)
  local x = B > 0 and H.rand({ B, C, Hh, W }) or H.rand({ C, Hh, W })
  local y = m:forward(x):clone()
  local gy = H.rand(y:size())
  local gx = m:updateGradInput(x, gy):clone()
  m.gradWeight:uniform(-1, 1)
  m.gradBias:uniform(-1, 1)
  m:accGradParameters(x, gy, 0.5)
  return { output = y, gradInput = gx, gradWeight = m.gradWeight:clone(), gradBias = m.gradBias:clone() }
end

local function name(s)
  local C, O, kW, kH, dW, dH, padW, padH, Hh, W, B = unpack(s)
  return ('%d->%d %dx%d stride %d,%d pad %d,%d on %dx%d, batch %s'):format(C, O, kW, kH, dW, dH, padW, padH, Hh, W,
    B > 0 and B or '- (3-D)')
end

-- |a - b| <= tol * (max |b| + 1): sums of up to a few thousand products in another order
local function assert_rounding(a, b, what)
  local scale = b:clone():abs():max() + 1
  local d = H.maxdiff(a, b)
  assert(d <= 2e-5 * scale, ('%s: differs by %g (scale %g)'):format(what, d, scale))
end

local function assert_bitwise(a, b, what)
  local d = H.maxdiff(a, b)
  assert(d == 0, ('%s: differs by %g, expected the same bits'):format(what, d))
end

local FIELDS = { 'output', 'gradInput', 'gradWeight', 'gradBias' }

describe('SpatialConvolution on each CPU path', function()
  after_each(function()
    stn.setCPUPath(supported)
    ffi.C.setenv('STN_CONV_ZMM', zmm_env, 1)
  end)

  for _, s in ipairs(shapes) do
    it('avx512 = avx2 bit for bit, ' .. name(s), function()
      if RANK[supported] < RANK.avx512 then
        pending('avx512: this CPU has no AVX-512 (it supports up to ' .. supported .. ')')
        return
      end
      local a2 = passes(s, 'avx2')
      local a5 = passes(s, 'avx512')
      local z5 = passes(s, 'avx512', true) -- the 512-bit tiles even where the library keeps them off
      for _, f in ipairs(FIELDS) do
        assert_bitwise(a5[f], a2[f], 'avx512 ' .. f)
        assert_bitwise(z5[f], a2[f], 'avx512 (512-bit tiles) ' .. f)
      end
    end)

    it('avx2 = generic to rounding, ' .. name(s), function()
      if RANK[supported] < RANK.avx2 then
        pending('avx2: this CPU has no AVX2 and FMA (it supports ' .. supported .. ' only)')
        return
      end
      local g = passes(s, 'generic')
      local a2 = passes(s, 'avx2')
      for _, f in ipairs(FIELDS) do assert_rounding(a2[f], g[f], 'avx2 vs generic ' .. f) end
    end)
  end

  it('restores the path the CPU supports', function()
    stn.setCPUPath('generic')
    stn.setCPUPath(stn.cpuInfo().supported)
    assert.are.equal(supported, stn.cpuInfo().path)
  end)
end)
