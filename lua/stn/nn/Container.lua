-- nn.Container: the base of modules that hold other modules (Sequential, Concat,
-- ConcatTable, ParallelTable). It passes training/evaluate/type/clearState/
-- zeroGradParameters/parameters on to its children, and when a child fails it adds
-- the child's index and type to the message: "nn.Sequential: module 3 (nn.Linear): ...".
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local utils = require 'stn.nn.utils'

local Container, parent = class.new('nn.Container', 'nn.Module')

function Container:__init()
  parent.__init(self)
  self.modules = {}
end

function Container:add(module)
  if not class.isinstance(module, 'nn.Module') then
    errors.fail(stn.type(self) .. ':add', 'expected an nn module, got %s', stn.type(module))
  end
  self.modules[#self.modules + 1] = module
  return self
end

function Container:get(index) return self.modules[index] end
function Container:size() return #self.modules end

-- "file.lua:12: stn: nn.Linear: bad size" -> "bad size" when child is an nn.Linear:
-- for stn's own errors the position is dropped (the error is re-raised at the user's
-- line) and the child's name is said once, in the prefix this container adds. Any other
-- error (a bug, say) keeps its position.
local function strip(msg, childType)
  local rest = msg:gsub('^[^\n]-%.lua:%d+: ', '', 1):gsub('^%[string [^\n]-%]:%d+: ', '', 1)
  if rest:sub(1, 5) ~= 'stn: ' then return msg end
  rest = rest:sub(6)
  if rest:sub(1, #childType + 2) == childType .. ': ' then rest = rest:sub(#childType + 3) end
  return rest
end

-- Calls module[method](module, ...); a failure is re-raised as
-- "stn: <this type>: module <index> (<child type>): <child's message>".
function Container:rethrowErrors(module, index, method, ...)
  local ok, result = pcall(module[method], module, ...)
  if ok then return result end
  if type(result) ~= 'string' then error(result, 0) end
  local childType = stn.type(module)
  errors.fail(stn.type(self), 'module %d (%s): %s', index, childType, strip(result, childType))
end

function Container:applyToModules(fn)
  for _, m in ipairs(self.modules) do fn(m) end
end

function Container:zeroGradParameters()
  self:applyToModules(function(m) m:zeroGradParameters() end)
end

function Container:updateParameters(learningRate)
  self:applyToModules(function(m) m:updateParameters(learningRate) end)
end

function Container:training()
  self:applyToModules(function(m) m:training() end)
  return parent.training(self)
end

function Container:evaluate()
  self:applyToModules(function(m) m:evaluate() end)
  return parent.evaluate(self)
end

function Container:share(mlp, ...)
  for i = 1, #self.modules do self.modules[i]:share(mlp.modules[i], ...) end
  return self
end

function Container:reset(stdv)
  self:applyToModules(function(m) m:reset(stdv) end)
end

-- The children's parameters, in order, as two flat lists (empty when none).
function Container:parameters()
  local w, gw = {}, {}
  for _, m in ipairs(self.modules) do
    local mw, mgw = m:parameters()
    if mw then
      for i = 1, #mw do
        w[#w + 1] = mw[i]
        gw[#gw + 1] = mgw and mgw[i]
      end
    end
  end
  return w, gw
end

function Container:clearState()
  utils.clear(self, 'output', 'gradInput')
  self:applyToModules(function(m) m:clearState() end)
  return self
end

-- The tree of a container whose children all see the input (Concat, ConcatTable,
-- ParallelTable), drawn as Torch7 draws it.
function Container:branchString()
  local tab, line = '  ', '\n'
  local str = stn.type(self) .. ' {' .. line .. tab .. 'input'
  for i, m in ipairs(self.modules) do
    local last = i == #self.modules
    local lead, ext = last and '   `-> ' or '  |`-> ', last and '       ' or '  |    '
    str = str .. line .. tab .. lead .. '(' .. i .. '): ' .. tostring(m):gsub(line, line .. tab .. ext)
  end
  return str .. line .. tab .. '   ... -> output' .. line .. '}'
end

return Container
