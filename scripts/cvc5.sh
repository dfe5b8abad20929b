# The cvc5 SMT solver for `snapback prove` and `snapback diff`: source it, then call
# `cvc5_setup`, which exports CVC5 (the path Cedar's SymCC runs).
#
# Which cvc5: CVC5 when it is already set; else a `cvc5` on PATH whose version is at least the
# one SymCC is built and checked against (1.3.1); else the PyPI wheel of that version, installed
# once into a venv in ~/.cache/snapback and run by scripts/cvc5-launcher.py (the wheel ships the
# library, not the executable). Debian 12's package is cvc5 1.0.3, older than SymCC needs: see
# docs/policy-authoring.md ("Proving and diffing").
CVC5_VENV="${CVC5_VENV:-$HOME/.cache/snapback/venv-cvc5}"
CVC5_VERSION="${CVC5_VERSION:-1.3.1}"

# Whether version $1 (x.y.z) is at least $2.
cvc5_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

cvc5_setup() {
  if [ -n "${CVC5:-}" ]; then
    export CVC5
    return 0
  fi
  local found version
  found="$(command -v cvc5 || true)"
  if [ -n "$found" ]; then
    version="$("$found" --version 2>/dev/null | sed -n 's/.*cvc5 version \([0-9.]*\).*/\1/p' | head -n 1)"
    if [ -n "$version" ] && cvc5_at_least "$version" "$CVC5_VERSION"; then
      export CVC5="$found"
      return 0
    fi
    echo "note: $found is cvc5 ${version:-of unknown version}, older than $CVC5_VERSION; using the PyPI wheel" >&2
  fi
  local launcher="$CVC5_VENV/bin/cvc5"
  if [ ! -x "$launcher" ] || ! "$CVC5_VENV/bin/python" -c "import cvc5, sys; sys.exit(cvc5.__version__ != '$CVC5_VERSION')" 2>/dev/null; then
    echo "installing cvc5==$CVC5_VERSION (PyPI) into $CVC5_VENV" >&2
    python3 -m venv "$CVC5_VENV"
    "$CVC5_VENV/bin/pip" install --quiet --disable-pip-version-check "cvc5==$CVC5_VERSION"
  fi
  # The launcher is copied into the venv, so that CVC5 keeps working whichever clone set it up.
  cp "$SNAPBACK_ROOT/scripts/cvc5-launcher.py" "$CVC5_VENV/cvc5-launcher.py"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$CVC5_VENV/bin/python" "$CVC5_VENV/cvc5-launcher.py" >"$launcher"
  chmod +x "$launcher"
  export CVC5="$launcher"
}
