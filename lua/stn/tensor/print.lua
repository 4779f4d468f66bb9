-- Tensor.__tostring: printing as Torch7's Tensor.lua does (its __tostring__ and
-- Storage__printformat), character for character. One format for the whole tensor:
-- integers as integers; otherwise 4 decimals, with a scale line such as `0.001 *` (the
-- scale in %g) when every value is small or large, or exponent notation when magnitudes
-- differ widely; a NaN anywhere makes the format plain %f. Matrices print as rows (split
-- into `Columns i to j` blocks past 80 characters; the rows under a scale line get one
-- more leading space), higher dims as `(i,j,.,.) = ` slices with the first index
-- turning fastest, then the type and size, and a newline ends the text.
local Tensor = require 'stn.Tensor'
local P = Tensor._private

local abs, floor = math.abs, math.floor
local float_at = P.double_at -- every type prints from a double copy (exact but for Longs past 2^53)

-- Digits before the point of a magnitude, as Torch7 counts them (1 for zero).
local function digits(x)
  if x == 0 then return 1 end
  return floor(math.log10(x)) + 1
end

-- printf format, scale (nil when none) and cell width, from the n values at data.
local function format_of(data, n)
  local integral = true
  for i = 0, n - 1 do
    local v = float_at(data, i)
    if v ~= math.ceil(v) then integral = false; break end -- a NaN is not an integer
  end
  -- smallest and largest magnitude; a NaN makes both NaN, as Torch7's min and max do
  local lo, hi = abs(float_at(data, 0)), abs(float_at(data, 0))
  for i = 0, n - 1 do
    local a = abs(float_at(data, i))
    if a ~= a then lo, hi = a, a; break end
    if a < lo then lo = a end
    if a > hi then hi = a end
  end
  local emin, emax = digits(lo), digits(hi)
  local fmt, scale, width
  if integral then
    if emax > 9 then fmt, width = '%11.4e', 11
    else width = emax + 1; fmt = '%' .. width .. 'd' end
  elseif emax - emin > 4 then
    width = (abs(emax) > 99 or abs(emin) > 99) and 12 or 11
    fmt = '%' .. width .. '.4e'
  elseif emax > 5 or emax < 0 then
    fmt, width, scale = '%7.4f', 7, 10 ^ (emax - 1)
  else
    width = emax == 0 and 7 or emax + 6 -- NaN digits give a NaN width: then plain %f
    fmt = '%' .. width .. '.4f'
  end
  if width ~= width then fmt = '%f' end
  if scale == 1 then scale = nil end
  return fmt, scale, width
end

local function cell(v, f)
  if f.scale then v = v / f.scale end
  return f.fmt:format(v)
end

local function scale_line(f) return ('%g *'):format(f.scale) end

-- Appends the rows x cols matrix at data[base ...] (row-major), each line after indent.
local function matrix(out, data, base, rows, cols, f, indent)
  out[#out + 1] = indent
  local per_line = floor((80 - #indent) / (f.width + 1))
  if per_line ~= per_line then per_line = cols end -- a NaN width: one block
  local first = 1
  while first <= cols do
    local last = math.min(cols, first + per_line - 1)
    if per_line < cols then
      if first ~= 1 then out[#out + 1] = '\n' end
      out[#out + 1] = ('Columns %d to %d\n'):format(first, last) .. indent
    end
    if f.scale then out[#out + 1] = scale_line(f) .. '\n ' .. indent end
    for r = 0, rows - 1 do
      for c = first, last do
        out[#out + 1] = cell(float_at(data, base + r * cols + c - 1), f)
        if c < last then out[#out + 1] = ' ' end
      end
      out[#out + 1] = '\n'
      if r < rows - 1 then out[#out + 1] = f.scale and (indent .. ' ') or indent end
    end
    first = last + 1
  end
end

function Tensor.__tostring(t)
  local name = P.typename_of(t)
  if t.ndim == 0 then return '[' .. name .. ' with no dimension]\n' end
  local footer = ('[%s of size %s]\n'):format(name, P.shape_str(t))
  local n = t:nElement()
  if n == 0 then return footer end -- a dim of size 0 (Torch7 has no such tensor)
  local c = t:double():contiguous()
  local data = c:data()
  local f = {}
  f.fmt, f.scale, f.width = format_of(data, n)
  local out = {}
  if t.ndim == 1 then
    if f.scale then out[1] = scale_line(f) .. '\n' end
    for i = 0, n - 1 do out[#out + 1] = cell(float_at(data, i), f) .. '\n' end
  elseif t.ndim == 2 then
    matrix(out, data, 0, tonumber(t.shape[0]), tonumber(t.shape[1]), f, '')
  else
    local rows, cols = tonumber(t.shape[t.ndim - 2]), tonumber(t.shape[t.ndim - 1])
    local lead, at = t.ndim - 2, {}
    for d = 1, lead do at[d] = 1 end
    for s = 1, n / (rows * cols) do
      if s > 1 then
        for d = 1, lead do -- the next slice: the first index turns fastest, as in Torch7
          if at[d] < tonumber(t.shape[d - 1]) then at[d] = at[d] + 1; break end
          at[d] = 1
        end
        out[#out + 1] = '\n'
      end
      local base = 0 -- row-major offset of the slice
      for d = 1, lead do base = base * tonumber(t.shape[d - 1]) + at[d] - 1 end
      out[#out + 1] = '(' .. table.concat(at, ',') .. ',.,.) = \n'
      matrix(out, data, base * rows * cols, rows, cols, f, ' ')
    end
  end
  out[#out + 1] = footer
  return table.concat(out)
end

return Tensor
