#!/usr/bin/env bash
# Load and fault figures for the Lambda handler with the shared DynamoDB state table: 10,000
# events (one in nine a violation, 10% delivered twice, 5% withheld from EventBridge and found
# only in the log files) through 2, 8 and 32 containers, first with no faults, then with the
# fault proxy (benches/faultproxy.py) throttling 2% of calls, failing 1%, and holding every
# call for 6 s during 3 s. Starts moto and the proxy on 127.0.0.1 and stops them afterwards;
# prints one Markdown table row per run (docs/performance.md has the table).
#
#   benches/load.sh                  # both, 10,000 events, 2, 8 and 32 containers
#   SNAPBACK_LOAD_EVENTS=2000 SNAPBACK_LOAD_CONTAINERS=4 benches/load.sh
#
# Built in the dev profile, like the tests: moto's latency, not the build, sets the pace.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/moto.sh
need_cargo
events="${SNAPBACK_LOAD_EVENTS:-10000}"
containers="${SNAPBACK_LOAD_CONTAINERS:-2,8,32}"
cargo bench --profile dev --bench load --no-run --quiet
moto_start
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
work="$(mktemp -d "${TMPDIR:-/tmp}/snapback-load.XXXXXX")"
"$MOTO_VENV/bin/python" benches/faultproxy.py "$SNAPBACK_TEST_ENDPOINT" "$work/port" &
proxy=$!
trap 'kill $proxy 2>/dev/null; rm -rf "$work"; moto_stop' EXIT
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$work/port")"
for faults in "" "--faults"; do
  cargo bench --profile dev --quiet --bench load -- \
    --endpoint "$endpoint" --moto "$SNAPBACK_TEST_ENDPOINT" \
    --events "$events" --containers "$containers" $faults
done
