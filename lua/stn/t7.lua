-- Torch7's serialization format (.t7 files): torch.save / torch.load of the stn.torch7
-- entry, and stn.save / stn.load of paths ending in .t7 (docs/serialization.md, "Torch7
-- files"). Binary (little-endian; int32 type tags, lengths and object indices, doubles,
-- 8-byte longs, or 4-byte with mode 'b32' when reading) and ascii (Torch7's text files).
-- Values: nil, numbers, strings, booleans, tables with shared references and cycles,
-- tensors and storages of every element type stn has under Torch7's class names, and
-- stn.class objects (nn modules) by class name, rebuilt from their field tables.
-- The reader reads outside bytes: every count is checked against the bytes left before
-- anything is allocated, every tensor's offset and strides against its storage, and the
-- nesting is bounded; a violation is "stn: torch.load: <path>: <what> at byte <n>".
local ffi = require 'ffi'
local core = require 'stn.ffi'
local class = require 'stn.class'
local stn = require 'stn.base'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local storage = require 'stn.storage'
local serialize = require 'stn.serialize'
local C = core.C
local P = Tensor._private

local M = {}

local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE, TYPE_TORCH, TYPE_BOOLEAN = 0, 1, 2, 3, 4, 5
local TYPE_FUNCTION, LEGACY_RECUR_FUNCTION, TYPE_RECUR_FUNCTION = 6, 7, 8

-- Tables and objects nested in one another: each level costs a few Lua frames, and
-- LuaJIT's Lua stack holds about 65000 slots.
M.MAX_DEPTH = 1000
local MAX_DEPTH = M.MAX_DEPTH
local MAX_DIM = P.MAX_DIM
local MAX_ELEMENTS = serialize.MAX_ELEMENTS

-- Torch7 class names of tensors and storages -> device, dtype. BFloat16 has no Torch7
-- form: such a file could only be stn's own, which refuses to write it.
local BFLOAT16 = 8
local TENSOR_CLASS, STORAGE_CLASS = {}, {}
for device = 0, 1 do
  for dtype = 0, P.NUM_DTYPES - 1 do
    if dtype == BFLOAT16 then break end
    TENSOR_CLASS[P.TYPENAMES[device][dtype]] = { device, dtype }
    STORAGE_CLASS[storage.NAMES[device][dtype]] = { device, dtype }
  end
end

-- Classes whose Torch7 fields stn holds in another form, fixed after loading (a message
-- when they cannot be). Torch7's View and Reshape keep their size as a torch.LongStorage,
-- stn's as an stn.Size; files from older Torch7s lack fields that Torch7 itself fills in
-- when such a module runs (padding -> padW/padH, pooling options): the same defaults here.
local function size_from_storage(obj)
  local s = rawget(obj, 'size')
  if storage.is_storage(s) then
    if s:type() ~= 'torch.LongStorage' then return 'size is a ' .. s:type() .. ', expected a torch.LongStorage' end
    rawset(obj, 'size', Tensor.Size.new(s:totable()))
  end
end
local function defaults(values)
  return function(obj)
    for k, v in pairs(values) do if rawget(obj, k) == nil then rawset(obj, k, v) end end
  end
end
local function conv_padding(obj)
  local pad = rawget(obj, 'padding')
  if pad ~= nil then rawset(obj, 'padW', pad); rawset(obj, 'padH', pad); rawset(obj, 'padding', nil) end
  defaults({ padW = 0, padH = 0 })(obj)
end
-- stnbhwd's transform-matrix module has no nbParams (stn's counts its parameters once),
-- and its sampler always computes the image gradient (stn's may be told not to).
local function matrix_params(obj)
  if rawget(obj, 'nbParams') ~= nil then return end
  local r, sc, t = rawget(obj, 'useRotation'), rawget(obj, 'useScale'), rawget(obj, 'useTranslation')
  local n = (r and 1 or 0) + (sc and 1 or 0) + (t and 2 or 0)
  rawset(obj, 'nbParams', n > 0 and n or 6)
end
local LOAD_FIXUPS = {
  ['nn.AffineTransformMatrixGenerator'] = matrix_params,
  ['nn.BilinearSamplerBHWD'] = defaults({ imageGradient = true }),
  ['nn.View'] = size_from_storage,
  ['nn.Reshape'] = size_from_storage,
  ['nn.SpatialConvolution'] = conv_padding,
  ['nn.SpatialConvolutionMM'] = conv_padding,
  ['nn.SpatialMaxPooling'] = defaults({ padW = 0, padH = 0, ceil_mode = false }),
  ['nn.SpatialAveragePooling'] = defaults({ padW = 0, padH = 0, ceil_mode = false, count_include_pad = true,
    divide = true }),
}

-- stn's buffers that Torch7's modules create only when they run.
local BUFFERS = {
  ['nn.SpatialConvolution'] = { 'finput' },
  ['nn.SpatialConvolutionMM'] = { 'finput' },
  ['nn.SpatialDilatedConvolution'] = { 'finput' },
  ['nn.SpatialFullConvolution'] = { 'finput' },
  ['nn.SpatialMaxPooling'] = { 'indices' },
  ['nn.ClassNLLCriterion'] = { 'output_tensor' },
  ['nn.MSECriterion'] = { 'output_tensor' },
  ['nn.Dropout'] = { 'noise' },
}

-- Modules without parameters whose Torch7 insides (sub-networks of modules stn does not
-- have, such as nn.SpatialConvolutionMap) differ from stn's: rebuilt from their
-- configuration; classes stn lacks inside them are skipped while reading.
local function normalization(name, with_threshold)
  return function(f)
    if type(f.nInputPlane) ~= 'number' or not P.is_tensor(f.kernel) then
      return nil, 'expected the fields nInputPlane (a number) and kernel (a tensor)'
    end
    local nn = require('stn.nn')
    local kernel = P.converted(f.kernel, 0, 0, 'torch.load') -- (stn's modules keep a Float kernel)
    if with_threshold then return nn[name](f.nInputPlane, kernel, f.threshold, f.thresval) end
    return nn[name](f.nInputPlane, kernel)
  end
end
local REBUILD = {
  ['nn.SpatialSubtractiveNormalization'] = normalization('SpatialSubtractiveNormalization', false),
  ['nn.SpatialDivisiveNormalization'] = normalization('SpatialDivisiveNormalization', true),
  ['nn.SpatialContrastiveNormalization'] = normalization('SpatialContrastiveNormalization', true),
}

local scratch = ffi.new('union { double d; int64_t i; int32_t i32; uint32_t w[2]; uint8_t b[8]; }')

local function path_str(stack)
  local parts = { 'object' }
  for _, k in ipairs(stack) do
    if type(k) == 'string' then
      parts[#parts + 1] = k:match('^[%a_][%w_]*$') and ('.' .. k) or ('[%q]'):format(k)
    elseif type(k) == 'number' or type(k) == 'boolean' then parts[#parts + 1] = '[' .. tostring(k) .. ']'
    else parts[#parts + 1] = ('[<a %s key>]'):format(stn.type(k)) end
  end
  return table.concat(parts)
end

---------------------------------------------------------------------- writing
-- Two encoders with the same five calls: int (int32), long (int64), double, chars (raw
-- bytes, for strings) and elements (a contiguous CPU tensor's elements).
local function binary_encoder()
  local e = { chunks = {}, buf = {}, keep = {} }
  local function put(s) e.buf[#e.buf + 1] = s end
  function e.flush()
    if #e.buf > 0 then e.chunks[#e.chunks + 1] = table.concat(e.buf); e.buf = {} end
  end
  function e.int(v) scratch.i32 = v; put(ffi.string(scratch.b, 4)) end
  function e.long(v) scratch.i = v; put(ffi.string(scratch.b, 8)) end
  function e.double(v) scratch.d = v; put(ffi.string(scratch.b, 8)) end
  function e.chars(s) put(s) end
  function e.elements(t)
    if t:nElement() == 0 then return end
    e.flush()
    e.keep[#e.keep + 1] = t
    e.chunks[#e.chunks + 1] = { ptr = t:data(), len = t:nElement() * C.stn_dtype_size(t.dtype) }
  end
  return e
end

-- Torch7's ascii files: the values of one call separated by spaces and ended by a
-- newline; chars written as they are, then a newline.
local ASCII_FORMAT = { [0] = '%.9g', '%.17g', nil, '%d', nil, nil, '%d', '%.9g' }
local function ascii_encoder()
  local e = { chunks = {}, buf = {}, keep = {} }
  local function put(s) e.buf[#e.buf + 1] = s end
  function e.flush()
    if #e.buf > 0 then e.chunks[#e.chunks + 1] = table.concat(e.buf); e.buf = {} end
  end
  function e.int(v) put(('%d\n'):format(v)) end
  function e.long(v) put(('%d\n'):format(v)) end
  function e.double(v) put(('%.17g\n'):format(v)) end
  function e.chars(s) if #s > 0 then put(s); put('\n') end end -- (no newline after nothing, as Torch7)
  function e.elements(t)
    local n = t:nElement()
    if n == 0 then return end
    local dtype = t.dtype
    if dtype == 4 or dtype == 5 then -- Byte, Char: raw bytes
      put(ffi.string(t:data(), n)); put('\n'); return
    end
    local p = t:data()
    local out = {}
    if dtype == 2 then
      for i = 0, n - 1 do out[i + 1] = (tostring(p[i]):gsub('LL$', '')) end
    elseif dtype == 7 then -- Half: its value as Torch7 writes it (through float)
      for i = 0, n - 1 do
        out[i + 1] = p[i] % 0x8000 > 0x7c00 and 'nan' or ASCII_FORMAT[7]:format(C.stn_half_value(7, p[i]))
      end
    elseif dtype == 0 or dtype == 1 then
      -- a NaN is judged by its bits first: LuaJIT reads one with a payload as another type
      local fmt, w = ASCII_FORMAT[dtype], ffi.cast('const uint32_t *', p)
      for i = 0, n - 1 do
        local nan
        if dtype == 0 then nan = w[i] % 0x80000000 > 0x7F800000
        else
          local hi = w[2 * i + 1] % 0x80000000
          nan = hi > 0x7FF00000 or (hi == 0x7FF00000 and w[2 * i] ~= 0)
        end
        out[i + 1] = nan and 'nan' or fmt:format(tonumber(p[i]))
      end
    else
      local fmt = ASCII_FORMAT[dtype]
      for i = 0, n - 1 do out[i + 1] = fmt:format(tonumber(p[i])) end
    end
    put(table.concat(out, ' ')); put('\n')
  end
  return e
end

-- The key of a storage window: its C storage, offset and size (x:storage() made twice
-- is the same storage; a tensor's storage is the whole C storage).
local function mem_key(mem, offset, size)
  return ('%s:%d:%d'):format(tostring(ffi.cast('uintptr_t', mem)), offset, size)
end

local function encode(obj, e, referenced)
  local ids, nids = {}, 0
  local stack = {}
  local function fail(msg, ...) error(('cannot save %s: ' .. msg):format(path_str(stack), ...), 0) end
  local value

  -- a new object index (or the old one, written alone): true when the object follows
  local function index_of(key)
    local id = referenced and ids[key]
    if id then e.int(id); return false end
    nids = nids + 1
    if referenced then ids[key] = nids end
    e.int(nids)
    return true
  end
  local function header(name) e.int(3); e.chars('V 1'); e.int(#name); e.chars(name) end

  local function no_bfloat16(dtype)
    if dtype == BFLOAT16 then
      fail('BFloat16 tensors and storages have no Torch7 form (convert to Float, or save with stn.save)')
    end
  end

  -- a storage window (C storage mem, offset, size) of a device and dtype
  local function storage_obj(mem, offset, size, device, dtype)
    no_bfloat16(dtype)
    e.int(TYPE_TORCH)
    if not index_of(mem_key(mem, offset, size)) then return end
    header(storage.NAMES[device][dtype])
    e.long(size)
    if size > 0 then
      local view = P.empty(device, dtype):set(mem, offset + 1, { size })
      e.elements(P.converted(view, 0, dtype, 'torch.save'))
    end
  end

  local function tensor(t)
    no_bfloat16(t.dtype)
    e.int(TYPE_TORCH)
    if not index_of(t) then return end
    header(P.TYPENAMES[t.device][t.dtype])
    e.int(t.ndim)
    for d = 0, t.ndim - 1 do e.long(tonumber(t.shape[d])) end
    for d = 0, t.ndim - 1 do e.long(tonumber(t.strides[d])) end
    e.long(tonumber(t.offset) + 1)
    if t.mem == nil then e.int(TYPE_NIL); return end
    storage_obj(t.mem, 0, tonumber(t.mem.size), t.device, t.dtype)
  end

  local function plain_table(v, key)
    e.int(TYPE_TABLE)
    if not index_of(key) then return end
    if #stack > MAX_DEPTH then
      fail('nested deeper than %d tables%s', MAX_DEPTH, referenced and '' or ' (with referenced = false, a cycle never ends)')
    end
    local n = 0
    for _ in pairs(v) do n = n + 1 end
    e.int(n)
    for k, x in pairs(v) do
      stack[#stack + 1] = k
      value(k); value(x)
      stack[#stack] = nil
    end
  end

  function value(v)
    local tv = type(v)
    if v == nil then e.int(TYPE_NIL)
    elseif tv == 'boolean' then e.int(TYPE_BOOLEAN); e.int(v and 1 or 0)
    elseif tv == 'number' then e.int(TYPE_NUMBER); e.double(v)
    elseif tv == 'string' then e.int(TYPE_STRING); e.int(#v); e.chars(v)
    elseif P.is_tensor(v) then tensor(v)
    elseif storage.is_storage(v) then
      local mem, off, size, device, dtype = P.hooks.storage_window(v)
      if size == 0 then
        e.int(TYPE_TORCH)
        if index_of(v) then header(storage.NAMES[device][dtype]); e.long(0) end
      else
        storage_obj(mem, off, size, device, dtype)
      end
    elseif tv == 'table' then
      local mt = getmetatable(v)
      if mt == nil then return plain_table(v, v) end
      if mt == Tensor.Size then -- as Torch7 keeps sizes: a torch.LongStorage
        e.int(TYPE_TORCH)
        if not index_of(v) then return end
        header('torch.LongStorage')
        e.long(#v)
        for i = 1, #v do e.long(v[i]) end -- (a binary long or an ascii line each: both read back)
        return
      end
      local name = type(mt) == 'table' and rawget(mt, '__typename')
      if not (name and class.registry[name] == mt) then
        fail('a table with a metatable that is not a registered class')
      end
      e.int(TYPE_TORCH)
      if not index_of(v) then return end
      header(name)
      -- Torch7 writes the object's fields as a plain table of its own (a new index)
      local fields = {}
      for k, x in pairs(v) do fields[k] = x end
      plain_table(fields, fields)
    else
      fail('a %s (Torch7 files hold numbers, strings, booleans, tables, tensors, storages and '
        .. 'class objects; functions are not written)', stn.type(v))
    end
  end
  value(obj)
  e.flush()
end

local function check_mode(fn, path, mode, modes)
  if mode == nil then return 'binary' end
  if not modes[mode] then
    local list = {}
    for k in pairs(modes) do list[#list + 1] = "'" .. k .. "'" end
    table.sort(list)
    errors.fail(fn, '%s: unknown mode %s (expected %s)', path, tostring(mode), table.concat(list, ', '))
  end
  return mode
end

local function check_referenced(fn, path, referenced)
  if referenced == nil then return true end
  if type(referenced) ~= 'boolean' then
    errors.fail(fn, '%s: expected true, false or nil for referenced, got %s', path, tostring(referenced))
  end
  return referenced
end

-- torch.save(path, obj [, 'binary' | 'ascii' [, referenced]]), written atomically.
function M.save(path, obj, mode, referenced)
  local fn = 'torch.save'
  if type(path) ~= 'string' or path == '' then errors.fail(fn, 'expected a file path, got ' .. type(path)) end
  mode = check_mode(fn, path, mode, { binary = true, ascii = true })
  referenced = check_referenced(fn, path, referenced)
  if not ffi.abi('le') then errors.fail(fn, 'only little-endian machines are supported') end
  local e = mode == 'ascii' and ascii_encoder() or binary_encoder()
  local ok, err = pcall(encode, obj, e, referenced)
  if not ok then errors.fail(fn, '%s: %s', path, tostring(err)) end
  local n = #e.chunks
  local ptrs, lens = ffi.new('const void *[?]', math.max(n, 1)), ffi.new('int64_t[?]', math.max(n, 1))
  for i, c in ipairs(e.chunks) do
    if type(c) == 'string' then ptrs[i - 1], lens[i - 1] = ffi.cast('const void *', c), #c
    else ptrs[i - 1], lens[i - 1] = ffi.cast('const void *', c.ptr), c.len end
  end
  core.check(C.stn_write_file_atomic(path, n, ptrs, lens), fn)
  local _ = { e.chunks, e.keep } -- alive until written
  return true
end

---------------------------------------------------------------------- reading
-- Decoders over the file's bytes, with the calls of the encoders; `pos` is the byte
-- offset of the next read (0-based), `fail` raises "<what> at byte <pos>".
local function binary_decoder(data, long_size, fail)
  local base = ffi.cast('const uint8_t *', data)
  local size = #data
  local d = { pos = 0 }
  local function need(n, what)
    if n > size - d.pos then fail('%s: %d bytes needed, %d left', what, n, size - d.pos) end
  end
  d.need = need
  function d.left() return size - d.pos end
  function d.int(what)
    need(4, what); ffi.copy(scratch.b, base + d.pos, 4); d.pos = d.pos + 4
    return tonumber(scratch.i32)
  end
  -- an int64 (or int32 with b32), returned as a Lua number when within +-2^53, else
  -- refused by the caller's range check through the boxed value
  function d.long(what)
    need(long_size, what)
    if long_size == 4 then
      ffi.copy(scratch.b, base + d.pos, 4); d.pos = d.pos + 4
      return tonumber(scratch.i32)
    end
    ffi.copy(scratch.b, base + d.pos, 8); d.pos = d.pos + 8
    local v = scratch.i
    if v > 2 ^ 53 or v < -2 ^ 53 then return v < 0 and -math.huge or math.huge, tostring(v):gsub('LL$', '') end
    return tonumber(v)
  end
  -- (a NaN is handed over as Lua's own: see serialize.lua)
  function d.double(what)
    need(8, what); ffi.copy(scratch.b, base + d.pos, 8); d.pos = d.pos + 8
    local hi = scratch.w[1]
    if hi >= 0xfff00000 and (hi > 0xfff00000 or scratch.w[0] ~= 0) then return 0 / 0 end
    return scratch.d
  end
  function d.chars(n, what)
    need(n, what); d.pos = d.pos + n
    return ffi.string(base + d.pos - n, n)
  end
  -- n elements of dtype into dst (a CPU storage's first element)
  function d.elements(dst, dtype, n, what)
    local esize = C.stn_dtype_size(dtype)
    if n > (size - d.pos) / esize then
      fail('%s: %.0f elements of %d bytes, but only %d bytes left', what, n, esize, size - d.pos)
    end
    core.check(C.stn_load_elements(dst, dtype, base + d.pos, n), 'torch.load')
    d.pos = d.pos + n * esize
  end
  -- the most elements the rest of the file could hold
  function d.room(dtype) return math.floor((size - d.pos) / C.stn_dtype_size(dtype)) end
  return d
end

local SPACE = { [32] = true, [9] = true, [10] = true, [13] = true, [11] = true, [12] = true }
local function ascii_decoder(data, fail)
  local size = #data
  local bytes = ffi.cast('const uint8_t *', data)
  local d = { pos = 0 }
  local function token(what)
    local p = d.pos
    while p < size and SPACE[bytes[p]] do p = p + 1 end
    local q = p
    while q < size and not SPACE[bytes[q]] do q = q + 1 end
    if q == p then d.pos = p; fail('%s: a number expected, the file ends', what) end
    if q - p > 64 then d.pos = p; fail('%s: a number expected, got a word of %d bytes', what, q - p) end
    d.pos = q
    return data:sub(p + 1, q), p
  end
  local function end_call() -- the newline ending one call's values
    if d.pos < size and bytes[d.pos] == 10 then d.pos = d.pos + 1 end
  end
  -- a long beyond 2^53, digit by digit in int64 arithmetic
  local function exact_long(tok, what)
    local neg = tok:sub(1, 1) == '-'
    local acc = ffi.new('int64_t', 0)
    for c in tok:gmatch('%d') do
      if acc > (9223372036854775807LL - tonumber(c)) / 10 then fail('%s: %s does not fit a long', what, tok) end
      acc = acc * 10 + tonumber(c)
    end
    return neg and -acc or acc
  end
  local function integer(what)
    local tok, at = token(what)
    if not tok:match('^[-+]?%d+$') or #tok > 20 then d.pos = at; fail('%s: %q is not an integer', what, tok) end
    return tonumber(tok), tok
  end
  function d.left() return size - d.pos end
  function d.int(what)
    local v = integer(what)
    end_call()
    if v > 2147483647 or v < -2147483648 then fail('%s: %.0f does not fit an int', what, v) end
    return v
  end
  function d.long(what)
    local v, tok = integer(what)
    end_call()
    if math.abs(v) > 2 ^ 53 then return v < 0 and -math.huge or math.huge, tok end
    return v
  end
  local function real(what)
    local tok, at = token(what)
    local low = tok:lower()
    local v = tonumber(tok)
    if low:match('^[-+]?nan') then v = 0 / 0
    elseif low:match('^[-+]?inf') then v = low:sub(1, 1) == '-' and -math.huge or math.huge
    elseif v == nil or tok:match('^0[xX]') then d.pos = at; fail('%s: %q is not a number', what, tok) end
    return v
  end
  function d.double(what) local v = real(what); end_call(); return v end
  function d.chars(n, what)
    if n > size - d.pos then fail('%s: %d bytes needed, %d left', what, n, size - d.pos) end
    local s = data:sub(d.pos + 1, d.pos + n)
    d.pos = d.pos + n
    if n > 0 then end_call() end
    return s
  end
  function d.elements(dst, dtype, n, what)
    if dtype == 4 or dtype == 5 then
      if n > size - d.pos then fail('%s: %.0f bytes needed, %d left', what, n, size - d.pos) end
      ffi.copy(dst, bytes + d.pos, n)
      d.pos = d.pos + n
    else
      -- each value takes a byte at least, and a separator: checked before the caller allocated
      for i = 0, n - 1 do
        if dtype == 0 or dtype == 1 then dst[i] = real(what)
        elseif dtype == 7 then dst[i] = C.stn_half_bits(7, real(what))
        else
          local v, tok = integer(what)
          if dtype == 2 then
            if math.abs(v) > 2 ^ 53 then dst[i] = exact_long(tok, what) else dst[i] = v end
          else
            local lim = dtype == 3 and 2147483647 or 32767
            if v > lim or v < -lim - 1 then fail('%s: %s out of range for its type', what, tok) end
            dst[i] = v
          end
        end
      end
    end
    if n > 0 then end_call() end
  end
  function d.room(dtype)
    if dtype == 4 or dtype == 5 then return size - d.pos end
    return math.ceil((size - d.pos) / 2)
  end
  return d
end

local function reader(path, data, mode, referenced)
  local d
  local function fail(msg, ...)
    error(('%s at byte %d'):format(msg:format(...), d and d.pos or 0), 0)
  end
  if mode == 'ascii' then d = ascii_decoder(data, fail)
  else d = binary_decoder(data, mode == 'b32' and 4 or 8, fail) end

  local objects = {}
  local modules = {}
  local depth = 0
  local tolerant = 0 -- > 0 inside a module that REBUILD makes afresh
  local value

  local function count(what, v, tok, hi)
    if v ~= v or v < 0 or v > hi then
      fail('%s %s out of range (0 to %.0f)', what, tok or ('%.0f'):format(v), hi)
    end
    return v
  end

  local function read_storage(device, dtype, name)
    local unit = P.DTYPES[dtype].name .. ' elements'
    local v, tok = d.long(name .. ' size')
    local n = count(name .. ' size', v, tok, MAX_ELEMENTS)
    if n > d.room(dtype) then
      fail('%s of %.0f %s, but the file has only %d bytes left', name, n, unit, d.left())
    end
    local s = storage.classes[storage.NAMES[0][dtype]](n)
    if n > 0 then d.elements(s:data(), dtype, n, name .. ' data') end
    return s -- (a CUDA storage loads on the CPU, as stn.load loads CUDA tensors)
  end

  local function read_tensor(dtype, name)
    local ndim = d.int(name .. ' dimension count')
    if ndim < 0 or ndim > MAX_DIM then
      fail('%s of %d dimensions (stn tensors have 0 to %d)', name, ndim, MAX_DIM)
    end
    local shape, strides = {}, {}
    for i = 1, ndim do
      local v, tok = d.long(name .. ' size')
      shape[i] = count(('%s size %d'):format(name, i), v, tok, MAX_ELEMENTS)
    end
    for i = 1, ndim do
      local v, tok = d.long(name .. ' stride')
      strides[i] = count(('%s stride %d'):format(name, i), v, tok, MAX_ELEMENTS)
    end
    local v, tok = d.long(name .. ' storage offset')
    local offset = count(name .. ' storage offset', v, tok, MAX_ELEMENTS + 1)
    local numel = ndim > 0 and 1 or 0
    for i = 1, ndim do
      numel = numel * shape[i]
      if numel > MAX_ELEMENTS then fail('%s of size %s: more than %.0f elements', name, table.concat(shape, 'x'), MAX_ELEMENTS) end
    end
    local at = d.pos
    local s = value(name .. "'s storage")
    local t = P.empty(0, dtype)
    if s == nil then
      if numel > 0 then fail('%s of %.0f elements without a storage', name, numel) end
      return P.set_geometry(t, 0, shape, strides)
    end
    if not storage.is_storage(s) then
      d.pos = at; fail('%s has a %s as its storage', name, stn.type(s))
    end
    local mem, woff, wsize, _, sdtype = P.hooks.storage_window(s)
    if sdtype ~= dtype then d.pos = at; fail('%s on a %s', name, s:type()) end
    if offset < 1 and (numel > 0 or wsize > 0) then
      d.pos = at; fail('%s at storage offset %.0f (offsets count from 1)', name, offset)
    end
    if numel > 0 then
      local problem, extent = serialize.layout_problem(shape, strides)
      if problem then d.pos = at; fail('%s of size %s: %s', name, table.concat(shape, 'x'), problem) end
      if offset - 1 + extent > wsize then
        d.pos = at
        fail('%s of size %s, strides %s at storage offset %.0f reaches past its storage of %.0f elements',
          name, table.concat(shape, 'x'), table.concat(strides, ','), offset, wsize)
      end
    elseif offset - 1 > wsize then
      d.pos = at; fail('%s at storage offset %.0f, past its storage of %.0f elements', name, offset, wsize)
    end
    if numel == 0 then return P.set_geometry(t, 0, shape, strides) end
    return t:set(mem, woff + offset, shape, strides)
  end

  -- a TYPE_TORCH object after its index
  local function torch_object(index)
    local at = d.pos
    local version = d.chars(count('class version length', d.int('class version length'), nil, d.left()), 'class version')
    local name = version
    if version:match('^V ') then
      if not tonumber(version:sub(3)) then d.pos = at; fail('bad class version %q', version) end
      name = d.chars(count('class name length', d.int('class name length'), nil, d.left()), 'class name')
    end
    local tc = TENSOR_CLASS[name]
    if tc then
      local t = read_tensor(tc[2], name)
      if objects[index] == nil and referenced then objects[index] = t end
      return t
    end
    local sc = STORAGE_CLASS[name]
    if sc then
      local s = read_storage(sc[1], sc[2], name)
      if referenced then objects[index] = s end
      return s
    end
    local mt = class.find(name)
    if not mt and tolerant > 0 then -- (inside a module rebuilt from its configuration)
      local skipped = {}
      if referenced then objects[index] = skipped end
      value(name .. "'s fields")
      return skipped
    end
    if not mt then
      d.pos = at
      fail('unknown class %s (stn has no class of that name: %s)', ('%q'):format(name),
        name:match('^nn%.') and 'an nn module stn does not implement' or 'require the file that defines it first')
    end
    local obj = {}
    if referenced then objects[index] = obj end
    local start = at - 8 -- (its type tag)
    local fat = d.pos
    local rebuild = REBUILD[name]
    if rebuild then tolerant = tolerant + 1 end
    local fields = value(name .. "'s fields")
    if rebuild then tolerant = tolerant - 1 end
    if type(fields) ~= 'table' or getmetatable(fields) ~= nil then
      d.pos = fat; fail('%s: its fields are a %s, expected a table', name, stn.type(fields))
    end
    if rebuild then
      local ok, fresh, why = pcall(rebuild, fields)
      if not ok or not fresh then d.pos = fat; fail('%s: cannot rebuild it: %s', name, tostring(why or fresh)) end
      fields = fresh
    end
    for k, x in pairs(fields) do obj[k] = x end
    setmetatable(obj, mt)
    local fix = LOAD_FIXUPS[name]
    if fix then
      local problem = fix(obj)
      if problem then d.pos = fat; fail('%s: %s', name, problem) end
    end
    modules[#modules + 1] = { m = obj, at = start, name = name }
    return obj
  end

  function value(what)
    local at = d.pos
    local tag = d.int('type tag')
    if tag == TYPE_NIL then return nil
    elseif tag == TYPE_NUMBER then return d.double('number')
    elseif tag == TYPE_BOOLEAN then return d.int('boolean') == 1
    elseif tag == TYPE_STRING then
      local n = d.int('string length')
      if n < 0 or n > d.left() then fail('a string of %d bytes, but the file has %d left', n, d.left()) end
      return d.chars(n, 'string')
    elseif tag == TYPE_TABLE or tag == TYPE_TORCH then
      local index = d.int('object index')
      if referenced and objects[index] ~= nil then return objects[index] end
      depth = depth + 1
      if depth > MAX_DEPTH then fail('tables and objects nested deeper than %d', MAX_DEPTH) end
      local result
      if tag == TYPE_TORCH then result = torch_object(index)
      else
        local tbl = {}
        if referenced then objects[index] = tbl end
        local n = d.int('table size')
        -- an entry takes 8 bytes at least (two nils: 4 each; ascii: 2 each)
        if n < 0 or n > d.left() / 4 then fail('a table of %d entries, but the file has %d bytes left', n, d.left()) end
        for _ = 1, n do
          local kat = d.pos
          local k = value('key')
          if k == nil or k ~= k then d.pos = kat; fail('a nil or NaN table key') end
          tbl[k] = value('value')
        end
        result = tbl
      end
      depth = depth - 1
      return result
    elseif tag == TYPE_FUNCTION or tag == TYPE_RECUR_FUNCTION or tag == LEGACY_RECUR_FUNCTION then
      d.pos = at
      fail('a function (%s): stn does not load Lua bytecode from files', what)
    end
    d.pos = at
    fail('unknown type tag %d (%s)', tag, what)
  end

  local obj = value('object')
  if d.pos ~= #data and not (mode == 'ascii' and data:sub(d.pos + 1):match('^%s*$')) then
    fail('%d bytes left over after the object', #data - d.pos)
  end
  -- each module checks what was rebuilt (its parameters' sizes against its configuration)
  for _, e in ipairs(modules) do
    local m = e.m
    local check = getmetatable(m).checkLoaded
    if check then
      local ok, err = pcall(check, m)
      if not ok then
        if type(err) == 'table' and err.field then err = err.field .. ': ' .. tostring(err.msg) end
        error(('a %s that stn cannot use: %s at byte %d'):format(stn.type(m), tostring(err), e.at), 0)
      end
    end
    -- the tensors now live on the CPU: say so where the module names their type
    local ty = rawget(m, '_type')
    local dtype = 0
    if type(ty) == 'string' then
      local device, _, dt = P.type_device(ty)
      dtype = dt or 0
      if device == 1 then m._type = P.TYPENAMES[0][dtype] end
    end
    -- buffers a Torch7 module makes when it first runs (so a file may lack them) and
    -- stn's makes at construction (output and gradInput are left as the file has them:
    -- a module saved with gradInput = nil skips the input gradient, in Torch7 and stn)
    for _, b in ipairs(BUFFERS[e.name] or {}) do
      if rawget(m, b) == nil then m[b] = P.empty(0, dtype) end
    end
  end
  return obj
end

-- torch.load(path [, 'binary' | 'ascii' | 'b32' | 'b64' [, referenced]]).
function M.load(path, mode, referenced)
  local fn = 'torch.load'
  if type(path) ~= 'string' or path == '' then errors.fail(fn, 'expected a file path, got ' .. type(path)) end
  mode = check_mode(fn, path, mode, { binary = true, ascii = true, b32 = true, b64 = true })
  referenced = check_referenced(fn, path, referenced)
  if not ffi.abi('le') then errors.fail(fn, 'only little-endian machines are supported') end
  local f, err = io.open(path, 'rb')
  if not f then errors.fail(fn, '%s: cannot open: %s', path, tostring(err)) end
  local data = f:read('*a')
  f:close()
  if not data then errors.fail(fn, '%s: cannot read the file', path) end
  local ok, obj = pcall(reader, path, data, mode, referenced)
  if not ok then errors.fail(fn, '%s: %s', path, tostring(obj)) end
  return obj
end

-- Does the path name a Torch7 file (stn.save / stn.load choose this format for them)?
function M.is_t7_path(path) return type(path) == 'string' and path:match('%.t7$') ~= nil end

return M
