-- xlua: the parts of Torch7's xlua package scripts use, as stn.torch7 gives it to
-- `require 'xlua'`: the progress bar, xlua.print and xlua.require. Names Torch7's xlua has
-- and this one does not raise "stn: xlua.<name>: not supported yet".
local stn = require 'stn'
local errors = require 'stn.errors'

local xlua = {}

local BAR = 40 -- cells of the bar
local state = { start = nil, last = nil, shown = -1 }

local function format_time(s)
  if s >= 3600 then return ('%dh%02dm'):format(math.floor(s / 3600), math.floor(s % 3600 / 60)) end
  if s >= 60 then return ('%dm%02ds'):format(math.floor(s / 60), math.floor(s % 60)) end
  if s >= 1 then return ('%.1fs'):format(s) end
  return ('%dms'):format(math.floor(s * 1000))
end

-- xlua.progress(current, goal): a bar on one terminal line, `[====>....] current/goal`,
-- with the time per step and the time left; a newline once current reaches goal.
function xlua.progress(current, goal)
  if type(current) ~= 'number' or type(goal) ~= 'number' or goal <= 0 then
    errors.fail('xlua.progress', 'expected (current, goal) numbers with goal > 0, got (%s, %s)', tostring(current),
      tostring(goal))
  end
  local now = stn.clock()
  if current <= 1 or not state.start then state.start, state.last, state.shown = now, now, -1 end
  local cells = math.floor(math.min(current, goal) / goal * BAR)
  local done = current >= goal
  if cells == state.shown and not done then return end -- nothing new to draw
  state.shown = cells
  local elapsed = now - state.start
  local step = current > 0 and elapsed / current or 0
  local bar = ('='):rep(math.max(cells - 1, 0)) .. (cells > 0 and (done and '=' or '>') or '') .. ('.'):rep(BAR - cells)
  io.write(('\r [%s] %d/%d | %s %s | step %s'):format(bar, current, goal, done and 'total' or 'ETA',
    format_time(done and elapsed or step * (goal - current)), format_time(step)))
  if done then
    io.write('\n')
    state.start = nil
  end
  io.flush()
end

function xlua.print(...) print(...) end

-- xlua.require(name): the module, or nil (with no error) when it cannot be loaded.
function xlua.require(name)
  local ok, m = pcall(require, name)
  if ok then return m end
  return nil
end

local absent = {}
for name in ('OptionParser unpack unpack_class usage lazyrequire trueIdx loadimage drawbox'):gmatch('%S+') do
  absent[name] = true
end
return setmetatable(xlua, {
  __index = function(_, k)
    if absent[k] then return function() errors.fail('xlua.' .. k, 'not supported yet') end end
    return nil
  end,
})
