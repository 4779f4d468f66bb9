-- stn.save(path, object [, mode [, referenced]]) and stn.load(path [, mode | device |
-- opts [, referenced]]): tensors, nn modules of any
-- class registered with stn.class (saved generically: class name + fields) and plain
-- Lua tables of numbers, strings, booleans and tables, in a versioned binary format
-- with a CRC-32 over the payload, written atomically by C (docs/serialization.md).
-- Shared references and cycles survive; tensors keep sharing their storage, so
-- flattened parameters stay flattened. Every tensor keeps its element type (Float,
-- Double, Long, Int, Byte, Char, Short, Half, BFloat16; format version 2: files of version 1 hold
-- Float tensors only);
-- CUDA tensors load on the CPU, as the CPU type of the same element type, unless asked
-- otherwise. Torch7's mode and referenced arguments are
-- accepted where they mean what stn does, and refused with an error where they do not.
-- Paths ending in .t7 are Torch7 files, read and written by lua/stn/t7.lua.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local class = require 'stn.class'
local stn = require 'stn.base'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local C = core.C
local P = Tensor._private

local M = {}

M.MAGIC = '\137STN\r\n\26\n'
M.VERSION = 2 -- 2: a tensor record says its element type; 1: every tensor is Float
local HEADER = 32 -- magic 8, version 4, header size 4, payload bytes 8, payload crc 4, header crc 4
local T_FALSE, T_TRUE, T_NUMBER, T_STRING, T_TABLE, T_REF, T_TENSOR = 1, 2, 3, 4, 5, 6, 7

-- Caps on what a file may claim (docs/serialization.md, "Limits"). Everything else a
-- file claims is bounded by its own length: a storage's floats, a string's bytes and a
-- table's entries must all be present in the payload before anything is allocated.
M.MAX_DEPTH = 10000 -- tables nested in tables
M.MAX_DIM = P.MAX_DIM -- dimensions of a tensor (8)
-- The most elements of one tensor, and the bound on every size, stride, offset and
-- storage length a file gives: the tensor library's own cap (include/stn/core.h), 2^48.
M.MAX_ELEMENTS = require('stn.integer').MAX_NUMEL
local MAX_DEPTH, MAX_DIM, MAX_ELEMENTS = M.MAX_DEPTH, M.MAX_DIM, M.MAX_ELEMENTS

-- Non-class metatables that may be saved, by name.
local special = { ['stn.Size'] = Tensor.Size }
local special_name = { [Tensor.Size] = 'stn.Size' }

local scratch = ffi.new('union { double d; int64_t i; uint32_t u; uint32_t w[2]; uint8_t b[8]; }')
local function u8(v) return string.char(v) end
local function u32(v) scratch.u = v; return ffi.string(scratch.b, 4) end
local function i64(v) scratch.i = v; return ffi.string(scratch.b, 8) end
local function f64(v) scratch.d = v; return ffi.string(scratch.b, 8) end

local function crc32(ptr, n, crc)
  local c = ffi.new('uint32_t[1]', crc or 0)
  core.check(C.stn_crc32(ptr, n, c), 'crc32')
  return c[0]
end
M.crc32 = function(s) return tonumber(crc32(s, #s)) end

local storage_key = P.storage_key

-- Elements from t's first to one past its last, in its storage.
local function span(t)
  local s = 1
  for d = 0, t.ndim - 1 do s = s + (tonumber(t.shape[d]) - 1) * tonumber(t.strides[d]) end
  return s
end

-- Why a layout of sizes and strides (Lua lists, all within MAX_ELEMENTS) with at least
-- one element is refused, or nil and its span (elements from the first to one past the
-- last). It must not overlap: taken by increasing stride, each dimension of size > 1
-- steps past all the elements of the smaller-stride ones (so no two indices reach the
-- same element, and the element count is at most the span). Otherwise a tiny file could
-- hold a stride-0 view of 2^48 elements over two floats, and a plain sum would run for
-- days.
local function layout_problem(shape, strides)
  local dims = {}
  for d = 1, #shape do if shape[d] > 1 then dims[#dims + 1] = d end end
  table.sort(dims, function(a, b) return strides[a] < strides[b] end)
  local extent = 1
  for _, d in ipairs(dims) do
    if strides[d] == 0 then
      return ('its layout overlaps: dimension %d has size %d and stride 0 (one element seen %d times)')
        :format(d, shape[d], shape[d])
    elseif strides[d] < extent then
      return ('its layout overlaps: dimension %d (size %d, stride %d) steps inside the %d elements spanned by '
        .. 'the dimensions of smaller stride'):format(d, shape[d], strides[d], extent)
    end
    extent = extent + (shape[d] - 1) * strides[d]
  end
  return nil, extent
end

M.layout_problem = layout_problem -- (the Torch7 reader, lua/stn/t7.lua, applies the same rule)

local function lists(t)
  local shape, strides = {}, {}
  for d = 0, t.ndim - 1 do shape[d + 1], strides[d + 1] = tonumber(t.shape[d]), tonumber(t.strides[d]) end
  return shape, strides
end

-- A 1-D view of `n` elements of t's storage starting at element lo.
local function storage_view(t, lo, n)
  return P.empty(t.device, t.dtype):set(t.mem, lo + 1, { n })
end

local stn_type = stn.type

local function path_str(stack)
  local parts = { 'object' }
  for _, k in ipairs(stack) do
    local key
    if type(k) == 'string' then key = k:match('^[%a_][%w_]*$') and ('.' .. k) or ('[%q]'):format(k)
    elseif type(k) == 'number' or type(k) == 'boolean' then key = '[' .. tostring(k) .. ']'
    else key = ('[<a %s key>]'):format(stn_type(k)) end -- a table or tensor as a key: named, not printed
    parts[#parts + 1] = key
  end
  return table.concat(parts)
end

---------------------------------------------------------------------- save
local function class_name(tbl, stack)
  local mt = getmetatable(tbl)
  if mt == nil then return '' end
  if special_name[mt] then return special_name[mt] end
  local name = type(mt) == 'table' and rawget(mt, '__typename')
  if name and class.registry[name] == mt then return name end
  error(('cannot save %s: a table with a metatable that is not a registered class'):format(path_str(stack)), 0)
end

-- First pass: the region [lo, hi) of each storage that the object's tensors use.
local function collect(v, regions, seen)
  if P.is_tensor(v) then
    if v.mem ~= nil and v:nElement() > 0 then
      local key, lo = storage_key(v), tonumber(v.offset)
      local r = regions[key]
      local hi = lo + span(v)
      if not r then regions[key] = { lo = lo, hi = hi, t = v }
      else r.lo, r.hi = math.min(r.lo, lo), math.max(r.hi, hi) end
    end
  elseif type(v) == 'table' and not seen[v] then
    seen[v] = true
    for k, x in pairs(v) do collect(k, regions, seen); collect(x, regions, seen) end
  end
end

local function encode(obj)
  local regions = {}
  collect(obj, regions, {})
  local chunks, buf = {}, {}
  local keep = {} -- tensors whose memory the chunks point into
  local ids, nextId, storageIds, nextStorage = {}, 0, {}, 0
  local stack = {}
  local function put(s) buf[#buf + 1] = s end
  local function flush()
    if #buf > 0 then chunks[#chunks + 1] = table.concat(buf); buf = {} end
  end
  local function put_data(t) -- t: contiguous CPU tensor
    flush()
    keep[#keep + 1] = t
    chunks[#chunks + 1] = { ptr = t:data(), len = t:nElement() * C.stn_dtype_size(t.dtype) }
  end

  local value
  local function tensor(t)
    if t:nElement() > 0 then
      -- a layout stn.load would refuse is refused here, so no file is written that cannot be read
      local problem = layout_problem(lists(t))
      if problem then
        error(('cannot save %s: a tensor of size %s: %s (save a copy: x:clone())')
          :format(path_str(stack), P.shape_str(t), problem), 0)
      end
    end
    put(u8(T_TENSOR))
    put(u8(t.device)); put(u8(t.dtype)); put(u8(t.ndim))
    local r = (t.mem ~= nil and t:nElement() > 0) and regions[storage_key(t)] or nil
    put(i64(r and (tonumber(t.offset) - r.lo) or 0))
    for d = 0, t.ndim - 1 do put(i64(t.shape[d])) end
    for d = 0, t.ndim - 1 do put(i64(t.strides[d])) end
    if not r then put(u32(0)); return end
    local sid = storageIds[r]
    if sid then put(u32(sid)); return end
    nextStorage = nextStorage + 1
    storageIds[r] = nextStorage
    put(u32(nextStorage))
    local n = r.hi - r.lo
    put(i64(n))
    put_data(P.converted(storage_view(r.t, r.lo, n), 0, r.t.dtype, 'save')) -- its data, on the host
  end

  function value(v)
    local tv = type(v)
    if tv == 'boolean' then put(u8(v and T_TRUE or T_FALSE))
    elseif tv == 'number' then put(u8(T_NUMBER)); put(f64(v))
    elseif tv == 'string' then put(u8(T_STRING)); put(u32(#v)); put(v)
    elseif ids[v] then put(u8(T_REF)); put(u32(ids[v]))
    elseif P.is_tensor(v) then
      nextId = nextId + 1; ids[v] = nextId
      tensor(v)
    elseif tv == 'table' then
      if #stack > MAX_DEPTH then error(('cannot save %s: nested deeper than %d tables'):format(path_str(stack), MAX_DEPTH), 0) end
      nextId = nextId + 1; ids[v] = nextId
      local name = class_name(v, stack)
      put(u8(T_TABLE)); put(u32(#name)); put(name)
      local n = 0
      for _ in pairs(v) do n = n + 1 end
      put(u32(n))
      for k, x in pairs(v) do
        stack[#stack + 1] = k
        value(k); value(x)
        stack[#stack] = nil
      end
    else
      error(('cannot save %s: a %s (only numbers, strings, booleans, tables, tensors and stn.class objects can be saved)')
        :format(path_str(stack), stn_type(v)), 0)
    end
  end
  value(obj)
  flush()
  return chunks, keep
end

-- Torch7's torch.save/torch.load arguments: the binary modes are stn's only format (its
-- sizes are fixed, so 'b32'/'b64', which set the size of a long in a Torch7 file, change
-- nothing); 'ascii' and referenced = false (every reference written as its own copy)
-- are not supported.
local BINARY_MODES = { binary = true, b32 = true, b64 = true }
local function check_referenced(fn, path, referenced)
  if referenced == false then
    errors.fail(fn, '%s: referenced = false is not supported (stn always keeps shared references shared)', path)
  elseif referenced ~= nil and referenced ~= true then
    errors.fail(fn, '%s: expected true, false or nil for referenced, got %s', path, tostring(referenced))
  end
end

function M.save(path, obj, mode, referenced)
  if type(path) == 'string' and path:match('%.t7$') then return require('stn.t7').save(path, obj, mode, referenced) end
  local fail = errors.fail
  if type(path) ~= 'string' or path == '' then fail('save', 'expected a file path, got ' .. type(path)) end
  if obj == nil then fail('save', path .. ': nothing to save (the object is nil)') end
  if mode == 'ascii' then
    fail('save', path .. ": mode 'ascii' is not supported (stn writes its own binary format)")
  elseif mode ~= nil and mode ~= 'binary' then
    fail('save', "%s: expected mode 'binary' (or nil), got %s", path, tostring(mode))
  end
  check_referenced('save', path, referenced)
  if not ffi.abi('le') then fail('save', 'only little-endian machines are supported') end
  local ok, chunks, keep = pcall(encode, obj)
  if not ok then fail('save', path .. ': ' .. tostring(chunks)) end
  local n = #chunks + 1
  local ptrs, lens = ffi.new('const void *[?]', n), ffi.new('int64_t[?]', n)
  local crc, total = 0, 0
  for i, c in ipairs(chunks) do
    local ptr, len
    if type(c) == 'string' then ptr, len = c, #c else ptr, len = c.ptr, c.len end
    ptrs[i] = ffi.cast('const void *', ptr)
    lens[i] = len
    crc = crc32(ptrs[i], len, crc)
    total = total + len
  end
  local head = M.MAGIC .. u32(M.VERSION) .. u32(HEADER) .. i64(total) .. u32(crc)
  head = head .. u32(crc32(head, #head))
  ptrs[0], lens[0] = ffi.cast('const void *', head), #head
  core.check(C.stn_write_file_atomic(path, n, ptrs, lens), 'save')
  local _ = { chunks, keep, head } -- alive until written
  return true
end

---------------------------------------------------------------------- load
local function loader(path, data, opts, version)
  local base = ffi.cast('const uint8_t *', data)
  local size = #data
  local pos = HEADER
  -- Where the value being read sits in the object: the node of the table holding it
  -- ({up = node, key = k}, a chain to the root) and its key there; nodes are made only
  -- for tables and tensors, so a path costs nothing until a message needs it.
  local here_up, here_key
  local function where(up, key)
    local rev = key ~= nil and { key } or {}
    while up and up.up do rev[#rev + 1] = up.key; up = up.up end
    local ks = {}
    for i = #rev, 1, -1 do ks[#ks + 1] = rev[i] end
    return path_str(ks)
  end
  local function corrupt(msg, ...)
    error(('corrupt payload at byte %d, in %s: ' .. msg):format(pos, where(here_up, here_key), ...), 0)
  end
  local function need(n)
    if n > size - pos then corrupt('%d more bytes needed, the payload ends at %d', n, size) end
  end
  local function r_u8() need(1); pos = pos + 1; return base[pos - 1] end
  local function r_u32() need(4); ffi.copy(scratch.b, base + pos, 4); pos = pos + 4; return tonumber(scratch.u) end
  -- (a NaN is read as Lua's own: LuaJIT reads one with the sign and payload bits set as
  -- nil, a light userdata or a prototype; little-endian, w[1] holds sign and exponent)
  local function r_f64()
    need(8); ffi.copy(scratch.b, base + pos, 8); pos = pos + 8
    local hi = scratch.w[1]
    if hi >= 0xfff00000 and (hi > 0xfff00000 or scratch.w[0] ~= 0) then return 0 / 0 end
    return scratch.d
  end
  local function r_str(n) need(n); pos = pos + n; return ffi.string(base + pos - n, n) end
  -- An int64 that must lie in [lo, hi] (exact Lua numbers); compared as an int64, so
  -- any value the file holds is judged and shown exactly.
  local function r_int(what, lo, hi)
    need(8); ffi.copy(scratch.b, base + pos, 8); pos = pos + 8
    local v = scratch.i -- a boxed copy
    if v < lo or v > hi then
      corrupt('%s %s out of range (%.0f to %.0f)', what, (tostring(v):gsub('LL$', '')), lo, hi)
    end
    return tonumber(v)
  end

  local device = opts.device
  local objects, storages, modules = {}, {}, {}
  local value
  -- Every field is checked before the tensor is built, whatever its element count: a
  -- tensor with no elements is resized later, and its offset and strides are trusted then.
  local function tensor()
    local dev = r_u8()
    if dev > 1 then corrupt('unknown device %d', dev) end
    local dtype = version >= 2 and r_u8() or 0
    if dtype >= P.NUM_DTYPES then
      corrupt('unknown element type code %d (0 Float, 1 Double, 2 Long, 3 Int, 4 Byte, 5 Char, 6 Short, 7 Half, 8 BFloat16)',
        dtype)
    end
    local ndim = r_u8()
    local unit = dtype == 0 and 'floats' or P.DTYPES[dtype].name .. ' elements' -- in messages
    if ndim > MAX_DIM then corrupt('a tensor of %d dimensions (at most %d)', ndim, MAX_DIM) end
    local offset = r_int('offset', 0, MAX_ELEMENTS)
    local shape, strides = {}, {}
    for d = 1, ndim do shape[d] = r_int(('size %d'):format(d), 0, MAX_ELEMENTS) end
    for d = 1, ndim do strides[d] = r_int(('stride %d'):format(d), 0, MAX_ELEMENTS) end
    local numel = ndim > 0 and 1 or 0
    for d = 1, ndim do
      numel = numel * shape[d]
      if numel > MAX_ELEMENTS then
        corrupt('a tensor of size %s: more than %.0f elements', table.concat(shape, 'x'), MAX_ELEMENTS)
      end
    end
    local sid = r_u32()
    local target = (device == 'cuda' or (device == 'auto' and dev == 1 and stn.hasCUDA())) and 1 or 0
    local t = P.empty(target, dtype)
    if sid ~= 0 then
      local s = storages[sid]
      if not s then
        if sid ~= #storages + 1 then corrupt('storage %d out of order', sid) end
        local n = r_int('storage size', 1, MAX_ELEMENTS)
        -- compared before multiplying: the elements must be in the file
        local esize = C.stn_dtype_size(dtype)
        if n > (size - pos) / esize then
          corrupt('a storage of %.0f %s (%.0f bytes), but only %d bytes remain', n, unit, n * esize, size - pos)
        end
        s = P.construct(0, dtype, n)
        core.check(C.stn_load_elements(s:data(), dtype, base + pos, n), 'load')
        pos = pos + n * esize
        if target == 1 then s = P.converted(s, 1, dtype, 'load') end
        storages[sid] = s
      end
      local n = s:nElement()
      if offset > n then corrupt('offset %.0f is past the end of its storage of %.0f %s', offset, n, unit) end
      if numel > 0 then
        local problem, extent = layout_problem(shape, strides)
        if problem then corrupt('a tensor of size %s: %s', table.concat(shape, 'x'), problem) end
        if extent > n - offset then
          corrupt('a tensor of size %s, strides %s at offset %.0f reaches past its storage of %.0f %s',
            table.concat(shape, 'x'), table.concat(strides, ','), offset, n, unit)
        end
      end
      if s.device ~= target then corrupt('a storage shared by tensors saved on different devices') end
      if s.dtype ~= dtype then
        corrupt('a %s tensor on the storage of a %s tensor', P.DTYPES[dtype].name, P.DTYPES[s.dtype].name)
      end
      return t:set(s.mem, offset + 1, shape, strides)
    elseif numel > 0 then
      corrupt('a tensor of %.0f elements without storage', numel)
    elseif offset ~= 0 then
      corrupt('a tensor without storage at offset %.0f (must be 0)', offset)
    end
    return P.set_geometry(t, 0, shape, strides) -- sizes without elements, and no storage
  end

  local depth = 0
  -- The value at key `key` of the table whose node is `up` (the root: both nil).
  function value(up, key)
    here_up, here_key = up, key
    local tag = r_u8()
    if tag == T_FALSE then return false
    elseif tag == T_TRUE then return true
    elseif tag == T_NUMBER then return r_f64()
    elseif tag == T_STRING then return r_str(r_u32())
    elseif tag == T_REF then
      local id = r_u32()
      local o = objects[id]
      if o == nil then corrupt('reference to unknown object %d', id) end
      return o
    elseif tag == T_TENSOR then
      local slot = #objects + 1
      objects[slot] = false
      local t = tensor()
      objects[slot] = t
      return t
    elseif tag == T_TABLE then
      local name = r_str(r_u32())
      local tbl = {}
      objects[#objects + 1] = tbl
      depth = depth + 1
      if depth > MAX_DEPTH then corrupt('tables nested deeper than %d', MAX_DEPTH) end
      local node = { up = up, key = key }
      local n = r_u32()
      for _ = 1, n do
        local k = value(node, nil)
        here_up, here_key = node, nil
        if k == nil or k ~= k then corrupt('a nil or NaN key') end
        tbl[k] = value(node, k)
      end
      here_up, here_key = up, key
      depth = depth - 1
      if name ~= '' then
        local mt = special[name] or class.find(name)
        if not mt then
          error(('unknown class %s at %s (require the file that defines it before loading)'):format(name, where(up, key)), 0)
        end
        setmetatable(tbl, mt)
        if class.isinstance(tbl, 'nn.Module') then modules[#modules + 1] = { m = tbl, up = up, key = key } end
      end
      return tbl
    end
    corrupt('unknown tag %d', tag)
  end
  local obj = value(nil, nil)
  here_up, here_key = nil, nil
  if pos ~= size then corrupt('%d bytes left over after the object', size - pos) end
  -- A module whose class checks what stn.load rebuilt (checkLoaded: its parameters have
  -- the sizes its configuration needs) is checked here, with its path in the object.
  for _, e in ipairs(modules) do
    local check = getmetatable(e.m).checkLoaded
    if check then
      local ok, err = pcall(check, e.m)
      if not ok then
        local at = where(e.up, e.key)
        if type(err) == 'table' and err.field then
          error(('%s.%s (in %s): %s'):format(at, err.field, stn_type(e.m), err.msg), 0)
        end
        error(('%s (%s): %s'):format(at, stn_type(e.m), tostring(err)), 0)
      end
    end
  end
  -- modules say which tensor type they hold: make that true of where they now live,
  -- keeping the element type (files written before stn took Torch7's type names say
  -- 'stn.CudaTensor'; a name stn does not know counts as Float)
  for _, e in ipairs(modules) do
    local m = e.m
    if rawget(m, '_type') ~= nil then
      local saved_device, _, dtype = P.type_device(m._type)
      local cuda = device == 'cuda' or (device == 'auto' and saved_device == 1 and stn.hasCUDA())
      m._type = P.TYPENAMES[cuda and 1 or 0][dtype or 0]
    end
  end
  return obj
end

local devices = { cpu = true, cuda = true, auto = true }

-- The second argument is Torch7's mode ('binary', 'b32', 'b64'; 'ascii' refused), or
-- stn's device ('cpu', 'cuda', 'auto'), or a table { device = ... }; the two sets of
-- strings do not overlap. The third is Torch7's referenced.
-- A path ending in .t7 is read as a Torch7 file, unless it starts with stn's magic
-- number (stn checkpoints saved under .t7 names before .t7 meant Torch7's format).
local function is_t7_file(path)
  if not path:match('%.t7$') then return false end
  local f = io.open(path, 'rb')
  if not f then return true end -- (the Torch7 reader says it cannot open it)
  local head = f:read(8)
  f:close()
  return head ~= M.MAGIC
end

function M.load(path, opts, referenced)
  if type(path) ~= 'string' or path == '' then errors.fail('load', 'expected a file path, got ' .. type(path)) end
  if is_t7_file(path) then
    -- stn's device option: a Torch7 file loads on the CPU (a model moves with :cuda())
    local device = opts == 'cpu' and 'cpu' or type(opts) == 'table' and opts.device or nil
    if device == 'cpu' then opts = nil
    elseif device ~= nil or opts == 'cuda' or opts == 'auto' then
      errors.fail('load', "%s: a Torch7 file (.t7) loads on the CPU only: load it, then move it (model:cuda())", path)
    end
    return require('stn.t7').load(path, opts, referenced)
  end
  local function fail(msg, ...) errors.fail('load', '%s: ' .. msg, path, ...) end
  if opts == 'ascii' then fail("mode 'ascii' is not supported (stn reads its own binary format)") end
  if BINARY_MODES[opts] then opts = nil end
  if type(opts) == 'string' then
    if not devices[opts] then
      fail("unknown mode or device '%s' (Torch7's modes 'binary', 'b32', 'b64', or stn's devices 'cpu', 'cuda', 'auto')", opts)
    end
    opts = { device = opts }
  elseif opts ~= nil and type(opts) ~= 'table' then
    fail('expected a mode, a device or an options table, got %s', type(opts))
  end
  check_referenced('load', path, referenced)
  opts = { device = (opts or {}).device or 'cpu' }
  if not devices[opts.device] then fail("unknown device '%s' (cpu, cuda or auto)", tostring(opts.device)) end
  if opts.device == 'cuda' and not stn.hasCUDA() then
    fail('device cuda asked but there is no CUDA device: %s', stn.cudaReason())
  end
  local f, err = io.open(path, 'rb')
  if not f then fail('cannot open: %s', tostring(err)) end
  local data = f:read('*a')
  f:close()
  if not data then fail('cannot read the file') end
  if #data < 8 or data:sub(1, 8) ~= M.MAGIC then
    if #data < 8 and M.MAGIC:sub(1, #data) == data then fail('truncated: %d bytes, not even a header', #data) end
    fail('not an stn file (bad magic number)')
  end
  if #data < 12 then fail('truncated: %d bytes, the header needs %d', #data, HEADER) end
  local b = ffi.cast('const uint8_t *', data)
  ffi.copy(scratch.b, b + 8, 4)
  local version = tonumber(scratch.u)
  if version > M.VERSION then
    fail('format version %d is newer than this stn reads (up to %d): upgrade stn to load it', version, M.VERSION)
  end
  if version < 1 then fail('bad format version %d', version) end
  if #data < HEADER then fail('truncated: %d bytes, the header needs %d', #data, HEADER) end
  ffi.copy(scratch.b, b + 28, 4)
  if tonumber(crc32(b, 28)) ~= tonumber(scratch.u) then fail('header checksum mismatch: the header is corrupted') end
  ffi.copy(scratch.b, b + 12, 4)
  if tonumber(scratch.u) ~= HEADER then fail('bad header size %d', tonumber(scratch.u)) end
  ffi.copy(scratch.b, b + 16, 8)
  local total = tonumber(scratch.i)
  if #data - HEADER < total then
    fail('truncated: the header announces %d payload bytes but the file holds %d', total, #data - HEADER)
  elseif #data - HEADER > total then
    fail('%d bytes of unexpected data after the %d payload bytes', #data - HEADER - total, total)
  end
  ffi.copy(scratch.b, b + 24, 4)
  local want = tonumber(scratch.u)
  local got = tonumber(crc32(b + HEADER, total))
  if got ~= want then
    fail('checksum mismatch: the payload is corrupted (crc32 %08x, expected %08x)', got, want)
  end
  local ok, obj = pcall(loader, path, data, opts, version)
  if not ok then fail('%s', tostring(obj)) end
  return obj
end

return M
