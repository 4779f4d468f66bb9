-- baseline.lua: gtsrb.torch's sweep of the network without spatial transformers, on
-- the validation set. Results go to baseline.md; rows already there are skipped.
--   luajit baseline.lua            run the sweep
--   luajit baseline.lua --dry-run  print one command per configuration instead
package.path = (debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './') .. '?.lua;' .. package.path
local bench_utils = require 'bench_utils'
for _, a in ipairs(arg) do if a == '--dry-run' then bench_utils.dry_run = true end end

local output = bench_utils.dir .. 'baseline.md'
bench_utils.open_table(output, 'Results of baseline.lua on GTSRB (accuracy on the validation set).')

local function say(msg) if not bench_utils.dry_run then print(msg) end end

say('Running best result with full dataset.')
bench_utils.run_test({ { '--val', { true } }, { '-n -1', { true } } }, output)

say('Running main tests.')
bench_utils.run_test({
  { '--val', { true } },
  { '--cnn ', { false, '38,64,100' } },
  { '--ms', { false, true } },
  { '--no_lnorm', { false, true } },
  { '--no_cnorm', { false, true } },
  { '--mom ', { false, '0.9' } },
}, output)

say('Running idsia net tests.')
bench_utils.run_test({
  { '--val', { true } },
  { '--net ', { 'idsia_net.lua' } },
  { '--cnn ', { '100,150,250,300', '150,200,300,350' } },
}, output)
