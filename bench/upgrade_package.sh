#!/usr/bin/env bash
# Measures SS008 (the Secret Server upgrade zip is on the web server) on a realistic
# package: Version_11_1_000006.zip of about 300 MiB, a few hundred stored (uncompressed)
# entries of random data, in C:\Users\Administrator\Downloads of a minimal combined
# snapshot. upgate reads only the zip's central directory, as `unzip -l` does: both are
# timed with /usr/bin/time (elapsed seconds, peak RSS in KiB). The 400 entries under
# extra/ make SS008 fail (foreign files), which is the point: every entry is listed.
# Measured (2 busy cores, warm cache): upgate 0.01 s, 6.4 MB; unzip -l 0.01 s, 3.1 MB. Needs python3, unzip,
# GNU time and about 320 MB under /tmp.
#   bench/upgrade_package.sh                         builds target/release/upgate
#   UPGATE=/path/to/upgate bench/upgrade_package.sh  an already built binary
#   BENCH_DIR=DIR KEEP=1 bench/upgrade_package.sh    work in DIR and keep it
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
for tool in python3 unzip /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "upgrade_package.sh: $tool is required" >&2; exit 2; }
done
if [ -z "${UPGATE:-}" ]; then
  cargo build --release --quiet
  UPGATE=${CARGO_TARGET_DIR:-$repo/target}/release/upgate
fi
dir=${BENCH_DIR:-$(mktemp -d /tmp/upgate-bench-package.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
snap=$dir/snapshot
zip=$snap/root/Users/Administrator/Downloads/Version_11_1_000006.zip
mkdir -p "$snap/root/inetpub/wwwroot/SecretServer" "$snap/root/inetpub/wwwroot/TMS" "$(dirname "$zip")"
cat > "$snap/facts.json" <<'JSON'
{ "secret_server": { "installed_version": "10.9.000033", "target_version": "11.1.000006" },
  "privilege_manager": { "installed_version": "11.0.1040", "target_version": "11.1.1156" } }
JSON
[ -s "$zip" ] || python3 - "$zip" <<'PY'
import os, random, sys, zipfile
rng = random.Random(16)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.writestr("hashes.crt", rng.randbytes(4096))
    # ss_update.zip stands for the update: most of the bytes, then ~400 more entries
    # (a real wrapper holds two; the extra ones are the hostile case of a large directory).
    with z.open(zipfile.ZipInfo("ss_update.zip"), "w", force_zip64=True) as f:
        for _ in range(280):
            f.write(rng.randbytes(1024 * 1024))
    for i in range(400):
        z.writestr(f"extra/file{i:03}.bin", rng.randbytes(50 * 1024))
PY
ls -l "$zip" | awk '{printf "package: %d MiB, ", $5 / 1048576}'
unzip -l "$zip" | tail -1
echo "tool              seconds  peak RSS (KiB)"
printf 'upgate SS008      '; /usr/bin/time -f '%e  %M' "$UPGATE" scan "$snap" --phase pre --select SS008 >/dev/null 2>"$dir/upgate.time" || true
tail -1 "$dir/upgate.time"
printf 'unzip -l          '; /usr/bin/time -f '%e  %M' unzip -l "$zip" >/dev/null 2>"$dir/unzip.time"
tail -1 "$dir/unzip.time"
