#!/usr/bin/env bash
# Measures a scan of every fixture with the release binary. Performance
# targets are checked here, never in timed tests.
#   bench/scan.sh            hyperfine if installed (apt-get install hyperfine), else /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/upgate
now=2026-11-22T08:00:00Z
cmds=()
for dir in fixtures/*/; do
  [ -f "$dir/expect.toml" ] || continue
  phase=$(sed -n 's/^phase = "\(.*\)"/\1/p' "$dir/expect.toml")
  cmds+=("$bin scan $dir --phase $phase --now $now --format json")
done
if command -v hyperfine >/dev/null 2>&1; then
  # Exit status 1 is a finding, not a failure of the command.
  table=$(mktemp)
  hyperfine --warmup 3 --min-runs 20 -i -N --style none --export-markdown "$table" "${cmds[@]}" >/dev/null
  cat "$table"
  rm -f "$table"
else
  for c in "${cmds[@]}"; do
    /usr/bin/time -f "%e s  %M KiB  $c" $c >/dev/null || true
  done
fi
