#!/bin/bash
# bench/sampler_vs_torch.sh: bench/sampler.lua and its PyTorch peer
# (bench/peers/torch_sampler.py) run alternately, ROUNDS times, with the same thread
# count; prints per shape the median over the rounds of each side's forward+backward
# figure (itself a median of samples) and PyTorch / stn. CPU only. On a machine shared
# with other jobs, --threads 1 --cpu-time (process CPU time) is the steadier measure.
#   bench/sampler_vs_torch.sh [--threads N] [--cpu-time] [--rounds R] [--python PATH]
set -u -o pipefail
cd "$(dirname "$0")/.."
threads=2; rounds=5; cpu_time=""; python=/usr/bin/python3
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --cpu-time) cpu_time=--cpu-time ;;
    --python) python=$2; shift ;;
    *) echo "bench/sampler_vs_torch.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;${LUA_PATH:-;}" OMP_NUM_THREADS=$threads
# the last table's rows: "cpu bchw BxCxHxW fwd GB/s fwd+bwd GB/s"
rows() { awk '$1 == "cpu" && $2 == "bchw" { print $3, $6 }' | tail -5; }
for r in $(seq "$rounds"); do
  luajit bench/sampler.lua --threads "$threads" $cpu_time --samples 5 | rows | sed 's/^/stn /'
  "$python" bench/peers/torch_sampler.py --threads "$threads" $cpu_time --samples 5 | rows | sed 's/^/torch /'
done | awk -v threads="$threads" -v how="${cpu_time:-wall-clock}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { v[$1, $2] = v[$1, $2] " " $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  END {
    printf "forward+backward, %d thread(s), %s, median over rounds (us)\n", threads, how
    printf "%-16s %12s %12s %8s\n", "B x C x H x W", "stn", "PyTorch", "ratio"
    for (i = 1; i <= n; i++) {
      s = median(v["stn", order[i]]); t = median(v["torch", order[i]])
      printf "%-16s %12.1f %12.1f %8.2f\n", order[i], s, t, t / s
    }
  }'
