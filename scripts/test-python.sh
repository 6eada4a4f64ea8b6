#!/usr/bin/env bash
# Installs the Python package (bindings/python) into a fresh virtual environment the way a user
# does — `pip install ./bindings/python`, which builds the library with cargo and bundles it in
# the wheel — and runs its pytest suite against the bundled csmail-server. Used by CI.
#
#   bash scripts/test-python.sh [PYTEST-ARGS...]
#
# Environment: CSMAIL_CARGO_PROFILE (default debug here, so the build of `cargo build
# --workspace` is reused; `release` is what a plain `pip install` builds), CSMAIL_PYTHON_VENV
# (default build/python-venv), CSMAIL_SERVER (default target/debug/csmail-server). Installs
# python3-venv with apt-get when venv is missing and this runs as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${CSMAIL_PYTHON_VENV:-$root/build/python-venv}
export CSMAIL_CARGO_PROFILE=${CSMAIL_CARGO_PROFILE:-debug}
export CSMAIL_SERVER=${CSMAIL_SERVER:-$root/target/debug/csmail-server}
python=${PYTHON:-python3}

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-python: installing python3-venv with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        echo "test-python: Python's venv module is needed (e.g. apt-get install python3-venv)" >&2
        exit 1
    fi
fi
if [ ! -x "$CSMAIL_SERVER" ]; then
    echo "test-python: building csmail-server"
    cargo build -p csmail-server --quiet --manifest-path "$root/Cargo.toml"
fi

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet pytest
# The package as a user installs it: pip builds the wheel (cargo build, library bundled).
"$venv/bin/python" -m pip install --quiet "$root/bindings/python"
rm -rf "$root/bindings/python/build"

# pytest (not `python -m pytest`, which would put the source folder first on sys.path) runs the
# installed package; the test checks it loads the library bundled in it.
cd "$root"
CSMAIL_EXPECT_BUNDLED=1 "$venv/bin/pytest" -q -p no:cacheprovider "$root/bindings/python/tests" "$@"
