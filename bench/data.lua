-- bench/data.lua: data preparation speed. Builds a fake GTSRB tree (tools/make_fake_gtsrb.lua),
-- then times decoding + resizing it without the cache, loading it from the cache, and
-- building RTS Fashion-MNIST (20,000 + 10,000, when Debian's files are there).
--   luajit bench/data.lua [--tracks 10] [--frames 10] [--test 20] [--threads 2] [--reps 3] [--dir D]
-- The real GTSRB has 39,209 + 12,630 images: --tracks 30 --frames 30 --test 294 comes close
-- in count (its fake images are larger than the real ones, so the time errs high).
package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path
local stn = require 'stn'
local socket = require 'socket'
local lfs = require 'lfs'
local fake = dofile('tools/make_fake_gtsrb.lua')

local opts = { tracks = 10, frames = 10, test = 20, threads = 2, reps = 3, dir = 'spec/tmp/bench_data' }
for i = 1, #arg, 2 do
  local k = arg[i]:match('^%-%-(%w+)$')
  if not k or opts[k] == nil then io.stderr:write('bench/data.lua: unknown option ', arg[i], '\n'); os.exit(1) end
  opts[k] = tonumber(arg[i + 1]) or arg[i + 1]
end
stn.setnumthreads(opts.threads)

local function median(fn)
  local times = {}
  for r = 1, opts.reps do
    local t0 = socket.gettime()
    fn()
    times[r] = socket.gettime() - t0
    collectgarbage()
  end
  table.sort(times)
  return times[math.ceil(#times / 2)]
end

local root = opts.dir .. '/tree'
os.execute('rm -rf ' .. opts.dir .. ' && mkdir -p ' .. opts.dir)
local t0 = socket.gettime()
local made = fake.make(root, { tracks = opts.tracks, frames = opts.frames, test = opts.test })
local rows = { { 'make_fake_gtsrb', ('%d + %d images'):format(made.train, made.test), socket.gettime() - t0 } }

local n = made.train + made.test
rows[#rows + 1] = { 'GTSRB decode + resize (no cache)', n .. ' images', median(function()
  stn.data.gtsrb.train { root = root, cache = false }
  stn.data.gtsrb.test { root = root, cache = false }
end) }
stn.data.gtsrb.train { root = root }
stn.data.gtsrb.test { root = root }
rows[#rows + 1] = { 'GTSRB from the cache', n .. ' images', median(function()
  assert(stn.data.gtsrb.train { root = root }.cache == 'hit')
  assert(stn.data.gtsrb.test { root = root }.cache == 'hit')
end) }
if lfs.attributes(stn.data.fashion_mnist.DIR .. '/train-images-idx3-ubyte.gz') then
  rows[#rows + 1] = { 'RTS Fashion-MNIST (IDX read included)', '20000 + 10000', median(function()
    stn.data.rts.fashion_mnist { n = 20000, seed = 1 }
  end) }
end

print(('\n%-40s %-20s %10s   (%d threads, median of %d)'):format('step', 'size', 'seconds', opts.threads, opts.reps))
for _, r in ipairs(rows) do print(('%-40s %-20s %10.2f'):format(r[1], r[2], r[3])) end
