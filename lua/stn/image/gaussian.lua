-- stn.image.gaussian and stn.image.gaussian1D: Torch7's image-package Gaussian kernels
-- (arguments by position or in one table, with the same names and defaults), filled
-- in C (csrc/nn/gaussian.c). Used as averaging kernels by the contrastive normalizations.
local stn = require 'stn.base'
local core = require 'stn.ffi'
local errors = require 'stn.errors'
local is_integer = errors.is_integer

local M = {}

-- args: positional values or a single table of named ones; spec: { {name, default}, ... }
local function unpack_args(what, spec, ...)
  local first = ...
  local named = select('#', ...) == 1 and type(first) == 'table' and not stn.isTensor(first)
  local r = {}
  for i, s in ipairs(spec) do
    local v
    if named then v = first[s[1]] else v = select(i, ...) end
    if v == nil then v = s[2] end
    if type(s[2]) == 'number' and v ~= nil and type(v) ~= 'number' then
      errors.fail('image.' .. what, '%s must be a number, got %s', s[1], type(v))
    end
    r[s[1]] = v
  end
  return r
end

local function fill(what, t, a)
  core.check(core.C.stn_gaussian(core.ctx, t, a.amplitude, a.normalize and 1 or 0, a.sigma_horz or a.sigma,
    a.sigma_vert or a.sigma, a.mean_horz or a.mean, a.mean_vert or a.mean), 'image.' .. what)
  return t
end

-- gaussian1D([size = 3], [sigma = 0.25], [amplitude = 1], [normalize = false], [mean = 0.5], [tensor])
function M.gaussian1D(...)
  local a = unpack_args('gaussian1D', { { 'size', 3 }, { 'sigma', 0.25 }, { 'amplitude', 1 }, { 'normalize', false },
    { 'mean', 0.5 }, { 'tensor', false } }, ...)
  local t = a.tensor
  if t then
    if t:dim() ~= 1 or t:nElement() == 0 then errors.fail('image.gaussian1D', 'tensor must be 1-D and non-empty') end
  else
    if a.size < 1 or not is_integer(a.size) then
      errors.fail('image.gaussian1D', 'size must be a positive integer, got ' .. tostring(a.size))
    end
    t = stn.Tensor(a.size)
  end
  return fill('gaussian1D', t, a)
end

-- gaussian([size = 3], [sigma = 0.25], [amplitude = 1], [normalize = false], [width = size],
--          [height = size], [sigma_horz = sigma], [sigma_vert = sigma], [mean_horz = 0.5],
--          [mean_vert = 0.5], [tensor])
function M.gaussian(...)
  local a = unpack_args('gaussian', { { 'size', 3 }, { 'sigma', 0.25 }, { 'amplitude', 1 }, { 'normalize', false },
    { 'width', false }, { 'height', false }, { 'sigma_horz', false }, { 'sigma_vert', false }, { 'mean_horz', 0.5 },
    { 'mean_vert', 0.5 }, { 'tensor', false } }, ...)
  local t = a.tensor
  if t then
    if t:dim() ~= 2 or t:nElement() == 0 then errors.fail('image.gaussian', 'tensor must be 2-D and non-empty') end
  else
    local w, h = a.width or a.size, a.height or a.size
    if w < 1 or h < 1 or not is_integer(w) or not is_integer(h) then
      errors.fail('image.gaussian', 'size %sx%s must be positive integers', tostring(h), tostring(w))
    end
    t = stn.Tensor(h, w)
  end
  a.sigma_horz, a.sigma_vert = a.sigma_horz or a.sigma, a.sigma_vert or a.sigma
  return fill('gaussian', t, a)
end

return M
