#!/usr/bin/env bash
# react against a local AWS API server: starts moto on a free loopback port, then
#  1. criterion: warm throughput of the full revert pipeline (benches/react.rs);
#  2. time to first fix from a cold process: `snapback react` on one StopLogging event,
#     from process start to the confirmed revert, repeated and summarised as a median.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/moto.sh
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
# One build with the benches, so that the binary shares their (dev-dependency) feature set and
# the AWS SDK crates compile once.
cargo build --release --quiet --bins --benches
moto_start
cargo bench --bench react

bin="$CARGO_TARGET_DIR/release/snapback"
ep="$SNAPBACK_TEST_ENDPOINT"
python3 - "$bin" "$ep" <<'PY'
import json, statistics, subprocess, sys, time
sys.path.insert(0, "benches")
from common import cloudtrail, stop_logging_event, trail
binary, ep = sys.argv[1], sys.argv[2]
trail(ep, "cold-trail", "snapback-cold")
times = []
for i in range(15):
    cloudtrail(ep, "StopLogging", {"Name": "cold-trail"})
    start = time.perf_counter()
    out = subprocess.run([binary, "react", "--mode", "enforce", "--endpoint-url", ep, "--dead-letter", "/tmp/snapback-cold-dl", "-"],
                         input=stop_logging_event(f"cold-{i}", "cold-trail"), capture_output=True)
    times.append(time.perf_counter() - start)
    status = json.loads(out.stdout)["remediation"]["status"]
    assert status == "applied", out
print(f"time to first fix (cold process, release build): median {statistics.median(times)*1000:.1f} ms over {len(times)} runs (min {min(times)*1000:.1f}, max {max(times)*1000:.1f})")
PY
