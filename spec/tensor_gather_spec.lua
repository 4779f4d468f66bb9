-- gather and scatter (a tensor or a value) with LongTensor indices, on every element type.
local H = require 'helpers'
local stn = H.stn
local T, L = stn.Tensor, stn.LongTensor

local TYPES = { 'FloatTensor', 'DoubleTensor', 'LongTensor', 'IntTensor', 'ByteTensor', 'CharTensor', 'ShortTensor' }
local M = { { 1, 2, 3 }, { 4, 5, 6 } }

describe('Tensor:gather', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': picks along a dim, the result has the index\'s shape and x\'s type', function()
      local x = stn[name](M)
      local r = x:gather(2, L { { 3, 1 }, { 2, 2 } })
      assert.are.equal('torch.' .. name, r:type())
      assert.are.same({ { 3, 1 }, { 5, 5 } }, r:totable())
      r = x:gather(1, L { { 2, 1, 2 } })
      assert.are.same({ { 4, 2, 6 } }, r:totable())
      local res = stn[name]()
      assert.are.equal(res, res:gather(x, 1, L { { 1, 1, 1 }, { 2, 2, 2 } }))
      assert.are.same(M, res:totable())
      assert.are.same({ { 2 }, { 6 } }, stn.gather(x, 2, L { { 2 }, { 3 } }):totable())
    end)
  end

  it('reads transposed views and writes into a result that is the source', function()
    local x = T(M):t() -- 3x2
    assert.are.same({ { 4, 1 }, { 5, 5 }, { 3, 6 } }, x:gather(2, L { { 2, 1 }, { 2, 2 }, { 1, 2 } }):totable())
    local y = T(M)
    y:gather(y, 2, L { { 3, 3, 3 }, { 1, 1, 1 } })
    assert.are.same({ { 3, 3, 3 }, { 4, 4, 4 } }, y:totable())
  end)

  it('gathers with the indices max gives', function()
    local x = T { { 1, 9, 3 }, { 8, 2, 7 } }
    local idx = L { { 2 }, { 1 } }
    assert.are.same({ { 9 }, { 8 } }, x:gather(2, idx):totable())
  end)

  it('refuses bad indices, naming the op, the entry and the value', function()
    local x = T(M)
    H.assert_error(function() x:gather(2, L { { 1, 4 }, { 1, 1 } }) end, 'Tensor:gather', 'stn_gather',
      'index 4 (entry 2) out of range for dimension 2 of size 3 (2x3)')
    H.assert_error(function() x:gather(1, L { { 0, 1, 1 } }) end, 'index 0 (entry 1) out of range for dimension 1 of size 2')
    H.assert_error(function() x:gather(2, T { { 1 }, { 2 } }) end, 'Tensor:gather', 'index must be a torch.LongTensor',
      'got torch.FloatTensor')
    H.assert_error(function() x:gather(2, { { 1 }, { 2 } }) end, 'index must be a torch.LongTensor', 'got table')
    H.assert_error(function() x:gather(2, L { 1, 2 }) end, 'stn_gather', 'index (2) must have the 2 dims of src (2x3)')
    H.assert_error(function() x:gather(2, L { { 1 }, { 2 }, { 3 } }) end, 'stn_gather',
      'index is 3x1 but src is 2x3: they must have the same sizes except at dimension 2')
    H.assert_error(function() x:gather(3, L { { 1 } }) end, 'Tensor:gather', 'dimension 3 out of range')
    H.assert_error(function() T():gather(stn.IntTensor(M), 1, L { { 1, 1, 1 } }) end, 'Tensor:gather',
      'the result is a Float tensor but the op makes Int ones')
  end)
end)

describe('Tensor:scatter', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': writes src or a value at the indexed places, in place', function()
      local x = stn[name] { { 0, 0, 0 }, { 0, 0, 0 } }
      assert.are.equal(x, x:scatter(2, L { { 3, 1 }, { 2, 3 } }, stn[name] { { 1, 2 }, { 3, 4 } }))
      assert.are.same({ { 2, 0, 1 }, { 0, 3, 4 } }, x:totable())
      x:scatter(1, L { { 2, 1, 2 } }, 9)
      assert.are.same({ { 2, 9, 1 }, { 9, 3, 9 } }, x:totable())
      assert.are.equal(x, stn.scatter(x, 1, L { { 1, 1, 1 } }, 5))
      assert.are.same({ 5, 5, 5 }, x[1]:totable())
    end)
  end

  it('a repeated position in a line keeps the last write; src may be longer at dim', function()
    local x = T(1, 3):zero()
    x:scatter(2, L { { 2, 2, 2 } }, T { { 1, 2, 3, 4 } })
    assert.are.same({ { 0, 3, 0 } }, x:totable())
  end)

  it('refuses bad indices and sizes, naming them', function()
    local x = T(2, 3):zero()
    H.assert_error(function() x:scatter(2, L { { 1 }, { 5 } }, 1) end, 'Tensor:scatter', 'stn_scatter_fill',
      'index 5 (entry 2) out of range for dimension 2 of size 3 (2x3)')
    H.assert_error(function() x:scatter(1, L { { 3, 1, 1 } }, T(1, 3)) end, 'stn_scatter', 'index 3 (entry 1) out of range')
    H.assert_error(function() x:scatter(2, L { { 1, 2 }, { 1, 2 } }, T(2, 1)) end, 'stn_scatter',
      'index is 2x2 but src is 2x1', 'where src needs at least index\'s')
    H.assert_error(function() x:scatter(2, L { { 1 }, { 2 } }, stn.DoubleTensor { { 1 }, { 2 } }) end, 'stn_scatter',
      'dst is a Float tensor but src is a Double tensor')
    H.assert_error(function() x:scatter(2, L { { 1 }, { 2 } }, 'a') end, 'Tensor:scatter', 'expected a tensor or a number')
    H.assert_error(function() stn.ByteTensor(2, 2):scatter(2, L { { 1 }, { 2 } }, -1) end, 'value -1 does not fit a Byte tensor')
    H.assert_error(function() stn.CharTensor(2, 2):scatter(2, L { { 1 }, { 2 } }, 128) end, 'value 128 does not fit a Char tensor')
    assert.are.same({ { -32768 } }, stn.ShortTensor(1, 1):scatter(2, L { { 1 } }, -32768):totable())
    H.assert_error(function() x:scatter(2, stn.IntTensor { { 1 }, { 2 } }, 1) end, 'index must be a torch.LongTensor',
      'got torch.IntTensor')
  end)
end)

describe('indexing on CUDA', function()
  H.cuda_it('takes CudaLongTensor indices and CudaByteTensor masks, and checks them on the host', function()
    local x = T(M):cuda()
    local r = x:gather(2, L { { 3, 1 }, { 2, 2 } }:cudaLong())
    assert.are.equal('torch.CudaTensor', r:type())
    assert.are.same({ { 3, 1 }, { 5, 5 } }, r:totable())
    H.assert_error(function() x:gather(2, L { { 1, 4 }, { 1, 1 } }:cudaLong()) end, 'Tensor:gather',
      'index 4 (entry 2) out of range for dimension 2 of size 3 (2x3)')
    H.assert_error(function() x:gather(2, L { { 1 }, { 2 } }) end, 'Tensor:gather', 'mixed with')
    assert.are.same({ { 3, 1, 3 }, { 6, 4, 6 } }, x:index(2, L { 3, 1, 3 }):totable()) -- a host index is copied
    local y = T(M):cuda()
    y:maskedFill(stn.ByteTensor { { 1, 0, 1 }, { 0, 0, 1 } }:cudaByte(), 0)
    assert.are.same({ { 0, 2, 0 }, { 4, 5, 0 } }, y:totable())
    H.assert_error(function() y:maskedFill(stn.ByteTensor { { 1, 0, 2 }, { 0, 0, 1 } }:cudaByte(), 0) end,
      'mask holds 2 at entry 3')
    local v, i = x:sort(2, true)
    assert.are.equal('torch.CudaTensor', v:type())
    assert.are.equal('torch.CudaLongTensor', i:type())
    assert.are.same({ { 3, 2, 1 }, { 6, 5, 4 } }, v:totable())
    assert.are.same({ { 3, 2, 1 }, { 3, 2, 1 } }, i:totable())
    local nz = y:nonzero()
    assert.are.equal('torch.CudaLongTensor', nz:type())
    assert.are.same({ { 1, 2 }, { 2, 1 }, { 2, 2 } }, nz:totable())
    assert.is_true(stn.ByteTensor { 1, 1 }:cudaByte():all())
  end)

  H.cuda_it('refuses CUDA tensors of other types in the kernels, by name', function()
    H.assert_error(function() stn.DoubleTensor(M):type('torch.CudaDoubleTensor'):index(1, L { 1 }:cudaLong()) end,
      'Tensor:index', 'Double tensor, expected Float')
  end)
end)
