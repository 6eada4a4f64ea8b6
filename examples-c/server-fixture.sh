#!/usr/bin/env bash
# Starts or stops the bundled csmail-server for the C examples.
#
#   server-fixture.sh start DIR   empties DIR, starts the server there on free ports (port 0)
#                                 and waits (up to 20 s) until it has written DIR/ready
#   server-fixture.sh stop DIR    stops the server started in DIR and waits until it is gone
#
# The server binary is $CSMAIL_SERVER (default: ../target/debug/csmail-server next to this
# script). DIR/ready holds the ports (smtp=, smtps=, pop3=, pop3s=, imap=, imaps=), DIR/ca.pem the test CA,
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

fixture=server-fixture
program=csmail-server
# shellcheck source=fixture-lib.sh
. "$here/fixture-lib.sh"

case $action in
start)
    if [ ! -x "$server" ]; then
        echo "server-fixture: server binary not found: $server" >&2
        echo "server-fixture: build it with 'cargo build -p csmail-server' or set CSMAIL_SERVER" >&2
        exit 1
    fi
    start_fixture "$dir" "$dir/server.log" "$ready_timeout" "$dir/ready" \
        "$server" --dir "$dir" --smtp-port 0 --smtps-port 0 --pop3-port 0 --pop3s-port 0 \
        --imap-port 0 --imaps-port 0
    ;;
stop)
    pidfile=$dir/fixture.pid
    [ -f "$pidfile" ] || pidfile=$dir/server.pid
    stop_fixture "$pidfile" "$dir/server.log"
    ;;
*)
    usage
    ;;
esac
