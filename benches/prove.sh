#!/usr/bin/env bash
# How long `snapback prove` and `snapback diff` take, and their peak memory, with the release
# binary and the cvc5 that scripts/cvc5.sh sets up (CVC5, if set):
#
#   benches/prove.sh [REV]
#
# on the shipped pack, and on the pack of REV (default 345c224, the 35 policies before the
# coverage issue doubled the pack), each with and without the implication pass; then `diff` of
# the shipped pack against itself and against a copy with one exception widened. Every figure
# is the wall-clock time of one run (the solver runs dominate, so runs vary by a few percent)
# and the peak resident memory of snapback itself, from /usr/bin/time -v. prove and diff run
# one solver process per core.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/cvc5.sh
need_cargo
cvc5_setup

rev="${1:-345c224}"
# The release build shares the cache benches/ab.sh uses.
release="$CARGO_TARGET_DIR-release"
CARGO_TARGET_DIR="$release" cargo build --release --quiet --bin snapback
bin="$release/release/snapback"

work="$(mktemp -d "${TMPDIR:-/tmp}/snapback-prove-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old"
git archive "$rev" policies | tar -x -C "$work/old"
cp -r policies "$work/widened"
sed -i 's|role/snapback-break-glass"|role/snapback-break-glass*"|' "$work/widened/iam-role-trust-outside.cedar"

# One timed run: label, then the command; prints seconds, peak MiB and the command's last line.
timed() {
  local label="$1"
  shift
  local log="$work/time.log" out="$work/out.txt"
  /usr/bin/time -v "$@" >"$out" 2>"$log" || true
  local secs mib
  secs="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')"
  mib="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log" | awk '{ printf "%.0f", $1 / 1024 }')"
  printf '| %s | %s s | %s MiB | %s |\n' "$label" "$secs" "$mib" "$(tail -n 1 "$out" | cut -c1-110)"
}

n_old="$(ls "$work/old/policies"/*.cedar | wc -l)"
n_new="$(ls policies/*.cedar | wc -l)"
echo "cores: $(nproc); cvc5: $("$CVC5" --version | head -n 1)"
echo
echo "| run | wall | peak RSS | result |"
echo "|---|---|---|---|"
timed "prove, $rev pack ($n_old policies), no implications" "$bin" prove --policies "$work/old/policies" --no-implications
timed "prove, $rev pack ($n_old policies)" "$bin" prove --policies "$work/old/policies"
timed "prove, shipped pack ($n_new policies), no implications" "$bin" prove --policies policies --no-implications
timed "prove, shipped pack ($n_new policies)" "$bin" prove --policies policies
timed "diff, shipped pack against itself" "$bin" diff policies policies
timed "diff, one exception widened" "$bin" diff policies "$work/widened"
