-- The FFI declarations come from the library (stn_cdef(), generated from csrc/stn.h at
-- build time); this spec proves the library loaded was built from the header in this
-- checkout, so Lua and C cannot drift apart unnoticed.
local ffi = require 'ffi'
local core = require 'stn.ffi'

local root = debug.getinfo(1, 'S').source:match('^@(.*)spec/[^/]*$') or './'

describe('the FFI declarations', function()
  it('are the marked block of csrc/stn.h, less the STN_API marks', function()
    local f = assert(io.open(root .. 'csrc/stn.h', 'rb'))
    local header = f:read('*a')
    f:close()
    local block = header:match('/%* STN_CDEF_BEGIN %*/(.*)/%* STN_CDEF_END %*/')
    assert.is_not_nil(block, 'markers not found in csrc/stn.h')
    block = block:gsub('STN_API ', '')
    local built = ffi.string(core.C.stn_cdef())
    if built ~= block then
      -- name the first line that differs
      local i = 1
      while built:sub(i, i) == block:sub(i, i) do i = i + 1 end
      local line = select(2, block:sub(1, i):gsub('\n', '')) + 1
      error(('the library\'s cdef differs from csrc/stn.h at line %d of the block (rebuild with `make`)'):format(line))
    end
  end)

  it('declare every public function the Tensor methods call', function()
    for _, name in ipairs { 'stn_reduce_all', 'stn_reduce_dim', 'stn_index_select', 'stn_index_copy', 'stn_addmm',
      'stn_baddbmm', 'stn_addmv', 'stn_uniform', 'stn_normal', 'stn_bernoulli', 'stn_randperm' } do
      assert.are.equal('cdata', type(core.C[name]), name)
    end
  end)
end)
