-- stn.cuda: the GPU's settings beyond tensors: the caching allocator's statistics, the
-- precision of the CUDA products (stn.setPrecision), and whole-step CUDA graphs
-- (stn.cuda.graph). docs/gpu-training.md describes them.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local errors = require 'stn.errors'
local pause_collection = require('stn.Tensor')._private.pause_collection
local C, ctx = core.C, core.ctx

local cuda = {}

local function need_device(what)
  if not core.has_cuda() then errors.fail(what, 'no CUDA device: %s', core.cuda_reason()) end
end

---------------------------------------------------------------------- memory
-- The caching allocator's counters, in bytes: { inUse, cached, peakInUse, mallocCalls }
-- (peakInUse: the most in use at once since the start or resetPeakMemoryStats, as
-- PyTorch's torch.cuda.max_memory_allocated).
function cuda.memoryStats()
  need_device('cuda.memoryStats')
  local m = ffi.new('stn_cuda_memory')
  core.check(C.stn_cuda_memory_info(ctx, m), 'cuda.memoryStats')
  return { inUse = tonumber(m.in_use), cached = tonumber(m.cached), peakInUse = tonumber(m.peak_in_use),
           mallocCalls = tonumber(m.malloc_calls) }
end

-- Starts a new peak from what is in use now (torch.cuda.reset_peak_memory_stats).
function cuda.resetPeakMemoryStats()
  need_device('cuda.resetPeakMemoryStats')
  core.check(C.stn_cuda_reset_peak_memory(ctx), 'cuda.resetPeakMemoryStats')
end

---------------------------------------------------------------------- precision
local PRECISIONS = { fp32 = 0, tf32 = 1, bf16 = 2 }
local NAMES = { [0] = 'fp32', 'tf32', 'bf16' }

-- 'fp32' (the default), 'tf32' (cuBLAS may use TF32 tensor cores for the CUDA matrix
-- products and convolutions, as PyTorch's allow_tf32); 'bf16' is not implemented yet.
-- CPU results stay fp32 whatever the setting.
function cuda.setPrecision(name)
  local code = type(name) == 'string' and PRECISIONS[name]
  if not code then
    errors.fail('setPrecision', "expected 'fp32', 'tf32' or 'bf16', got %s",
      type(name) == 'string' and ('%q'):format(name) or tostring(name))
  end
  if name == 'bf16' then
    errors.fail('setPrecision', "'bf16' is not implemented yet (no bf16 products on the GPU): use 'fp32' or 'tf32'")
  end
  core.check(C.stn_set_precision(ctx, code), 'setPrecision')
end

function cuda.getPrecision() return NAMES[C.stn_get_precision(ctx)] end

---------------------------------------------------------------------- graphs
local Graph = {}
Graph.__index = Graph
Graph.__typename = 'stn.cuda.Graph'

local function destroy(handle) C.stn_cuda_graph_destroy(ctx, handle) end

-- Runs fn once, eagerly, with Lua's collector stopped, then collects, and returns fn's
-- results. Every tensor fn allocates then holds a block of its own until the collection
-- gives them all back to the cache, where a capture of the same fn (which also runs with
-- the collector stopped) finds one block for each of its allocations.
-- (stn's own collections, which run as storages grow, are paused too.)
local function without_collection(fn, ...)
  collectgarbage('stop')
  pause_collection(true)
  local res = { pcall(fn, ...) }
  pause_collection(false)
  collectgarbage('restart')
  return res
end

function cuda.warmup(fn, ...)
  if type(fn) ~= 'function' then errors.fail('cuda.warmup', 'expected a function (the step), got %s', type(fn)) end
  local res = without_collection(fn, ...)
  if not res[1] then error(res[2], 0) end
  collectgarbage()
  return unpack(res, 2, table.maxn(res))
end

-- Captures what fn queues on the GPU (without running it) as a CUDA graph; returns an
-- object whose :replay() runs it again on the same tensors. fn must not read GPU values
-- on the host, copy host data in, allocate memory the cache cannot serve (run it once
-- before, with stn.cuda.warmup), or draw random numbers: each fails the capture with an
-- error naming the cause. Lua's collector is stopped during the capture.
function cuda.graph(fn)
  if type(fn) ~= 'function' then
    errors.fail('cuda.graph', 'expected a function (the step to capture), got %s', type(fn))
  end
  need_device('cuda.graph')
  if C.stn_cuda_capturing(ctx) ~= 0 then errors.fail('cuda.graph', 'a capture is already in progress (graphs do not nest)') end
  core.check(C.stn_cuda_graph_begin(ctx), 'cuda.graph')
  local res = without_collection(fn)
  local ok, err = res[1], res[2]
  if not ok then
    C.stn_cuda_graph_abort(ctx)
    errors.fail('cuda.graph', 'the step failed while being captured (nothing was kept): %s', tostring(err))
  end
  local out = ffi.new('stn_cuda_graph *[1]')
  core.check(C.stn_cuda_graph_end(ctx, out), 'cuda.graph')
  return setmetatable({ handle = ffi.gc(out[0], destroy) }, Graph)
end

-- true while a graph is being captured (code that reads GPU values on the host can
-- skip that then).
function cuda.capturing() return C.stn_cuda_capturing(ctx) ~= 0 end

-- Queues the captured work on the stream, as any op (stn.synchronize waits for it).
function Graph:replay()
  if self.handle == nil then errors.fail('cuda.graph:replay', 'the graph was freed') end
  core.check(C.stn_cuda_graph_launch(ctx, self.handle), 'cuda.graph:replay')
end

-- Frees the graph now (else the collector does): the blocks it held go back to the cache.
function Graph:free()
  if self.handle ~= nil then
    destroy(ffi.gc(self.handle, nil))
    self.handle = nil
  end
end

return cuda
