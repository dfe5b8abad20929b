#!/usr/bin/env bash
# The Lambda cold start: init to ready with the full pack, measured by the end-to-end harness
# (tests/integration/lambda_runtime.rs: the Runtime API test double, moto as AWS) on a release `bootstrap`.
# Init is process start to the first `GET /runtime/invocation/next`: loading the embedded
# 35-policy pack (validated by the build), building the SDK clients, starting the runtime client.
# Usage: benches/lambda-init.sh [RUNS]   (default 15); prints each run and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/moto.sh
runs="${1:-15}"
release_dir="${SNAPBACK_RELEASE_TARGET_DIR:-$HOME/.cache/snapback/target-release}"
# The release build shares the benches' feature set (see benches/react.sh), so the SDK compiles
# once for both.
CARGO_TARGET_DIR="$release_dir" cargo build --release --quiet --bins --benches
cargo test --no-run --quiet --test integration
moto_start
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export SNAPBACK_BOOTSTRAP="$release_dir/release/bootstrap"
times=()
for i in $(seq 1 "$runs"); do
  line="$(cargo test --quiet --test integration lambda_runtime::bootstrap_reverts_logs_and_measures -- --nocapture 2>&1 \
    | grep -o 'first /next with the full pack: [0-9.]* ms' | grep -o '[0-9.]*' | tail -n 1)"
  echo "run $i: init ${line} ms"
  times+=("$line")
done
printf '%s\n' "${times[@]}" | python3 -c '
import statistics, sys
t = sorted(float(x) for x in sys.stdin if x.strip())
print(f"bootstrap init (release, full pack) over {len(t)} runs: median {statistics.median(t):.1f} ms, min {t[0]:.1f}, max {t[-1]:.1f}")
'
