-- Torch7's packages through the entry (lua/stn/torch7.lua and lua/stn/torch7/*): require
-- 'nn', 'optim', 'image', 'paths', 'sys', 'xlua', 'cutorch', 'cunn', 'cudnn' give stn's
-- parts with Torch7's globals. Each case runs a script in a child `luajit -l stn.torch7`.
local H = require 'helpers'

local run = H.run_script

describe('Torch7 packages through stn.torch7', function()
  it("require 'nn', 'optim', 'image', 'cunn' set Torch7's globals to stn's parts", function()
    local out, status = run [[
      assert(nn == nil and optim == nil and image == nil and xlua == nil and sys == nil)
      assert(paths ~= nil, 'paths is global at once, as torch loads it')
      local n = require 'nn'
      assert(n == nn and nn == require('stn').nn and nn.Linear(2, 3):forward(torch.ones(2)):nElement() == 3)
      assert(require 'optim' == optim and type(optim.sgd) == 'function')
      assert(require 'image' == image and image.gaussian1D(5):nElement() == 5)
      assert(xlua ~= nil and sys ~= nil, "Torch7's image loads xlua, which loads sys")
      assert(require 'cunn' == nn)
      assert(table.unpack == unpack and string.gfind == string.gmatch, "Torch7's torch sets these")
      -- a class made with torch.class('nn.Foo', 'nn.Module') is nn.Foo, as in Torch7
      local Foo = torch.class('nn.FooSpec', 'nn.Module')
      assert(nn.FooSpec == Foo)
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  it('paths: names, tests, listings, mkdir/rmdir and dofile beside the calling script', function()
    local dir = os.tmpname()
    os.remove(dir)
    local out, status = run(([[
      local dir = %q
      assert(paths.concat('a', 'b', 'c.lua') == 'a/b/c.lua' and paths.concat('a/', '/abs', 'x') == '/abs/x')
      assert(paths.basename('/a/b/c.lua') == 'c.lua' and paths.basename('/a/b/c.lua', 'lua') == 'c')
      assert(paths.dirname('/a/b/c.lua') == '/a/b' and paths.dirname('c') == '.' and paths.dirname('/c') == '/')
      assert(paths.extname('x/y.t7') == 't7' and paths.extname('noext') == nil)
      assert(paths.mkdir(dir) == true and paths.dirp(dir) and not paths.filep(dir))
      local ok, msg = paths.mkdir(dir)
      assert(ok == nil and msg:find('exists'), msg)
      local f = io.open(dir .. '/helper.lua', 'w'); f:write('return ... + 1'); f:close()
      f = io.open(dir .. '/main.lua', 'w'); f:write("return paths.dofile('helper.lua', 41), paths.thisfile()"); f:close()
      local v, me = dofile(dir .. '/main.lua')
      assert(v == 42 and me == dir .. '/main.lua', tostring(v) .. ' ' .. tostring(me))
      assert(paths.filep(dir .. '/helper.lua') and not paths.dirp(dir .. '/helper.lua'))
      local names = {}
      for name in paths.files(dir, '%%.lua$') do names[#names + 1] = name end
      assert(#names == 2 and names[1] == 'helper.lua' and names[2] == 'main.lua', table.concat(names, ','))
      local list = paths.dir(dir)
      assert(#list == 4 and list[1] == '.' and list[2] == '..')
      assert(paths.dir(dir .. '/nothing') == nil)
      assert(paths.rmall(dir, 'yes') and not paths.dirp(dir))
      assert(not pcall(paths.rmall, '/tmp/whatever'))
      local ok2, err = pcall(paths.findprogram, 'ls')
      assert(not ok2 and err:find('stn: paths.findprogram: not supported yet', 1, true), err)
      assert(not pcall(paths.concat, 'a', 3))
      print('done')
    ]]):format(dir))
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  it('sys: clock, tic/toc, execute, sleep; xlua: the progress bar', function()
    local out, status = run [[
      require 'sys'; require 'xlua'
      local t0 = sys.clock()
      sys.tic(); sys.sleep(0.01)
      local dt = sys.toc()
      assert(dt >= 0.009 and sys.clock() - t0 >= 0.009, dt)
      assert(sys.execute('echo hello') == 'hello')
      assert(sys.ls('/') ~= '' and sys.pwd() == '/tmp')
      assert(not pcall(sys.sleep, -1) and not pcall(sys.execute, 3))
      for i = 1, 4 do xlua.progress(i, 4) end
      local ok, err = pcall(xlua.progress, 1, 0)
      assert(not ok and err:find('stn: xlua.progress', 1, true), err)
      assert(xlua.require('no.such.module') == nil and xlua.require('nn') == nn)
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('4/4 | total', 1, true), out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  it('cudnn gives the modules stn implements; cutorch needs a GPU', function()
    local out, status = run [[
      local cudnn = require 'cudnn'
      assert(cudnn.ReLU == nn.ReLU and cudnn.SpatialFullConvolution == nn.SpatialFullConvolution)
      -- cudnn's convolution: padH defaults to 0, not to padW as in nn; groups other than 1 refused
      local conv = cudnn.SpatialConvolution(3, 8, 5, 5, 1, 1, 2)
      assert(torch.type(conv) == 'nn.SpatialConvolution' and conv.padW == 2 and conv.padH == 0)
      assert(nn.SpatialConvolution(3, 8, 5, 5, 1, 1, 2).padH == 2)
      assert(cudnn.SpatialConvolution(4, 8, 3, 3, 1, 1, 1, 1, 1).padH == 1)
      local gok, gerr = pcall(function() return cudnn.SpatialConvolution(4, 8, 3, 3, 1, 1, 1, 1, 2) end)
      assert(not gok and gerr:find('stn: cudnn.SpatialConvolution: groups 2 is not supported', 1, true), gerr)
      local net = nn.Sequential():add(cudnn.ReLU())
      assert(cudnn.convert(net, nn) == net)
      local ok, err = pcall(function() return cudnn.VolumetricConvolution(1, 1, 1, 1, 1, 1) end)
      assert(not ok and err:find('stn: cudnn.VolumetricConvolution: not supported yet', 1, true), err)
      if require('stn').hasCUDA() then
        assert(require('cutorch').getDeviceCount() == 1)
      else
        ok, err = pcall(require, 'cutorch')
        assert(not ok and err:find('stn: cutorch: no CUDA device', 1, true), err)
      end
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)
end)
