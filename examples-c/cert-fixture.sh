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

# Is process $1 still alive (and not just a zombie waiting to be reaped)?
alive() {
    local pid=$1 state
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo "?")
    [ "$state" != "Z" ]
}

# Sends SIGTERM, waits up to $stop_timeout s, then SIGKILL. Fails if the process survives.
stop_pid() {
    local pid=$1 i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < stop_timeout * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "cert-fixture: cert_fixtures (pid $pid) ignored SIGTERM for ${stop_timeout} s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "cert-fixture: cert_fixtures (pid $pid) is still running" >&2
    return 1
}

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
    # One left over from an earlier run in the same DIR is stopped first.
    if [ -f "$dir/fixture.pid" ]; then
        stop_pid "$(cat "$dir/fixture.pid")" || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    # Detached from our stdout/stderr: ctest waits for the test's pipes to close, and the
    # example has to outlive this script. It runs until SIGTERM.
    "$example" "$dir" </dev/null >"$dir/fixtures.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/fixture.pid"
    for ((i = 0; i < ready_timeout * 10; i++)); do
        if [ -f "$dir/ready" ]; then
            echo "cert-fixture: cert_fixtures pid $pid ready in $dir:"
            sed 's/^/  /' "$dir/fixtures.log"
            exit 0
        fi
        if ! alive "$pid"; then
            echo "cert-fixture: cert_fixtures exited before writing $dir/ready; its output:" >&2
            sed 's/^/  /' "$dir/fixtures.log" >&2
            rm -f "$dir/fixture.pid"
            exit 1
        fi
        sleep 0.1
    done
    echo "cert-fixture: timeout: cert_fixtures (pid $pid) did not write $dir/ready within ${ready_timeout} s; its output:" >&2
    sed 's/^/  /' "$dir/fixtures.log" >&2
    stop_pid "$pid" || true
    rm -f "$dir/fixture.pid"
    exit 1
    ;;
stop)
    pidfile=$dir/fixture.pid
    if [ ! -f "$pidfile" ]; then
        echo "cert-fixture: nothing recorded in $dir; nothing to stop"
        exit 0
    fi
    pid=$(cat "$pidfile")
    if ! alive "$pid"; then
        echo "cert-fixture: cert_fixtures (pid $pid) was not running any more; its output:" >&2
        sed 's/^/  /' "$dir/fixtures.log" >&2 || true
        rm -f "$pidfile"
        exit 0
    fi
    stop_pid "$pid"
    rm -f "$pidfile"
    echo "cert-fixture: cert_fixtures pid $pid stopped"
    ;;
*)
    usage
    ;;
esac
