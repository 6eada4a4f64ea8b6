#!/usr/bin/env bash
# Starts or stops the certificate fixture servers (examples/cert_fixtures.rs) for cert_matrix.
#
#   cert-fixture.sh start DIR   builds the example (cargo build --quiet --example cert_fixtures,
#                               from the repository root), empties DIR, starts the example
#                               there in the background and waits (up to 60 s) until it has
#                               written DIR/ready
#   cert-fixture.sh stop DIR    stops the example started in DIR and waits until it is gone
#
# DIR/manifest.txt then lists the cases (the fields are described at the top of
# examples/cert_fixtures.rs), DIR/fixtures.log holds the example's output. ctest runs `start` as
# a FIXTURES_SETUP test and `stop` as the FIXTURES_CLEANUP test (examples-c/cert_matrix.cmake).
#
# Environment: CARGO (default cargo), CARGO_TARGET_DIR (default <repo>/target),
# CSMAIL_READY_TIMEOUT (seconds to wait for DIR/ready, default 60).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cargo=${CARGO:-cargo}
target_dir=${CARGO_TARGET_DIR:-$root/target}
example=$target_dir/debug/examples/cert_fixtures
ready_timeout=${CSMAIL_READY_TIMEOUT:-60}
stop_timeout=10

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1
dir=$2

fixture=cert-fixture
program=cert_fixtures
# shellcheck source=fixture-lib.sh
. "$here/fixture-lib.sh"

case $action in
start)
    if ! command -v "$cargo" >/dev/null 2>&1; then
        echo "cert-fixture: cargo not found (set CARGO): it builds examples/cert_fixtures.rs" >&2
        exit 1
    fi
    if ! command -v openssl >/dev/null 2>&1; then
        echo "cert-fixture: the openssl command is needed (it makes the SHA-1 and RSA-1024 fixtures and runs s_server)" >&2
        exit 1
    fi
    echo "cert-fixture: building the cert_fixtures example in $root"
    if ! (cd "$root" && "$cargo" build --quiet --example cert_fixtures); then
        echo "cert-fixture: 'cargo build --example cert_fixtures' failed" >&2
        exit 1
    fi
    if [ ! -x "$example" ]; then
        echo "cert-fixture: the build left no $example (is CARGO_TARGET_DIR right?)" >&2
        exit 1
    fi
    # It runs until SIGTERM.
    start_fixture "$dir" "$dir/fixtures.log" "$ready_timeout" "$dir/fixtures.log" "$example" "$dir"
    ;;
stop)
    stop_fixture "$dir/fixture.pid" "$dir/fixtures.log"
    ;;
*)
    usage
    ;;
esac
