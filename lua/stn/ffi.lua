-- The one place that loads libstn and declares its C API. The declarations come
-- from the library itself (stn_cdef(), generated from the public headers include/stn/*.h at build time), so
-- the Lua side can never drift from the binary it runs.
local ffi = require 'ffi'
local errors = require 'stn.errors'

-- Loaded once per Lua state even if package.loaded is cleared (busted's file
-- insulation does that): a second cdef or context would split the world in two.
local registry = debug.getregistry()
if registry['stn.ffi'] then return registry['stn.ffi'] end

local M = {}

-- Where is stn/core.so? $STN_CORE, then the cpath (an installed rock), then next
-- to these Lua files, then the build tree of the checkout they live in.
local function find_library()
  local env = os.getenv('STN_CORE')
  if env and env ~= '' then return env end
  local found = package.searchpath('stn.core', package.cpath)
  if found then return found end
  local here = debug.getinfo(1, 'S').source:match('^@(.*)ffi%.lua$') or './'
  local candidates = { here .. 'core.so', here .. '../../build/stn/core.so' }
  for _, path in ipairs(candidates) do
    local f = io.open(path, 'rb')
    if f then f:close(); return path end
  end
  error('stn: cannot find the native library stn/core.so (run `make` in the stn checkout, '
     .. 'install the rock with `make install`, or set STN_CORE to its path); looked in package.cpath and '
     .. table.concat(candidates, ', '), 0)
end

M.path = find_library()
local ok, lib = pcall(ffi.load, M.path)
if not ok then error('stn: cannot load ' .. M.path .. ': ' .. tostring(lib), 0) end
ffi.cdef 'const char *stn_cdef(void);'
ffi.cdef(ffi.string(lib.stn_cdef()))
M.C = lib

-- One context for the process: threads, random state, CUDA stream and allocator.
local pctx = ffi.new('stn_ctx *[1]')
if lib.stn_ctx_create(pctx) ~= 0 then
  error('stn: ' .. ffi.string(lib.stn_last_error()), 0)
end
M.ctx = pctx[0]

function M.last_error()
  return ffi.string(lib.stn_last_error())
end

-- Raises "stn: <what>: <the library's message>" for a failed status, at the user's
-- line (stn.errors). (A third argument, once an error level, is not used.)
function M.check(status, what)
  if status ~= 0 then
    local msg = ffi.string(lib.stn_last_error())
    error(what and errors.message(what, msg) or 'stn: ' .. msg, errors.user_level())
  end
end

-- Is there a CUDA device, and if not, why not (probed once).
local cuda_count, cuda_reason
local function probe_cuda()
  if cuda_count == nil then
    local buf = ffi.new('char[256]')
    cuda_count = lib.stn_cuda_device_count(buf, 256)
    cuda_reason = ffi.string(buf)
  end
end
function M.has_cuda() probe_cuda(); return cuda_count > 0 end
function M.cuda_reason() probe_cuda(); return cuda_reason end

registry['stn.ffi'] = M
return M
