# Shared settings for snapback's scripts: source it, don't run it.
# Builds go to a cache outside the clone so that the slow dependencies (Cedar, and the AWS SDK
# crates later) compile once per machine, not once per clone.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/snapback/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SNAPBACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SNAPBACK_ROOT

need_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found; install Rust (https://rustup.rs) and retry" >&2
    exit 1
  fi
}
