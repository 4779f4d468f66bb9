-- The conformance table (spec/conformance_table.lua) run by one driver
-- (spec/conformance.lua): for each row, on the CPU, non-contiguous operands against
-- contiguous ones and the finite-difference Jacobian; on Double (the row's `double`
-- claim), the Float results within the row's tolerance in every layout and the Jacobian
-- at Torch7's tolerances; on CUDA, the CPU's results within the row's tolerance (or bit
-- for bit) in every layout, and bitwise repeats where the row claims determinism.
-- Without a GPU the CUDA cases are pending, with the reason.
-- docs/testing.md says how to add a row.
local H = require 'helpers'
local D = require 'conformance'
local rows = require 'conformance_table'

describe('conformance table', function()
  it('has unique row names and only known fields', function()
    local known = {}
    for k in ([[name kind op build inputs table_input scale state flatten host_inputs cuda cuda_why deterministic
      noncontig layouts layout_pairs jacobian jacobian_why seed _gradOutput double]]):gmatch('%S+') do known[k] = true end
    local seen = {}
    for _, row in ipairs(rows) do
      assert(not seen[row.name], 'two rows named ' .. row.name)
      seen[row.name] = true
      for k in pairs(row) do assert(known[k], ('row %s: unknown field %s'):format(row.name, k)) end
      assert(row.cuda ~= nil, row.name .. ': no CUDA claim (a tolerance, 0, or false with cuda_why)')
      assert(row.cuda ~= false or row.cuda_why, row.name .. ': cuda = false needs cuda_why')
    end
  end)

  for _, row in ipairs(rows) do
    describe(row.name, function()
      -- (a) non-contiguous operands give the contiguous result (bit for bit by default)
      if type(row.noncontig) == 'string' then
        pending('non-contiguous operands: not claimed (' .. row.noncontig .. ')')
      else
        it('gives the contiguous result with non-contiguous operands (CPU)', function()
          local expected = D.run(row, 'cpu', 'contiguous')[1]
          for _, layout in ipairs(D.layouts(row)) do
            D.compare(expected, D.run(row, 'cpu', layout)[1], row.noncontig or 0, 'CPU ' .. D.layout_name(layout))
          end
        end)
      end

      -- (b) finite differences on the CPU
      if row.jacobian then
        it('has the Jacobian of finite differences (CPU)', function() D.check_gradients(row) end)
      elseif row.jacobian_why then
        pending('Jacobian: not checked (' .. row.jacobian_why .. ')')
      end

      -- (b') Double on the CPU against the Float run, every layout; the Jacobian on Double
      -- at Torch7's step and precision
      if type(row.double) == 'string' then
        pending('Double vs Float: not claimed (' .. row.double .. ')')
      elseif row.double ~= nil then
        it('gives the Float results on Double within its tolerance (CPU)', function()
          local expected = D.run(row, 'cpu', 'contiguous')[1]
          for _, layout in ipairs(D.layouts(row)) do
            D.compare(expected, D.run(row, 'double', layout)[1], row.double, 'Double vs Float ' .. D.layout_name(layout))
          end
        end)
        if row.jacobian then
          it(('has the Jacobian of finite differences on Double (step %g, precision %g)'):format(D.DOUBLE_EPS,
            D.DOUBLE_TOL), function() D.check_gradients(row, true) end)
        end
      end

      -- (c) CUDA against the CPU, every layout
      if row.cuda == false then
        pending('CPU vs CUDA: not run (' .. row.cuda_why .. ')')
      else
        local claim = row.cuda == 0 and 'bit for bit' or 'within its tolerance'
        H.cuda_it('gives the CPU\'s results on CUDA ' .. claim .. ', forward and backward', function()
          for _, layout in ipairs(D.layouts(row)) do
            D.compare(D.run(row, 'cpu', layout)[1], D.run(row, 'cuda', layout)[1], row.cuda,
              'CUDA vs CPU ' .. D.layout_name(layout))
          end
        end)
      end

      -- (d) determinism: three runs of the same module (op) give the same bits
      if row.deterministic then
        for _, device in ipairs { 'cpu', 'cuda' } do
          local check = device == 'cpu' and it or H.cuda_it
          check(('repeats bit for bit on %s (three runs)'):format(device == 'cpu' and 'the CPU' or 'CUDA'), function()
            local runs = D.run(row, device, 'contiguous', 3)
            D.compare(runs[1], runs[2], 0, device .. ' run 2 vs run 1')
            D.compare(runs[1], runs[3], 0, device .. ' run 3 vs run 1')
          end)
        end
      end
    end)
  end
end)
