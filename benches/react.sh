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
import json, subprocess, sys, time, statistics, urllib.request
binary, ep = sys.argv[1], sys.argv[2]
import os
def call(target, body):
    req = urllib.request.Request(ep + "/", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=x"})
    return urllib.request.urlopen(req).read()
urllib.request.urlopen(urllib.request.Request(ep + "/snapback-cold", method="PUT")).read()
call("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail", {"Name": "cold-trail", "S3BucketName": "snapback-cold"})
times = []
for i in range(15):
    call("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.StopLogging", {"Name": "cold-trail"})
    event = {"eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging", "awsRegion": "us-east-1",
             "eventID": f"cold-{i}", "readOnly": False, "recipientAccountId": "123456789012",
             "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/x", "accountId": "123456789012"},
             "requestParameters": {"name": "cold-trail"}}
    start = time.perf_counter()
    out = subprocess.run([binary, "react", "--mode", "enforce", "--endpoint-url", ep, "--dead-letter", "/tmp/snapback-cold-dl", "-"],
                         input=json.dumps(event).encode(), capture_output=True)
    times.append(time.perf_counter() - start)
    status = json.loads(out.stdout)["remediation"]["status"]
    assert status == "applied", out
print(f"time to first fix (cold process, release build): median {statistics.median(times)*1000:.1f} ms over {len(times)} runs (min {min(times)*1000:.1f}, max {max(times)*1000:.1f})")
PY
