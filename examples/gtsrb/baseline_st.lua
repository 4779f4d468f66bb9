-- baseline_st.lua: gtsrb.torch's sweep of networks with spatial transformers, on the
-- validation set. Results go to baseline_st.md; rows already there are skipped.
--   luajit baseline_st.lua            run the sweep
--   luajit baseline_st.lua --dry-run  print one command per configuration instead
package.path = (debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './') .. '?.lua;' .. package.path
local bench_utils = require 'bench_utils'
for _, a in ipairs(arg) do if a == '--dry-run' then bench_utils.dry_run = true end end

local output = bench_utils.dir .. 'baseline_st.md'
bench_utils.open_table(output, 'Results of baseline_st.lua on GTSRB (accuracy on the validation set).')

local function say(msg) if not bench_utils.dry_run then print(msg) end end

say('Running best result with full dataset.')
bench_utils.run_test({ { '-n -1 --st --locnet 100,200,100', { true } } }, output)

say('Running main tests.')
bench_utils.run_test({
  { '--val', { true } },
  { '--no_lnorm', { false, true } },
  { '--no_cnorm', { false, true } },
  { '--st', { true } },
  { '--sca --tra', { false, true } },
  { '--locnet ', { false, '20,20,20', '60,60,60', '100,100,100', '50,100,50', '100,200,100', '100,100,50', '150,150,100' } },
}, output)

say('Running extra tests with bigger localization networks.')
bench_utils.run_test({
  { '--val', { true } },
  { '--st', { true } },
  { '--sca --tra', { false, true } },
  { '--locnet ', { '141,141,141', '150,150,150', '200,200,200', '250,250,250', '150,250,150', '200,300,200' } },
}, output)

say('Running tests with multiple spatial transformers.')
bench_utils.run_test({
  { '--val', { true } },
  { '--st', { true } },
  { '--locnet ', { '""', '150,150,150', '150,250,150' } },
  { '--locnet2 ', { '150,150,150', '150,250,150', '75,75,75', '75,125,75' } },
}, output)

say('Running test with the idsia network.')
bench_utils.run_test({
  { '--val', { true } },
  { '--net ', { 'idsia_net.lua' } },
  { '--cnn ', { '100,150,250,300', '150,200,300,350' } },
  { '--st', { true } },
  { '--sca --tra', { false, true } },
  { '--locnet ', { '100,200,100', '150,250,150' } },
}, output)

say('Running tests with multiple spatial transformers on the idsia network.')
bench_utils.run_test({
  { '--val', { true } },
  { '--st', { true } },
  { '--net ', { 'idsia_net.lua' } },
  { '--cnn ', { '150,200,300,350', '200,250,350,400' } },
  { '--locnet ', { '""', '150,150,150', '200,300,200' } },
  { '--locnet2 ', { false, '150,150,150', '75,75,75' } },
  { '--locnet3 ', { false, '150,150,150', '75,75,75' } },
}, output)
