#!/usr/bin/env bash
# The install a user does: a fresh venv with the Python's own pip (not upgraded), `pip install .`
# without constraints, then `bcikg --help` and the ingest of one HTML page. Also checks that the
# wheel builds without warnings (license metadata, data files outside packages ...).
# Usage: bash scripts/install_check.sh   (from the repository root; PYTHON=python3.11 to choose)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bcikg-install-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m venv "$work/venv"
pip="$work/venv/bin/pip"
echo "install-check: $("$pip" --version)"

"$pip" wheel --no-deps --disable-pip-version-check . -w "$work/wheel" >"$work/wheel.log" 2>&1 || {
    cat "$work/wheel.log"; echo "install-check: the wheel does not build"; exit 1; }
if grep -Ei "warning" "$work/wheel.log"; then
    echo "install-check: building the wheel prints warnings (above)"; exit 1
fi

"$pip" install --quiet --disable-pip-version-check . >"$work/install.log" 2>&1 || {
    cat "$work/install.log"; echo "install-check: pip install . failed"; exit 1; }

# Run from outside the repository, as a user would.
cd "$work"
"$work/venv/bin/bcikg" --help >/dev/null
"$work/venv/bin/bcikg" ingest "$OLDPWD/tests/data/read/page.html" --store "$work/store" -j 1
echo "install-check: ok"
