-- tools/get_gtsrb, offline: archives with the official structure are made here from a
-- tool-made tree and served from a file:// mirror; the unpacked tree must load as the
-- original does, a second run must change nothing, and a damaged archive must be refused.
local H = require 'helpers'
local lfs = require 'lfs'
local stn = H.stn
local fake = dofile('tools/make_fake_gtsrb.lua')

local base = lfs.currentdir() .. '/spec/tmp/data_get_gtsrb'
os.execute('rm -rf ' .. base .. ' && mkdir -p ' .. base)

local function sh(cmd)
  local p = io.popen('( ' .. cmd .. ' ) 2>&1; echo "rc=$?"')
  local out = p:read('*a')
  p:close()
  local rc = tonumber(out:match('rc=(%d+)%s*$'))
  return rc, out
end

local have_zip = sh('command -v zip && command -v unzip && command -v md5sum') == 0
local function zip_it(name, fn)
  if have_zip then it(name, fn) else pending(name .. ' [zip, unzip or md5sum is missing: apt-get install zip unzip]') end
end

describe('tools/get_gtsrb', function()
  local mirror, src = base .. '/mirror', base .. '/src'
  if have_zip then
    fake.make(src .. '/GTSRB', { seed = 4, classes = 4, tracks = 2, frames = 2, test = 2 })
    -- the official archives: the training tree, the test images (the GT CSV apart), the GT CSV alone
    assert(sh(table.concat({
      'set -e', 'mkdir -p ' .. mirror, 'cd ' .. src,
      'mv GTSRB/Final_Test/Images/GT-final_test.csv .',
      'zip -qr ' .. mirror .. '/GTSRB_Final_Training_Images.zip GTSRB/Final_Training',
      'zip -qr ' .. mirror .. '/GTSRB_Final_Test_Images.zip GTSRB/Final_Test',
      'zip -q ' .. mirror .. '/GTSRB_Final_Test_GT.zip GT-final_test.csv',
      'mv GT-final_test.csv GTSRB/Final_Test/Images/',
      'cd ' .. mirror, 'md5sum *.zip > ' .. base .. '/md5.txt',
    }, '\n')) == 0)
  end
  local env = ('GTSRB_MIRROR=file://%s GTSRB_CHECKSUMS=%s/md5.txt '):format(mirror, base)

  zip_it('downloads, checks and unpacks into the layout the loader reads', function()
    local dest = base .. '/dest'
    local rc, out = sh(env .. 'sh tools/get_gtsrb ' .. dest)
    assert.are.equal(0, rc, out)
    assert.truthy(out:find('GTSRB is ready', 1, true), out)
    assert.truthy(lfs.attributes(dest .. '/Final_Test/Images/GT-final_test.csv'))
    assert.is_nil(lfs.attributes(dest .. '/.download'))
    local want, got = stn.data.gtsrb.train { root = src .. '/GTSRB', cache = false }, stn.data.gtsrb.train { root = dest, cache = false }
    assert.are.same(want.files, got.files)
    H.assert_equal(got.data, want.data)
    local wt, gt = stn.data.gtsrb.test { root = src .. '/GTSRB', cache = false }, stn.data.gtsrb.test { root = dest, cache = false }
    H.assert_equal(gt.label, wt.label)

    rc, out = sh(env .. 'sh tools/get_gtsrb ' .. dest) -- idempotent: nothing fetched again
    assert.are.equal(0, rc, out)
    assert.truthy(out:find('training images already in', 1, true), out)
    assert.falsy(out:find('downloading', 1, true), out)
  end)

  zip_it('refuses an archive whose checksum or zip structure is wrong, and says which', function()
    local dest = base .. '/dest-bad'
    -- one wrong hex digit in the first sum (a zip's sum changes with its files' times, so
    -- the digit is changed to one it cannot already be)
    local sums = H.slurp(base .. '/md5.txt')
    H.spit(base .. '/md5-bad.txt', (sums:sub(1, 1) == '0' and '1' or '0') .. sums:sub(2))
    local bad_env = ('GTSRB_MIRROR=file://%s GTSRB_CHECKSUMS=%s/md5-bad.txt '):format(mirror, base)
    local rc, out = sh(bad_env .. 'sh tools/get_gtsrb ' .. dest)
    assert.are_not.equal(0, rc)
    assert.truthy(out:find('MD5', 1, true) and out:find('damaged', 1, true), out)
    local broken = base .. '/broken'
    os.execute(('mkdir -p %s && cp %s/*.zip %s/ && printf garbage > %s/GTSRB_Final_Test_GT.zip'):format(broken, mirror, broken, broken))
    rc, out = sh(('GTSRB_MIRROR=file://%s GTSRB_CHECKSUMS=/dev/null sh tools/get_gtsrb %s/dest-broken'):format(broken, base))
    assert.are_not.equal(0, rc)
    assert.truthy(out:find('GTSRB_Final_Test_GT.zip', 1, true) and out:find('integrity', 1, true), out)
  end)
end)
