#!/usr/bin/env bash
# Measures NPS016 (the Web Application's document directory holds only the new version)
# on a realistic Web Application: 5,000 files in about 100 folders (bench/make_web_folder.py,
# fixed seed, tens of MiB) with an index.html at the top, as C:\inetpub\wwwroot\Web Application,
# and its zip (zip -1, one top folder WebApplication/ as Server Manager's IIS package has)
# beside it, found by the search. 20 leftover files of an "old version" make the rule fail,
# so every file is walked and looked up and the leftovers listed. Timed with /usr/bin/time
# (elapsed seconds, peak RSS in KiB), each after a warm-up run: upgate in the default mode
# (walk + central directory, sizes) and with --verify-content (a CRC-32 of every file, on
# every core), next to the floors `find DIR | wc -l` (the walk) and `unzip -l` (the central
# directory). Measured (2 cores busy with other work, warm cache; 5,021 files, 34 MiB, zip
# 13 MiB): upgate 0.06-0.08 s, 9.7 MB; --verify-content 0.09-0.12 s, 10.1 MB; find | wc -l
# 0.01-0.06 s, 2.6 MB; unzip -l 0.04-0.07 s, 2.9 MB. Needs python3, zip, unzip, GNU time and about 100 MB under /tmp.
#   bench/web_app_clean.sh                         builds target/release/upgate
#   UPGATE=/path/to/upgate bench/web_app_clean.sh  an already built binary
#   BENCH_DIR=DIR KEEP=1 bench/web_app_clean.sh    work in DIR and keep it
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
for tool in python3 zip unzip /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "web_app_clean.sh: $tool is required" >&2; exit 2; }
done
if [ -z "${UPGATE:-}" ]; then
  cargo build --release --quiet
  UPGATE=${CARGO_TARGET_DIR:-$repo/target}/release/upgate
fi
dir=${BENCH_DIR:-$(mktemp -d /tmp/upgate-bench-webapp.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
snap=$dir/snapshot
wwwroot=$snap/root/inetpub/wwwroot
live="$wwwroot/Web Application"
zip=$wwwroot/WebApplication.zip
mkdir -p "$snap"
cat > "$snap/facts.json" <<'JSON'
{ "password_secure": { "server_version": "26.4.10.34111", "web_server": "iis",
  "web_app_dir": "C:\\inetpub\\wwwroot\\Web Application" } }
JSON

if [ ! -s "$zip" ]; then
  # The new version, zipped under its top folder; then copied in with the leftovers.
  stage=$dir/stage/WebApplication
  python3 bench/make_web_folder.py "$stage" --files 5000 --folders 100
  printf '<!DOCTYPE html>\n<html><body><div id="app"></div></body></html>\n' > "$stage/index.html"
  mkdir -p "$wwwroot"
  (cd "$dir/stage" && zip -q -1 -r "$zip" WebApplication)
  cp -r "$stage" "$live"
  mkdir -p "$live/old"
  for i in $(seq 1 20); do printf 'old version %d\n' "$i" > "$live/old/main.$i.js"; done
fi
echo "Web Application: $(find "$live" -type f | wc -l) files, $(du -sm "$live" | cut -f1) MiB; zip $(( $(stat -c %s "$zip") / 1048576 )) MiB"
measure() { # label, command...
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true
  printf '%-28s' "$label"
  /usr/bin/time -f '%e  %M' "$@" >/dev/null 2>"$dir/time" || true
  tail -1 "$dir/time"
}
echo "tool                        seconds  peak RSS (KiB)"
measure 'upgate NPS016' "$UPGATE" scan "$snap" --phase post --select NPS016
measure 'upgate NPS016 --verify' "$UPGATE" scan "$snap" --phase post --select NPS016 --verify-content
measure 'find DIR | wc -l' sh -c 'find "$1" | wc -l' sh "$live"
measure 'unzip -l' unzip -l "$zip"
"$UPGATE" scan "$snap" --phase post --select NPS016 2>/dev/null | grep -A1 -m1 'NPS016' | tail -1 || true
