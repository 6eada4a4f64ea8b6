#!/usr/bin/env bash
# Runs one C example against the server started by server-fixture.sh in DIR.
#
#   run-example.sh DIR EXAMPLE SERVICE [ARGS...]
#
# SERVICE picks the port from DIR/ready: smtp (STARTTLS), smtps (implicit TLS), pop3 (STLS),
# pop3s (implicit TLS), `closed`: a local port nothing listens on (bound, then closed), or
# `unanswered`: a port whose connection requests are never answered (unanswered-listener.py).
# The example is run as
#
#   EXAMPLE HOST PORT DIR/ca.pem [ARGS...]
#
# with HOST = $CSMAIL_HOST (default 127.0.0.1; the test certificate is also valid for
# localhost and ::1), under $CSMAIL_EXAMPLE_WRAPPER when it is set (a command and its options).
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 DIR EXAMPLE smtp|smtps|pop3|pop3s|imap|imaps|closed [ARGS...]" >&2
    exit 2
fi
dir=$1
example=$2
service=$3
shift 3
host=${CSMAIL_HOST:-127.0.0.1}

if [ ! -f "$dir/ready" ]; then
    echo "run-example: $dir/ready not found: is the server running (server-fixture.sh start $dir)?" >&2
    exit 1
fi

closed_port() {
    # Bind a free port and close it again: nothing listens there right afterwards.
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
    fi
    if command -v perl >/dev/null 2>&1; then
        perl -MSocket -e 'socket(S, PF_INET, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die; my ($p) = unpack_sockaddr_in(getsockname(S)); print "$p\n"; close(S);' && return
    fi
    echo 1 # tcpmux: practically never served
}

case $service in
smtp | smtps | pop3 | pop3s | imap | imaps)
    port=$(sed -n "s/^$service=\([0-9][0-9]*\)\$/\1/p" "$dir/ready")
    if [ -z "$port" ]; then
        echo "run-example: no '$service=PORT' line in $dir/ready" >&2
        exit 1
    fi
    ;;
closed)
    port=$(closed_port)
    ;;
unanswered)
    echo "run-example: $(basename "$example") $host <a port that never answers> $dir/ca.pem${*:+ $*}"
    exec python3 "$(dirname "${BASH_SOURCE[0]}")/unanswered-listener.py" "$example" "$host" "{port}" "$dir/ca.pem" "$@"
    ;;
*)
    echo "run-example: unknown service '$service' (smtp, smtps, pop3, pop3s, closed or unanswered)" >&2
    exit 2
    ;;
esac

echo "run-example: $(basename "$example") $host $port $dir/ca.pem${*:+ $*}"
# CSMAIL_EXAMPLE_WRAPPER runs the example under a tool (scripts/test-sanitizers.sh: valgrind).
# shellcheck disable=SC2086
exec ${CSMAIL_EXAMPLE_WRAPPER:-} "$example" "$host" "$port" "$dir/ca.pem" "$@"
