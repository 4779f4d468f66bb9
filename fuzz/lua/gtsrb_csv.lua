-- gtsrb_csv.lua: the driver of fuzz/gtsrb_csv.c. Parses the input with
-- stn.data.gtsrb.readCSV, as a training CSV (track numbers from the file names) and as
-- the test CSV. A refusal must be the parser's message naming the file; an accepted row
-- must hold what the loader stores it in: ClassId and track in 0 .. 2^31 - 1 (they go
-- to int32 arrays), a file name without '/'.
local gtsrb = require 'stn.data.gtsrb'

local INT32_MAX = 2 ^ 31 - 1
local function int32(v) return type(v) == 'number' and v >= 0 and v <= INT32_MAX and v == math.floor(v) end

return function()
  return function(path)
    for _, withTrack in ipairs { true, false } do
      local ok, rows = pcall(gtsrb.readCSV, path, withTrack)
      if not ok then
        local msg = tostring(rows)
        if not (msg:find('stn: data.gtsrb: ', 1, true) and msg:find(path, 1, true)) then
          error('readCSV refused a file without its message naming the file: ' .. msg, 0)
        end
      else
        for i, row in ipairs(rows) do
          if not int32(row.class) then error(('readCSV accepted row %d with ClassId %s'):format(i, tostring(row.class)), 0) end
          if withTrack and not int32(row.track) then
            error(('readCSV accepted row %d with track %s'):format(i, tostring(row.track)), 0)
          end
          if type(row.file) ~= 'string' or row.file == '' or row.file:find('[/\\]') then
            error(('readCSV accepted row %d with file name %q'):format(i, tostring(row.file)), 0)
          end
        end
      end
    end
  end
end
