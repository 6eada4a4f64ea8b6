#!/usr/bin/env bash
# The csmail demo: from the repository root of a fresh clone,
#
#   bash scripts/demo.sh
#
# builds the workspace (library and test server) and the C examples, starts the bundled
# csmail-server in a temporary directory, sends a mail over SMTP with STARTTLS
# (examples-c/send_starttls), fetches it back over POP3 with implicit TLS
# (examples-c/fetch_pop3s), prints the negotiated TLS parameters (examples-c/tls_info), and
# stops the server. Exits 0 when every step succeeded.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=build/examples-c
step() { printf '\n==> %s\n' "$*"; }

step "cargo build --workspace"
cargo build --workspace --quiet

step "building the C examples in $build"
if ! command -v cmake >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing cmake with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null
    else
        echo "demo: cmake (>= 3.13) is needed; install it (e.g. apt-get install cmake)" >&2
        exit 1
    fi
fi
log=$(mktemp "${TMPDIR:-/tmp}/csmail-demo-build.XXXXXX")
if ! { cmake -S examples-c -B "$build" && cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "demo: building the C examples failed" >&2
    exit 1
fi
rm -f "$log"
echo "built: $(cd "$build" && ls send_starttls fetch_pop3s tls_info | tr '\n' ' ')"

dir=$(mktemp -d "${TMPDIR:-/tmp}/csmail-demo.XXXXXX")
cleanup() {
    local rc=$?
    if [ "$rc" != 0 ] && [ -f "$dir/server.log" ]; then
        echo "demo: failed; the server's log:" >&2
        sed 's/^/  /' "$dir/server.log" >&2
    fi
    bash examples-c/server-fixture.sh stop "$dir" || rc=1
    rm -rf "$dir"
    if [ "$rc" = 0 ]; then
        printf '\ndemo: OK (sent over STARTTLS, fetched over POP3S, TLS parameters shown)\n'
    else
        printf '\ndemo: FAILED (exit status %s)\n' "$rc" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting csmail-server in $dir"
CSMAIL_SERVER="$root/target/debug/csmail-server" bash examples-c/server-fixture.sh start "$dir"

run() {
    local example=$1
    shift
    bash examples-c/run-example.sh "$dir" "$build/$example" "$@"
}
tag="demo-$$-$(date +%s)"

step "1. send a mail from alice to bob over SMTP + STARTTLS"
run send_starttls smtp "$tag"

step "2. fetch it back as bob over POP3S (implicit TLS), and delete it"
run fetch_pop3s pop3s "send_starttls $tag"

step "3. the negotiated TLS parameters (SMTP with STARTTLS)"
run tls_info smtp smtp

step "stopping the server"
