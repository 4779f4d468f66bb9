-- load.lua: the driver of fuzz/load.c. Loads the input with stn.load; a refusal must be
-- stn's message naming the file ("stn: stn.load: <path>: ..."). What loads is then used
-- as a program would use it, so that a file the loader should have refused shows up as
-- a sanitizer report or a hang rather than passing quietly: every tensor is read
-- whole, every empty tensor resized and filled (as a module's output buffer is), and a
-- saved { model =, input = } pair (fuzz/lua/make_seeds.lua writes some) run forward
-- and backward.
local stn = require 'stn'
local P = require('stn.Tensor')._private

local function each_tensor(v, f, seen)
  seen = seen or {}
  if P.is_tensor(v) then
    if not seen[v] then seen[v] = true; f(v) end
  elseif type(v) == 'table' and not seen[v] then
    seen[v] = true
    for k, x in next, v do each_tensor(k, f, seen); each_tensor(x, f, seen) end
  end
end

local sink
local function use(t)
  pcall(function() sink = t:sum() end)
  if t:nElement() == 0 then pcall(function() t:resize(3):fill(1); sink = t:sum() end) end
end

return function()
  stn.setnumthreads(1)
  return function(path)
    local ok, obj = pcall(stn.load, path)
    if not ok then
      local msg = tostring(obj)
      if not (msg:find('stn: stn.load: ', 1, true) and msg:find(path, 1, true)) then
        error('stn.load refused a file without its message naming the file: ' .. msg, 0)
      end
      return
    end
    each_tensor(obj, use)
    local model = type(obj) == 'table' and rawget(obj, 'model')
    local input = type(obj) == 'table' and rawget(obj, 'input')
    if type(model) == 'table' and P.is_tensor(input) and type(model.forward) == 'function' then
      pcall(function()
        local out = model:forward(input)
        model:backward(input, P.is_tensor(out) and out:clone():fill(1) or out)
      end)
    end
  end
end
