#!/usr/bin/env bash
# `snapback scan s3://...` against a local moto server, beside a local scan of the same files:
# wall time, events/s and peak RSS (`/usr/bin/time -v`) of each. The files are the shared
# corpus's CloudTrail records (../shared/corpus, or $SNAPBACK_CORPUS) repeated to
# $SNAPBACK_BENCH_EVENTS events (default 20000) over $SNAPBACK_BENCH_FILES gzip log files
# (default 200) in the AWSLogs layout, written to a scratch directory and uploaded to moto.
# The binary is $SNAPBACK_BIN, else the release build if there is one, else the debug build
# (built if missing). moto adds its own latency per GET: the S3 figures bound what a scan
# costs, they do not predict S3's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/moto.sh
bin="${SNAPBACK_BIN:-}"
if [ -z "$bin" ]; then
  for profile in release debug; do
    if [ -x "$CARGO_TARGET_DIR/$profile/snapback" ]; then
      bin="$CARGO_TARGET_DIR/$profile/snapback"
      break
    fi
  done
fi
if [ -z "$bin" ]; then
  need_cargo
  cargo build --quiet --bin snapback
  bin="$CARGO_TARGET_DIR/debug/snapback"
fi
events="${SNAPBACK_BENCH_EVENTS:-20000}"
files="${SNAPBACK_BENCH_FILES:-200}"
corpus="${SNAPBACK_CORPUS:-$SNAPBACK_ROOT/../shared/corpus}/cloudtrail-records"

moto_start
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
work="$(mktemp -d "${TMPDIR:-/tmp}/snapback-scan-s3.XXXXXX")"
trap 'rm -rf "$work"; moto_stop' EXIT

"$MOTO_VENV/bin/python" - "$corpus" "$work/archive" "$events" "$files" "$SNAPBACK_TEST_ENDPOINT" <<'PY'
import gzip, json, os, sys
import boto3
corpus, root, events, files, endpoint = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
records = []
for name in sorted(os.listdir(corpus)):
    if name.endswith(".json"):
        with open(os.path.join(corpus, name)) as f:
            record = json.load(f)
        if isinstance(record, dict):
            records.append(record)
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
s3.create_bucket(Bucket="snapback-bench")
per_file = max(1, events // files)
total = 0
for n in range(files):
    account = ["111122223333", "444455556666"][n % 2]
    region = ["us-east-1", "eu-west-1"][(n // 2) % 2]
    day = f"{1 + (n // 4) % 28:02}"
    batch = []
    for i in range(per_file):
        r = dict(records[(n * per_file + i) % len(records)])
        r["eventID"] = f"bench-{n}-{i}"
        r["recipientAccountId"], r["awsRegion"] = account, region
        r["eventTime"] = f"2026-11-{day}T10:{i // 60 % 60:02}:{i % 60:02}Z"
        batch.append(r)
    total += len(batch)
    key = (f"AWSLogs/{account}/CloudTrail/{region}/2026/11/{day}/"
           f"{account}_CloudTrail_{region}_202611{day}T1000Z_{n:05}.json.gz")
    body = gzip.compress(json.dumps({"Records": batch}).encode())
    path = os.path.join(root, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(body)
    s3.put_object(Bucket="snapback-bench", Key="logs/" + key, Body=body)
print(f"{files} files, {total} events ({sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs) / 2**20:.1f} MiB gzip)")
PY

run() {
  local label="$1"
  shift
  # The exit code says violations were found (2): expected.
  /usr/bin/time -v "$bin" scan --no-progress --endpoint-url "$SNAPBACK_TEST_ENDPOINT" "$@" \
    >/dev/null 2>"$work/$label.err" || true
  python3 - "$label" "$work/$label.err" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
scanned = re.search(r"scanned (\d+) files .* in ([\d.]+) s: (\d+) events \((\d+) events/s\)", text)
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", text)
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
if not scanned or not rss:
    sys.exit(f"{label}: no summary in its stderr:\n{text}")
files, took, events, rate = scanned.groups()
print(f"{label:<22} {events} events in {files} files: scan {float(took):.2f} s "
      f"({int(rate):,} events/s), wall {wall.group(1) if wall else '?'}, "
      f"peak RSS {int(rss.group(1)) / 1024:.1f} MiB")
PY
}

echo "binary: $bin"
run "local" "$work/archive"
run "s3 (16 fetches)" s3://snapback-bench/logs
run "s3 (4 fetches)" --fetch-concurrency 4 s3://snapback-bench/logs
run "s3 (64 fetches)" --fetch-concurrency 64 s3://snapback-bench/logs
