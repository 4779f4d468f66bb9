-- The README's example network runs as printed (so the front page stays true).
local H = require 'helpers'

describe('README.md', function()
  it("its example network runs and gives 8 x 10 scores", function()
    local f = assert(io.open('README.md'))
    local text = f:read('*a')
    f:close()
    local code = assert(text:match('```lua\n(.-)```'), 'README.md has a ```lua block')
    code = code:gsub('print%((.-)%)\n$', 'return %1\n')
    local out = assert(loadstring(code, 'README.md example'))()
    assert.are.same({ 8, 10 }, out:size():totable())
  end)
end)
