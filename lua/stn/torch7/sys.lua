-- sys: Torch7's sys package, as stn.torch7 gives it to `require 'sys'`: clocks, timers,
-- shell commands and sleeping. Names Torch7's sys has and this one does not raise
-- "stn: sys.<name>: not supported yet".
local ffi = require 'ffi'
local stn = require 'stn'
local errors = require 'stn.errors'

ffi.cdef [[ int usleep(unsigned int usec); ]]

local sys = {}

-- Wall-clock seconds (Torch7's sys.clock is gettimeofday); stn's clock is monotonic.
sys.clock = stn.clock

local started
function sys.tic() started = stn.clock() end
function sys.toc(verbose)
  if not started then errors.fail('sys.toc', 'sys.tic() was not called') end
  local t = stn.clock() - started
  if verbose then print(t) end
  return t
end

-- sys.execute(cmd): the command's standard output, trailing newline removed (Torch7's).
function sys.execute(cmd)
  if type(cmd) ~= 'string' then errors.fail('sys.execute', 'expected a command string, got %s', type(cmd)) end
  local f = io.popen(cmd, 'r')
  if not f then errors.fail('sys.execute', 'cannot run %s', cmd) end
  local out = f:read('*a')
  f:close()
  return (out:gsub('\n$', ''))
end
sys.fexecute = sys.execute

function sys.sleep(seconds)
  if type(seconds) ~= 'number' or not (seconds >= 0) then
    errors.fail('sys.sleep', 'expected a number of seconds >= 0, got %s', tostring(seconds))
  end
  ffi.C.usleep(math.floor(seconds * 1e6))
end
function sys.usleep(us) sys.sleep(us / 1e6) end

function sys.uname() return sys.execute('uname -s'):lower() end
sys.OS = 'linux'
function sys.dirname(p) return require('stn.torch7.paths').dirname(p) end
function sys.basename(p, ext) return require('stn.torch7.paths').basename(p, ext) end
sys.concat = function(...) return require('stn.torch7.paths').concat(...) end
sys.fpath = function() return require('stn.torch7.paths').thisfile() end

-- ANSI colours, as Torch7's sys.COLORS (empty strings when standard output is no terminal
-- in Torch7; always the codes here, as most scripts print them only to terminals).
sys.COLORS = {
  none = '\27[0m', black = '\27[0;30m', red = '\27[0;31m', green = '\27[0;32m', yellow = '\27[0;33m',
  blue = '\27[0;34m', magenta = '\27[0;35m', cyan = '\27[0;36m', white = '\27[0;37m',
  Black = '\27[1;30m', Red = '\27[1;31m', Green = '\27[1;32m', Yellow = '\27[1;33m',
  Blue = '\27[1;34m', Magenta = '\27[1;35m', Cyan = '\27[1;36m', White = '\27[1;37m',
}

function sys.pwd() return require('stn.torch7.paths').cwd() end
-- sys.ls / ll / la / lla (path): the listing `ls` prints, as a string (Torch7's).
for name, flags in pairs { ls = '', ll = ' -l', la = ' -a', lla = ' -la' } do
  sys[name] = function(path)
    if path ~= nil and type(path) ~= 'string' then
      errors.fail('sys.' .. name, 'expected a path string, got %s', type(path))
    end
    return sys.execute('ls' .. flags .. (path and (" '" .. path:gsub("'", "'\\''") .. "'") or ''))
  end
end

local absent = {}
for name in ('prefix dir split'):gmatch('%S+') do absent[name] = true end
return setmetatable(sys, {
  __index = function(_, k)
    if absent[k] then return function() errors.fail('sys.' .. k, 'not supported yet') end end
    return nil
  end,
})
