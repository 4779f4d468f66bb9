-- nn.SpatialTransformer{locnet = net, transform = 'affine', height = H, width = W}: a
-- spatial transformer on B x C x H' x W' images (or C x H' x W') as one module:
-- locnet -> nn.Linear (zero weights, the identity transform's parameters as bias: the
-- identity at first) -> restriction -> grid generator -> nn.GridSampler, giving
-- B x C x H x W. transform:
--   'affine' (the default) or a list from 'rotation', 'scale', 'translation':
--     nn.AffineTransformMatrixGenerator -> nn.AffineGridGenerator;
--   'projective': nn.ProjectiveTransformMatrixGenerator (8 parameters; projectiveNormalized
--     = true: 9, divided by their norm) -> nn.ProjectiveGridGenerator;
--   'tps': nn.TPSGridGenerator on controlPoints (n: an n x n layout, default 4; or a K x 2
--     tensor), the head predicting the K target points (at rest: the source points).
-- Options: features (locnet's output size; by default that of its last nn.Linear),
-- alignCorners (true), sampler (nn.GridSampler's options: mode, padding, antialias),
-- padding (the same as sampler.padding, kept from before `sampler`), inputGradient (true;
-- false skips the sampler's image gradient, for a transformer on the network's input:
-- gradInput is then empty). An unknown key is an error.
local stn = require 'stn.base'
local class = require 'stn.class'
local S = require 'stn.spatial.common'
local nn = require 'stn.nn'

local M, parent = class.new('nn.SpatialTransformer', 'nn.Container')
local NAME = 'nn.SpatialTransformer'
local KINDS = { rotation = 1, scale = 2, translation = 3 }

-- transform -> 'affine' with the restriction's flags, or 'projective' / 'tps'.
local function parse_transform(t)
  if t == nil or t == 'affine' then return 'affine', false, false, false end
  if t == 'projective' or t == 'tps' then return t end
  if type(t) == 'string' then t = { t } end
  if type(t) ~= 'table' or #t == 0 then
    S.fail(NAME, "transform must be 'affine', 'projective', 'tps' or a list of 'rotation', 'scale', 'translation', got %s",
      tostring(t))
  end
  local on = {}
  for _, name in ipairs(t) do
    if not KINDS[name] then
      S.fail(NAME, "unknown transform %s (expected 'affine', 'projective', 'tps' or 'rotation', 'scale', 'translation')",
        tostring(name))
    end
    on[name] = true
  end
  return 'affine', on.rotation or false, on.scale or false, on.translation or false
end

-- Output size of the last nn.Linear in net (ReLU and the like keep the size).
local function locnet_features(net)
  local last
  net:apply(function(m) if stn.type(m) == 'nn.Linear' then last = m end end)
  return last and last.weight:size(1)
end

function M:__init(opts)
  parent.__init(self)
  if type(opts) ~= 'table' then S.fail(NAME, 'expected an options table {locnet = ..., height = ..., width = ...}') end
  S.check_keys(NAME, opts, { 'locnet', 'transform', 'height', 'width', 'features', 'alignCorners', 'padding',
    'inputGradient', 'sampler', 'controlPoints', 'projectiveNormalized' })
  if not class.isinstance(opts.locnet, 'nn.Module') then
    S.fail(NAME, 'locnet must be an nn module (the localization network), got %s', stn.type(opts.locnet))
  end
  self.height = S.size(NAME, 'height', opts.height, 2, ' (the output height)')
  self.width = S.size(NAME, 'width', opts.width, 2, ' (the output width)')
  local kind, rot, sca, tra = parse_transform(opts.transform)
  self.transform = (kind ~= 'affine' or rot or sca or tra) and opts.transform or 'affine'
  if kind ~= 'tps' and opts.controlPoints ~= nil then
    S.fail(NAME, "controlPoints applies to transform = 'tps' only (transform is %s)", tostring(self.transform))
  end
  if kind ~= 'projective' and opts.projectiveNormalized ~= nil then
    S.fail(NAME, "projectiveNormalized applies to transform = 'projective' only (transform is %s)",
      tostring(self.transform))
  end
  local features = opts.features or locnet_features(opts.locnet)
  if not features then
    S.fail(NAME, 'cannot tell the size of the localization network\'s output (it has no nn.Linear): give features = n')
  end
  local align = S.align_corners(NAME, opts)
  -- restriction: params -> what the grid generator takes; nil for TPS (it takes the points)
  local restriction, generator
  if kind == 'affine' then
    restriction = nn.AffineTransformMatrixGenerator(rot, sca, tra)
    generator = nn.AffineGridGenerator(self.height, self.width, { alignCorners = align })
  elseif kind == 'projective' then
    restriction = nn.ProjectiveTransformMatrixGenerator(opts.projectiveNormalized)
    generator = nn.ProjectiveGridGenerator(self.height, self.width, { alignCorners = align })
  else
    restriction = nn.Identity()
    generator = nn.TPSGridGenerator(self.height, self.width, opts.controlPoints or 4, { alignCorners = align })
  end
  local head = nn.Linear(features, kind == 'tps' and 2 * generator.nbPoints or restriction.nbParams)
  if kind == 'affine' then
    head.weight:zero()
    local identity = {}
    if rot then identity[#identity + 1] = 0 end
    if sca then identity[#identity + 1] = 1 end
    if tra then identity[#identity + 1] = 0; identity[#identity + 1] = 0 end
    if #identity == 0 then identity = { 1, 0, 0, 0, 1, 0 } end
    head.bias:copy(stn.Tensor(identity))
  elseif kind == 'projective' then
    restriction:initLocalizationHead(head)
  else
    generator:initLocalizationHead(head)
  end
  local sampler = opts.sampler or {}
  if type(sampler) ~= 'table' then S.fail(NAME, 'sampler must be a table of nn.GridSampler options, got %s', type(sampler)) end
  if opts.padding ~= nil and sampler.padding ~= nil then
    S.fail(NAME, 'padding is given twice (padding and sampler.padding)')
  end
  if sampler.alignCorners ~= nil or sampler.imageGradient ~= nil then
    S.fail(NAME, 'sampler.alignCorners and sampler.imageGradient are set by the transformer (alignCorners, inputGradient)')
  end
  local sopts = { alignCorners = align, padding = opts.padding, imageGradient = opts.inputGradient ~= false }
  for k, v in pairs(sampler) do sopts[k] = v end
  self.sampler = nn.GridSampler(sopts)
  self.inputGradient = opts.inputGradient ~= false
  self.modules = { opts.locnet, head, restriction, generator, self.sampler }
end

-- locnet -> head -> restriction -> grid: the grid for input.
local function grid_of(self, input)
  local current = input
  for i = 1, 4 do current = self:rethrowErrors(self.modules[i], i, 'updateOutput', current) end
  return current
end

function M:updateOutput(input)
  if not S.is_tensor(input) or (input:dim() ~= 4 and input:dim() ~= 3) then
    S.fail(NAME, 'input must be B x C x H x W (or C x H x W), got %s', S.is_tensor(input) and S.shape(input) or type(input))
  end
  self.output = self:rethrowErrors(self.sampler, 5, 'updateOutput', { input, grid_of(self, input) })
  return self.output
end

-- Backward through the chain; with params, also accumulates the parameter gradients.
local function chain(self, input, gradOutput, method, scale)
  local m = self.modules
  local g = self:rethrowErrors(m[5], 5, method, { input, m[4].output }, gradOutput, scale)
  local current = g[2]
  for i = 4, 2, -1 do current = self:rethrowErrors(m[i], i, method, m[i - 1].output, current, scale) end
  local gloc = self:rethrowErrors(m[1], 1, method, input, current, scale)
  if self.inputGradient then
    self.gradInput = self.gradInput:resizeAs(input):copy(g[1]):add(gloc)
  else
    self.gradInput = input.new()
  end
  return self.gradInput
end

function M:updateGradInput(input, gradOutput) return chain(self, input, gradOutput, 'updateGradInput') end

function M:accGradParameters(input, gradOutput, scale)
  local m = self.modules
  -- the parameters live in the locnet and the head: only they need the chain's gradients
  m[1]:accGradParameters(input, m[2].gradInput, scale or 1)
  m[2]:accGradParameters(m[1].output, m[3].gradInput, scale or 1)
end

function M:backward(input, gradOutput, scale) return chain(self, input, gradOutput, 'backward', scale or 1) end

-- The localization network given as opts.locnet, and the nn.Linear appended to it that
-- predicts the transform's parameters. These two hold all of the transformer's
-- parameters, so st:learningRate(factor) gives the whole localization path a factor.
function M:localizationNetwork() return self.modules[1], self.modules[2] end

function M:__tostring()
  local t = type(self.transform) == 'table' and table.concat(self.transform, ', ') or tostring(self.transform)
  local str = ('%s(%s, %dx%d) {'):format(NAME, t, self.height, self.width)
  for i, m in ipairs(self.modules) do str = str .. '\n  (' .. i .. '): ' .. tostring(m):gsub('\n', '\n  ') end
  return str .. '\n}'
end

return M
