-- Bad input: every mistake raises a Lua error that names the operation and the sizes
-- involved and points at the caller's line. Nothing crashes.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

-- The error of fn (which must fail), asserting that it points at this file.
local function error_here(fn)
  local ok, err = pcall(fn)
  assert.is_false(ok)
  assert.truthy(tostring(err):find('tensor_errors_spec.lua:%d+:'), 'error does not point at the caller: ' .. tostring(err))
  return err
end

describe('Tensor errors', function()
  it('wrong sizes at construction and resize', function()
    H.assert_error(function() T(2, -3) end, 'stn: FloatTensor', 'size 2 must be a non-negative integer, got -3')
    H.assert_error(function() T(2.5) end, 'size 1 must be a non-negative integer, got 2.5')
    H.assert_error(function() T(1, 1, 1, 1, 1, 1, 1, 1, 1) end, '9 dimensions asked, at most 8')
    H.assert_error(function() T(2):resize(-1) end, 'Tensor:resize')
  end)

  it('mismatched shapes in element-wise ops and copies name both shapes', function()
    H.assert_error(function() T(3):add(T(2, 2)) end, 'Tensor:add', 'b has 4 elements (2x2) but 3 (3) are needed')
    H.assert_error(function() T(2, 3):cmul(T(5)) end, 'Tensor:cmul', '(5)', '(2x3)')
    H.assert_error(function() T(3):addcmul(1, T(3), T(4)) end, 'Tensor:addcmul', 'c has 4 elements')
    H.assert_error(function() T(4):copy(T(2, 3)) end, 'Tensor:copy', 'dst has 4 elements (4) but src has 6 (2x3)')
    H.assert_error(function() T(2, 3):view(4, 2) end, 'Tensor:view', '4x2 has 8 elements', '(2x3) has 6')
  end)

  it('mismatched shapes in matrix products', function()
    H.assert_error(function() stn.mm(T(2, 3), T(4, 2)) end, 'Tensor:mm', 'cannot multiply 2x3 by 4x2')
    H.assert_error(function() T():addmv(T(5), T(2, 3), T(3)) end, 'Tensor:addmv', 'v is 5', '2x3')
    H.assert_error(function() T():baddbmm(T(2, 2, 2), T(2, 2, 3), T(3, 3, 2)) end, 'Tensor:baddbmm', '2x2x3 by 3x3x2')
  end)

  it('out-of-range dims', function()
    local t = T(2, 3)
    H.assert_error(function() t:select(0, 1) end, 'Tensor:select', 'dimension 0 out of range for a 2-D tensor (2x3)')
    H.assert_error(function() t:narrow(3, 1, 1) end, 'Tensor:narrow', 'dimension 3 out of range')
    H.assert_error(function() t:transpose(1, 5) end, 'Tensor:transpose', 'dimension 5 out of range')
    H.assert_error(function() t:size(4) end, 'Tensor:size', 'dimension 4 out of range')
    H.assert_error(function() t:mean(3) end, 'Tensor:mean', 'dimension 3 out of range for a 2-D tensor (2x3)')
    H.assert_error(function() t:index(0, { 1 }) end, 'Tensor:index', 'dimension 0 out of range')
    H.assert_error(function() stn.cat(t, t, 0) end, 'Tensor:cat', 'dimension 0 out of range')
    H.assert_error(function() stn.cat(t, t, 9) end, 'Tensor:cat', 'dimension 9 out of range')
  end)

  it('out-of-range indices', function()
    local t = T(2, 3)
    H.assert_error(function() return t[3] end, 'index 3 out of range for dimension 1 of size 2')
    H.assert_error(function() t:narrow(2, 3, 2) end, 'Tensor:narrow', 'index 3, size 2 out of range for dimension 2 of size 3')
    H.assert_error(function() t:select(1, 0) end, 'Tensor:select', 'index 0 out of range for dimension 1 of size 2')
    H.assert_error(function() T(3)[4] = 1 end, 'index 4 out of range for dimension 1 of size 3')
    H.assert_error(function() t:index(2, { 4 }) end, 'Tensor:index', 'index 4 (entry 1) out of range for dimension 2 of size 3')
    H.assert_error(function() t:indexCopy(1, { 3 }, T(1, 3)) end, 'Tensor:indexCopy', 'index 3 (entry 1) out of range')
  end)

  it('wrong argument types name the argument', function()
    H.assert_error(function() T(2):add('x') end, 'Tensor:add', 'argument 1: expected a tensor, got string')
    H.assert_error(function() T(2):fill() end, 'Tensor:fill', 'expected a number, got nil')
    H.assert_error(function() T(2):copy({}) end, 'Tensor:copy', 'expected a tensor, got table')
    H.assert_error(function() T(2, 2):addmm(1, 2, 3, T(2, 2), T(2, 2), T(2, 2)) end, 'Tensor:addmm', 'expected ([beta,] [M,] [alpha,] a, b)')
  end)

  it('point at the caller\'s line, for methods and for stn.* functions', function()
    error_here(function() local r = T(3):add(T(4)); return r end)
    error_here(function() local r = T(2, 3):sum(5); return r end)
    error_here(function() local r = stn.mm(T(2, 3), T(2, 3)); return r end)
    error_here(function() local r = T(2, 3):index(1, { 9 }); return r end)
    error_here(function() local r = stn.sum(T(2), 2); return r end)
    error_here(function() local r = T(2):uniform(1, 0); return r end)
    error_here(function() local r = T(2, 2):max(3); return r end)
    error_here(function() local r = T(3):fill(1):cmul(T(2)); return r end)
    error_here(function() local r = T(3):pow('x'); return r end)
    error_here(function() local r = T(2, 2):addmm(T(3, 3), T(2, 2), T(2, 2)); return r end)
    error_here(function() local r = stn.cat(T(2, 2), T(3, 3), 2); return r end)
  end)

  if not H.has_cuda then
    it(':cuda() without a GPU says why', function()
      local err = error_here(function() local r = T(2):cuda(); return r end)
      assert.truthy(err:find('Tensor:cuda: no CUDA device', 1, true))
      H.assert_error(function() stn.CudaTensor(2) end, 'stn: CudaTensor: no CUDA device')
      H.assert_error(function() T(2):type('torch.CudaTensor') end, 'no CUDA device')
    end)
  end

  H.cuda_it('a CPU tensor mixed with a CUDA one names both devices and shapes', function()
    local c, g = T(2, 3), T(2, 3):cuda()
    H.assert_error(function() c:add(g) end, 'Tensor:add', 'a cpu tensor (2x3) mixed with a cuda tensor (2x3)')
    H.assert_error(function() stn.mm(g, T(3, 2)) end, 'Tensor:mm', 'cuda', 'cpu')
    H.assert_error(function() g:indexCopy(1, { 1 }, T(1, 3)) end, 'Tensor:indexCopy', 'mixed with')
    H.assert_error(function() stn.cat({ c, g }, 1) end, 'Tensor:cat', 'cannot join torch.FloatTensor 2x3 with torch.CudaTensor 2x3')
    H.assert_error(function() g:sum(c, 1) end, 'Tensor:sum', 'mixed with')
    H.assert_error(function() c:addcmul(1, c, g) end, 'Tensor:addcmul', 'mixed with')
  end)
end)
