-- nn.TPSGridGenerator(height, width, controlPoints, {alignCorners = true}): the thin-plate
-- spline grid generator (the STN paper's TPS transform, Bookstein's spline). controlPoints:
-- a number n (an n x n regular layout over [-1, 1]^2, point k = (i, j), 0-based, at
-- x = -1 + 2j/(n-1), y = -1 + 2i/(n-1), k = i n + j) or a K x 2 tensor of (x, y) points
-- (K >= 3, distinct, not all on one line): the source points p_k, fixed, in the output's
-- normalized coordinates. Input: the K target points t_k (B x K x 2, K x 2, or B x 2K as
-- a localization head's nn.Linear gives them: x1 y1 x2 y2 ...), regressed by the
-- localization net. Output B x height x width x 2, x first: output point q reads the input
-- at the spline f with f(p_k) = t_k,
--   f(q) = a0 + a1 x + a2 y + sum_k w_k U(|q - p_k|^2),  U(r^2) = r^2 log r^2 (U(0) = 0),
-- [w; a] = L^-1 [t; 0], L = [[R, P], [P^T, 0]], R_kl = U(|p_k - p_l|^2), P_k = (1, x_k, y_k).
-- L depends on the layout only: it is solved once, in double (Gaussian elimination with
-- partial pivoting), and the grid is basis * t, basis (H W x K) = [U(|q - p_k|^2), 1, x, y]
-- * L^-1[:, 1..K], one matrix product per call (stn's mm: Float, Double, CUDA); the
-- gradient w.r.t. t is basis^T * gradOutput. A pixel that is a control point gets the
-- basis row e_k exactly (f(p_k) = t_k bit for bit).
-- module:initLocalizationHead(linear): zero weights, bias = the source points (rest).
local ffi = require 'ffi'
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'
local class = require 'stn.class'
local is_integer = require('stn.integer').is_integer

local M, parent = stn.class('nn.TPSGridGenerator', 'nn.Module')
local NAME = 'nn.TPSGridGenerator'
local MAX_POINTS = 1024

-- The normalized coordinate of pixel i of n (coords.h's stn_grid_coord_d).
local function coord(i, n, align)
  if align then return (2 * i - (n - 1)) / (n - 1) end
  return (2 * i + 1 - n) / n
end

-- U(r^2) = r^2 log r^2, 0 at 0.
local function U(r2)
  if r2 == 0 then return 0 end
  return r2 * math.log(r2)
end

-- The source points as a Lua array of {x, y}.
local function source_points(cp)
  local pts = {}
  if type(cp) == 'number' then
    if not is_integer(cp) or cp < 2 or cp > 32 then
      S.fail(NAME, 'controlPoints: a regular layout needs an integer n from 2 to 32 (n x n points), got %s', tostring(cp))
    end
    for i = 0, cp - 1 do
      for j = 0, cp - 1 do pts[#pts + 1] = { coord(j, cp, true), coord(i, cp, true) } end
    end
    return pts
  end
  if not S.is_tensor(cp) then
    S.fail(NAME, 'controlPoints must be a number n (n x n regular points) or a K x 2 tensor, got %s', stn.type(cp))
  end
  if cp:dim() ~= 2 or cp:size(2) ~= 2 then
    S.fail(NAME, 'controlPoints must be a K x 2 tensor of (x, y) points, got %s', S.shape(cp))
  end
  local d = cp:double()
  for k = 1, d:size(1) do
    local x, y = d[k][1], d[k][2]
    if x ~= x or y ~= y or math.abs(x) == math.huge or math.abs(y) == math.huge then
      S.fail(NAME, 'control point %d is not finite (%s, %s)', k, tostring(x), tostring(y))
    end
    pts[k] = { x, y }
  end
  return pts
end

local function check_layout(pts)
  local K = #pts
  if K < 3 then S.fail(NAME, 'a thin-plate spline needs at least 3 control points, got %d', K) end
  if K > MAX_POINTS then S.fail(NAME, 'at most %d control points (the system is solved in Lua), got %d', MAX_POINTS, K) end
  for k = 1, K do
    for l = k + 1, K do
      if pts[k][1] == pts[l][1] and pts[k][2] == pts[l][2] then
        S.fail(NAME, 'control points %d and %d coincide at (%g, %g)', k, l, pts[k][1], pts[k][2])
      end
    end
  end
  -- not all on one line: the points' scatter matrix has full rank
  local mx, my = 0, 0
  for k = 1, K do mx, my = mx + pts[k][1], my + pts[k][2] end
  mx, my = mx / K, my / K
  local sxx, syy, sxy = 0, 0, 0
  for k = 1, K do
    local dx, dy = pts[k][1] - mx, pts[k][2] - my
    sxx, syy, sxy = sxx + dx * dx, syy + dy * dy, sxy + dx * dy
  end
  if sxx * syy - sxy * sxy <= 1e-12 * (sxx + syy) ^ 2 then
    S.fail(NAME, 'the %d control points lie on one line: the spline\'s affine part is undetermined', K)
  end
end

-- X = L^-1[:, 1..K] ((K+3) x K, row-major double array), by Gaussian elimination with
-- partial pivoting on [L | I_K; 0].
local function solve(pts)
  local K = #pts
  local N, C = K + 3, 2 * K + 3
  local a = ffi.new('double[?]', N * C)
  local function set(i, j, v) a[i * C + j] = v end
  local big = 0
  for i = 0, K - 1 do
    local xi, yi = pts[i + 1][1], pts[i + 1][2]
    for j = 0, K - 1 do
      local dx, dy = xi - pts[j + 1][1], yi - pts[j + 1][2]
      local u = U(dx * dx + dy * dy)
      set(i, j, u)
      big = math.max(big, math.abs(u))
    end
    set(i, K, 1); set(i, K + 1, xi); set(i, K + 2, yi)
    set(K, i, 1); set(K + 1, i, xi); set(K + 2, i, yi)
    big = math.max(big, 1, math.abs(xi), math.abs(yi))
    set(i, N + i, 1)
  end
  for c = 0, N - 1 do
    local p, pv = c, math.abs(a[c * C + c])
    for r = c + 1, N - 1 do
      local v = math.abs(a[r * C + c])
      if v > pv then p, pv = r, v end
    end
    if not (pv > 1e-12 * big) then
      S.fail(NAME, 'the thin-plate spline system of these %d control points is singular (pivot %g)', K, pv)
    end
    if p ~= c then
      for j = 0, C - 1 do a[p * C + j], a[c * C + j] = a[c * C + j], a[p * C + j] end
    end
    local d = a[c * C + c]
    for r = 0, N - 1 do
      if r ~= c then
        local f = a[r * C + c] / d
        if f ~= 0 then
          for j = c, C - 1 do a[r * C + j] = a[r * C + j] - f * a[c * C + j] end
        end
      end
    end
  end
  local X = stn.DoubleTensor(N, K)
  local x = X:data()
  for i = 0, N - 1 do
    local d = a[i * C + i]
    for k = 0, K - 1 do x[i * K + k] = a[i * C + N + k] / d end
  end
  return X
end

-- The basis (H W x K, double): row q = [U(|q - p_k|^2)..., 1, x, y] * X; e_k at a control point.
local function basis_of(pts, height, width, align)
  local K, HW = #pts, height * width
  local N = K + 3
  local base = stn.DoubleTensor(HW, N)
  local b = base:data()
  local at = {}
  for k = 1, K do at[pts[k][1] .. ',' .. pts[k][2]] = k end
  local hits = {}
  for i = 0, height - 1 do
    local y = coord(i, height, align)
    for j = 0, width - 1 do
      local x = coord(j, width, align)
      local row = (i * width + j) * N
      for k = 1, K do
        local dx, dy = x - pts[k][1], y - pts[k][2]
        b[row + k - 1] = U(dx * dx + dy * dy)
      end
      b[row + K], b[row + K + 1], b[row + K + 2] = 1, x, y
      local k = at[x .. ',' .. y]
      if k and pts[k][1] == x and pts[k][2] == y then hits[#hits + 1] = { i * width + j, k } end
    end
  end
  local basis = stn.DoubleTensor(HW, K):mm(base, solve(pts))
  local d = basis:data()
  for _, h in ipairs(hits) do
    local row = h[1] * K
    for k = 0, K - 1 do d[row + k] = 0 end
    d[row + h[2] - 1] = 1
  end
  return basis
end

function M:__init(height, width, controlPoints, opts)
  parent.__init(self)
  self.alignCorners = S.grid_options(NAME, opts)
  self.height = S.grid_size(NAME, 'height', height, self.alignCorners)
  self.width = S.grid_size(NAME, 'width', width, self.alignCorners)
  if self.height * self.width > 2 ^ 24 then
    S.fail(NAME, 'a %dx%d grid is too large for the spline basis (at most 2^24 pixels)', self.height, self.width)
  end
  local pts = source_points(controlPoints)
  check_layout(pts)
  self.nbPoints = #pts
  self.points = {} -- x1, y1, ..., xK, yK as Lua numbers (double), whatever the module's type
  for k = 1, #pts do self.points[2 * k - 1], self.points[2 * k] = pts[k][1], pts[k][2] end
  self:_setBasis()
end

local function points_of(self)
  local pts = {}
  for k = 1, self.nbPoints do pts[k] = { self.points[2 * k - 1], self.points[2 * k] } end
  return pts
end

-- controlPoints (K x 2) and basis (H W x K) in the module's type, from the double solve.
function M:_setBasis()
  local pts = points_of(self)
  local cp = stn.DoubleTensor(#pts, 2)
  for k = 1, #pts do cp[k][1], cp[k][2] = pts[k][1], pts[k][2] end
  self.controlPoints = self.output.new():resize(#pts, 2):copy(cp)
  self.basis = self.output.new():resize(self.height * self.width, #pts)
  self.basis:copy(basis_of(pts, self.height, self.width, self.alignCorners))
end

-- A conversion makes the basis again from the double solve (a Float basis converted to
-- Double would keep float's rounding).
function M:type(typename, map)
  local result = parent.type(self, typename, map)
  if typename ~= nil then self:_setBasis() end
  return result
end

-- The input as B x K x 2 (and whether it was batched).
local function targets(self, input, what)
  if not S.is_tensor(input) then S.fail(NAME, '%s must be a tensor, got %s', what, stn.type(input)) end
  checks.same_type(self, input, what)
  local K, d = self.nbPoints, input:dim()
  if d == 3 and input:size(2) == K and input:size(3) == 2 then return input, true end
  if d == 2 and input:size(1) == K and input:size(2) == 2 then return input:contiguous():view(1, K, 2), false end
  if d == 2 and input:size(2) == 2 * K then return input:contiguous():view(input:size(1), K, 2), true end
  S.fail(NAME, '%s must be B x %d x 2, %d x 2 or B x %d (the target points), got %s', what, K, K, 2 * K,
    S.shape(input))
end

function M:updateOutput(input)
  local t, batched = targets(self, input, 'input')
  local B, K, HW = t:size(1), self.nbPoints, self.height * self.width
  if t.device ~= self.basis.device then S.fail(NAME, 'input is a %s but the module holds %s tensors', t:type(), self.basis:type()) end
  local rhs = t:permute(2, 1, 3):contiguous():view(K, 2 * B)
  local g = t.new():resize(HW, 2 * B):mm(self.basis, rhs)
  self.output:resize(B, self.height, self.width, 2)
  self.output:view(B, HW, 2):copy(g:view(HW, B, 2):transpose(1, 2))
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local t = targets(self, input, 'input')
  local B, K, HW = t:size(1), self.nbPoints, self.height * self.width
  if not S.is_tensor(gradOutput) then S.fail(NAME, 'gradOutput must be a tensor, got %s', stn.type(gradOutput)) end
  checks.same_type(self, gradOutput, 'gradOutput')
  local g = gradOutput:dim() == 3 and gradOutput:contiguous():view(1, self.height, self.width, 2) or gradOutput
  if g:dim() ~= 4 or g:size(1) ~= B or g:size(2) ~= self.height or g:size(3) ~= self.width or g:size(4) ~= 2 then
    S.fail(NAME, 'gradOutput must be %dx%dx%dx2, got %s', B, self.height, self.width, S.shape(gradOutput))
  end
  local rhs = g:contiguous():view(B, HW, 2):transpose(1, 2):contiguous():view(HW, 2 * B)
  local gt = t.new():resize(K, 2 * B):mm(self.basis:t(), rhs)
  self.gradInput:resizeAs(input)
  self.gradInput:view(B, K, 2):copy(gt:view(K, B, 2):transpose(1, 2))
  return self.gradInput
end

-- The source points flattened (x1, y1, ..., xK, yK): the input at rest (identity grid).
function M:restParameters()
  return self.controlPoints:contiguous():view(2 * self.nbPoints):clone()
end

-- linear (a localization net's last nn.Linear, 2K outputs) outputs the source points
-- whatever its input: zero weights, bias = restParameters(). Returns linear.
function M:initLocalizationHead(linear)
  if not class.isinstance(linear, 'nn.Linear') then
    S.fail(NAME, 'initLocalizationHead: expected an nn.Linear, got %s', stn.type(linear))
  end
  if linear.weight:size(1) ~= 2 * self.nbPoints then
    S.fail(NAME, 'initLocalizationHead: the nn.Linear has %d outputs, the spline takes 2 x %d',
      linear.weight:size(1), self.nbPoints)
  end
  if linear.bias == nil or linear.bias:nElement() == 0 then
    S.fail(NAME, 'initLocalizationHead: the nn.Linear has no bias')
  end
  linear.weight:zero()
  linear.bias:copy(self:restParameters())
  return linear
end

-- stn.load's check (nn/checks.lua).
function M:checkLoaded()
  local least = checks.loaded_oneof(self, 'alignCorners', { true, false }) and 2 or 1
  local h, w = checks.loaded_int(self, 'height', least), checks.loaded_int(self, 'width', least)
  local K = checks.loaded_int(self, 'nbPoints', 3)
  if type(self.points) ~= 'table' or #self.points ~= 2 * K then
    checks.loaded_refuse('points', 'expected %d numbers (the control points), found %s', 2 * K, type(self.points))
  end
  for i = 1, 2 * K do
    local v = self.points[i]
    if type(v) ~= 'number' or v ~= v or math.abs(v) == math.huge then
      checks.loaded_refuse('points', 'entry %d is not a finite number', i)
    end
  end
  checks.loaded_tensor(self, 'controlPoints', { K, 2 })
  checks.loaded_tensor(self, 'basis', { h * w, K })
end

function M:__tostring()
  return ('%s(%d, %d, %d control points, alignCorners=%s)'):format(NAME, self.height, self.width, self.nbPoints,
    tostring(self.alignCorners))
end

return M
