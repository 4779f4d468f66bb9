-- The GTSRB experiment (examples/gtsrb) end to end on a tiny fake GTSRB tree: main.lua
-- with every transformer option, checkpoints and --eval, --resume, the failure exits,
-- and the sweep helpers.
local H = require 'helpers'
local stn = H.stn

local root = os.getenv('PWD') or '.'
local tmp = root .. '/spec/tmp/experiment'
local tree = tmp .. '/GTSRB'
local luajit = arg and arg[-1] or 'luajit'
if not luajit:match('luajit') then luajit = 'luajit' end

-- Runs main.lua from examples/gtsrb (as the seed's command does) with args; returns its
-- output and exit status.
local function main(args)
  -- the checkout's lua/ first, then whatever path this process had (penlight may live there)
  local inherited = (os.getenv('LUA_PATH') or ''):gsub(';;$', '')
  local cmd = ("cd %s/examples/gtsrb && LUA_PATH='%s/lua/?.lua;%s/lua/?/init.lua;%s;;' %s main.lua --no_cuda --threads 2 %s 2>&1; echo \"EXIT:$?\"")
    :format(root, root, root, inherited, luajit, args)
  local p = io.popen(cmd)
  local out = p:read('*a')
  p:close()
  local status = tonumber(out:match('EXIT:(%d+)%s*$'))
  return out:gsub('EXIT:%d+%s*$', ''), status
end

local function last_line(s)
  local last
  for line in s:gmatch('[^\n]+') do last = line end
  return last
end

local tiny = '--data ' .. tree .. ' -n -1 -b 10 --cnn 6,6,8 --no_lnorm --no_cnorm'
local idsia = '--data ' .. tree .. ' -n -1 -b 10 --net idsia_net.lua --cnn 6,6,6,12 --no_lnorm'

describe('examples/gtsrb/main.lua', function()
  setup(function()
    os.execute('rm -rf ' .. tmp .. ' && mkdir -p ' .. tmp)
    dofile('tools/make_fake_gtsrb.lua').make(tree, { classes = 43, tracks = 2, frames = 3, test = 1, seed = 3 })
  end)

  it('trains the IDSIA network with transformers at all three places, logs, saves, and --eval reproduces the accuracy', function()
    local ck, log = tmp .. '/idsia.ck', tmp .. '/idsia.jsonl'
    local out, status = main(idsia .. ' --st --locnet 4,4,4 --locnet2 4,4,4 --locnet3 4,4,4 --rot --sca --tra -e 1 --script'
      .. ' -o ' .. ck .. ' --log ' .. log)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('<transformer 3>', 1, true), 'three transformers are watched')
    local accuracy = tonumber(last_line(out))
    assert.is_number(accuracy, out)
    assert.is_true(accuracy >= 0 and accuracy <= 1)
    local f = assert(io.open(log))
    local record = require('cjson').decode(f:read('*l'))
    f:close()
    assert.are.equal(1, record.epoch)
    assert.are.equal(accuracy, record.accuracy)
    for _, key in ipairs { 'train_loss', 'test_loss', 'seconds', 'samples_per_s' } do assert.is_number(record[key]) end
    local eval_out, eval_status = main(idsia .. ' --eval --script -o ' .. ck)
    assert.are.equal(0, eval_status, eval_out)
    assert.are.equal(accuracy, tonumber(last_line(eval_out)))
  end)

  it('--resume continues exactly as if never stopped (same weights, bit for bit)', function()
    local a, b = tmp .. '/straight.ck', tmp .. '/resumed.ck'
    local args = tiny .. ' --st --locnet 4,4,4 --mom 0.9 --locnet_lr 0.1'
    local out, status = main(args .. ' -e 2 -o ' .. a)
    assert.are.equal(0, status, out)
    out, status = main(args .. ' -e 1 -o ' .. b)
    assert.are.equal(0, status, out)
    out, status = main(args .. ' -e 2 --resume -o ' .. b)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('Starting epoch 2', 1, true) and not out:find('Starting epoch 1', 1, true), out)
    local ca, cb = stn.load(a), stn.load(b)
    assert.are.equal(2, cb.epoch)
    local pa, pb = ca.model:getParameters(), cb.model:getParameters()
    H.assert_equal(pa, pb, 'weights after 2 epochs vs 1 + resumed 1')
  end)

  it('exits with status 1 and the download command when the data is missing', function()
    local out, status = main('--data ' .. tmp .. '/nowhere -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('tools/get_gtsrb', 1, true), out)
    assert.truthy(out:find(tmp .. '/nowhere', 1, true), out)
  end)

  it('stops on a loss that is no longer finite, naming the epoch and the batch', function()
    local out, status = main(tiny .. ' -e 1 --lr 1e39') -- infinite in float32
    assert.are.equal(1, status, out)
    assert.truthy(out:find('at epoch 1, batch %d+'), out)
  end)

  it('exits with status 1 naming the file when an image is truncated', function()
    local broken = tmp .. '/broken'
    os.execute(('rm -rf %s && cp -r %s %s'):format(broken, tree, broken))
    local ppm = broken .. '/Final_Training/Images/00005/00001_00002.ppm'
    local f = assert(io.open(ppm, 'rb'))
    local bytes = f:read('*a')
    f:close()
    f = assert(io.open(ppm, 'wb'))
    f:write(bytes:sub(1, #bytes - 100))
    f:close()
    local out, status = main('--data ' .. broken .. ' -n -1 -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('00001_00002.ppm', 1, true), out)
  end)

  it('rejects an unknown data set and --resume without a checkpoint', function()
    local out, status = main('--dataset mnist -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('unknown --dataset', 1, true), out)
    out, status = main(tiny .. ' --resume')
    assert.are.equal(1, status)
    assert.truthy(out:find('--resume needs -o', 1, true), out)
  end)
end)

describe('examples/gtsrb/bench_utils.lua', function()
  local bench_utils = dofile('examples/gtsrb/bench_utils.lua')

  it('lists every combination in the original order', function()
    local list = bench_utils.combinations({ { '--val', { true } }, { '--ms', { false, true } }, { '--cnn ', { 'a', 'b' } } })
    assert.are.same({ '--val  --cnn a', '--val --ms --cnn a', '--val  --cnn b', '--val --ms --cnn b' }, list)
  end)

  it('skips the configurations already in the table, and runs the others once each', function()
    local table_path = tmp .. '/sweep.md'
    os.remove(table_path)
    bench_utils.open_table(table_path, 'test')
    local f = assert(io.open(table_path, 'a'))
    f:write('| --val --cnn a | 0.5 |\n')
    f:close()
    local ran = {}
    local real = bench_utils.run_one
    bench_utils.run_one = function(args) ran[#ran + 1] = args; return 0.25, '' end
    bench_utils.run_test({ { '--val', { true } }, { '--cnn ', { 'a', 'b' } } }, table_path)
    bench_utils.run_test({ { '--val', { true } }, { '--cnn ', { 'a', 'b' } } }, table_path)
    bench_utils.run_one = real
    assert.are.same({ '--val --cnn b' }, ran)
    assert.is_true(bench_utils.done(table_path)['--val --cnn b'])
  end)

  it('prints one self-contained command per configuration with --dry-run', function()
    local p = io.popen('cd examples/gtsrb && ' .. luajit .. ' baseline_st.lua --dry-run')
    local lines = {}
    for line in p:lines() do lines[#lines + 1] = line end
    p:close()
    assert.are.equal(151, #lines)
    assert.truthy(lines[1]:find('bench_utils.lua --one ', 1, true), lines[1])
    assert.truthy(lines[1]:find("baseline_st.md' -n -1 --st --locnet 100,200,100", 1, true), lines[1])
  end)
end)
