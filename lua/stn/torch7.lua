-- stn.torch7: the entry for Torch7 code.
--   luajit -l stn.torch7 script.lua        (or require 'stn.torch7' before the script's code)
-- makes require 'torch' return stn's tensor library under Torch7's names and sets the
-- global `torch` (the one place stn sets globals; plain require 'stn' sets none), and
-- makes require 'nn', 'optim', 'image', 'paths', 'sys', 'xlua', 'cutorch', 'cunn' and
-- 'cudnn' resolve to stn's parts with Torch7's globals (below).
--
-- `torch` reads every name Torch7's torch table has (lua/stn/tensor/torch7_names.lua)
-- from stn: the names stn has give stn's function (torch.Tensor, torch.FloatTensor, the
-- functional forms, manualSeed, typename, ...), the others a function raising "stn:
-- <name>: not supported yet". stn's own names that Torch7 lacks (stn.nn, stn.hasCUDA, ...)
-- read as nil here. It adds Torch7's class system (torch.class, getmetatable,
-- setmetatable, isTypeOf), its unit-test harness (torch.Tester, torch.TestSuite),
-- torch.Timer and torch.setheaptracking. Names are looked up in stn on every read (not
-- copied), so what stn gains later shows through; a script may add its own fields
-- (function torch.test() ... end), as Torch7 scripts do.
local stn = require 'stn'
local errors = require 'stn.errors'
local names = require 'stn.tensor.torch7_names'
local classes = require 'stn.torch7.class'

local torch = {
  class = classes.class,
  getmetatable = classes.getmetatable,
  setmetatable = classes.setmetatable,
  isTypeOf = classes.isTypeOf,
  TestSuite = require 'stn.torch7.TestSuite',
  Tester = require 'stn.torch7.Tester',
  Timer = require 'stn.torch7.Timer',
}

-- stn collects by storage bytes whatever this says (see docs/torch7.md): the boolean is
-- recorded in torch._heaptracking, as Torch7 does, and changes nothing else.
function torch.setheaptracking(on)
  if type(on) ~= 'boolean' then
    errors.fail('setheaptracking', 'expected a boolean, got %s', type(on))
  end
  rawset(torch, '_heaptracking', on)
end
torch._heaptracking = true

-- Torch7's files (lua/stn/t7.lua): torch.save(path, obj [, 'binary' | 'ascii' [,
-- referenced]]) and torch.load(path [, 'binary' | 'ascii' | 'b32' | 'b64' [, referenced]]),
-- binary by default, whatever the path's extension.
function torch.save(path, obj, mode, referenced) return require('stn.t7').save(path, obj, mode, referenced) end
function torch.load(path, mode, referenced) return require('stn.t7').load(path, mode, referenced) end

-- torch.isTensor as Torch7's: a boolean for any value.
function torch.isTensor(x) return stn.isTensor(x) == true end

setmetatable(torch, {
  __index = function(_, k)
    if names.functions[k] then return stn[k] end
    return nil
  end,
})

package.loaded.torch = torch
package.preload.torch = function() return torch end
rawset(_G, 'torch', torch)

-- Torch7's torch also makes LuaJIT look like Lua 5.2 here, and scripts rely on it.
if not table.unpack then table.unpack = unpack end
if not string.gfind then string.gfind = string.gmatch end

-- Torch7's other packages, from stn's own parts, each setting its global as Torch7's do
-- when required: nn, optim, image, sys, xlua, cutorch, cunn (nn's CUDA modules: stn's
-- nn modules take CUDA tensors), cudnn (the module names stn implements). paths is
-- global at once, as Torch7's torch loads it.
local packages = {
  nn = function() return stn.nn end,
  optim = function() return stn.optim end,
  image = function() require 'xlua'; return stn.image end, -- (Torch7's image loads xlua)
  paths = function() return require 'stn.torch7.paths' end,
  sys = function() return require 'stn.torch7.sys' end,
  xlua = function() require 'sys'; return require 'stn.torch7.xlua' end, -- (and xlua loads sys)
  cutorch = function()
    if not stn.hasCUDA() then errors.fail('cutorch', 'no CUDA device: ' .. stn.cudaReason()) end
    return require 'stn.torch7.cutorch'
  end,
  cunn = function() return stn.nn end,
  cudnn = function() require 'cunn'; return require 'stn.torch7.cudnn' end, -- (Torch7's loads cunn, so nn)
}
for name, load in pairs(packages) do
  package.preload[name] = function()
    local m = load()
    rawset(_G, name == 'cunn' and 'nn' or name, m)
    return m
  end
end
rawset(_G, 'paths', require 'paths')

return torch
