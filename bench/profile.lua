-- bench/profile.lua: per-module times of a network, for the step benchmarks'
-- --profile: every leaf module's updateOutput and backward wrapped to collect their
-- durations. Load with dofile('bench/profile.lua').
local profile = {}

local median = dofile('bench/common.lua').median

-- Instruments net's leaves (clock: a function returning seconds); returns the rows,
-- one per leaf in tree order, each { name, fwd = {seconds...}, bwd = {...} }.
function profile.instrument(net, clock)
  local rows = {}
  -- method fn, recording each call's time in row[key] (a list that profile.reset replaces)
  local function timed(fn, row, key)
    return function(self, ...)
      local t0 = clock()
      local r = fn(self, ...)
      local times = row[key]
      times[#times + 1] = clock() - t0
      return r
    end
  end
  local function wrap(m, name)
    local row = { name = name, fwd = {}, bwd = {} }
    rows[#rows + 1] = row
    m.updateOutput = timed(m.updateOutput, row, 'fwd')
    m.backward = timed(m.backward, row, 'bwd')
  end
  local function walk(m, prefix)
    if m.modules then
      for k, c in ipairs(m.modules) do walk(c, prefix .. '.' .. k) end
    else
      wrap(m, prefix .. ' ' .. tostring(m):gsub('\n.*', ''))
    end
  end
  walk(net, '')
  return rows
end

-- Forgets what was collected so far (after warm-up steps).
function profile.reset(rows)
  for _, r in ipairs(rows) do r.fwd, r.bwd = {}, {} end
end

-- Prints each leaf's median forward and backward milliseconds, and their sums.
function profile.print(rows)
  local tf, tb = 0, 0
  for _, r in ipairs(rows) do
    local f, b = (median(r.fwd) or 0) * 1e3, (median(r.bwd) or 0) * 1e3
    tf, tb = tf + f, tb + b
    print(('%-60s %8.2f %8.2f'):format(r.name:sub(1, 60), f, b))
  end
  print(('%-60s %8.2f %8.2f'):format('sum of the medians', tf, tb))
end

return profile
