-- fixture.lua: the small fake GTSRB tree behind the cache harness (fuzz/gtsrb_cache.c)
-- and its seed (make_seeds.lua): 2 classes x 2 tracks x 1 frame, every file dated
-- 2001-09-09, so that the cache key (names, sizes and dates of the files) is the same
-- wherever and whenever the tree is made, and a seed cache matches the harness's tree.
local lfs = require 'lfs'

local M = { SIZE = 8, OPTS = { seed = 1, classes = 2, tracks = 2, frames = 1, test = 1 } }
local DATE = 1000000000

local function touch_tree(dir)
  for name in lfs.dir(dir) do
    if name ~= '.' and name ~= '..' then
      local p = dir .. '/' .. name
      if lfs.attributes(p, 'mode') == 'directory' then touch_tree(p) else assert(lfs.touch(p, DATE, DATE)) end
    end
  end
end

-- Makes the tree under dir (an existing folder); repo is the stn checkout.
function M.make(repo, dir)
  dofile(repo .. '/tools/make_fake_gtsrb.lua').make(dir, M.OPTS)
  touch_tree(dir)
end

-- The cache file stn.data.gtsrb uses for the training part at M.SIZE.
function M.cache_path(dir) return ('%s/stn-cache-train-%d.bin'):format(dir, M.SIZE) end

return M
