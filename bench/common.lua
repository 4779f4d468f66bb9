-- bench/common.lua: what every benchmark here needs: medians, the machine's name and
-- load for the printed header, and `--name value` / `--flag` options.
--   package.path = './bench/?.lua;' .. package.path; local common = require 'common'
local common = {}

-- The median of a list of numbers (the list is left as it was).
function common.median(list)
  local s = {}
  for k, v in ipairs(list) do s[k] = v end
  table.sort(s)
  local n = #s
  if n == 0 then return 0 / 0 end
  return n % 2 == 1 and s[(n + 1) / 2] or (s[n / 2] + s[n / 2 + 1]) / 2
end

-- The CPU's model name, from /proc/cpuinfo.
function common.cpu_name()
  local f = io.open('/proc/cpuinfo')
  if not f then return 'unknown CPU' end
  local name = f:read('*a'):match('model name%s*:%s*([^\n]+)')
  f:close()
  return name or 'unknown CPU'
end

-- The machine's fp32 FMA peak in GFLOP/s for `threads` cores whose best instruction set
-- is isa (stn.cpuInfo().supported): threads x clock x FMA
-- units x lanes x 2, and a line saying what of it is assumed. The clock is ghz when given
-- (measure it with bench/fma_peak.c), else /proc/cpuinfo's "cpu MHz" (the nominal clock
-- under a hypervisor: turbo is not seen). The FMA units per core are not in cpuid: two
-- per cycle assumed, 256 bits wide on AMD (Zen 4 runs a 512-bit FMA as two halves) and
-- on AVX2-only CPUs, 512 bits on Intel's AVX-512 CPUs (server cores; some parts have one
-- 512-bit unit: half this).
function common.fma_peak(threads, isa, ghz)
  local f = io.open('/proc/cpuinfo')
  if not f then return nil, 'no /proc/cpuinfo' end
  local info = f:read('*a')
  f:close()
  local vendor = info:match('vendor_id%s*:%s*(%S+)') or '?'
  local clock = ghz and ghz > 0 and ghz or (tonumber(info:match('cpu MHz%s*:%s*([%d%.]+)')) or 0) * 1e-3
  if clock == 0 then return nil, 'no clock in /proc/cpuinfo (pass --ghz)' end
  local lanes = (isa == 'avx512' and vendor == 'GenuineIntel') and 16 or (isa == 'generic' and 4 or 8)
  return threads * clock * 2 * lanes * 2, ('%d cores x %.2f GHz (%s) x 2 FMA/cycle (assumed) x %d fp32 lanes x 2 flops'):format(
    threads, clock, (ghz and ghz > 0) and '--ghz' or 'cpu MHz', lanes)
end

-- /proc/loadavg's line: other jobs on the machine make the figures noisy, so say so.
function common.load_average()
  local f = io.open('/proc/loadavg')
  if not f then return '?' end
  local line = f:read('*l')
  f:close()
  return line or '?'
end

-- Parses arg into a copy of defaults: `--name value` for each key of defaults (a number
-- when its default is one; '-' in names stands for '_'), `--flag` for each key of flags
-- (a function(opts) that sets what the flag means). Anything else is an error naming script.
function common.options(script, args, defaults, flags)
  local opts = {}
  for k, v in pairs(defaults) do opts[k] = v end
  flags = flags or {}
  local i = 1
  while args and args[i] do
    local name = args[i]:match('^%-%-(.+)$')
    local key = name and name:gsub('-', '_')
    if key and flags[key] then
      flags[key](opts)
      i = i + 1
    elseif key and defaults[key] ~= nil then
      local v = args[i + 1]
      if v == nil then error(('%s: --%s needs a value'):format(script, name), 0) end
      if type(defaults[key]) == 'number' then
        v = tonumber(v) or error(('%s: --%s takes a number, got %s'):format(script, name, args[i + 1]), 0)
      end
      opts[key] = v
      i = i + 2
    else
      error(('%s: unknown option %s'):format(script, args[i]), 0)
    end
  end
  return opts
end

return common
