-- bench/bandwidth.lua: the GPU's device-to-device copy bandwidth as stn sees it (bytes
-- read + written per second, median of 20 copies of 256 MiB), the yardstick for the
-- sampler's "within 3x of streaming its bytes" target.
--   luajit bench/bandwidth.lua
local stn = require 'stn'
if not stn.hasCUDA() then print('bench/bandwidth.lua: no CUDA device (' .. stn.cudaReason() .. ')') return end
local n = 64 * 1024 * 1024 -- floats: 256 MiB
local a, b = stn.CudaTensor(n):fill(1), stn.CudaTensor(n)
local times = {}
for i = 1, 23 do
  stn.synchronize()
  local t0 = stn.clock()
  b:copy(a)
  stn.synchronize()
  if i > 3 then times[#times + 1] = stn.clock() - t0 end
end
table.sort(times)
local median = times[math.floor(#times / 2) + 1]
print(('%s: device-to-device copy %.0f GB/s (read + write, median of %d)'):format(stn.cudaDeviceName(),
  2 * n * 4 / median / 1e9, #times))
