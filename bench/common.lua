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
