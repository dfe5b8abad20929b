"""What benches/scan.sh, benches/react.sh and benches/ab.sh share: the cold-start events, the
edited pack, `snapback scan` timed, and calls to CloudTrail on the local AWS server.
Only the Python standard library is used."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

_CALLER = {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/x",
           "accountId": "123456789012"}

# `snapback check` on one event, to its first decision (target e): the shipped pack finds it
# non-compliant.
COLD_CHECK_EVENT = json.dumps({
    "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
    "awsRegion": "us-east-1", "eventID": "cold", "eventTime": "2026-11-20T09:00:00Z",
    "readOnly": False, "recipientAccountId": "123456789012", "userIdentity": _CALLER,
    "requestParameters": {"name": "t"}}).encode()


def stop_logging_event(event_id, trail):
    """The `StopLogging` event of `trail`, as `snapback react` reads it on stdin."""
    return json.dumps({
        "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com",
        "eventName": "StopLogging", "awsRegion": "us-east-1", "eventID": event_id,
        "readOnly": False, "recipientAccountId": "123456789012", "userIdentity": _CALLER,
        "requestParameters": {"name": trail}}).encode()


def edited_pack(policies, prefix="snapback-edited-pack-"):
    """A copy of the pack at `policies` with one policy edited by a comment, so that a build
    that embeds the pack does not recognise it and validates it at load. The caller removes it."""
    edited = tempfile.mkdtemp(prefix=prefix)
    for name in os.listdir(policies):
        shutil.copy(os.path.join(policies, name), edited)
    with open(os.path.join(edited, "cloudtrail-logging-stopped.cedar"), "a") as f:
        f.write("\n// edited after the build\n")
    return edited


def scan(binary, args, archive, cwd=None):
    """`snapback scan` over `archive`, every record printed: seconds taken and events read."""
    start = time.perf_counter()
    out = subprocess.run([binary, "scan", "--no-progress", *args, archive], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    assert out.returncode in (0, 2), out.stderr.decode()[-2000:]
    return took, int(re.search(rb"(\d+) events:", out.stderr).group(1))


def cloudtrail(endpoint, operation, body):
    """One CloudTrail API call to the local AWS server (moto accepts any signature)."""
    req = urllib.request.Request(endpoint + "/", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + operation,
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=x"})
    return urllib.request.urlopen(req).read()


def trail(endpoint, name, bucket):
    """A bucket and a trail logging to it, on the local AWS server."""
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{bucket}", method="PUT")).read()
    cloudtrail(endpoint, "CreateTrail", {"Name": name, "S3BucketName": bucket})
