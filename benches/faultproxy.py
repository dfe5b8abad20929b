"""A loopback HTTP proxy in front of moto that injects the faults AWS shows under load.

    python benches/faultproxy.py UPSTREAM_URL PORT_FILE

Listens on a free 127.0.0.1 port (written to PORT_FILE) and forwards every request to
UPSTREAM_URL. Faults are switched by POSTing JSON to /__faults:

    {"throttle": 0.02, "error": 0.01, "stall": [start_in_seconds, seconds, hold_seconds]}

- throttle: that share of requests is answered as throttled without reaching moto: DynamoDB's
  `ThrottlingException` (400, JSON) for DynamoDB calls, `SlowDown` (503) for the others.
- error: that share is answered 500 InternalError without reaching moto.
- stall: from start_in_seconds for seconds, every request is held hold_seconds before it is
  forwarded (a service that stops answering for a while: the client's timeouts fire first).

GET /__stats returns the requests forwarded and the faults injected, per call (the DynamoDB
`X-Amz-Target`, or the query `Action`, or the method and first path segment for S3).
"""

import http.client
import json
import random
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
PORT_FILE = sys.argv[2]
LOCK = threading.Lock()
FAULTS = {"throttle": 0.0, "error": 0.0, "stall": None}
STATS = {"forwarded": {}, "throttled": 0, "errors": 0, "stalled": 0}
RNG = random.Random(9)


def call_name(handler, body):
    target = handler.headers.get("X-Amz-Target")
    if target:
        service, _, op = target.partition(".")
        return f"dynamodb:{op}" if service.startswith("DynamoDB") else op
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
    if "Action" in query:
        return query["Action"][0]
    if body and b"Action=" in body[:200]:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    path = urllib.parse.urlsplit(handler.path).path
    return f"{handler.command} /{path.strip('/').split('/')[0]}" if path.strip("/") else handler.command


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, delayed ACKs add 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__faults"):
            with LOCK:
                FAULTS.update(json.loads(body or b"{}"))
                stall = FAULTS.get("stall")
                if stall:
                    start = time.monotonic() + stall[0]
                    FAULTS["stall_window"] = (start, start + stall[1], stall[2])
                else:
                    FAULTS["stall_window"] = None
            return self.reply(200, b"{}")
        if self.path.startswith("/__stats"):
            with LOCK:
                return self.reply(200, json.dumps(STATS).encode())
        name = call_name(self, body)
        dynamo = self.headers.get("X-Amz-Target", "").startswith("DynamoDB")
        with LOCK:
            roll = RNG.random()
            throttle, error = FAULTS["throttle"], FAULTS["error"]
            window = FAULTS.get("stall_window")
        if roll < throttle:
            with LOCK:
                STATS["throttled"] += 1
            if dynamo:
                doc = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}'
                return self.reply(400, doc, [("Content-Type", "application/x-amz-json-1.0")])
            return self.reply(503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        if roll < throttle + error:
            with LOCK:
                STATS["errors"] += 1
            if dynamo:
                doc = b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}'
                return self.reply(500, doc, [("Content-Type", "application/x-amz-json-1.0")])
            return self.reply(500, b"<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>")
        if window and window[0] <= time.monotonic() < window[1]:
            with LOCK:
                STATS["stalled"] += 1
            time.sleep(window[2])
        upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        upstream.connect()
        upstream.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        with LOCK:
            STATS["forwarded"][name] = STATS["forwarded"].get(name, 0) + 1
        skip = ("transfer-encoding", "connection", "content-length", "keep-alive")
        self.reply(response.status, data, [(k, v) for k, v in response.getheaders() if k.lower() not in skip])
        upstream.close()

    def handle_safely(self):
        try:
            self.handle_one()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout fired during a stall): nothing to answer.
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_safely


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
with open(PORT_FILE, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
