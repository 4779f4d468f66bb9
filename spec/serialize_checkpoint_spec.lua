-- Checkpoints of examples/gtsrb/main.lua (-o, written with stn.save after every epoch)
-- survive a kill during their own write: the run is killed by the kernel when the
-- checkpoint's temporary file reaches a chosen byte (RLIMIT_FSIZE, then SIGXFSZ), and
-- the previous checkpoint must still load and --resume from it must end where an
-- uninterrupted run ends, bit for bit; the next save removes the dead run's temporary.
local H = require 'helpers'
local read, listing = H.slurp, H.listing
local stn = H.stn

local tmp = os.tmpname()
os.remove(tmp)
local tree = tmp .. '/GTSRB'


-- Runs main.lua from examples/gtsrb with args; with kill_at, the kernel stops the run
-- when a file it writes reaches that many bytes. Returns its output and exit status.
local function main(args, kill_at)
  local pre = ''
  if kill_at then
    local limiter = tmp .. '/limit.lua'
    local f = assert(io.open(limiter, 'w'))
    f:write(([[
local ffi = require 'ffi'
ffi.cdef 'struct spec_rlimit { uint64_t cur, max; }; int setrlimit(int, const struct spec_rlimit *);'
assert(ffi.C.setrlimit(4, ffi.new('struct spec_rlimit', 0, 0)) == 0) -- RLIMIT_CORE: no core file
assert(ffi.C.setrlimit(1, ffi.new('struct spec_rlimit', %d, %d)) == 0) -- RLIMIT_FSIZE
]]):format(kill_at, kill_at))
    f:close()
    pre = ("-e \"dofile('%s')\" "):format(limiter)
  end
  return H.run_main(args, pre)
end

describe('examples/gtsrb/main.lua checkpoints', function()
  setup(function()
    os.execute('rm -rf ' .. tmp .. ' && mkdir -p ' .. tmp .. '/ck')
    dofile('tools/make_fake_gtsrb.lua').make(tree, { classes = 43, tracks = 2, frames = 3, test = 1, seed = 3 })
  end)
  teardown(function() os.execute('rm -rf ' .. tmp) end)

  it('a kill while the checkpoint is written leaves the previous one usable, and --resume ends as an uninterrupted run',
    function()
      local args = '--data ' .. tree .. ' -n -1 -b 10 --cnn 6,6,8 --no_lnorm --no_cnorm --st --locnet 4,4,4 --mom 0.9'
      local straight = tmp .. '/straight.ck'
      local out, status = main(args .. ' -e 2 -o ' .. straight)
      assert.are.equal(0, status, out)

      local ck = tmp .. '/ck/model.ck'
      out, status = main(args .. ' -e 1 -o ' .. ck)
      assert.are.equal(0, status, out)
      local epoch1 = read(ck)
      local at = math.floor(#epoch1 / 2) -- about the middle of the next checkpoint

      -- epoch 2 runs, then the kernel stops the process at byte `at` of its checkpoint
      out, status = main(args .. ' -e 2 --resume -o ' .. ck, at)
      assert.truthy(out:find('Starting epoch 2', 1, true), out)
      assert.are.equal(153, status, out) -- 128 + SIGXFSZ: killed, not an error it handled
      local names = listing(tmp .. '/ck')
      assert.are.equal(2, #names, table.concat(names, ' '))
      assert.truthy(names[2]:match('^model%.ck%.tmp%-%w+$'), names[2])
      assert.are.equal(at, #read(tmp .. '/ck/' .. names[2]), 'the kill came in the middle of the write')
      assert.are.equal(epoch1, read(ck), 'the previous checkpoint is untouched')
      assert.are.equal(1, stn.load(ck).epoch)

      -- resuming from it gives the uninterrupted run's weights, and cleans up the dead temporary
      out, status = main(args .. ' -e 2 --resume -o ' .. ck)
      assert.are.equal(0, status, out)
      assert.truthy(out:find('Starting epoch 2', 1, true) and not out:find('Starting epoch 1', 1, true), out)
      assert.are.same({ 'model.ck' }, listing(tmp .. '/ck'))
      local resumed, uninterrupted = stn.load(ck), stn.load(straight)
      assert.are.equal(2, resumed.epoch)
      H.assert_equal(resumed.model:getParameters(), uninterrupted.model:getParameters(),
        'weights after 1 epoch + a killed epoch 2 + a resumed epoch 2 vs 2 epochs')
    end)
end)
