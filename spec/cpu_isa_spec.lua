-- The CPU kernels' instruction-set path: reported, switchable to every path the CPU runs,
-- refused above it (the kernels' own comparisons across paths are in cpu_paths specs).
local H = require('helpers')
local stn = H.stn

describe('CPU instruction-set paths', function()
  local ORDER = { 'generic', 'avx2', 'avx512' }
  local RANK = { generic = 1, avx2 = 2, avx512 = 3 }
  local info = stn.cpuInfo()
  after_each(function() stn.setCPUPath(info.supported) end)

  it('reports the model, the path in use and the best supported path', function()
    assert.is_string(info.model)
    assert.is_true(#info.model > 0)
    assert.is_not_nil(RANK[info.path])
    assert.is_not_nil(RANK[info.supported])
    assert.is_true(RANK[info.path] <= RANK[info.supported])
    assert.equal(info.path, stn.cpuPath())
  end)

  it('switches to every path the CPU runs and refuses the others by name', function()
    for r, name in ipairs(ORDER) do
      if r <= RANK[info.supported] then
        stn.setCPUPath(name)
        assert.equal(name, stn.cpuPath())
      else
        H.assert_error(function() stn.setCPUPath(name) end, 'this CPU cannot run the ' .. name .. ' path')
      end
    end
    H.assert_error(function() stn.setCPUPath('sse9') end, 'stn: setCPUPath: unknown instruction-set path sse9')
    H.assert_error(function() stn.setCPUPath(2) end, 'unknown instruction-set path 2')
  end)

  it('takes the path from STN_CPU when stn loads, and refuses a bad value', function()
    local out, status = H.run_script('print(require("stn").cpuPath())', false, { STN_CPU = 'generic' })
    assert.equal(0, status)
    assert.equal('generic', out:match('%S+'))
    local bad, bad_status = H.run_script('require("stn")', false, { STN_CPU = 'avx3' })
    assert.is_true(bad_status ~= 0)
    assert.truthy(bad:find('STN_CPU: unknown instruction-set path avx3', 1, true))
  end)
end)
