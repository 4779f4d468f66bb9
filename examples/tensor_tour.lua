-- A short tour of stn's Tensor API (the interim `make demo` until the experiment lands).
--   LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' luajit examples/tensor_tour.lua
local stn = require 'stn'

stn.manualSeed(1)
local a = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
print('a =') print(a)
print('a:t() is a view:', a:t():isContiguous() and 'contiguous' or 'strided', a:t():size())
print('a + 10 =') print(a + 10)
local w = stn.Tensor(3, 2):uniform(-1, 1)
print('a * w (matrix product) =') print(a * w)
print('sum, mean, max of a:', a:sum(), a:mean(), a:max())
print('a:select(1, 2):select(1, 3) is a number, as in Torch7:', a:select(1, 2):select(1, 3))
print('a:sub(1, 2, -2, -1), a sub-view (columns 2 to 3) =') print(a:sub(1, 2, -2, -1))
local r = stn.Tensor()
stn.cmul(r, a, a) -- Torch7's result-first form: r <- a .* a
print('stn.cmul(r, a, a) =') print(r)
print('type of a:', a:type())
print('CUDA:', stn.hasCUDA() and stn.cudaDeviceName() or ('none (' .. stn.cudaReason() .. ')'))
