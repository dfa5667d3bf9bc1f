#!/usr/bin/env bash
# Runs each fuzz target under libFuzzer for a fixed time (nightly Rust and
# cargo-fuzz). Usage: fuzz/run.sh [SECONDS] [TARGET...]
#   SECONDS  per target (default 20); JOBS targets run at once (default 2);
#   FUZZ_SEED libFuzzer's random seed (default 0: a new one each run; CI fixes it).
# Each target starts from its seeds (copied into fuzz/corpus/<target>/ by the
# stable seed test) and keeps what it finds there. Limits per input are the
# ones upgate promises: 10 s and 500 MB. A crash, timeout or out-of-memory
# leaves its input in fuzz/artifacts/<target>/ and fails the run. The last
# stats line of each target goes to fuzz/logs/summary.txt.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
shift || true
jobs=${JOBS:-2}
if [ $# -gt 0 ]; then targets=("$@"); else
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi

echo "== seeding fuzz/corpus from the seed corpora"
# The stable test build shares the main crate's target folder (no second build of upgate).
rm -rf corpus-seeds
UPGATE_FUZZ_CORPUS="$PWD/corpus-seeds" CARGO_TARGET_DIR=../target cargo test -q --test seeds >/dev/null
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" && cp -n corpus-seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
done
rm -rf corpus-seeds

# No sanitizer: upgate is safe Rust, and the RSS limit should measure upgate,
# not ASan's shadow memory. Debug assertions on, so overflows panic.
flags=(--features libfuzzer --sanitizer none --debug-assertions)
echo "== building ${#targets[@]} targets"
# cargo fuzz build takes one target or all of them.
if [ ${#targets[@]} -eq 1 ]; then one=("${targets[0]}"); else one=(); fi
cargo +nightly fuzz build "${flags[@]}" "${one[@]}" 2>&1 | tail -1

mkdir -p logs
run_one() {
  local t=$1
  if cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=500 -max_len=262144 \
      -print_final_stats=1 -seed="${FUZZ_SEED:-0}" >"logs/$t.log" 2>&1; then
    echo "$t: ok"
  else
    echo "$t: FAILED (fuzz/logs/$t.log)"
  fi
}
export -f run_one
export seconds FUZZ_SEED
export flags_joined="${flags[*]}"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'flags=($flags_joined); run_one {}' | tee logs/results.txt

: >logs/summary.txt
for t in "${targets[@]}"; do
  done_line=$(grep -E '^#[0-9]+\s+DONE' "logs/$t.log" | tail -1 || true)
  execs=$(grep -E '^stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}' || true)
  printf '%s\t%s\texecs=%s\n' "$t" "${done_line:-no DONE line}" "${execs:-?}" >>logs/summary.txt
done
cat logs/summary.txt
! grep -q FAILED logs/results.txt
