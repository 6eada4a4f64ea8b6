#!/usr/bin/env bash
# Interoperability tests against real Postfix and Dovecot on loopback: installs the servers
# (root, apt-get; nothing to do when installed), starts them, runs tests/real_servers.rs,
# real_servers_message.rs and real_imap.rs (all of whose tests are #[ignore]d in a plain
# `cargo test`), then the same cases from C (examples-c/interop_mail.c, `ctest -L real -R
# interop_mail` through scripts/test-c.sh --real) and examples-c/imap_list_unseen.c and
# imap_idle.c against Dovecot's IMAPS, and always stops the servers again. Exits non-zero when
# either part failed. Extra arguments go to the Rust test binaries (e.g. a test name).
#
# State directory: $CSMAIL_MAILSRV_DIR (default /tmp/csmail-mailsrv), shared by the script and
# the tests. The servers listen on free ports (CSMAIL_MAILSRV_PORTS=free) unless the
# CSMAIL_MAILSRV_*_PORT variables or CSMAIL_MAILSRV_PORTS=default say otherwise; the tests read
# the ports from the state directory's ports.env.
set -euo pipefail
cd "$(dirname "$0")/.."

export CSMAIL_MAILSRV_DIR=${CSMAIL_MAILSRV_DIR:-/tmp/csmail-mailsrv}
export CSMAIL_MAILSRV_PORTS=${CSMAIL_MAILSRV_PORTS:-free}

step() { printf '\n==> %s\n' "$*"; }
elapsed() { echo $(($(date +%s) - $1)); }

# Build first, so the servers do not wait for the compiler.
step "cargo test --test real_servers --test real_servers_message --test real_imap --no-run"
cargo test --test real_servers --test real_servers_message --test real_imap --no-run --quiet
step "build the C examples (cargo build --workspace; scripts/test-c.sh --build-only)"
cargo build --workspace --quiet
bash scripts/test-c.sh --build-only

t=$(date +%s)
step "install Postfix and Dovecot"
bash scripts/mailservers.sh install
echo "install: $(elapsed "$t") s"

stop_servers() {
  step "stop the servers"
  bash scripts/mailservers.sh stop || true
}
trap stop_servers EXIT

t=$(date +%s)
step "start the servers"
bash scripts/mailservers.sh start
echo "start: $(elapsed "$t") s"
# The ports the servers listen on, for the Rust and C tests.
# shellcheck source=/dev/null
. "$CSMAIL_MAILSRV_DIR/ports.env"

step "cargo test --test real_servers --test real_servers_message --test real_imap -- --ignored --test-threads=1"
status=0
cargo test --test real_servers --test real_servers_message --test real_imap -- --ignored --test-threads=1 "$@" || status=$?

step "C: ctest -L real -R interop_mail (CSMAIL_REAL=1)"
c_status=0
bash scripts/test-c.sh --real -R interop_mail || c_status=$?
# The IMAP examples, which ctest runs against the bundled server, against Dovecot's IMAPS: each
# fails unless the message it appends (SUBJECT) comes back, and removes it again.
step "C: imap_list_unseen and imap_idle against Dovecot IMAPS"
for ex in imap_list_unseen imap_idle; do
  "${CSMAIL_C_BUILD_DIR:-build/examples-c}/$ex" localhost "$CSMAIL_MAILSRV_IMAPS_PORT" \
    "$CSMAIL_MAILSRV_DIR/pki/ca.pem" "$ex real-dovecot $$" || c_status=$?
done
[ "$status" != 0 ] || status=$c_status
if [ "$status" != 0 ]; then
  # The servers' view of what went wrong.
  for f in "$CSMAIL_MAILSRV_DIR/postfix/postfix.log" "$CSMAIL_MAILSRV_DIR/dovecot/dovecot.log"; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -n 30 "$f"; }
  done
fi
exit "$status"
