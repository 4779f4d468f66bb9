-- cutorch, as stn.torch7 gives it to `require 'cutorch'`: the device queries and settings
-- Torch7 scripts call. stn drives one GPU (device 1); the CUDA tensor types are torch's
-- (torch.CudaTensor, ...). Without a GPU, `require 'cutorch'` fails as Torch7's does.
local stn = require 'stn'
local errors = require 'stn.errors'

local cutorch = {}

local function need_gpu(what)
  if not stn.hasCUDA() then errors.fail('cutorch.' .. what, 'no CUDA device: ' .. stn.cudaReason()) end
end
local function device_arg(what, d)
  if d ~= 1 then errors.fail('cutorch.' .. what, 'stn drives one GPU, device 1; got %s', tostring(d)) end
end

function cutorch.getDeviceCount() return stn.hasCUDA() and 1 or 0 end
function cutorch.getDevice() return 1 end
function cutorch.setDevice(d) device_arg('setDevice', d) end
function cutorch.synchronize() stn.synchronize() end
cutorch.synchronizeAll = cutorch.synchronize
function cutorch.manualSeed(seed) stn.manualSeed(seed) end
cutorch.manualSeedAll = cutorch.manualSeed
-- withDevice(d, f): f() run with device d current (there is one).
function cutorch.withDevice(d, f)
  device_arg('withDevice', d)
  return f()
end
function cutorch.getDeviceProperties(d)
  device_arg('getDeviceProperties', d)
  need_gpu('getDeviceProperties')
  return { name = stn.cudaDeviceName() }
end
local absent = {}
for name in ('getMemoryUsage getStream setStream reserveStreams streamWaitFor streamBarrier createCudaHostTensor getState setKernelPeerToPeerAccess'):gmatch('%S+') do
  absent[name] = true
end
return setmetatable(cutorch, {
  __index = function(_, k)
    if absent[k] then return function() errors.fail('cutorch.' .. k, 'not supported yet') end end
    return nil
  end,
})
