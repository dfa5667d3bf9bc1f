#!/usr/bin/env bash
# Measures PM014 (the offline package's nugetCache went into the NugetCache) on a
# realistic package: an offline upgrade zip of about 300 MiB, 300 stored .nupkg entries
# of random data under nugetCache/, in C:\Users\admin\Downloads of a minimal offline
# snapshot whose NugetCache holds the same files. upgate reads the zip's central
# directory and computes the CRC-32 of every cache file (all of its bytes), so the floor
# is `unzip -l` plus `cksum` (CRC) over the cache. Timed with /usr/bin/time (elapsed
# seconds, peak RSS in KiB), page cache warm (each is run once before). Measured (2 cores,
# idle, warm cache; 300 MiB, 301 entries): upgate 0.03 s, 6.9 MB; unzip -l 0.00 s, 2.9 MB;
# cksum over the cache 0.07 s, 1.9 MB. Needs python3,
# unzip, cksum, GNU time and about 650 MB under /tmp.
#   bench/offline_package.sh                         builds target/release/upgate
#   UPGATE=/path/to/upgate bench/offline_package.sh  an already built binary
#   BENCH_DIR=DIR KEEP=1 bench/offline_package.sh    work in DIR and keep it
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
for tool in python3 unzip cksum /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "offline_package.sh: $tool is required" >&2; exit 2; }
done
if [ -z "${UPGATE:-}" ]; then
  cargo build --release --quiet
  UPGATE=${CARGO_TARGET_DIR:-$repo/target}/release/upgate
fi
dir=${BENCH_DIR:-$(mktemp -d /tmp/upgate-bench-offline.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
snap=$dir/snapshot
cache=$snap/root/ProgramData/NugetCache
zip=$snap/root/Users/admin/Downloads/PrivilegeManager_Offline_11.1.1156.zip
mkdir -p "$snap/root/inetpub/wwwroot/TMS" "$cache" "$(dirname "$zip")"
cat > "$snap/facts.json" <<'JSON'
{ "privilege_manager": { "installed_version": "11.0.1040", "target_version": "11.1.1156" } }
JSON
[ -s "$zip" ] || python3 - "$zip" "$cache" <<'PY'
import os, random, sys, zipfile
zip_path, cache = sys.argv[1], sys.argv[2]
rng = random.Random(14)
names = ["ThycoticTms.11.1.1156.nupkg", "ThycoticTmsCoreProduct.11.1.1156.nupkg"]
names += [f"Vendor.Package{i:03}.1.0.{i}.nupkg" for i in range(298)]
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as z:
    z.writestr("Readme.txt", "Privilege Manager offline upgrade\n")
    for name in names:
        data = rng.randbytes(1024 * 1024)
        z.writestr("nugetCache/" + name, data)
        with open(os.path.join(cache, name), "wb") as f:
            f.write(data)
PY
ls -l "$zip" | awk '{printf "package: %d MiB, ", $5 / 1048576}'
unzip -l "$zip" | tail -1
run() { # label command...
  "${@:2}" >/dev/null 2>&1 || true
  printf '%-18s' "$1"
  /usr/bin/time -f '%e  %M' "${@:2}" >/dev/null 2>"$dir/time" || true
  tail -1 "$dir/time"
}
echo "tool              seconds  peak RSS (KiB)"
run "upgate PM014" "$UPGATE" scan "$snap" --phase pre --select PM014
run "unzip -l" unzip -l "$zip"
run "cksum cache" sh -c "cksum '$cache'/*.nupkg"
"$UPGATE" scan "$snap" --phase pre --select PM014 | grep -E 'PM014|results' | head -3
