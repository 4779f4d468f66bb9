-- stn.data.idx: IDX files (the MNIST format), gzipped or plain, to and from tensors.
--   local t, type = idx.read('train-images-idx3-ubyte.gz')   -- floats, the file's sizes
--   idx.write('labels.idx.gz', t, {type = 'ubyte', gzip = true})
-- The bytes are handled in C (csrc/io/idx.c); gzip needs a libstn built with zlib.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local errors = require 'stn.errors'
local C, ctx, check = core.C, core.ctx, core.check

local idx = {}

local TYPES = { ubyte = 0x08, byte = 0x09, short = 0x0B, int = 0x0C, float = 0x0D, double = 0x0E }
local NAMES = {}
for name, code in pairs(TYPES) do NAMES[code] = name end
idx.TYPES = TYPES

-- The file's elements as a float Tensor of its sizes, and its element type's name.
function idx.read(path)
  if type(path) ~= 'string' then errors.fail('data.idx.read', 'expected a path, got ' .. type(path)) end
  local t, code = Tensor._private.empty(0), ffi.new('int[1]')
  check(C.stn_idx_read(ctx, path, t, code), 'stn.data.idx.read')
  return t, NAMES[code[0]]
end

-- Writes t (CPU) as IDX. opts.type: 'ubyte' (default), 'byte', 'short', 'int',
-- 'float' or 'double'; opts.gzip: compress (default: when path ends in .gz).
function idx.write(path, t, opts)
  opts = opts or {}
  local code = TYPES[opts.type or 'ubyte']
  if not code then errors.fail('data.idx.write', 'unknown type ' .. tostring(opts.type) .. ' (ubyte, byte, short, int, float, double)') end
  local gzip = opts.gzip
  if gzip == nil then gzip = path:match('%.gz$') ~= nil end
  check(C.stn_idx_write(ctx, path, t, code, gzip and 1 or 0), 'stn.data.idx.write')
end

return idx
