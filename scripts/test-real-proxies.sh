#!/usr/bin/env bash
# csmail's proxy handlers against real proxies from Debian (Dante, microsocks, tinyproxy):
# installs them (root), starts them on loopback (scripts/proxies.sh), runs tests/real_proxies.rs,
# then the same cases from C (examples-c/interop_proxy.c, `ctest -L real -R interop_proxy`
# through scripts/test-c.sh --real, with the bundled server as the ctest fixture), and always
# stops them again. Exits non-zero when either part failed. Extra arguments go to the Rust test
# binary (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

export CSMAIL_PROXY_DIR=${CSMAIL_PROXY_DIR:-/tmp/csmail-proxies}

# Build first, so the proxies do not wait for the compiler.
cargo test --test real_proxies --no-run --quiet
cargo build --workspace --quiet
bash scripts/test-c.sh --build-only

bash scripts/proxies.sh install
trap 'bash scripts/proxies.sh stop || echo "[test-real-proxies] warning: stop failed" >&2' EXIT
bash scripts/proxies.sh start

status=0
cargo test --test real_proxies -- --ignored --test-threads=1 "$@" || status=$?

c_status=0
bash scripts/test-c.sh --real -R interop_proxy || c_status=$?
[ "$status" != 0 ] || status=$c_status
exit $status
