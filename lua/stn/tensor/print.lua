-- Tensor.__tostring: printing as Torch7 does. One format for the whole tensor so that
-- columns line up: integers as integers; otherwise 4 decimals, with a common scale
-- line such as `1e-03 *` when every value is small or large, or exponent notation
-- when magnitudes differ widely. Matrices print as rows (split into column blocks
-- past 80 characters), higher dims as `(i,j,.,.) = ` slices, then the type and size.
local Tensor = require 'stn.Tensor'
local P = Tensor._private

local huge = math.huge

-- Digits before the point: floor(log10(x)) + 1 (1 for zero).
local function digits(x)
  if x == 0 then return 1 end
  return math.floor(math.log10(x)) + 1
end

-- printf format, scale (nil when none) and width of a cell, from the n values at data.
local function format_of(data, n)
  local integral, lo, hi = true, huge, 0
  for i = 0, n - 1 do
    local v = data[i]
    if v == v and v ~= huge and v ~= -huge then
      local a = math.abs(v)
      if a < lo then lo = a end
      if a > hi then hi = a end
      if v ~= math.floor(v) then integral = false end
    end
  end
  if lo == huge then lo = 0 end -- no finite value
  local emin, emax = digits(lo), digits(hi)
  if integral then
    if emax > 9 then return '%11.4e', nil, 11 end
    return '%' .. (emax + 1) .. '.0f', nil, emax + 1
  end
  if emax - emin > 4 then
    local w = (math.abs(emax) > 99 or math.abs(emin) > 99) and 12 or 11
    return '%' .. w .. '.4e', nil, w
  end
  if emax > 5 or emax < 0 then return '%7.4f', 10 ^ (emax - 1), 7 end
  local w = math.max(emax, 1) + 6
  return '%' .. w .. '.4f', nil, w
end

local function cell(v, f)
  local s
  if v ~= v then s = 'nan'
  elseif v == huge then s = 'inf'
  elseif v == -huge then s = '-inf'
  else return f.fmt:format(f.scale and v / f.scale or v) end
  return (' '):rep(f.width - #s) .. s
end

local function scale_line(f) return ('%.0e *'):format(f.scale) end

-- Lines of the rows x cols matrix at data[base ...] (row-major), each line after indent.
local function matrix(lines, data, base, rows, cols, f, indent)
  local per_line = math.max(1, math.floor((80 - #indent) / (f.width + 1)))
  for c0 = 1, cols, per_line do
    local c1 = math.min(cols, c0 + per_line - 1)
    if per_line < cols then
      if c0 ~= 1 then lines[#lines + 1] = '' end
      lines[#lines + 1] = indent .. ('Columns %d to %d'):format(c0, c1)
    end
    if f.scale then lines[#lines + 1] = indent .. scale_line(f) end
    for r = 0, rows - 1 do
      local cells = {}
      for c = c0, c1 do cells[#cells + 1] = cell(data[base + r * cols + c - 1], f) end
      lines[#lines + 1] = indent .. table.concat(cells, ' ')
    end
  end
end

function Tensor.__tostring(t)
  local name = P.typename_of(t)
  if t.ndim == 0 then return '[' .. name .. ' with no dimension]' end
  local footer = ('[%s of size %s]'):format(name, P.shape_str(t))
  local n = t:nElement()
  if n == 0 then return footer end
  local c = t:float():contiguous()
  local data = c:data()
  local f = {}
  f.fmt, f.scale, f.width = format_of(data, n)
  local lines = {}
  if t.ndim == 1 then
    if f.scale then lines[1] = scale_line(f) end
    for i = 0, n - 1 do lines[#lines + 1] = cell(data[i], f) end
  elseif t.ndim == 2 then
    matrix(lines, data, 0, tonumber(t.shape[0]), tonumber(t.shape[1]), f, '')
  else
    local rows, cols = tonumber(t.shape[t.ndim - 2]), tonumber(t.shape[t.ndim - 1])
    local outer = {} -- the sizes of the leading dims, whose every index gets a slice
    for d = 0, t.ndim - 3 do outer[d + 1] = tonumber(t.shape[d]) end
    local at = {}
    for s = 0, n / (rows * cols) - 1 do
      local rem = s
      for d = #outer, 1, -1 do at[d] = rem % outer[d] + 1; rem = math.floor(rem / outer[d]) end
      if s > 0 then lines[#lines + 1] = '' end
      lines[#lines + 1] = '(' .. table.concat(at, ',') .. ',.,.) = '
      matrix(lines, data, s * rows * cols, rows, cols, f, ' ')
    end
  end
  lines[#lines + 1] = footer
  return table.concat(lines, '\n')
end

return Tensor
