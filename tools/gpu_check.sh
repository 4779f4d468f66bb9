#!/bin/bash
# One command for a machine with a GPU: builds stn, runs the whole spec suite there
# (the CPU-vs-CUDA specs stop being pending) and the benchmarks with their PyTorch
# peers, and prints a short table. Logs go to $OUT (the device tool) or ./gpu-check/.
#   tools/gpu_check.sh [--no-bench] [--only-bench] [--only-sampler]
# The sampler part comes first (the conformance specs, bench/sampler.lua with each call
# timed alone, an Nsight Compute look at its kernels at 256x3x48x48, the PyTorch peer);
# --only-sampler stops after it.
# On machines without LuaJIT/busted, run tools/make_gpu_kit.sh where they exist and
# send .tools/ along; this script puts it on PATH.
set -u -o pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-./gpu-check}
mkdir -p "$OUT"
[ -x .tools/bin/luajit ] && export PATH="$PWD/.tools/bin:$PATH"
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;./spec/?.lua;$PWD/.tools/share/?.lua;$PWD/.tools/share/?/init.lua;;"
export LUA_CPATH="$PWD/.tools/lib/?.so;;"
run_specs=1; run_bench=1; only_sampler=0
for a in "$@"; do
  case $a in --no-bench) run_bench=0 ;; --only-bench) run_specs=0 ;; --only-sampler) only_sampler=1 ;; esac
done

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
echo "GPU: ${gpu:-none found}"
t0=$(date +%s)
gif=() # giflib from the kit when the machine lacks it (the build's RPATH finds the library)
[ -f .tools/giflib/gif_lib.h ] && [ ! -f /usr/include/gif_lib.h ] &&
  gif=(-DGIF_INCLUDE_DIR="$PWD/.tools/giflib" -DGIF_LIBRARY="$PWD/.tools/giflib/libgif.so.7")
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DSTN_CUDA_ARCHS=${STN_CUDA_ARCHS:-90-real} ${gif[@]+"${gif[@]}"} >"$OUT/build.log" 2>&1 &&
  cmake --build build-gpu -j "$(nproc)" >>"$OUT/build.log" 2>&1
build_rc=$?
t1=$(date +%s)
echo "build: rc=$build_rc in $((t1 - t0)) s"
[ $build_rc -ne 0 ] && { tail -40 "$OUT/build.log"; exit 1; }
export STN_CORE="$PWD/build-gpu/stn/core.so"
luajit -e "local stn=require'stn'; print('stn sees CUDA:', stn.hasCUDA(), stn.cudaDeviceName() or stn.cudaReason())"

# each benchmark with the arguments that time the GPU (the CPU figures come from the
# 2-core build machine)
bench() { local f=$1; shift; [ -f "$f" ] || return 0; echo "== $f $*"
  timeout ${BENCH_TIMEOUT:-240} "$@" 2>&1 | tee -a "$OUT/$(basename "$f").log" | tail -${TAIL:-14}; }

# correctness of the CUDA kernels first (the conformance table: every op and module
# against the CPU; the CUDA-only checks), then where the sampler's time goes
busted --lua=luajit -o utfTerminal spec/conformance_spec.lua spec/cuda_device_spec.lua >"$OUT/conformance_specs.log" 2>&1
awk '/^(Failure|Error) →/,/^$/' "$OUT/conformance_specs.log" | head -60
echo "conformance + CUDA device specs: $(grep -aE '[0-9]+ success(es)? / ' "$OUT/conformance_specs.log" | tail -1)"
if [ $run_bench -eq 1 ]; then
  bench bench/bandwidth.lua luajit bench/bandwidth.lua
  TAIL=24 bench bench/sampler.lua luajit bench/sampler.lua --cuda-only --stages --bhwd
  ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
  if [ -n "$ncu" ]; then
    echo "== ncu: the four kernels of one forward+backward at 256x3x48x48"
    timeout 120 "$ncu" --clock-control none -k 'regex:sampler|affine_grid' --launch-skip 4 --launch-count 4 \
      --section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats \
      --section MemoryWorkloadAnalysis --section SchedulerStats --section InstructionStats \
      luajit tools/sampler_profile.lua 256 3 48 48 3 >"$OUT/ncu.txt" 2>&1
    grep -aE '^  [a-z_]+.*\(|Duration|Registers Per|Achieved Occupancy|Theoretical Occupancy|Warp Cycles Per Issued|Issue Slots Busy|Memory Throughput|DRAM Throughput|Block Limit|Eligible Warps|stalled|Stall|Executed Ipc A' "$OUT/ncu.txt" | cut -c1-220 | head -90
  fi
  bench bench/peers/torch_sampler.py env PYTHONUNBUFFERED=1 python3 bench/peers/torch_sampler.py --cuda-only
fi
[ $only_sampler -eq 1 ] && { echo "== summary: GPU ${gpu:-none}; build rc=$build_rc; sampler part only; total $(($(date +%s) - t0)) s"; exit 0; }

summary="(not run)"
if [ $run_specs -eq 1 ]; then
  busted --lua=luajit -o utfTerminal spec >"$OUT/specs.log" 2>&1
  summary=$(grep -aE '[0-9]+ success(es)? / ' "$OUT/specs.log" | tail -1)
  # failures and errors, in full
  awk '/^(Failure|Error) →/,/^$/' "$OUT/specs.log" | head -150
  grep -a 'Pending →' -A2 "$OUT/specs.log" | head -20
  echo "specs: $summary ($(($(date +%s) - t1)) s)"
fi

if [ $run_bench -eq 1 ]; then
  bench tools/flagship_check.lua luajit tools/flagship_check.lua 20
  bench bench/train_step.lua luajit bench/train_step.lua --cuda
  bench bench/viz.lua luajit bench/viz.lua --cuda
  bench bench/peers/torch_train_step.py env PYTHONUNBUFFERED=1 python3 bench/peers/torch_train_step.py --cuda
  bench bench/peers/torch_train_step.py env PYTHONUNBUFFERED=1 python3 bench/peers/torch_train_step.py --cuda --no-cnorm
fi
echo "== summary: GPU ${gpu:-none}; build rc=$build_rc; specs: $summary; total $(($(date +%s) - t0)) s"
