-- Memory behind tensors: storages are counted (stn.memoryInUse), garbage results are
-- collected before they pile up, and freed CPU blocks come back for the next result
-- of the same size (csrc/core/storage.c's reuse cache, lua/stn/Tensor.lua's collection).
local H = require 'helpers'
local stn = H.stn
local ffi = require 'ffi'

describe('tensor memory', function()
  it('counts the bytes of live storages, views adding nothing', function()
    collectgarbage()
    local before = stn.memoryInUse()
    local t = stn.Tensor(1000, 250)
    assert.are.equal(before + 1000 * 250 * 4, stn.memoryInUse())
    local v = t:narrow(1, 1, 10):t()
    assert.are.equal(before + 1000 * 250 * 4, stn.memoryInUse())
    t:resize(2000, 250) -- grown in place
    assert.are.equal(before + 2000 * 250 * 4, stn.memoryInUse())
    t, v = nil, nil
    collectgarbage()
    assert.are.equal(before, stn.memoryInUse())
  end)

  it('collects unreachable results of a loop long before they fill memory', function()
    collectgarbage()
    local before = stn.memoryInUse()
    local a, b = stn.Tensor(150, 147):uniform(-1, 1), stn.Tensor(147, 2116):uniform(-1, 1)
    local bytes = 150 * 2116 * 4
    -- The rule (lua/stn/Tensor.lua): collect once storages grew by 4 MB or 16 times the
    -- Lua heap. Allocate three times that many results: kept, they would exceed it 3x.
    local step = math.max(4 * 2 ^ 20, 16 * 1024 * collectgarbage('count'))
    local peak = 0
    for _ = 1, math.ceil(3 * step / bytes) + 4 do
      local r = stn.mm(a, b)
      peak = math.max(peak, stn.memoryInUse() - before)
      assert.are.equal(2116, r:size(2))
    end
    assert.is_true(peak < 1.5 * step + 2 * bytes, ('peak %.1f MB, step %.1f MB'):format(peak / 2 ^ 20, step / 2 ^ 20))
  end)

  it('hands a freed block back for the next storage of the same size, contents intact', function()
    collectgarbage() -- other specs' garbage out, and the kept blocks freed, so the
    stn.emptyCache() -- only block of this (unusual) size in the cache is t's
    local t = stn.Tensor(517, 509):fill(3)
    local p = ffi.cast('uintptr_t', t:data())
    t = nil
    collectgarbage()
    local u = stn.Tensor(517, 509)
    assert.are.equal(p, ffi.cast('uintptr_t', u:data()))
    u:fill(-1)
    assert.are.equal(-517 * 509, u:sum())
    stn.emptyCache()
    local w = stn.Tensor(512, 512):fill(2) -- after emptying, a fresh block works as well
    assert.are.equal(2 * 512 * 512, w:sum())
  end)
end)
