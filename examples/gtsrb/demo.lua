-- demo.lua: the main job (`make demo`). Trains two networks on RTS Fashion-MNIST with
-- main.lua from the same seed — a baseline CNN and the same CNN behind a spatial
-- transformer — then prints both test accuracies side by side and where the logs,
-- models and pictures are.
--   luajit examples/gtsrb/demo.lua [OUTPUT_DIR] [extra main.lua options...]
local here = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './'
local out = arg[1] or 'demo-output'
local extra = table.concat(arg, ' ', 2)
os.execute('mkdir -p ' .. out)

-- --dampening 0: PyTorch's momentum, as in the reference run the demo is compared with
-- (main.lua's --mom keeps Torch7's damped momentum, which makes 10x smaller steps here;
-- both runs' figures are in docs/experiments.md).
local common = '--dataset fmnist-rts --cnn 32,64,128 --no_cnorm --no_lnorm --mom 0.9 --dampening 0 -e 10 ' .. extra
local runs = {
  { name = 'baseline', args = common },
  { name = 'transformer', args = common .. ' --st --locnet 20,20,20 --locnet_lr 0.1', viz = true },
}

local function clock()
  local ok, stn = pcall(require, 'stn')
  return ok and stn.clock() or os.time()
end

local function read_log(path)
  local records, f = {}, io.open(path, 'r')
  if not f then return records end
  local cjson = require 'cjson'
  for line in f:lines() do records[#records + 1] = cjson.decode(line) end
  f:close()
  return records
end

local luajit = arg[-1] or 'luajit'
for _, run in ipairs(runs) do
  run.log = ('%s/%s.jsonl'):format(out, run.name)
  run.model = ('%s/%s.model'):format(out, run.name)
  os.remove(run.log)
  local viz = run.viz and (' --viz %s/pictures'):format(out) or ''
  local cmd = ('%s %smain.lua %s --log %s -o %s%s'):format(luajit, here, run.args, run.log, run.model, viz)
  print('== ' .. run.name .. ': ' .. cmd)
  local t0 = clock()
  local ok = os.execute(cmd)
  run.seconds = clock() - t0
  if not (ok == 0 or ok == true) then
    io.stderr:write('demo: the ' .. run.name .. ' run failed\n')
    os.exit(1)
  end
end

print()
print(('%-12s %10s %10s %10s %10s'):format('network', 'accuracy', 'best', 'epochs', 'minutes'))
for _, run in ipairs(runs) do
  local records = read_log(run.log)
  local last, best = records[#records], 0
  for _, r in ipairs(records) do best = math.max(best, r.accuracy) end
  print(('%-12s %9.2f%% %9.2f%% %10d %10.1f'):format(run.name, 100 * last.accuracy, 100 * best, #records, run.seconds / 60))
end
print()
print('logs:     ' .. runs[1].log .. ', ' .. runs[2].log)
print('models:   ' .. runs[1].model .. ', ' .. runs[2].model)
if io.open(out .. '/pictures', 'r') then print('pictures: ' .. out .. '/pictures/') end
local curves = out .. '/curves.png'
local plot = ('%s %splot.lua --curves %s %s -o %s'):format(luajit, here, runs[1].log, runs[2].log, curves)
if io.open(here .. 'plot.lua', 'r') and (os.execute(plot .. ' >/dev/null 2>&1') == 0) then print('curves:   ' .. curves) end
