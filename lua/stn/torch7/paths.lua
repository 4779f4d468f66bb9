-- paths: Torch7's file-name package, as stn.torch7 gives it to `require 'paths'`.
-- The parts Torch7 scripts use: tests on files and directories, names, listings,
-- mkdir/rmdir, the home and working directories, and paths.dofile / paths.thisfile,
-- which find files beside the calling script. Names Torch7's paths has and this one does
-- not raise "stn: paths.<name>: not supported yet". POSIX (Linux) only, as stn.
local ffi = require 'ffi'
local errors = require 'stn.errors'

ffi.cdef [[
  typedef struct stn_paths_dir stn_paths_dir;
  stn_paths_dir *opendir(const char *name);
  int closedir(stn_paths_dir *d);
  int mkdir(const char *path, unsigned int mode);
  int rmdir(const char *path);
  char *getcwd(char *buf, size_t size);
  char *strerror(int errnum);
]]
-- readdir's struct dirent, glibc's layout on 64-bit Linux (stn's platform); `ls -a`
-- through io.popen would need shell quoting of every name.
ffi.cdef [[
  struct stn_paths_dirent { uint64_t d_ino; int64_t d_off; unsigned short d_reclen; unsigned char d_type; char d_name[256]; };
  struct stn_paths_dirent *readdir(stn_paths_dir *d);
]]

local paths = {}

local function need_string(what, s, name)
  if type(s) ~= 'string' then errors.fail('paths.' .. what, '%s must be a string, got %s', name or 'the path', type(s)) end
  return s
end

function paths.dirp(p)
  need_string('dirp', p)
  local d = ffi.C.opendir(p)
  if d == nil then return false end
  ffi.C.closedir(d)
  return true
end

function paths.filep(p)
  need_string('filep', p)
  if paths.dirp(p) then return false end
  local f = io.open(p, 'rb')
  if not f then return false end
  f:close()
  return true
end

-- The entries of directory d (nil when d is not one), without '.' and '..'.
local function entries(d)
  local h = ffi.C.opendir(d)
  if h == nil then return nil end
  local list = {}
  while true do
    local e = ffi.C.readdir(h)
    if e == nil then break end
    local name = ffi.string(e.d_name)
    if name ~= '.' and name ~= '..' then list[#list + 1] = name end
  end
  ffi.C.closedir(h)
  table.sort(list)
  return list
end

-- paths.dir(d): a list of d's entries, '.' and '..' included as Torch7 gives them; nil
-- when d is not a directory.
function paths.dir(d)
  need_string('dir', d)
  local list = entries(d)
  if not list then return nil end
  table.insert(list, 1, '..')
  table.insert(list, 1, '.')
  return list
end

-- paths.files(d [, include]): an iterator over d's entries ('.' and '..' too), those whose
-- name matches the pattern `include` (or for which the function returns true) when given.
function paths.files(d, include)
  need_string('files', d)
  local list = paths.dir(d) or {}
  local i = 0
  return function()
    while true do
      i = i + 1
      local name = list[i]
      if name == nil then return nil end
      if include == nil or (type(include) == 'string' and name:find(include))
        or (type(include) == 'function' and include(name)) then
        return name
      end
    end
  end
end

function paths.iterdirs(d)
  local it = paths.files(d)
  return function()
    for name in it do
      if name ~= '.' and name ~= '..' and paths.dirp(paths.concat(d, name)) then return name end
    end
  end
end

function paths.iterfiles(d)
  local it = paths.files(d)
  return function()
    for name in it do
      if paths.filep(paths.concat(d, name)) then return name end
    end
  end
end

function paths.cwd()
  local buf = ffi.new('char[4096]')
  if ffi.C.getcwd(buf, 4096) == nil then errors.fail('paths.cwd', 'getcwd failed') end
  return ffi.string(buf)
end

-- paths.concat(a, b, ...): the names joined with '/'; an absolute name restarts the path;
-- with no argument, the working directory (Torch7's).
function paths.concat(...)
  local n = select('#', ...)
  if n == 0 then return paths.cwd() end
  local out
  for i = 1, n do
    local p = need_string('concat', (select(i, ...)), 'argument ' .. i)
    if out == nil or p:sub(1, 1) == '/' then out = p
    elseif p ~= '' then out = out:gsub('/+$', '') .. '/' .. p end
  end
  return out
end

function paths.basename(p, ext)
  need_string('basename', p)
  local base = p:gsub('/+$', ''):match('([^/]*)$')
  if ext and base:sub(-#ext - 1) == '.' .. ext then base = base:sub(1, -#ext - 2) end
  return base
end

function paths.dirname(p)
  need_string('dirname', p)
  local d = p:gsub('/+$', ''):match('^(.*)/[^/]*$')
  if d == nil then return '.' end
  if d == '' then return '/' end
  return d
end

-- The extension without its dot, or nil.
function paths.extname(p)
  need_string('extname', p)
  return paths.basename(p):match('%.([^.]+)$')
end

function paths.home() return os.getenv('HOME') or '' end
paths.tmpname = os.tmpname

local function errno_text() return ffi.string(ffi.C.strerror(ffi.errno())) end

-- mkdir / rmdir: true, or nil and the system's message (as Torch7's).
function paths.mkdir(p)
  need_string('mkdir', p)
  if ffi.C.mkdir(p, tonumber('777', 8)) == 0 then return true end
  return nil, errno_text()
end
function paths.rmdir(p)
  need_string('rmdir', p)
  if ffi.C.rmdir(p) == 0 then return true end
  return nil, errno_text()
end
-- Removes a whole directory tree (Torch7's rmall needs the confirmation 'yes').
function paths.rmall(p, confirm)
  need_string('rmall', p)
  if confirm ~= 'yes' then errors.fail('paths.rmall', "the second argument must be 'yes' (as in Torch7)") end
  if not paths.dirp(p) then return os.remove(p) end
  for _, name in ipairs(entries(p) or {}) do
    local q = paths.concat(p, name)
    if paths.dirp(q) then paths.rmall(q, 'yes') else os.remove(q) end
  end
  return paths.rmdir(p)
end

-- The file of the Lua function `level` frames up (a file, not a chunk given as a string).
local function caller_file(level)
  local info = debug.getinfo(level + 1, 'S')
  local src = info and info.source or ''
  if src:sub(1, 1) == '@' then return src:sub(2) end
  return nil
end

-- paths.thisfile([name]): the calling script's file name, or name beside it.
function paths.thisfile(name)
  local f = caller_file(2)
  if name == nil then return f end
  return paths.concat(f and paths.dirname(f) or paths.cwd(), name)
end

-- paths.dofile(f, ...): dofile of f found beside the calling script (Torch7's), or as
-- given when absolute.
function paths.dofile(f, ...)
  need_string('dofile', f)
  local here = caller_file(2)
  local path = f
  if f:sub(1, 1) ~= '/' and here then path = paths.concat(paths.dirname(here), f) end
  local chunk, err = loadfile(path)
  if not chunk then errors.fail('paths.dofile', '%s', err) end
  return chunk(...)
end

-- Torch7's other names: each raises, as the rest of the entry does.
local absent = {}
for name in ([[findprogram require is_win is_mac uname execdir install_prefix install_bin install_man
  install_lib install_share install_include install_cmake]]):gmatch('%S+') do absent[name] = true end
return setmetatable(paths, {
  __index = function(_, k)
    if absent[k] then return function() errors.fail('paths.' .. k, 'not supported yet') end end
    return nil
  end,
})
