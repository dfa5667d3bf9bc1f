#!/usr/bin/env bash
# Measures SS003 (a complete copy of C:\inetpub\wwwroot\SecretServer exists) on a
# synthetic web folder of 100,000 files (bench/make_web_folder.py, fixed seed, about
# 490 MiB in about 1,000 folders), against the tools an administrator would use:
#   metadata mode         upgate scan SNAP_F                   vs  find LIVE COPY
#   content mode          upgate scan SNAP_F --verify-content  vs  diff -rq LIVE COPY
#   zip copy (zip -1)     upgate scan SNAP_Z [--verify-content], unzip -l ZIP and find LIVE for reference
# plus find LIVE COPY -printf '%s\n' (a stat per file, as upgate needs for sizes) for reference,
# and reports the targets: metadata upgate/find <= 1.5, content diff/upgate >= 1.5
# (PASS/MISS, exit status 0 either way). Needs hyperfine, zip, unzip, python3, about
# 2 GB under /tmp and a few minutes; the page cache is warm for every timing.
#   bench/backup.sh                         builds target/release/upgate (cargo build --release;
#                                           CARGO_TARGET_DIR is respected)
#   UPGATE=/path/to/upgate bench/backup.sh  an already built binary
#   BENCH_DIR=DIR KEEP=1 bench/backup.sh    work in DIR (must be empty or absent) and keep it
#   RUNS=20 bench/backup.sh                 more timed runs per command (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-10}

for tool in hyperfine zip unzip python3 find diff; do
  command -v "$tool" >/dev/null 2>&1 || { echo "backup.sh: $tool is required" >&2; exit 2; }
done
if [ -z "${UPGATE:-}" ]; then
  cargo build --release --quiet
  UPGATE=${CARGO_TARGET_DIR:-$repo/target}/release/upgate
fi
[ -x "$UPGATE" ] || { echo "backup.sh: $UPGATE is not an executable" >&2; exit 2; }

if [ -n "${BENCH_DIR:-}" ]; then
  mkdir -p "$BENCH_DIR"
  if [ -n "$(ls -A "$BENCH_DIR")" ]; then
    echo "backup.sh: BENCH_DIR $BENCH_DIR is not empty" >&2
    exit 2
  fi
  work=$(cd "$BENCH_DIR" && pwd)
else
  work=$(mktemp -d /tmp/upgate-bench-backup.XXXXXX)
fi
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

snap_f=$work/snap-folder
snap_z=$work/snap-zip
live=$snap_f/root/inetpub/wwwroot/SecretServer
copy=$snap_f/root/Backups/SecretServer_copy
live_z=$snap_z/root/inetpub/wwwroot/SecretServer
zipfile=$snap_z/root/Backups/SecretServer.zip
facts='{"secret_server": {"installed_version": "11.0.000012"}}'

# Runs a command and sets $elapsed to its wall-clock seconds, to one decimal.
elapsed=
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  elapsed=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
}

echo "work dir: $work"
echo "binary:   $UPGATE"
mkdir -p "$snap_f/root/Backups" "$snap_z/root/Backups" "$(dirname "$live")" "$(dirname "$live_z")"
printf '%s\n' "$facts" >"$snap_f/facts.json"
printf '%s\n' "$facts" >"$snap_z/facts.json"

gen_log=$work/generate.txt
timed python3 "$repo/bench/make_web_folder.py" "$live" >"$gen_log"
echo "generated: $(cat "$gen_log") in $elapsed s"
timed cp -a "$live" "$copy"
echo "folder copy (cp -a): $elapsed s"
timed cp -al "$live" "$live_z"
echo "zip scenario live folder (cp -al, hard links): $elapsed s"
# shellcheck disable=SC2016  # expanded by the inner sh
timed sh -c 'cd "$1" && zip -r -q -1 "$2" SecretServer' sh "$(dirname "$live")" "$zipfile"
echo "zip -r -q -1 (fastest deflate): $elapsed s, $(stat -c %s "$zipfile") bytes"
echo "disk used: $(du -sh "$work" | cut -f1)"
# Write the 1.7 GB out now, so writeback does not run during the timings.
sync

# SS003 must pass in every mode, or the timings measure an early exit.
check_ss003() {
  local out
  out=$("$UPGATE" scan "$@" --phase pre --fail-on never --format json)
  printf '%s' "$out" | python3 -c '
import json, sys
label = sys.argv[1]
results = [r for r in json.load(sys.stdin)["results"] if r["rule_id"] == "SS003"]
if len(results) != 1 or results[0]["status"] != "pass":
    print(f"SS003 does not pass ({label}); the benchmark would measure nothing:", file=sys.stderr)
    print(json.dumps(results, indent=2), file=sys.stderr)
    sys.exit(1)
message = results[0]["message"]
print(f"SS003 pass ({label}): {message}")
' "$*"
}
check_ss003 "$snap_f"
check_ss003 "$snap_f" --verify-content
check_ss003 "$snap_z"
check_ss003 "$snap_z" --verify-content
diff -rq "$live" "$copy" >/dev/null || { echo "backup.sh: diff -rq finds the copy differs" >&2; exit 1; }

q() { printf '%q' "$1"; }
scan="$(q "$UPGATE") scan"
opts="--phase pre --fail-on never --format json"
names=(
  "upgate folder"
  "find live+copy"
  "upgate folder --verify-content"
  "diff -rq live copy"
  "upgate zip"
  "upgate zip --verify-content"
  "unzip -l zip"
  "find live"
  "find live+copy -printf %s"
)
cmds=(
  "$scan $(q "$snap_f") $opts"
  "find $(q "$live") $(q "$copy")"
  "$scan $(q "$snap_f") $opts --verify-content"
  "diff -rq $(q "$live") $(q "$copy")"
  "$scan $(q "$snap_z") $opts"
  "$scan $(q "$snap_z") $opts --verify-content"
  "unzip -l $(q "$zipfile")"
  "find $(q "$live_z")"
  "find $(q "$live") $(q "$copy") -printf '%s\\n'"
)

# Warm the page cache: every command once, outside the timings.
for c in "${cmds[@]}"; do
  eval "$c" >/dev/null
done

echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg)"
# -N: no intermediate shell; hyperfine sends standard output to /dev/null.
hf_args=(-N --warmup 2 --runs "$runs" --style basic --export-json "$work/hyperfine.json")
for i in "${!cmds[@]}"; do
  hf_args+=(--command-name "${names[$i]}" "${cmds[$i]}")
done
hyperfine "${hf_args[@]}"

python3 - "$work/hyperfine.json" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print()
print(f"{'command':34} {'mean':>10} {'± σ':>9} {'min':>9} {'max':>9}")
for name, r in res.items():
    print(f"{name:34} {r['mean']*1000:8.1f} ms {r['stddev']*1000:6.1f} ms"
          f" {r['min']*1000:6.1f} ms {r['max']*1000:6.1f} ms")
def mean(n): return res[n]["mean"]
meta = mean("upgate folder") / mean("find live+copy")
content = mean("diff -rq live copy") / mean("upgate folder --verify-content")
print()
print(f"metadata mode  upgate / find    = {meta:5.2f}  (target <= 1.5)  {'PASS' if meta <= 1.5 else 'MISS'}")
print(f"content mode   diff -rq / upgate = {content:5.2f}  (target >= 1.5)  {'PASS' if content >= 1.5 else 'MISS'}")
print(f"metadata mode  upgate / find -printf %s = {mean('upgate folder') / mean('find live+copy -printf %s'):5.2f}  (reference: find stats every file too)")
print(f"zip            upgate / unzip -l = {mean('upgate zip') / mean('unzip -l zip'):5.2f}  (reference)")
print(f"zip --verify-content / upgate zip = {mean('upgate zip --verify-content') / mean('upgate zip'):5.2f}  (reference)")
EOF
echo "hyperfine results: $work/hyperfine.json$([ "${KEEP:-0}" = 1 ] || echo ' (removed with the work dir; KEEP=1 keeps it)')"
