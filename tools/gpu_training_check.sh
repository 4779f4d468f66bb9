#!/bin/bash
# Issue 18 on a machine with a GPU, in one short run (docs/gpu-training.md; bench/NOTES.md,
# "Issue 18: ready, not measured"): builds stn for sm_90, runs spec/gpu_training_spec.lua
# (graphs, memory statistics, TF32, the trainer's --gpu_data/--cuda_graph against the
# default path), then times the flagship step eager and as a CUDA graph, in fp32 and TF32,
# with its peak memory, against PyTorch eager and torch.compile (fp32, TF32, bf16).
#   tools/gpu_training_check.sh [--no-compile] [--epoch]
# --no-compile skips the torch.compile runs (each compiles for a minute or more);
# --epoch also times a GTSRB-sized epoch (38,700 fake 48x48 images) from main.lua with
# --gpu_data --cuda_graph. Logs go to $OUT (the device tool) or ./gpu-check/. Each part
# has its own timeout, so one that hangs costs at most that.
set -u -o pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-./gpu-check}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ -x .tools/bin/luajit ] && export PATH="$PWD/.tools/bin:$PATH"
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;./spec/?.lua;$PWD/.tools/share/?.lua;$PWD/.tools/share/?/init.lua;;"
export LUA_CPATH="$PWD/.tools/lib/?.so;;"
compile=1; epoch=0
for a in "$@"; do
  case $a in --no-compile) compile=0 ;; --epoch) epoch=1 ;; *) echo "unknown option $a"; exit 2 ;; esac
done
echo "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
t0=$(date +%s)
gif=()
[ -f .tools/giflib/gif_lib.h ] && [ ! -f /usr/include/gif_lib.h ] &&
  gif=(-DGIF_INCLUDE_DIR="$PWD/.tools/giflib" -DGIF_LIBRARY="$PWD/.tools/giflib/libgif.so.7")
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DSTN_CUDA_ARCHS=${STN_CUDA_ARCHS:-90-real} ${gif[@]+"${gif[@]}"} >"$OUT/build.log" 2>&1 &&
  cmake --build build-gpu -j "$(nproc)" >>"$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
echo "build: $(($(date +%s) - t0)) s"
export STN_CORE="$PWD/build-gpu/stn/core.so"

run() { local name=$1 limit=$2; shift 2; echo "== $name: $*"
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1; local rc=$?
  tail -"${TAIL:-8}" "$OUT/$name.log"; echo "(rc=$rc)"; }

TAIL=30 run specs 240 busted --lua=luajit -o utfTerminal spec/gpu_training_spec.lua
nets=flagship_nocnorm,flagship
run stn_fp32 120 luajit bench/train_step.lua --cuda --nets $nets --steps 50
run stn_fp32_graph 120 luajit bench/train_step.lua --cuda --nets $nets --steps 50 --graph
run stn_tf32 120 luajit bench/train_step.lua --cuda --nets $nets --steps 50 --precision tf32
run stn_tf32_graph 120 luajit bench/train_step.lua --cuda --nets $nets --steps 50 --precision tf32 --graph
peer=(env PYTHONUNBUFFERED=1 python3 bench/peers/torch_train_step.py --cuda --no-cnorm --nets st --steps 5)
run torch_eager 120 "${peer[@]}"
run torch_eager_tf32 120 "${peer[@]}" --tf32
if [ $compile -eq 1 ]; then
  run torch_compile 300 "${peer[@]}" --compile
  run torch_compile_tf32 300 "${peer[@]}" --compile --tf32
  run torch_compile_bf16 300 "${peer[@]}" --compile --bf16
fi
if [ $epoch -eq 1 ]; then
  data=${GTSRB_FAKE:-/tmp/stn-gtsrb-fake}
  [ -d "$data/Final_Training/Images" ] ||
    run fake_gtsrb 300 luajit tools/make_fake_gtsrb.lua "$data" --tracks 30 --frames 30 --test 2
  ( cd examples/gtsrb && run epoch 300 luajit main.lua --data "$data" -n -1 -e 2 --st --locnet 200,300,200 \
      --locnet3 150,150,150 --net idsia_net.lua --cnn 150,200,300,350 --gpu_data --cuda_graph )
fi
echo "== total $(($(date +%s) - t0)) s"
