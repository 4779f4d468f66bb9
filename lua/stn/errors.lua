-- stn.errors: how stn's Lua side refuses bad input. Every message reads
--   stn: <module>: <what was wrong>
-- where <module> is the name as reached from the stn table: Tensor, Tensor:resize,
-- image.save, data.gtsrb, nn.View, nn.Linear:type, optim.sgd, load. It is raised at the
-- user's line: the first stack frame outside stn's Lua files (C frames skipped too), so
-- an error found deep inside a container or a tensor method still names the line that
-- called stn. A failed C call keeps the library's own text after the prefix (stn.ffi's
-- check). This module needs nothing else of stn, so every other file may use it.
local M = {}

-- A file path made comparable: absolute (from $PWD), without '.' and 'dir/..' steps, so
-- that one file reached through two package.path entries ('./lua/?.lua',
-- 'tools/../lua/?.lua') reads the same.
local cwd = os.getenv('PWD')
local function canonical(path)
  if path:sub(1, 1) ~= '/' and cwd then path = cwd .. '/' .. path end
  local parts = {}
  for part in path:gmatch('[^/]+') do
    if part == '..' then parts[#parts] = nil
    elseif part ~= '.' then parts[#parts + 1] = part end
  end
  return '/' .. table.concat(parts, '/')
end

-- The folder holding stn's Lua files (this file's own), to tell library frames from
-- the user's; each source seen is classified once.
local here = debug.getinfo(1, 'S').source:match('^@(.*)errors%.lua$')
local stn_dir = here and canonical(here .. '.') .. '/'
local is_stn = setmetatable({ ['=[C]'] = true, ['=(tail call)'] = true }, {
  __index = function(t, src)
    local v = stn_dir ~= nil and src:sub(1, 1) == '@' and canonical(src:sub(2)):sub(1, #stn_dir) == stn_dir
    t[src] = v
    return v
  end,
})

local function ours(src, also)
  return is_stn[src] or (also ~= nil and src == also)
end

-- The error() level, as seen from the function calling user_level, of the nearest
-- frame outside stn's Lua files (and outside the file whose source is `also`, for code
-- that reports as its own module, such as the examples).
function M.user_level(also)
  local level = 1
  while true do
    local info = debug.getinfo(level + 1, 'S')
    if not info then return 1 end
    if not ours(info.source, also) then return level end
    level = level + 1
  end
end

-- (A leading 'stn.' in where is dropped: names are relative to the stn table.)
local function text(where, fmt, ...)
  if where:sub(1, 4) == 'stn.' then where = where:sub(5) end
  local msg = select('#', ...) > 0 and fmt:format(...) or fmt
  return 'stn: ' .. where .. ': ' .. msg
end

-- Raises "stn: <where>: <msg>" at the user's line; with more arguments, msg is a
-- format for them.
function M.fail(where, msg, ...)
  error(text(where, msg, ...), M.user_level())
end

-- The message fail would raise, for callers that hand it on instead (pcall wrappers,
-- second return values).
M.message = text

-- A fail function for code outside lua/stn that names itself (the examples): raises
-- "<prefix><where>: <msg>" at the first line outside stn and outside the calling file.
function M.reporter(prefix)
  local file = debug.getinfo(2, 'S').source
  return function(where, msg, ...)
    local m = select('#', ...) > 0 and msg:format(...) or msg
    error(prefix .. where .. ': ' .. m, M.user_level(file))
  end
end

-- Whole-number arguments: sizes, indices, dimensions, counts and seeds. Lua hands stn
-- doubles; one that is NaN, infinite, fractional or beyond 2^53 (where doubles stop
-- being exact) must be refused by its caller, with the caller's own message, before it
-- is rounded or wrapped on its way into C.
function M.is_integer(v)
  return type(v) == 'number' and v == math.floor(v) and v >= -2 ^ 53 and v <= 2 ^ 53
end

return M
