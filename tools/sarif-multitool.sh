#!/usr/bin/env bash
# Validates every fixture's `upgate scan --format sarif` with Microsoft's SARIF multitool
# (the validator behind the SARIF web validator), with its SARIF rules and GitHub's ingestion
# rules ("Gh"). Not part of `cargo test`: npx fetches the tool from npm.
#
# Fixtures are scanned in place, without the mtimes tests/it/fixtures.rs stages, so some ages
# (and so results) may differ from the snapshots; the documents' shape is what is checked.
# The multitool exits 0 even when it reports errors, so its output is searched for them:
# errors fail this script, warnings and notes are only printed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/upgate"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for expect in fixtures/*/expect.toml; do
  dir=$(dirname "$expect")
  name=$(basename "$dir")
  phase=$(sed -n 's/^phase = "\(.*\)"$/\1/p' "$expect")
  now=$(sed -n 's/^now = "\(.*\)"$/\1/p' "$expect")
  # Exit status 1 only means the scan found problems.
  "$bin" scan "$dir" --phase "$phase" --now "$now" --format sarif >"$out/$name.sarif" ||
    [ $? -eq 1 ]
done

# npx hands its arguments to a shell: the inner quotes keep "Gh;Sarif" one argument.
log="$out/multitool.log"
npx --yes @microsoft/sarif-multitool validate "$out"/*.sarif \
  --rule-kind '"Gh;Sarif"' --output "$out/validation.sarif" >"$log" 2>&1 || true

grep -q 'Analysis completed successfully' "$log" || {
  grep -v '^npm warn' "$log" >&2
  echo "sarif-multitool did not complete" >&2
  exit 1
}
# Warnings and notes, counted per rule; errors in full.
grep -o -E ': (warning|note) [A-Z]+[0-9]+' "$log" | sort | uniq -c || true
errors=$(grep -E ': error [A-Z]+[0-9]+' "$log" || true)
files=$(find "$out" -maxdepth 1 -name '*.sarif' ! -name validation.sarif | wc -l)
if [ -n "$errors" ]; then
  echo "$errors" >&2
  echo "sarif-multitool: $(echo "$errors" | wc -l) error(s) in $files SARIF file(s)" >&2
  exit 1
fi
echo "sarif-multitool: no errors in $files SARIF file(s)"
