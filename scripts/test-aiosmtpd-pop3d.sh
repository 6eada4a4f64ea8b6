#!/usr/bin/env bash
# Interoperability tests against real aiosmtpd (SMTP) and GNU Mailutils pop3d (POP3) on
# loopback: installs them (root: apt-get mailutils-pop3d, aiosmtpd from PyPI into a virtual
# environment; nothing to do when installed), starts them, runs tests/real_aiosmtpd_pop3d.rs
# (all of whose tests are #[ignore]d in a plain `cargo test`) and always stops the servers
# again. Extra arguments go to the test binary (e.g. a test name).
#
# State directory: $CSMAIL_AIOSMTPD_POP3D_DIR (default /tmp/csmail-aiosmtpd-pop3d), ports as in
# scripts/aiosmtpd-pop3d.sh; the script and the tests read the same variables.
set -euo pipefail
cd "$(dirname "$0")/.."

export CSMAIL_AIOSMTPD_POP3D_DIR=${CSMAIL_AIOSMTPD_POP3D_DIR:-/tmp/csmail-aiosmtpd-pop3d}

step() { printf '\n==> %s\n' "$*"; }
elapsed() { echo $(($(date +%s) - $1)); }

# Build first, so the servers do not wait for the compiler.
step "cargo test --test real_aiosmtpd_pop3d --no-run"
cargo test --test real_aiosmtpd_pop3d --no-run --quiet

t=$(date +%s)
step "install aiosmtpd and GNU pop3d"
bash scripts/aiosmtpd-pop3d.sh install
echo "install: $(elapsed "$t") s"

stop_servers() {
  step "stop aiosmtpd and pop3d"
  bash scripts/aiosmtpd-pop3d.sh stop || true
}
trap stop_servers EXIT

t=$(date +%s)
step "start aiosmtpd and pop3d"
bash scripts/aiosmtpd-pop3d.sh start
echo "start: $(elapsed "$t") s"

step "cargo test --test real_aiosmtpd_pop3d -- --ignored --test-threads=1"
status=0
cargo test --test real_aiosmtpd_pop3d -- --ignored --test-threads=1 "$@" || status=$?
if [ "$status" != 0 ]; then
  for f in "$CSMAIL_AIOSMTPD_POP3D_DIR/aiosmtpd/aiosmtpd.log" "$CSMAIL_AIOSMTPD_POP3D_DIR/pop3d/pop3d.log"; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -n 30 "$f"; }
  done
fi
exit "$status"
