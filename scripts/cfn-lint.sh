# cfn-lint (PyPI), for the SAM templates: source it, then call `cfn_lint FILE...`. It lives in
# its own venv in the cache beside moto's, installed once.
CFN_LINT_VENV="${CFN_LINT_VENV:-$HOME/.cache/snapback/venv-cfn-lint}"
CFN_LINT_VERSION="${CFN_LINT_VERSION:-1.*}"

cfn_lint() {
  if [ ! -x "$CFN_LINT_VENV/bin/cfn-lint" ]; then
    echo "installing cfn-lint into $CFN_LINT_VENV" >&2
    python3 -m venv "$CFN_LINT_VENV"
    "$CFN_LINT_VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
  fi
  "$CFN_LINT_VENV/bin/cfn-lint" "$@"
}
