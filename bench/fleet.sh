#!/usr/bin/env bash
# Measures `upgate fleet` (issue 19) on NODES node snapshots (default 500) of the
# fixtures' size: copies of fixtures/fleets/consistent's three nodes (22 files, 180 KiB
# each), each with its own host, listed in one fleet.toml. Against:
#   upgate fleet fleet.toml --phase post (every node in parallel, --jobs = the cores)
#   upgate fleet ... --jobs 1             (one node at a time)
#   NODES x upgate scan NODE --phase post (back to back, as a shell loop would)
# and the floors: find over every snapshot, and NODES x /bin/true (process start).
# Each command runs once to warm the page cache, then RUNS times (default 3); the
# table gives every wall time, the median and peak RSS (GNU time's %M). The fleet's
# results are checked to agree with the single scans (the same node verdicts).
#   bench/fleet.sh                         builds target/release/upgate
#   UPGATE=/path/to/upgate bench/fleet.sh  an already built binary
#   NODES=50 RUNS=5 bench/fleet.sh         fewer nodes, more runs
#   KEEP=1 bench/fleet.sh                  keep the work folder
# Measured figures: at the end of this file.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-3}
nodes=${NODES:-500}
now=2026-11-22T08:00:00Z

for tool in python3 find /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fleet.sh: $tool is required" >&2; exit 2; }
done
if [ -z "${UPGATE:-}" ]; then
  cargo build --release --quiet
  UPGATE=${CARGO_TARGET_DIR:-$repo/target}/release/upgate
fi
[ -x "$UPGATE" ] || { echo "fleet.sh: $UPGATE is not an executable" >&2; exit 2; }
work=$(mktemp -d /tmp/upgate-bench-fleet.XXXXXX)
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# NODES snapshots: node-001 is pam-web-01's copy, node-002 pam-web-02's, ...
python3 - "$repo/fixtures/fleets/consistent" "$work" "$nodes" <<'PY'
import json, os, shutil, sys
src, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
models = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
lines = ['installation = "bench"', 'window = "24h"']
for i in range(1, n + 1):
    name = f"node-{i:03}"
    dst = os.path.join(work, name)
    shutil.copytree(os.path.join(src, models[(i - 1) % len(models)]), dst, symlinks=True)
    facts = os.path.join(dst, "facts.json")
    data = json.load(open(facts))
    data["host"] = name
    json.dump(data, open(facts, "w"), indent=2)
    lines += ["", "[[node]]", f'name = "{name}"', f'snapshot = "{name}"']
open(os.path.join(work, "fleet.toml"), "w").write("\n".join(lines) + "\n")
PY

# One command's wall time and peak RSS (KiB): "SECONDS KIB".
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" bash -c "$1" >/dev/null 2>&1 || true
  cat "$work/time"
}
row() {
  local name=$1 cmd=$2 times=() rss=0
  measure "$cmd" >/dev/null
  for _ in $(seq "$runs"); do
    read -r t m < <(measure "$cmd")
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '| %s | %s | %s | %s MB |\n' "$name" "${times[*]}" "$median" "$((rss / 1024))"
}

singles="for d in $work/node-*; do $UPGATE scan \$d --phase post --now $now --format json >/dev/null; done"
echo "| command ($nodes nodes) | runs (s) | median | peak RSS |"
echo "|---|---|---|---|"
row "find every snapshot" "find $work -printf '%s %T@\n'"
row "$nodes x /bin/true" "for i in \$(seq $nodes); do /bin/true; done"
row "$nodes x upgate scan, back to back" "$singles"
row "upgate fleet --jobs 1" "$UPGATE fleet $work/fleet.toml --phase post --now $now --format json --jobs 1"
row "upgate fleet" "$UPGATE fleet $work/fleet.toml --phase post --now $now --format json"

# The fleet judges each node as its single scan does.
"$UPGATE" fleet "$work/fleet.toml" --phase post --now "$now" --format json >"$work/fleet.json" || true
python3 - "$work" "$UPGATE" "$now" <<'PY'
import json, subprocess, sys
work, upgate, now = sys.argv[1:]
fleet = json.load(open(f"{work}/fleet.json"))
for node in fleet["nodes"][:5]:
    single = json.loads(subprocess.run([upgate, "scan", f"{work}/{node['name']}", "--phase", "post",
        "--now", now, "--format", "json"], capture_output=True, text=True).stdout)
    assert node["summary"] == single["summary"], node["name"]
print(f"node summaries agree with single scans (first 5 of {len(fleet['nodes'])}); fleet: {fleet['summary']}")
PY

# Measured 2026-12-02 (release build at 89b1592, 2 cores shared: load average 20-28 from
# other work on the machine), NODES=500 RUNS=3:
# | command (500 nodes) | runs (s) | median | peak RSS |
# |---|---|---|---|
# | find every snapshot | 0.09 0.09 0.09 | 0.09 | 3 MB |
# | 500 x /bin/true | 0.87 0.77 0.84 | 0.84 | 3 MB |
# | 500 x upgate scan, back to back | 9.04 9.54 10.00 | 9.54 | 7 MB |
# | upgate fleet --jobs 1 | 1.34 1.31 1.63 | 1.34 | 50 MB |
# | upgate fleet | 1.30 1.07 1.47 | 1.30 | 51 MB |
# The fleet is 7.3x faster than the single scans back to back, which pay a process start
# and the rule packs' parsing per node (500 x /bin/true alone is 0.84 s). Peak RSS grows
# with the nodes' reports (results only: each node's trees are dropped once its report
# and state are made), about 0.1 MB a node here. --jobs 2 gains little over --jobs 1 on
# this loaded machine.
