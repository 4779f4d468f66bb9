#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer harnesses of fuzz/ (make -C fuzz), makes their seed
# corpora with stn's own writers (fuzz/lua/make_seeds.lua), runs each harness in turn
# for SECONDS, prints the executions per harness and what was found, and exits 1 when
# anything was found (a crash, a sanitizer report, a leak, a timeout, too much memory,
# or a broken promise reported by a harness as "stn-fuzz: ...").
#   tools/fuzz.sh SECONDS [HARNESS...]        (every harness when none is named)
#   make fuzz FUZZ_SECONDS=30                 (the same through the Makefile)
# Environment: FUZZ_DIR (build-fuzz in the checkout) holds the builds, seeds/, the
# corpora grown so far (corpus/<harness>, kept from run to run), findings/<harness>/
# (this run's reproducers, each with its report in <file>.txt) and logs/.
# One harness runs at a time on one core. docs/fuzzing.md explains the limits below.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_DIR=${FUZZ_DIR:-$ROOT/build-fuzz}
mkdir -p "$FUZZ_DIR"
FUZZ_DIR=$(cd "$FUZZ_DIR" && pwd)

usage() { echo "usage: tools/fuzz.sh SECONDS [HARNESS...]  (harnesses: $ALL)" >&2; exit 2; }
ALL=$(make -s -C "$ROOT/fuzz" list)
[ $# -ge 1 ] || usage
SECONDS_EACH=$1
shift
case "$SECONDS_EACH" in '' | *[!0-9]*) usage ;; esac
HARNESSES=${*:-$ALL}
for h in $HARNESSES; do
  case " $ALL " in *" $h "*) ;; *) echo "fuzz: no harness $h" >&2; usage ;; esac
done

# The limits (docs/fuzzing.md):
#  - inputs up to 1 MiB;
#  - memory: the harnesses enforce 10 x input size + 64 MiB on the heap held during an
#    input; libFuzzer stops any single allocation over 74 MiB (that rule at 1 MiB) at
#    once, before it happens, and the whole process over 2048 MiB (its default: the
#    sanitizers' quarantine and the corpus live there too);
#  - time: 1 s per input for the C readers; the Lua harnesses time themselves (an input
#    over 1 s is re-run with the JIT on and no coverage hook, and only that counts), so
#    libFuzzer's timeout there is a backstop for hangs: 10 s.
MAX_LEN=1048576
COMMON=(-max_len=$MAX_LEN -malloc_limit_mb=74 -rss_limit_mb=2048)
timeout_of() { case "$1" in gtsrb_csv | gtsrb_cache | load) echo 10 ;; *) echo 1 ;; esac; }

echo "fuzz: building the harnesses in $FUZZ_DIR"
make -s -C "$ROOT/fuzz" FUZZ_DIR="$FUZZ_DIR" >"$FUZZ_DIR/build.log" 2>&1 || {
  tail -40 "$FUZZ_DIR/build.log"
  echo "fuzz: the build failed (whole log: $FUZZ_DIR/build.log)" >&2
  exit 2
}

echo "fuzz: making the seed corpora"
rm -rf "$FUZZ_DIR/seeds"
STN_CORE="$FUZZ_DIR/plain/stn/core.so" luajit "$ROOT/fuzz/lua/make_seeds.lua" "$FUZZ_DIR/seeds" >"$FUZZ_DIR/seeds.log" 2>&1 || {
  cat "$FUZZ_DIR/seeds.log"
  echo "fuzz: making the seeds failed" >&2
  exit 2
}

# The harnesses' scratch files (the cache harness's fake GTSRB tree), in memory when possible.
SCRATCH_BASE=/dev/shm
[ -d "$SCRATCH_BASE" ] && [ -w "$SCRATCH_BASE" ] || SCRATCH_BASE=${TMPDIR:-/tmp}
SCRATCH=$(mktemp -d "$SCRATCH_BASE/stn-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

mkdir -p "$FUZZ_DIR/logs"
SUMMARY=()
REPORT=()
FOUND=0
for h in $HARNESSES; do
  bin=$FUZZ_DIR/bin/$h
  corpus=$FUZZ_DIR/corpus/$h
  found=$FUZZ_DIR/findings/$h
  log=$FUZZ_DIR/logs/$h.log
  t=$(timeout_of "$h")
  rm -rf "$found"
  mkdir -p "$corpus" "$found"
  echo "fuzz: $h for $SECONDS_EACH s"
  # libFuzzer stops at its first finding; the run then starts again for the time left,
  # without the input that failed (a seed or corpus file that fails at start-up would
  # otherwise stop every restart), until the time is spent: so a run reports
  # everything it finds. (-fork=1 does the same but ran 3 times fewer inputs here.)
  seeds=$FUZZ_DIR/run-seeds/$h
  rm -rf "$seeds"
  mkdir -p "$seeds"
  cp "$FUZZ_DIR/seeds/$h"/* "$seeds"/
  : >"$log"
  start=$(date +%s)
  execs=0
  runs=0
  kinds=""
  while :; do
    left=$((SECONDS_EACH - ($(date +%s) - start)))
    [ "$left" -ge 1 ] || break
    runs=$((runs + 1))
    echo "=== run $runs: $left s left" >>"$log"
    STN_FUZZ_TMP=$SCRATCH "$bin" "${COMMON[@]}" -timeout="$t" -max_total_time="$left" \
      -artifact_prefix="$found/" -print_final_stats=1 "$corpus" "$seeds" >"$log.run" 2>&1
    rc=$?
    cat "$log.run" >>"$log"
    e=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log.run" | grep -oE '[0-9]+$')
    execs=$((execs + ${e:-0}))
    [ "$rc" -ne 0 ] || break
    failed=$(grep -oE 'Test unit written to [^ ]+' "$log.run" | tail -1 | sed 's/^Test unit written to //')
    if [ -z "$failed" ] || [ ! -f "$failed" ]; then
      echo "fuzz: $h stopped with status $rc and no reproducer (log: $log)" >&2
      REPORT+=("  $h: stopped with status $rc and no reproducer (log: $log)")
      FOUND=1
      break
    fi
    # the run's report is the finding's: its first telling line names the kind
    cp "$log.run" "$failed.txt"
    kind=$(grep -m1 -E 'stn-fuzz: |SUMMARY: |ERROR: libFuzzer: ' "$log.run" | sed -E 's/^.*(stn-fuzz: |SUMMARY: |ERROR: libFuzzer: )/\1/')
    kinds+="${kind:-no report}"$'\t'"$failed"$'\n'
    sum=$(sha1sum "$failed" | cut -d' ' -f1)
    rm -f "$corpus/$sum"
    for s in "$seeds"/*; do
      [ -f "$s" ] && [ "$(sha1sum "$s" | cut -d' ' -f1)" = "$sum" ] && rm -f "$s"
    done
  done
  rm -f "$log.run"
  took=$(($(date +%s) - start))
  ncorpus=$(find "$corpus" -type f | wc -l)
  n=$(find "$found" -type f ! -name '*.txt' | wc -l)
  SUMMARY+=("$(printf '%-12s %12s %8s %8s %8s' "$h" "$execs" "$took" "$ncorpus" "$n")")
  if [ "$n" -gt 0 ]; then
    FOUND=1
    REPORT+=("  $h: $n reproducer(s) in $found")
    while IFS=$'\t' read -r count kind example; do
      REPORT+=("    [$count] $kind"$'\n'"        e.g. $example")
    done < <(printf '%s' "$kinds" | awk -F'\t' '{ k = $1; gsub(/\(BuildId: [0-9a-f]+\)|\+0x[0-9a-f]+|[0-9]+/, "#", k)
                                              n[k]++; if (!(k in e)) { e[k] = $2; first[k] = $1 } }
                                            END { for (k in n) print n[k] "\t" first[k] "\t" e[k] }')
  fi
done

echo
printf 'fuzz: %-12s %12s %8s %8s %8s\n' harness execs seconds corpus findings
for line in "${SUMMARY[@]}"; do echo "fuzz: $line"; done
if [ "$FOUND" -ne 0 ]; then
  echo "fuzz: FOUND (each reproducer runs alone with: $FUZZ_DIR/bin/<harness> <file>):"
  for line in "${REPORT[@]}"; do echo "$line"; done
  exit 1
fi
echo "fuzz: nothing found"
