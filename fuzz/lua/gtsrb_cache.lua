-- gtsrb_cache.lua: the driver of fuzz/gtsrb_cache.c. The input becomes the cache file of
-- the fake tree of fixture.lua and stn.data.gtsrb.train loads the set (with a
-- validation split for odd sizes, which reads the cached track numbers). A stale or
-- corrupt cache is rebuilt by the loader; any refusal must be stn's message. What loads
-- must be a set of the tree's 4 images with labels in 1 .. nclasses.
local lfs = require 'lfs'
local fixture = require 'fixture'
local gtsrb = require 'stn.data.gtsrb'
local stn = require 'stn'

return function(ctx)
  stn.setnumthreads(1)
  local root = ctx.tmp .. '/gtsrb'
  assert(lfs.mkdir(root))
  fixture.make(ctx.root, root)
  local cache = fixture.cache_path(root)
  io.stderr = { write = function() end } -- the loader reports each corrupt cache it rebuilds
  return function(path, size)
    local f = assert(io.open(path, 'rb'))
    local bytes = f:read('*a')
    f:close()
    f = assert(io.open(cache, 'wb'))
    f:write(bytes)
    f:close()
    local val = size % 2 == 1
    local ok, train, valset = pcall(gtsrb.train, { root = root, size = fixture.SIZE, val = val })
    if not ok then
      local msg = tostring(train)
      if not (msg:find('^stn: ')) then
        error('stn.data.gtsrb.train failed without stn\'s message: ' .. msg, 0)
      end
      return
    end
    local n = 0
    for _, set in ipairs { train, valset or false } do
      if set then
        n = n + set.data:size(1)
        local _ = set.data:sum()
        for k = 1, set.label:size(1) do
          local l = set.label[k]
          if not (l >= 1 and l <= set.nclasses) then
            error(('stn.data.gtsrb.train gave label %s for row %d (%d classes) from the cache'):format(tostring(l), k, set.nclasses), 0)
          end
        end
      end
    end
    if n ~= 4 then error(('stn.data.gtsrb.train gave %d rows from a tree of 4 images'):format(n), 0) end
  end
end
