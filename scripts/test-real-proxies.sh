#!/usr/bin/env bash
# csmail's proxy handlers against real proxies from Debian (Dante, microsocks, tinyproxy):
# installs them (root), starts them on loopback (scripts/proxies.sh), runs tests/real_proxies.rs
# and always stops them again. Exits with the tests' status. Extra arguments go to the test
# binary (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

export CSMAIL_PROXY_DIR=${CSMAIL_PROXY_DIR:-/tmp/csmail-proxies}

bash scripts/proxies.sh install
trap 'bash scripts/proxies.sh stop || echo "[test-real-proxies] warning: stop failed" >&2' EXIT
bash scripts/proxies.sh start

status=0
cargo test --test real_proxies -- --ignored --test-threads=1 "$@" || status=$?
exit $status
