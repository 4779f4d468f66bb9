-- bench_utils.lua: parameter sweeps over main.lua, as gtsrb.torch's run_test: every
-- combination of the given option values runs as its own process and adds one row
-- "| arguments | accuracy |" to a markdown table. Rows already in the table are skipped,
-- so an interrupted sweep picks up where it stopped. With --dry-run, the sweep prints
-- one self-contained command per configuration instead (for GNU parallel or a Slurm
-- job array); each such command runs one configuration and appends its row:
--   luajit bench_utils.lua --one OUTPUT.md ARGUMENTS...
local bench_utils = {
  dry_run = false,
  luajit = arg and arg[-1] or 'luajit',
}
-- this folder, absolute, so that printed commands run from anywhere
do
  local dir = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './'
  if dir:sub(1, 1) ~= '/' then dir = (os.getenv('PWD') or '.') .. '/' .. dir end
  bench_utils.dir = dir:gsub('/%./', '/'):gsub('/%.?/?$', '/')
end

-- Every combination, in the original's order: param = {option, {values}}, where a value
-- of true adds the bare option, false leaves it out, anything else is appended to it.
function bench_utils.combinations(params)
  local args
  for _, param in ipairs(params) do
    local next_args = {}
    for _, value in ipairs(param[2]) do
      local opt = ''
      if value == true then opt = param[1] elseif value ~= false then opt = param[1] .. value end
      if not args then next_args[#next_args + 1] = opt
      else for _, a in ipairs(args) do next_args[#next_args + 1] = a .. ' ' .. opt end end
    end
    args = next_args
  end
  return args or {}
end

local function normalize(a) return (a:gsub('%s+', ' '):gsub('^ ', ''):gsub(' $', '')) end

-- The argument strings already in the table at path.
function bench_utils.done(path)
  local done, f = {}, io.open(path, 'r')
  if not f then return done end
  for line in f:lines() do
    local a, acc = line:match('^| (.-) | (.-) |$')
    if a and a ~= '' and tonumber(acc) then done[normalize(a)] = true end
  end
  f:close()
  return done
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Runs main.lua --script with args; returns the accuracy (its last line) or nil, output.
function bench_utils.run_one(args)
  local cmd = ('cd %s && %s main.lua --script %s 2>&1'):format(quote(bench_utils.dir), quote(bench_utils.luajit), args)
  local handle = io.popen(cmd)
  local last, all = nil, {}
  for line in handle:lines() do last = line; all[#all + 1] = line end
  handle:close()
  return tonumber(last), table.concat(all, '\n')
end

local function append_row(path, args, accuracy)
  local f = assert(io.open(path, 'a'))
  f:write(('| %s | %s |\n'):format(args, accuracy)) -- one short write: safe for concurrent jobs
  f:close()
end

-- Runs (or, with dry_run, prints) every configuration not yet in the table at output.
function bench_utils.run_test(params, output)
  if type(output) ~= 'string' then error('bench_utils.run_test: output must be a path to a markdown file', 2) end
  local done = bench_utils.done(output)
  local list = bench_utils.combinations(params)
  for i, args in ipairs(list) do
    args = normalize(args)
    if bench_utils.dry_run then
      print(('cd %s && %s bench_utils.lua --one %s %s'):format(quote(bench_utils.dir), quote(bench_utils.luajit), quote(output), args))
    elseif done[args] then
      print(('[%d/%d] %s: already in %s'):format(i, #list, args, output))
    else
      print(('[%d/%d] %s'):format(i, #list, args))
      local accuracy, log = bench_utils.run_one(args)
      if accuracy then
        append_row(output, args, accuracy)
        done[args] = true
      else
        io.stderr:write(('bench_utils: %s failed; its output ends with:\n%s\n'):format(args, log:sub(-2000)))
      end
    end
  end
end

-- Writes the table's header when the file is new.
function bench_utils.open_table(path, title)
  if bench_utils.dry_run then return end -- each printed command creates it when needed
  local f = io.open(path, 'r')
  if f then f:close(); return end
  f = assert(io.open(path, 'w'))
  f:write('## Results\n', title, '\n\n| Command line arguments | accuracy |\n| --------------------- | ----- |\n')
  f:close()
end

-- Script mode: `luajit bench_utils.lua --one OUTPUT ARGS...` runs one configuration.
if arg and arg[0] and arg[0]:match('bench_utils%.lua$') and arg[1] == '--one' then
  local output = arg[2]
  local args = normalize(table.concat(arg, ' ', 3))
  if bench_utils.done(output)[args] then print(args .. ': already done'); os.exit(0) end
  local accuracy, log = bench_utils.run_one(args)
  if not accuracy then io.stderr:write(log:sub(-2000), '\n'); os.exit(1) end
  bench_utils.open_table(output, 'Results of a sweep (accuracy as printed by main.lua --script).')
  append_row(output, args, accuracy)
  print(args .. ' | ' .. accuracy)
end

return bench_utils
