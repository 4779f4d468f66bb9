-- torch.Timer(): a stopwatch that starts running when made.
--   timer:time()   -> {real = s, user = s, sys = s}, seconds counted while running
--   timer:reset()  counts from zero again (a stopped timer stays stopped)
--   timer:stop(), timer:resume()
-- real is wall-clock time (stn.clock, monotonic); user and sys are this process's CPU
-- times from getrusage (all threads together), as in Torch7.
local ffi = require 'ffi'
local class = require 'stn.class'
local clock = require('stn.base').clock

-- getrusage's result starts with the user and system times (two struct timevals) on
-- Linux; the rest is room for the fields after them.
local ok = pcall(ffi.cdef, [[
  typedef struct { long sec; long usec; } stn_t7_timeval;
  typedef struct { stn_t7_timeval utime, stime; long rest[16]; } stn_t7_rusage;
  int getrusage(int who, stn_t7_rusage *usage);
]])
local usage = ok and ffi.new('stn_t7_rusage')
local function cpu_times()
  if usage and ffi.C.getrusage(0, usage) == 0 then
    return tonumber(usage.utime.sec) + tonumber(usage.utime.usec) * 1e-6,
           tonumber(usage.stime.sec) + tonumber(usage.stime.usec) * 1e-6
  end
  return os.clock(), 0 -- (no getrusage: CPU time as user time)
end

local function now()
  local u, s = cpu_times()
  return { real = clock(), user = u, sys = s }
end

local Timer = class.new('torch.Timer')

function Timer:__init()
  self.total = { real = 0, user = 0, sys = 0 }
  self.start = now()
  self.running = true
end

function Timer:time()
  local t = { real = self.total.real, user = self.total.user, sys = self.total.sys }
  if self.running then
    local n = now()
    for k in pairs(t) do t[k] = t[k] + n[k] - self.start[k] end
  end
  return t
end

function Timer:reset()
  self.total = { real = 0, user = 0, sys = 0 }
  self.start = now()
  return self
end

function Timer:stop()
  if self.running then
    self.total = self:time()
    self.running = false
  end
  return self
end

function Timer:resume()
  if not self.running then
    self.start = now()
    self.running = true
  end
  return self
end

function Timer:__tostring()
  local t = self:time()
  return ('torch.Timer [real %.4fs, user %.4fs, sys %.4fs%s]'):format(t.real, t.user, t.sys,
    self.running and '' or ', stopped')
end

return Timer
