# A local moto server (PyPI `moto[server]`) for the tests that call AWS: source it, then call
# `moto_start`; it is stopped when the calling shell exits. It listens on a free 127.0.0.1
# port only, and the venv lives in the cache beside the build so that it is installed once.
MOTO_VENV="${MOTO_VENV:-$HOME/.cache/snapback/venv}"
MOTO_VERSION="${MOTO_VERSION:-5.1.*}"

moto_install() {
  if [ -x "$MOTO_VENV/bin/moto_server" ]; then return 0; fi
  echo "installing moto[server] into $MOTO_VENV" >&2
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}

moto_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

moto_start() {
  moto_install
  local port log
  port="$(moto_free_port)"
  log="${TMPDIR:-/tmp}/snapback-moto-$port.log"
  MOTO_IAM_LOAD_MANAGED_POLICIES=true "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  trap 'moto_stop' EXIT
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
      export SNAPBACK_TEST_ENDPOINT="http://127.0.0.1:$port"
      echo "moto listening on $SNAPBACK_TEST_ENDPOINT (log: $log)" >&2
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "error: moto_server exited; see $log" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "error: moto_server did not answer on port $port; see $log" >&2
  return 1
}

moto_stop() {
  if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  MOTO_PID=
}
