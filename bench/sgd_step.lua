-- bench/sgd_step.lua: one stn.optim.sgd step (momentum 0.9, Nesterov, weight decay)
-- over N flattened parameters: the fused kernel against the same update as Torch7's
-- sequence of separate tensor ops. Median of repeated runs; a table printed last.
--   luajit bench/sgd_step.lua [--cuda] [--n 10000000] [--reps 15] [--threads N (default: stn's)]
package.path = './lua/?.lua;./lua/?/init.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'

local opts = common.options('bench/sgd_step.lua', arg, { n = 10000000, reps = 15, cuda = false, threads = 0 },
  { cuda = function(o) o.cuda = true end })
if opts.threads > 0 then stn.setnumthreads(opts.threads) end

local now = stn.clock

-- Torch7's optim.sgd update for these options, one tensor op at a time.
local function separate_ops(x, dfdx, state, cfg)
  dfdx:add(cfg.weightDecay, x)
  state.dfdx:mul(cfg.momentum):add(1 - cfg.dampening, dfdx)
  dfdx:add(cfg.momentum, state.dfdx)
  x:add(-cfg.learningRate, dfdx)
end

local function time(fn)
  local times = {}
  for r = 1, opts.reps + 2 do
    stn.synchronize()
    local t0 = now()
    fn()
    stn.synchronize()
    if r > 2 then times[#times + 1] = now() - t0 end -- two warm-up runs
  end
  return common.median(times)
end

local function setup()
  local x, g = stn.Tensor(opts.n):uniform(-1, 1), stn.Tensor(opts.n):uniform(-1, 1)
  if opts.cuda then x, g = x:cuda(), g:cuda() end
  return x, g
end

local cfg = { learningRate = 1e-3, momentum = 0.9, dampening = 0, nesterov = true, weightDecay = 5e-4 }
local x, g = setup()
local state = {}
local fused = time(function() stn.optim.sgd(function() return 0, g end, x, cfg, state) end)
local x2, g2 = setup()
local state2 = { dfdx = g2:clone() }
local sep = time(function() separate_ops(x2, g2, state2, cfg) end)

local device = opts.cuda and ('cuda: ' .. (stn.cudaDeviceName() or '?'))
  or ('cpu, %d threads, %s path'):format(stn.getnumthreads(), stn.cpuPath())
print(('sgd step, %d parameters, %s, median of %d'):format(opts.n, device, opts.reps))
print(('%-28s %10s %12s'):format('variant', 'ms', 'GB/s'))
-- the fused step reads x, dfdx, buf and writes all three: 6 x 4 bytes per parameter
local bytes = 24 * opts.n
print(('%-28s %10.3f %12.1f'):format('fused kernel (stn_sgd_step)', fused * 1e3, bytes / fused / 1e9))
print(('%-28s %10.3f %12s'):format('separate tensor ops', sep * 1e3, '-'))
