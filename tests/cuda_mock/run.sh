#!/bin/sh
# The caching allocator and CUDA graph bookkeeping (cuda/core/context.cu, graph.cu) run
# on the host against a fake CUDA runtime (cuda_stubs.cpp: cudaMalloc is malloc, a
# capture is a flag, and a cudaMalloc, cudaFree or wait during a capture aborts), under
# AddressSanitizer and UBSan: for a machine without a GPU. Needs nvcc (to compile the .cu
# files' host code) and g++.   tests/cuda_mock/run.sh
set -e
cd "$(dirname "$0")/../.."
out=${TMPDIR:-/tmp}/stn-cuda-mock
mkdir -p "$out"
san="-fsanitize=address,undefined"
for f in context graph; do
  nvcc -std=c++17 -g -c -x cu cuda/core/$f.cu -Icsrc -Iinclude -DSTN_WITH_CUDA -Xcompiler -fsanitize=address -Xcompiler -fsanitize=undefined -o "$out/$f.o"
done
cuda_inc=$(dirname "$(command -v nvcc)")/../include
g++ -std=c++17 -g $san -Icsrc -Iinclude -I"$cuda_inc" -c tests/cuda_mock/cuda_stubs.cpp -o "$out/stubs.o"
g++ -std=c++17 -g $san -Icsrc -Iinclude -I"$cuda_inc" -c tests/cuda_mock/allocator_test.cpp -o "$out/test.o"
g++ $san "$out/context.o" "$out/graph.o" "$out/stubs.o" "$out/test.o" -o "$out/allocator_test"
# (blocks still in use when the context goes are not freed, as with a real GPU: no leak check)
ASAN_OPTIONS=detect_leaks=0 "$out/allocator_test"
