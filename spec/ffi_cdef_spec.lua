-- The FFI declarations come from the library (stn_cdef(), generated from the public
-- headers include/stn/{core,nn,spatial,io}.h at build time); this spec proves the library loaded was built from the header in this
-- checkout, so Lua and C cannot drift apart unnoticed.
local ffi = require 'ffi'
local core = require 'stn.ffi'

local root = debug.getinfo(1, 'S').source:match('^@(.*)spec/[^/]*$') or './'

describe('the FFI declarations', function()
  it('are the marked blocks of the public headers, room by room, less the STN_API marks', function()
    local parts = {}
    for _, room in ipairs { 'core', 'nn', 'spatial', 'io' } do
      local path = 'include/stn/' .. room .. '.h'
      local f = assert(io.open(root .. path, 'rb'))
      local header = f:read('*a')
      f:close()
      local part = header:match('/%* STN_CDEF_BEGIN %*/(.*)/%* STN_CDEF_END %*/')
      assert.is_not_nil(part, 'markers not found in ' .. path)
      parts[#parts + 1] = part
    end
    local block = table.concat(parts):gsub('STN_API ', '')
    local built = ffi.string(core.C.stn_cdef())
    if built ~= block then
      -- name the first line that differs
      local i = 1
      while built:sub(i, i) == block:sub(i, i) do i = i + 1 end
      local line = select(2, block:sub(1, i):gsub('\n', '')) + 1
      error(('the library\'s cdef differs from the public headers at line %d of their blocks (rebuild with `make`)'):format(line))
    end
  end)

  it('declare every public function the Tensor methods call', function()
    for _, name in ipairs { 'stn_reduce_all', 'stn_reduce_dim', 'stn_index_select', 'stn_index_copy', 'stn_addmm',
      'stn_baddbmm', 'stn_addmv', 'stn_uniform', 'stn_normal', 'stn_bernoulli', 'stn_randperm' } do
      assert.are.equal('cdata', type(core.C[name]), name)
    end
  end)
end)
