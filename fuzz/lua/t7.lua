-- t7.lua: the driver of fuzz/t7.c. Loads the input with the Torch7-file reader
-- (lua/stn/t7.lua) in binary mode, and in ascii mode too when it starts with a digit or
-- a sign; a refusal must be the reader's message naming the file and the byte ("stn:
-- torch.load: <path>: ... at byte <n>"). What loads is used as in fuzz/lua/load.lua:
-- every value must be a number, string, boolean, table, tensor or storage, no float
-- element a NaN with a payload; every tensor read whole, every empty one resized and
-- filled, and a { model =, input = } pair with small numbers run forward and backward.
local ffi = require 'ffi'
local stn = require 'stn'
local t7 = require 'stn.t7'
local storage = require 'stn.storage'
local P = require('stn.Tensor')._private

local PLAIN = { number = true, string = true, boolean = true, table = true }
local SMALL, SMALL_INPUT = 64, 4096
local DEFAULT_NAN = { [0x7FC00000] = true, [0xFFC00000] = true }
local largest
local sink

local function use(t, where)
  pcall(function() sink = t:sum() end)
  if t.dtype == 0 and t:nElement() > 0 then
    local flat = t:contiguous()
    local bits = ffi.cast('const uint32_t *', flat:data())
    for i = 0, t:nElement() - 1 do
      local b = tonumber(bits[i])
      if b % 0x80000000 > 0x7F800000 and not DEFAULT_NAN[b] then
        error(('element %d of the tensor at %s is a NaN with a payload (bits %08x)'):format(i + 1, where, b), 0)
      end
    end
  end
  if t:nElement() == 0 then pcall(function() t:resize(3):fill(1); sink = t:sum() end) end
end

local function walk(v, seen, where)
  local tv = type(v)
  if P.is_tensor(v) then
    if not seen[v] then seen[v] = true; use(v, where) end
    return
  end
  if not PLAIN[tv] then
    error(('torch.load gave a %s at %s (a number expected: a NaN with a payload?)'):format(tv, where), 0)
  end
  if tv == 'number' and math.abs(v) > largest then largest = math.abs(v) end
  if tv == 'table' and not seen[v] then
    seen[v] = true
    if storage.is_storage(v) then
      if v:size() > 0 then sink = v[1] + v[v:size()] end
      return
    end
    for k, x in next, v do
      walk(k, seen, where .. '[key]')
      walk(x, seen, where .. (type(k) == 'string' and ('.' .. k) or '[?]'))
    end
  end
end

local function try(path, mode)
  local ok, obj = pcall(t7.load, path, mode)
  if not ok then
    local msg = tostring(obj)
    if not (msg:find('stn: torch.load: ' .. path .. ': ', 1, true) and msg:find(' at byte %d+$')) then
      error('torch.load refused a file without its message naming the file and the byte: ' .. msg, 0)
    end
    return
  end
  if obj == nil then return end -- (a file holding nil: Torch7's type tag 0)
  largest = 0
  walk(obj, {}, 'object')
  local model = type(obj) == 'table' and rawget(obj, 'model')
  local input = type(obj) == 'table' and rawget(obj, 'input')
  if type(model) == 'table' and P.is_tensor(input) and type(model.forward) == 'function'
      and largest <= SMALL and input:nElement() <= SMALL_INPUT then
    pcall(function()
      local out = model:forward(input)
      model:backward(input, P.is_tensor(out) and out:clone():fill(1) or out)
    end)
  end
end

return function()
  stn.setnumthreads(1)
  return function(path)
    try(path, 'binary')
    local f = io.open(path, 'rb')
    local first = f and f:read(1)
    if f then f:close() end
    if first and first:match('[%d%-+]') then try(path, 'ascii') end
  end
end
