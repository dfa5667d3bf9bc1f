#!/usr/bin/env bash
# Hostile sizes (issue 15): a scan's time and peak RSS at 1,000 / 10,000 / 100,000 of
#   entries   Apache `Include conf/extra/*.conf` over N files in the C:/Apache24 layout
#             (case-insensitive lookups: folder entries and include files at once)
#   packages  N empty .nupkg files, each with a .hash.json sidecar, in the NugetCache
#   segments  a Password Secure web_app_dir N folders below the IIS site (IIS levels)
#   directives  an httpd.conf with N each of Define, LoadModule, <IfModule> and
#             <IfDefine> (variables and loaded modules are looked up per line)
# Growth should be linear. Figures are measured here, never in timed tests.
#   bench/hostile.sh                 release build
#   BIN=target/debug/upgate bench/hostile.sh [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/upgate
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
now=2026-11-22T08:00:00Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label size target phase
  local status=0
  /usr/bin/time -o "$work/time" -f '%e %M' "$BIN" scan "$3" --phase "$4" --now "$now" \
    --format json >"$work/report" 2>"$work/stderr" || status=$?
  # 0 and 1 are verdicts; anything else (2: input error, 101: panic) is shown.
  [ "$status" -le 1 ] || { echo "$1 $2: exit $status: $(head -c 300 "$work/stderr")" >&2; }
  read -r secs kib < <(tail -1 "$work/time")
  printf '%-10s %7s  %8s s  %8s KiB  exit %s\n' "$1" "$2" "$secs" "$kib" "$status"
}

printf '%-10s %7s  %10s  %12s\n' what size time 'peak RSS'
for n in "${sizes[@]}"; do
  d="$work/entries-$n"
  python3 - "$d" "$n" <<'PY'
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
conf = os.path.join(d, "root/Apache24/conf")
os.makedirs(os.path.join(conf, "extra"))
with open(os.path.join(conf, "httpd.conf"), "w") as f:
    f.write("Define SRVROOT \"c:/Apache24\"\nServerRoot \"${SRVROOT}\"\n"
            "LoadModule proxy_module modules/mod_proxy.so\n"
            "LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n"
            "Include conf/extra/*.conf\n")
for i in range(n):
    with open(os.path.join(conf, "extra", f"Part{i:06}.CONF"), "w") as f:
        f.write(f"# part {i}\n")
json.dump({"password_secure": {"server_version": "9.3.1.33994", "web_server": "apache",
           "apache_config": "C:\\Apache24\\conf\\httpd.conf", "web_app_dir": "C:\\Apache24\\htdocs"}},
          open(os.path.join(d, "facts.json"), "w"))
PY
  measure entries "$n" "$d" post
  rm -rf "$d"

  d="$work/packages-$n"
  cp -r fixtures/pm-offline-ready "$d"
  python3 - "$d/root/ProgramData/NugetCache" "$n" <<'PY'
import os, sys
cache, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    open(os.path.join(cache, f"Junk.{i}.0.0.nupkg"), "w").close()
    with open(os.path.join(cache, f"Junk.{i}.0.0.nupkg.hash.json"), "w") as f:
        f.write("{}")
PY
  measure packages "$n" "$d" pre
  rm -rf "$d"

  d="$work/segments-$n"
  cp -r fixtures/nps-post-ready "$d"
  python3 - "$d/facts.json" "$n" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
facts = json.load(open(path))
facts["password_secure"]["web_app_dir"] = "C:\\inetpub\\wwwroot\\Web Application" + "\\s" * n
json.dump(facts, open(path, "w"))
PY
  measure segments "$n" "$d" post
  rm -rf "$d"

  d="$work/directives-$n"
  cp -r fixtures/nps-apache-upstream-http-only "$d"
  python3 - "$d" "$n" <<'PY'
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
facts = json.load(open(os.path.join(d, "facts.json")))
conf = facts["password_secure"]["apache_config"].replace("\\", "/").lstrip("/")
path = os.path.join(d, "root", conf.split(":", 1)[-1].lstrip("/"))
with open(path, "a") as f:
    for i in range(n):
        f.write(f"Define D{i} v{i}\nLoadModule m{i}_module modules/mod_m{i}.so\n"
                f"<IfModule m{i}_module>\n</IfModule>\n<IfDefine D{i}>\n</IfDefine>\n")
PY
  measure directives "$n" "$d" post
  rm -rf "$d"
done
