-- Input checks shared by the nn layers, built on stn.errors: each raises "stn:
-- nn.<Module>: <what was wrong, with the sizes>" at the user's line before any C call,
-- so a bad shape never reaches a kernel unexplained. Also the C-call wrapper that
-- names the module in a failed status.
local stn = require 'stn.base'
local core = require 'stn.ffi'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local is_integer = errors.is_integer
local P = Tensor._private

local checks = {}

checks.C, checks.ctx = core.C, core.ctx
checks.shape = P.shape_str
checks.is_tensor = P.is_tensor

-- Raises "stn: <the module's type>: <msg>" at the user's line.
function checks.fail(module, msg)
  errors.fail(stn.type(module), msg)
end

-- Turns a failed C status into an error naming the module.
function checks.call(module, status)
  if status ~= 0 then checks.fail(module, core.last_error()) end
end

-- The element type of a module's tensors (its _type, Float when it has none), cached by
-- type name.
local module_dtypes = {}
local function module_dtype(module)
  local name = rawget(module, '_type') or 'torch.FloatTensor'
  local known = module_dtypes[name]
  if known == nil then
    local device, canonical, dtype = P.type_device(name)
    known = device and { dtype = dtype, name = canonical } or false
    module_dtypes[name] = known
  end
  return known
end

-- x (an input or a gradOutput) has the element type of the module's tensors: a module
-- converted with :double() takes Double tensors, a Float one Float tensors (Torch7
-- refuses a mix too). The error names both types and the conversions.
function checks.same_type(module, x, what)
  local m = module_dtype(module)
  if m and x.dtype ~= m.dtype then
    local xname = P.typename_of(x)
    checks.fail(module, ('%s is a %s but the module holds %s tensors: convert one of them (module:type(\'%s\') or ' ..
      'x:type(\'%s\'))'):format(what or 'input', xname, m.name, xname, m.name))
  end
end

-- x is a tensor; an input or gradOutput (what nil, 'input' or 'gradOutput') also of the
-- module's element type (checks.same_type).
function checks.tensor(module, x, what)
  if not P.is_tensor(x) then
    checks.fail(module, ('%s must be a tensor, got %s'):format(what or 'input', stn.type(x)))
  end
  if what == nil or what == 'input' or what == 'gradOutput' then checks.same_type(module, x, what) end
end

-- An integer the C kernels take as an int: lo to 2^31 - 1, never NaN, infinite or
-- fractional (which the conversion to int would wrap or round without a word).
local INT_MAX = 2 ^ 31 - 1
checks.INT_MAX = INT_MAX
function checks.c_int(module, name, v, lo)
  if not is_integer(v) or v < lo or v > INT_MAX then
    checks.fail(module, ('%s must be an integer from %d to %d, got %s'):format(name, lo, INT_MAX, tostring(v)))
  end
  return v
end

-- A pooling window (Torch7's rules): kernel and stride positive, each padding between 0
-- and half its side. Raised at the caller of the module's constructor.
function checks.window(module, kW, kH, dW, dH, padW, padH)
  for _, a in ipairs { { 'kW', kW, 1 }, { 'kH', kH, 1 }, { 'dW', dW, 1 }, { 'dH', dH, 1 }, { 'padW', padW, 0 },
    { 'padH', padH, 0 } } do
    checks.c_int(module, a[1], a[2], a[3])
  end
  if padW > math.floor(kW / 2) or padH > math.floor(kH / 2) then
    checks.fail(module, ('padding %d,%d must be between 0 and half the %dx%d window'):format(padW, padH, kW, kH))
  end
end

-- x is a tensor of one of the given dims (a list such as {1, 2}).
function checks.dims(module, x, dims, what, desc)
  checks.tensor(module, x, what)
  for _, d in ipairs(dims) do if x:dim() == d then return end end
  checks.fail(module, ('%s must be %s, got %s'):format(what or 'input', desc or (table.concat(dims, '-D or ') .. '-D'),
    x:dim() == 0 and 'an empty tensor' or P.shape_str(x)))
end

-- x is C x H x W or B x C x H x W; with nplanes, C must equal it. Returns C, H, W.
function checks.images(module, x, nplanes, what)
  what = what or 'input'
  checks.tensor(module, x, what)
  local d = x:dim()
  if d ~= 3 and d ~= 4 then
    checks.fail(module, ('%s must be 3-D (C x H x W) or 4-D (B x C x H x W), got %s'):format(what,
      d == 0 and 'an empty tensor' or P.shape_str(x)))
  end
  local c = x:size(d - 2)
  if nplanes and c ~= nplanes then
    checks.fail(module, ('%s has %d planes (%s) but the module expects %d'):format(what, c, P.shape_str(x), nplanes))
  end
  return c, x:size(d - 1), x:size(d)
end

-- gradOutput has the shape of the module's output.
function checks.same_shape(module, g, ref, what, refname)
  checks.tensor(module, g, what or 'gradOutput')
  if not g:isSameSizeAs(ref) then
    checks.fail(module, ('%s is %s but %s is %s'):format(what or 'gradOutput', P.shape_str(g), refname or 'the output',
      P.shape_str(ref)))
  end
end

-- stn.load calls a module class's checkLoaded(self), when it has one, on each module it
-- rebuilt from a file (without the constructor): these helpers check one field each and
-- raise {field, msg}, which the loader turns into a message with the field's path in the
-- object. A checked field is returned.
local function refuse(field, fmt, ...) error({ field = field, msg = fmt:format(...) }, 0) end

-- self[field] is an integer >= least (1 when not given).
function checks.loaded_int(self, field, least)
  local v = self[field]
  least = least or 1
  if type(v) ~= 'number' or v ~= math.floor(v) or v < least or v > 2 ^ 31 - 1 then
    refuse(field, 'expected an integer from %d to 2^31 - 1, found %s', least, type(v) == 'number' and v or stn.type(v))
  end
  return v
end

-- self[field] is a tensor of exactly the sizes listed, or (sizes a number) of that many
-- dimensions, each at least 1. With optional, nil is accepted too.
function checks.loaded_tensor(self, field, sizes, optional)
  local t = self[field]
  if t == nil and optional then return nil end
  if not P.is_tensor(t) then refuse(field, 'expected a tensor, found %s', stn.type(t)) end
  if type(sizes) == 'number' then
    local ok = t:dim() == sizes
    for d = 1, ok and sizes or 0 do ok = ok and t:size(d) >= 1 end
    if not ok then refuse(field, 'expected a %d-D tensor with no empty dimension, found %s', sizes, P.shape_str(t)) end
  else
    local ok = t:dim() == #sizes
    for d = 1, ok and #sizes or 0 do ok = ok and t:size(d) == sizes[d] end
    if not ok then refuse(field, 'expected size %s, found %s', table.concat(sizes, 'x'), P.shape_str(t)) end
  end
  return t
end

-- self[field] is one of the values listed.
function checks.loaded_oneof(self, field, values)
  for _, v in ipairs(values) do if self[field] == v then return v end end
  local names = {}
  for i, v in ipairs(values) do names[i] = tostring(v) end
  refuse(field, 'expected %s, found %s', table.concat(names, ' or '), tostring(self[field]))
end

checks.loaded_refuse = refuse

-- A pooling module's window (the constructor's rules, checks.window), for checkLoaded.
function checks.loaded_window(self)
  local kW, kH = checks.loaded_int(self, 'kW'), checks.loaded_int(self, 'kH')
  checks.loaded_int(self, 'dW'); checks.loaded_int(self, 'dH')
  if checks.loaded_int(self, 'padW', 0) > math.floor(kW / 2) then refuse('padW', 'more than half of kW = %d', kW) end
  if checks.loaded_int(self, 'padH', 0) > math.floor(kH / 2) then refuse('padH', 'more than half of kH = %d', kH) end
  checks.loaded_oneof(self, 'ceil_mode', { true, false })
end

-- Fills t uniformly in [-stdv, stdv] with stn's generator (reproducible under stn.manualSeed).
function checks.uniform(t, stdv)
  core.check(core.C.stn_uniform(core.ctx, t, -stdv, stdv), 'reset')
end

return checks
