#!/usr/bin/env bash
# Starts or stops the bundled csmail-server for the C examples.
#
#   server-fixture.sh start DIR   empties DIR, starts the server there on free ports (port 0)
#                                 and waits (up to 20 s) until it has written DIR/ready
#   server-fixture.sh stop DIR    stops the server started in DIR and waits until it is gone
#
# The server binary is $CSMAIL_SERVER (default: ../target/debug/csmail-server next to this
# script). DIR/ready holds the ports (smtp=, smtps=, pop3=, pop3s=), DIR/ca.pem the test CA,
# DIR/server.log the server's output. ctest runs `start` as a FIXTURES_SETUP test and `stop`
# as the FIXTURES_CLEANUP test; scripts/demo.sh uses it too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${CSMAIL_SERVER:-$here/../target/debug/csmail-server}
ready_timeout=${CSMAIL_READY_TIMEOUT:-20}
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
    echo "server-fixture: csmail-server (pid $pid) ignored SIGTERM for ${stop_timeout} s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "server-fixture: csmail-server (pid $pid) is still running" >&2
    return 1
}

case $action in
start)
    if [ ! -x "$server" ]; then
        echo "server-fixture: server binary not found: $server" >&2
        echo "server-fixture: build it with 'cargo build -p csmail-server' or set CSMAIL_SERVER" >&2
        exit 1
    fi
    # A server left over from an earlier run in the same DIR is stopped first.
    if [ -f "$dir/fixture.pid" ]; then
        stop_pid "$(cat "$dir/fixture.pid")" || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    # Detached from our stdout/stderr: ctest waits for the test's pipes to close, and the
    # server has to outlive this script.
    "$server" --dir "$dir" --smtp-port 0 --smtps-port 0 --pop3-port 0 --pop3s-port 0 \
        </dev/null >"$dir/server.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/fixture.pid"
    for ((i = 0; i < ready_timeout * 10; i++)); do
        if [ -f "$dir/ready" ]; then
            echo "server-fixture: csmail-server pid $pid ready in $dir:"
            sed 's/^/  /' "$dir/ready"
            exit 0
        fi
        if ! alive "$pid"; then
            echo "server-fixture: csmail-server exited before writing $dir/ready; its output:" >&2
            sed 's/^/  /' "$dir/server.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "server-fixture: timeout: csmail-server (pid $pid) did not write $dir/ready within ${ready_timeout} s; its output:" >&2
    sed 's/^/  /' "$dir/server.log" >&2
    stop_pid "$pid" || true
    exit 1
    ;;
stop)
    pidfile=$dir/fixture.pid
    [ -f "$pidfile" ] || pidfile=$dir/server.pid
    if [ ! -f "$pidfile" ]; then
        echo "server-fixture: no server recorded in $dir; nothing to stop"
        exit 0
    fi
    pid=$(cat "$pidfile")
    if ! alive "$pid"; then
        echo "server-fixture: csmail-server (pid $pid) was not running any more" >&2
        rm -f "$dir/fixture.pid"
        exit 0
    fi
    stop_pid "$pid"
    rm -f "$dir/fixture.pid"
    echo "server-fixture: csmail-server pid $pid stopped"
    ;;
*)
    usage
    ;;
esac
