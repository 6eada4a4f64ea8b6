#!/usr/bin/env bash
# Interoperability tests against real OpenSMTPD (Debian's opensmtpd 6.8.0p2) on loopback, IN
# PLAINTEXT ONLY, run by hand and not from .ci/run: OpenSMTPD conflicts with Postfix (installing
# it removes Postfix), and Debian 12's build cannot complete any TLS handshake with OpenSSL 3
# (alert 80, with `openssl s_client` too), so neither STARTTLS nor AUTH (which OpenSMTPD offers
# only over TLS) can be tested. This script notes the machine's state, installs opensmtpd and
# GNU pop3d, runs smtpd in the foreground with its configuration in a temporary folder,
# delivering into the Maildirs pop3d serves, runs tests/real_opensmtpd.rs, and then, whatever
# happened, purges what it installed and reinstalls what went (scripts/mta-swap.sh).
#
# Listener: 127.0.0.1:5525 ($CSMAIL_OPENSMTPD_PORT), plaintext, no AUTH, SIZE 1 MiB; mail from
# loopback to alice@example.com and bob@example.com is delivered, other @example.com addresses
# are refused, other domains are accepted and dropped. POP3 as in scripts/aiosmtpd-pop3d.sh.
# Extra arguments go to the test binary (e.g. a test name).
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=$(pwd)/scripts

[ "$(id -u)" = 0 ] || { echo "test-opensmtpd.sh needs root (apt-get)" >&2; exit 1; }

export CSMAIL_OPENSMTPD_PORT=${CSMAIL_OPENSMTPD_PORT:-5525}
T=$(mktemp -d /tmp/csmail-opensmtpd.XXXXXX)
chmod 755 "$T" # the delivery agent runs as nobody and must reach its script
export CSMAIL_AIOSMTPD_POP3D_DIR="$T/pop3d"

# shellcheck source=scripts/mta-swap.sh
. "$HERE/mta-swap.sh"

step() { printf '\n==> %s\n' "$*"; }
elapsed() { echo $(($(date +%s) - $1)); }

step "cargo test --test real_opensmtpd --no-run"
cargo test --test real_opensmtpd --no-run --quiet

step "note the machine's state"
swap_note "$T"

restore() {
  local status=$? t
  step "stop OpenSMTPD and pop3d"
  [ -f "$T/smtpd.pid" ] && kill "$(cat "$T/smtpd.pid")" 2>/dev/null || true
  bash "$HERE/aiosmtpd-pop3d.sh" stop pop3d || true
  step "restore the machine"
  t=$(date +%s)
  swap_restore "$T" || status=1
  echo "restore: $(elapsed "$t") s"
  rm -rf "$T"
  exit "$status"
}
trap restore EXIT

t=$(date +%s)
step "install opensmtpd (removes Postfix) and GNU pop3d"
export DEBIAN_FRONTEND=noninteractive
swap_block_daemon_start
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends opensmtpd >/dev/null
echo "install opensmtpd: $(elapsed "$t") s ($(dpkg-query -W -f='${Version}' opensmtpd))"
bash "$HERE/aiosmtpd-pop3d.sh" install pop3d
echo "install: $(elapsed "$t") s"

t=$(date +%s)
step "start pop3d, then OpenSMTPD"
bash "$HERE/aiosmtpd-pop3d.sh" start pop3d
INCOMING="$CSMAIL_AIOSMTPD_POP3D_DIR/incoming"
chown -R nobody "$INCOMING"
# The delivery agent: OpenSMTPD cannot add a header field itself, and pop3d wants an X-UIDL
# (see scripts/aiosmtpd-pop3d.sh); it writes into the Maildir's tmp/ and renames into new/.
cat >"$T/deliver.sh" <<DELIVER
#!/bin/sh
box="$INCOMING/\$1"
f=\$(mktemp "\$box/tmp/opensmtpd.XXXXXX") || exit 75
{ printf 'X-UIDL: %s\n' "\$(printf %s "\$f" | md5sum | cut -c1-32)"; cat; } >"\$f" && mv "\$f" "\$box/new/" || exit 75
DELIVER
chmod 755 "$T/deliver.sh"
cat >"$T/smtpd.conf" <<CONF
smtp max-message-size 1M
table mailboxes { "alice@example.com", "bob@example.com" }
table vusers { "alice@example.com" = "nobody", "bob@example.com" = "nobody" }
listen on 127.0.0.1 port $CSMAIL_OPENSMTPD_PORT hostname mail.example.test
action "deliver" mda "$T/deliver.sh %{rcpt}" virtual <vusers>
action "drop" mda "/bin/true" user nobody
match from local for domain "example.com" rcpt-to <mailboxes> action "deliver"
match from local for domain "example.com" reject
match from local for any action "drop"
CONF
smtpd -n -f "$T/smtpd.conf"
smtpd -d -f "$T/smtpd.conf" >"$T/smtpd.log" 2>&1 &
echo $! >"$T/smtpd.pid"
up=0
for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$CSMAIL_OPENSMTPD_PORT") 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
[ "$up" = 1 ] || { cat "$T/smtpd.log" >&2; echo "OpenSMTPD did not open its port" >&2; exit 1; }
echo "start: $(elapsed "$t") s ($(smtpd -h 2>&1 | head -1))"

step "cargo test --test real_opensmtpd -- --ignored --test-threads=1"
status=0
cargo test --test real_opensmtpd -- --ignored --test-threads=1 "$@" || status=$?
if [ "$status" != 0 ]; then
  for f in "$T/smtpd.log" "$CSMAIL_AIOSMTPD_POP3D_DIR/pop3d/pop3d.log"; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -n 30 "$f"; }
  done
fi
exit "$status"
