-- load.lua: the driver of fuzz/load.c. Loads the input with stn.load; a refusal must be
-- stn's message naming the file ("stn: stn.load: <path>: ..."). What loads is then used
-- as a program would use it, so that a file the loader should have refused shows up as
-- a sanitizer report or a hang rather than passing quietly: every value must be a
-- number, string, boolean, table or tensor, and no tensor may hold a NaN with a payload
-- (LuaJIT does not canonicalize a NaN it reads from memory through the FFI: a double or
-- float NaN with a payload reads as a value of another type, nil, a string, a table...
-- at an address its bits choose, which the next garbage collection follows); every
-- tensor is read whole, every empty tensor resized and filled (as a module's output
-- buffer is), and a saved { model =, input = } pair (fuzz/lua/make_seeds.lua writes
-- some) run forward and backward. The model runs only when every number of the object
-- (outside tensors) is at most SMALL in magnitude and the input has at most
-- SMALL_INPUT elements: a model's configuration sets what its forward pass allocates
-- (a grid generator of 26 x 196608 needs 41 MB for its output however small the file),
-- which is the model's doing, not the reader's, and would break the memory rule.
local ffi = require 'ffi'
local stn = require 'stn'
local P = require('stn.Tensor')._private

local PLAIN = { number = true, string = true, boolean = true, table = true }
local SMALL, SMALL_INPUT = 64, 4096
local largest -- the largest magnitude of a number seen by each_tensor

-- Calls f on every tensor of v (keys included); checks the type of every value first.
local function each_tensor(v, f, seen, where)
  seen = seen or {}
  where = where or 'object'
  local tv = type(v)
  if not PLAIN[tv] and not (tv == 'cdata' and P.is_tensor(v)) then
    error(('stn.load gave a %s at %s (a number expected: a NaN with a payload?)'):format(tv, where), 0)
  end
  if tv == 'number' and math.abs(v) > largest then largest = math.abs(v) end
  if P.is_tensor(v) then
    if not seen[v] then seen[v] = true; f(v, where) end
  elseif tv == 'table' and not seen[v] then
    seen[v] = true
    for k, x in next, v do
      local name = type(k) == 'string' and ('.' .. k) or type(k) == 'number' and ('[' .. k .. ']') or '[?]'
      each_tensor(k, f, seen, where .. '[key]')
      each_tensor(x, f, seen, where .. name)
    end
  end
end

local sink
local DEFAULT_NAN = { [0x7FC00000] = true, [0xFFC00000] = true }

local function use(t, where)
  pcall(function() sink = t:sum() end)
  local ok, flat = pcall(function() return t:contiguous() end)
  if ok and t:nElement() > 0 then
    local bits = ffi.cast('const uint32_t *', flat:data())
    for i = 0, t:nElement() - 1 do
      local b = tonumber(bits[i])
      if b % 0x80000000 > 0x7F800000 and not DEFAULT_NAN[b] then
        error(('element %d of the tensor at %s is a NaN with a payload (bits %08x): LuaJIT may read it as a '
          .. 'value of another type'):format(i + 1, where, b), 0)
      end
    end
  end
  if t:nElement() == 0 then pcall(function() t:resize(3):fill(1); sink = t:sum() end) end
end

return function()
  stn.setnumthreads(1)
  return function(path)
    local ok, obj = pcall(stn.load, path)
    if not ok then
      local msg = tostring(obj)
      if not (msg:find('stn: load: ', 1, true) and msg:find(path, 1, true)) then
        error('stn.load refused a file without its message naming the file: ' .. msg, 0)
      end
      return
    end
    largest = 0
    each_tensor(obj, use)
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
end
