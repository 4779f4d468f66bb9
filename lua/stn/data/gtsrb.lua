-- stn.data.gtsrb: the German Traffic Sign Recognition Benchmark in its official layout
--   <root>/Final_Training/Images/000NN/GT-000NN.csv   + TTTTT_FFFFF.ppm (TTTTT: track)
--   <root>/Final_Test/Images/GT-final_test.csv        + NNNNN.ppm
-- Each whole image resized to 48 x 48 (antialiased bilinear), as gtsrb.torch did.
-- The decoded set (bytes) is cached in a checksummed file next to the data, keyed on
-- the names, sizes and dates of every CSV and image, and rebuilt when stale or corrupt.
-- gtsrb.train(opts) and gtsrb.test(opts) return data sets (see stn.data); docs/data.md.
local ffi = require 'ffi'
local lfs = require 'lfs'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local data = require 'stn.data'
local errors = require 'stn.errors'
local is_integer = errors.is_integer
local C, ctx, check = core.C, core.ctx, core.check

local gtsrb = { CACHE_VERSION = 1, SIZE = 48, NCLASSES = 43 }

local function fail(msg) errors.fail('data.gtsrb', msg) end
local function join(a, b) return (a:sub(-1) == '/' and a or a .. '/') .. b end
local function isdir(p) return lfs.attributes(p, 'mode') == 'directory' end
local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

local function split(s, sep)
  local out, i = {}, 1
  while true do
    local j = s:find(sep, i, true)
    if not j then out[#out + 1] = s:sub(i); return out end
    out[#out + 1] = s:sub(i, j - 1)
    i = j + 1
  end
end

-- Bounds of the CSV's numeric fields: ClassId within GTSRB's classes; a track (the
-- TTTTT of a training file name) within the int32 it is stored in; Width and Height
-- within the PPM reader's largest side (csrc/io/reader_limits.h); an ROI inside its image.
local INT32_MAX, MAX_SIDE = 2 ^ 31 - 1, 2 ^ 20

-- The decimal digits s as a number in [lo, hi], else an error naming the file and line.
local function integer_field(path, lineno, what, s, lo, hi, why)
  if not s:match('^%d+$') then fail(('%s:%d: %s %q is not a non-negative integer'):format(path, lineno, what, s)) end
  local v = tonumber(s)
  if v < lo or v > hi then
    fail(('%s:%d: %s %s is out of range (%d to %d%s)'):format(path, lineno, what, s, lo, hi, why and ': ' .. why or ''))
  end
  return v
end

-- The optional size and ROI columns of a row, checked when the header has them.
local function check_geometry(path, lineno, fields, col)
  local function get(name, lo, hi, why)
    if col[name] then return integer_field(path, lineno, name, trim(fields[col[name]]), lo, hi, why) end
  end
  local w = get('Width', 1, MAX_SIDE, 'the largest side the PPM reader accepts')
  local h = get('Height', 1, MAX_SIDE, 'the largest side the PPM reader accepts')
  local x1 = get('Roi.X1', 0, w or MAX_SIDE, w and 'inside the image')
  local y1 = get('Roi.Y1', 0, h or MAX_SIDE, h and 'inside the image')
  get('Roi.X2', x1 or 0, w or MAX_SIDE, 'at least Roi.X1, inside the image')
  get('Roi.Y2', y1 or 0, h or MAX_SIDE, 'at least Roi.Y1, inside the image')
end

-- The rows of a GT CSV (';'-separated, LF or CRLF, header naming the columns):
-- { file =, class = ClassId (0-based), track = (training files TTTTT_FFFFF.ppm) }.
function gtsrb.readCSV(path, withTrack)
  local f, err = io.open(path, 'rb')
  if not f then fail('cannot open ' .. tostring(err)) end
  local text = f:read('*a')
  f:close()
  local rows, header, col, lineno = {}, nil, nil, 0
  for line in (text .. '\n'):gmatch('([^\n]*)\n') do
    lineno = lineno + 1
    line = line:gsub('\r$', '')
    if line:find('%S') then
      local fields = split(line, ';')
      if not header then
        header, col = fields, {}
        for i, name in ipairs(fields) do col[trim(name)] = i end
        for _, need in ipairs { 'Filename', 'ClassId' } do
          if not col[need] then fail(('%s:%d: the header %q has no %s column'):format(path, lineno, line, need)) end
        end
      else
        if #fields ~= #header then
          fail(('%s:%d: %d fields, the header has %d (%s)'):format(path, lineno, #fields, #header, table.concat(header, ';')))
        end
        local file = trim(fields[col.Filename])
        local class = integer_field(path, lineno, 'ClassId', trim(fields[col.ClassId]), 0, gtsrb.NCLASSES - 1,
          ('GTSRB has %d classes'):format(gtsrb.NCLASSES))
        check_geometry(path, lineno, fields, col)
        if file == '' or file:find('[/\\]') then fail(('%s:%d: bad file name %q'):format(path, lineno, file)) end
        local row = { file = file, class = class }
        if withTrack then
          local track = file:match('^(%d+)_%d+%.[pP][pP][mM]$')
          if not track then
            fail(('%s:%d: file name %q is not TTTTT_FFFFF.ppm (track_frame)'):format(path, lineno, file))
          end
          row.track = integer_field(path, lineno, 'track', track, 0, INT32_MAX, 'file name ' .. file)
        end
        rows[#rows + 1] = row
      end
    end
  end
  if not header then fail(path .. ' is empty (a header Filename;...;ClassId was expected)') end
  return rows
end

local function missing(path, what)
  fail(('no GTSRB %s: %s is not a folder (download the data set with tools/get_gtsrb, or point --data / GTSRB_DIR at it)')
    :format(what, path))
end

-- The images of one part ('train' or 'test'): { path, rel, class, track, csv } in order.
local function list(root, part)
  local entries, csvs = {}, {}
  local function add(dir, reldir, csv, withTrack)
    if not lfs.attributes(csv) then fail(csv .. ' is missing') end
    csvs[#csvs + 1] = csv
    for _, row in ipairs(gtsrb.readCSV(csv, withTrack)) do
      entries[#entries + 1] = { path = join(dir, row.file), rel = reldir .. row.file, class = row.class, track = row.track, csv = csv }
    end
  end
  if part == 'train' then
    local dir = join(root, 'Final_Training/Images')
    if not isdir(dir) then missing(dir, 'training images') end
    local classes = {}
    for name in lfs.dir(dir) do
      if name:match('^%d+$') and isdir(join(dir, name)) then classes[#classes + 1] = name end
    end
    table.sort(classes)
    if #classes == 0 then fail(dir .. ' holds no class folders (00000 to 00042)') end
    for _, cls in ipairs(classes) do
      add(join(dir, cls), 'Final_Training/Images/' .. cls .. '/', join(join(dir, cls), 'GT-' .. cls .. '.csv'), true)
    end
  else
    local dir = join(root, 'Final_Test/Images')
    if not isdir(dir) then missing(dir, 'test images') end
    add(dir, 'Final_Test/Images/', join(dir, 'GT-final_test.csv'), false)
  end
  if #entries == 0 then fail('no images listed in ' .. table.concat(csvs, ', ')) end
  return entries, csvs
end

-- What the cache is keyed on: format, output size, and the name, size and date of
-- every CSV and image. A missing image fails here, naming it and its CSV.
local function fingerprint(root, entries, csvs, size)
  local parts = { ('stn-gtsrb v%d %dx%d'):format(gtsrb.CACHE_VERSION, size, size) }
  for _, p in ipairs(csvs) do
    local a = lfs.attributes(p)
    parts[#parts + 1] = p:sub(#root + 1) .. '\t' .. a.size .. '\t' .. a.modification
  end
  for _, e in ipairs(entries) do
    local a = lfs.attributes(e.path)
    if not a then fail(('%s, listed in %s, is missing'):format(e.path, e.csv)) end
    parts[#parts + 1] = e.rel .. '\t' .. a.size .. '\t' .. a.modification
  end
  local s = table.concat(parts, '\n')
  local crc = ffi.new('uint32_t[1]')
  check(C.stn_crc32(s, #s, crc), 'stn.data.gtsrb')
  return ('%08x:%d'):format(tonumber(crc[0]), #s)
end

local SECTIONS = 4 -- meta, pixels, labels, tracks (file names come from the CSVs)

local function cache_read(path, key, entries, size)
  local n = #entries
  local np, sizes, offs, base = ffi.new('int[1]'), ffi.new('int64_t[8]'), ffi.new('int64_t[8]'), ffi.new('uint8_t *[1]')
  if C.stn_blob_read(path, 8, np, sizes, offs, base) ~= 0 then
    if np[0] == -1 then return nil, 'miss' end
    return nil, 'corrupt', core.last_error()
  end
  local buf = ffi.gc(base[0], C.stn_free)
  local meta = np[0] == SECTIONS and ffi.string(buf + offs[0], sizes[0]) or ''
  local want = ('stn-gtsrb-cache\nversion=%d\nkey=%s\nn=%d\nsize=%d\n'):format(gtsrb.CACHE_VERSION, key, n, size)
  if meta ~= want then return nil, 'stale' end
  if sizes[1] ~= n * 3 * size * size or sizes[2] ~= 4 * n or sizes[3] ~= 4 * n then
    return nil, 'corrupt', path .. ': section sizes disagree with its header'
  end
  -- labels and tracks must be the CSVs' own: a file edited with its checksum recomputed
  -- can hold any number there
  local labels, tracks = ffi.cast('int32_t *', buf + offs[2]), ffi.cast('int32_t *', buf + offs[3])
  for r = 0, n - 1 do
    local e = entries[r + 1]
    if labels[r] ~= e.class or tracks[r] ~= (e.track or -1) then
      return nil, 'corrupt', ('%s: row %d holds label %d and track %d, %s says %d and %s'):format(path, r + 1, labels[r],
        tracks[r], e.csv, e.class, tostring(e.track or -1))
    end
  end
  return { pixels = buf + offs[1], labels = labels, tracks = tracks, keep = buf }, 'hit'
end

local function cache_write(path, key, raw, n, size)
  local meta = ('stn-gtsrb-cache\nversion=%d\nkey=%s\nn=%d\nsize=%d\n'):format(gtsrb.CACHE_VERSION, key, n, size)
  local parts = ffi.new('const void *[?]', SECTIONS, { meta, raw.pixels, raw.labels, raw.tracks })
  local lens = ffi.new('int64_t[?]', SECTIONS, { #meta, n * 3 * size * size, 4 * n, 4 * n })
  if C.stn_blob_write(path, SECTIONS, parts, lens) ~= 0 then return core.last_error() end
end

-- Decodes the listed images (C, in parallel): bytes n x 3 x size x size and metadata.
local function decode(entries, size)
  local n = #entries
  local paths = ffi.new('const char *[?]', n)
  local raw = { pixels = data.bytes(n * 3 * size * size), labels = ffi.new('int32_t[?]', n), tracks = ffi.new('int32_t[?]', n) }
  for i, e in ipairs(entries) do -- the strings stay alive in entries during the call
    paths[i - 1] = e.path
    raw.labels[i - 1] = e.class
    raw.tracks[i - 1] = e.track or -1
  end
  check(C.stn_ppm_load_resized(ctx, paths, n, 3, size, size, raw.pixels, nil), 'stn.data.gtsrb')
  return raw
end

-- The decoded part, from the cache when it is fresh; raw.cache says what happened:
-- 'hit', 'miss' (built), 'stale' or 'corrupt' (rebuilt), 'off' (opts.cache == false).
local function load_raw(root, part, opts)
  local size, log = opts.size or gtsrb.SIZE, opts.log or function() end
  if type(size) ~= 'number' or not is_integer(size) or size < 1 or size > MAX_SIDE then
    fail(('size must be an integer from 1 to %d, got %s'):format(MAX_SIDE, tostring(size)))
  end
  local entries, csvs = list(root, part)
  local n = #entries
  local raw, status, why
  local path = opts.cache ~= false and join(opts.cacheDir or root, ('stn-cache-%s-%d.bin'):format(part, size))
  local key = path and fingerprint(root, entries, csvs, size)
  if path then raw, status, why = cache_read(path, key, entries, size) else status = 'off' end
  if status == 'corrupt' then io.stderr:write('stn.data.gtsrb: ignoring a corrupt cache: ', why, '\n') end
  if not raw then
    log(('GTSRB: decoding %d %s images to %dx%d...'):format(n, part, size, size))
    local t0 = os.clock()
    raw = decode(entries, size)
    log(('GTSRB: decoded in %.1f s of CPU time'):format(os.clock() - t0))
    if path then
      local err = cache_write(path, key, raw, n, size)
      if err then io.stderr:write('stn.data.gtsrb: cannot write the cache (continuing without): ', err, '\n') end
    end
  end
  raw.n, raw.size, raw.cache, raw.entries, raw.nclasses = n, size, status, entries, 0
  for r = 0, n - 1 do raw.nclasses = math.max(raw.nclasses, raw.labels[r] + 1) end
  return raw
end

-- A data set of raw's rows `rows` (0-based Lua list).
local function to_set(raw, rows, part)
  local n, S = #rows, raw.size
  local rows0 = ffi.new('int64_t[?]', math.max(n, 1))
  local label, track, files = Tensor._private.empty(0):resize(n), nil, {}
  if part ~= 'test' then track = Tensor._private.empty(0):resize(n) end
  for k = 1, n do
    local r = rows[k]
    rows0[k - 1] = r
    label[k] = raw.labels[r] + 1
    if track then track[k] = raw.tracks[r] end
    files[k] = raw.entries[r + 1].rel
  end
  local images = Tensor._private.empty(0):resize(n, 3, S, S)
  check(C.stn_bytes_to_float(ctx, raw.pixels, raw.n, 3 * S * S, rows0, n, 1 / 255, images), 'stn.data.gtsrb')
  return { data = images, label = label, track = track, files = files, nclasses = raw.nclasses, name = 'gtsrb-' .. part, cache = raw.cache }
end

-- rows pruned to n by the seeded shuffle of stn.data.prune (same permutation, so the
-- result equals data.prune on the full set), or all of them for n = -1 / nil.
local function prune_rows(rows, n, seed)
  if n == nil or n == -1 then return rows end
  if type(n) ~= 'number' or not is_integer(n) or n < 1 or n > #rows then
    fail(('cannot keep %s examples of a set of %d (use 1 to %d, or -1 for all)'):format(tostring(n), #rows, #rows))
  end
  local perm, out = data.permutation(#rows, seed, 1), {}
  for k = 1, n do out[k] = rows[perm[k]] end
  return out
end

local function root_of(opts) return opts.root or os.getenv('GTSRB_DIR') or 'GTSRB' end

-- The training set, and with opts.val the validation set of Sermanet & LeCun: one whole
-- track per class, drawn from opts.seed. Options: root, n (-1: all), val, seed (1),
-- size (48), cache (true), cacheDir (root), log (a function taking progress lines).
function gtsrb.train(opts)
  opts = opts or {}
  local seed = opts.seed or 1
  local raw = load_raw(root_of(opts), 'train', opts)
  local train_rows, val_rows = {}, {}
  if opts.val then
    local tracks, seen, classes = {}, {}, {}
    for r = 0, raw.n - 1 do
      local c, t = raw.labels[r], raw.tracks[r]
      if not tracks[c] then tracks[c], seen[c] = {}, {}; classes[#classes + 1] = c end
      if not seen[c][t] then seen[c][t] = true; table.insert(tracks[c], t) end
    end
    table.sort(classes)
    local u, chosen = data.uniform(#classes, seed, 0), {}
    for i, c in ipairs(classes) do
      local list = tracks[c]
      table.sort(list)
      if #list < 2 then fail(('class %d has a single track: none can be held out for validation'):format(c)) end
      chosen[c] = list[math.floor(u[i] * #list) + 1]
    end
    for r = 0, raw.n - 1 do
      local rows = chosen[raw.labels[r]] == raw.tracks[r] and val_rows or train_rows
      rows[#rows + 1] = r
    end
  else
    for r = 0, raw.n - 1 do train_rows[r + 1] = r end
  end
  local train = to_set(raw, prune_rows(train_rows, opts.n, seed), 'train')
  if opts.val then return train, to_set(raw, val_rows, 'val') end
  return train
end

-- The test set (labels from GT-final_test.csv). Options as gtsrb.train, without val.
function gtsrb.test(opts)
  opts = opts or {}
  local raw = load_raw(root_of(opts), 'test', opts)
  local rows = {}
  for r = 0, raw.n - 1 do rows[r + 1] = r end
  return to_set(raw, prune_rows(rows, opts.n, opts.seed or 1), 'test')
end

return gtsrb
