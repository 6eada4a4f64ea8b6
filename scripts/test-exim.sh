#!/usr/bin/env bash
# Interoperability tests against real Exim (Debian's exim4-daemon-heavy) on loopback, run by
# hand, not from .ci/run: Exim conflicts with Postfix (both are the system's MTA), so installing
# it removes Postfix. This script
#   1. notes which packages are installed,
#   2. installs exim4-daemon-heavy (root, apt-get; Postfix goes if it was there) and GNU pop3d,
#   3. runs Exim as an ordinary process with its configuration, spool and log in a temporary
#      folder (the configuration's path is listed in /etc/exim4/trusted_configs while it runs),
#      delivering into the Maildirs GNU pop3d serves (scripts/aiosmtpd-pop3d.sh start pop3d),
#   4. runs tests/real_exim.rs (#[ignore]d in a plain `cargo test`),
#   5. whatever happened: stops both, purges every package it installed, reinstalls every
#      package that went (Postfix), restores /etc/exim4/trusted_configs and removes the users
#      and groups the packages created (Debian-exim): the machine is left as it was found
#      (scripts/mta-swap.sh).
#
# Listeners (127.0.0.1): SMTP 4525 (STARTTLS offered, AUTH only after it), SMTPS 4465 (implicit
# TLS), SMTP 4587 (STARTTLS required before MAIL); $CSMAIL_EXIM_PORT, $CSMAIL_EXIM_SMTPS_PORT and
# $CSMAIL_EXIM_REQUIRED_PORT move them. AUTH PLAIN, LOGIN and CRAM-MD5 for alice/alicepass and
# bob/bobpass, required for every recipient; SIZE 1 MiB. POP3 as in scripts/aiosmtpd-pop3d.sh.
# Extra arguments go to the test binary (e.g. a test name).
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=$(pwd)/scripts

[ "$(id -u)" = 0 ] || { echo "test-exim.sh needs root (apt-get)" >&2; exit 1; }

export CSMAIL_EXIM_PORT=${CSMAIL_EXIM_PORT:-4525}
export CSMAIL_EXIM_SMTPS_PORT=${CSMAIL_EXIM_SMTPS_PORT:-4465}
export CSMAIL_EXIM_REQUIRED_PORT=${CSMAIL_EXIM_REQUIRED_PORT:-4587}
T=$(mktemp -d /tmp/csmail-exim.XXXXXX)
chmod 755 "$T" # Exim drops privileges to Debian-exim and must reach its files
export CSMAIL_AIOSMTPD_POP3D_DIR="$T/pop3d"
TRUSTED=/etc/exim4/trusted_configs

# shellcheck source=scripts/mta-swap.sh
. "$HERE/mta-swap.sh"

step() { printf '\n==> %s\n' "$*"; }
elapsed() { echo $(($(date +%s) - $1)); }

# Build first, so nothing waits for the compiler.
step "cargo test --test real_exim --no-run"
cargo test --test real_exim --no-run --quiet

step "note the machine's state"
swap_note "$T" "$TRUSTED"

restore() {
  local status=$? t
  step "stop Exim and pop3d"
  [ -f "$T/exim.pid" ] && kill "$(cat "$T/exim.pid")" 2>/dev/null || true
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
step "install exim4-daemon-heavy (removes Postfix) and GNU pop3d"
export DEBIAN_FRONTEND=noninteractive
swap_block_daemon_start
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends exim4-daemon-heavy >/dev/null
echo "install exim4-daemon-heavy: $(elapsed "$t") s ($(dpkg-query -W -f='${Version}' exim4-daemon-heavy))"
bash "$HERE/aiosmtpd-pop3d.sh" install pop3d
echo "install: $(elapsed "$t") s"

t=$(date +%s)
step "start pop3d, then Exim"
bash "$HERE/aiosmtpd-pop3d.sh" start pop3d
# The Maildirs whose new/ is pop3d's (see scripts/aiosmtpd-pop3d.sh for why not pop3d's own).
MAIL="$CSMAIL_AIOSMTPD_POP3D_DIR/incoming"
PKI="$CSMAIL_AIOSMTPD_POP3D_DIR/pki"
mkdir -p "$T/exim/spool" "$T/exim/log"
printf '%s\n' 'alice: alicepass' 'bob: bobpass' >"$T/exim/passwd"
# Exim runs as Debian-exim: its spool, log, key, passwords and the Maildirs it writes are its own.
chown -R Debian-exim:Debian-exim "$T/exim" "$MAIL"
chmod 600 "$T/exim/passwd"
cp "$PKI/server.key" "$T/exim/server.key"
chown Debian-exim "$T/exim/server.key"
chmod 600 "$T/exim/server.key"
CONF="$T/exim/exim.conf"
cat >"$CONF" <<CONF
# Standalone: nothing from /etc/exim4.
primary_hostname = mail.example.test
spool_directory = $T/exim/spool
log_file_path = $T/exim/log/%slog
pid_file_path = $T/exim.pid
keep_environment =
never_users = root
host_lookup =
rfc1413_hosts =
local_interfaces = <; 127.0.0.1
daemon_smtp_ports = $CSMAIL_EXIM_PORT : $CSMAIL_EXIM_SMTPS_PORT : $CSMAIL_EXIM_REQUIRED_PORT
tls_on_connect_ports = $CSMAIL_EXIM_SMTPS_PORT
tls_certificate = $PKI/server-chain.pem
tls_privatekey = $T/exim/server.key
tls_advertise_hosts = *
# AUTH only over TLS.
auth_advertise_hosts = \${if def:tls_in_cipher {*}{}}
message_size_limit = 1M
# Deliver every message at once (by default, after 10 in one connection Exim only queues them).
smtp_accept_queue_per_connection = 0
smtputf8_advertise_hosts = *
acl_smtp_mail = acl_check_mail
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data

begin acl
acl_check_mail:
  deny condition = \${if eq{\$received_port}{$CSMAIL_EXIM_REQUIRED_PORT}}
       !encrypted = *
       message = 530 5.7.0 Must issue a STARTTLS command first
  accept

# Authentication is required for every recipient; alice and bob are delivered, other
# addresses @example.com are refused, anything else is accepted and dropped.
acl_check_rcpt:
  deny !authenticated = *
       message = 5.7.1 Authentication required
  accept domains = example.com
         local_parts = alice : bob
  deny domains = example.com
       message = 5.1.1 <\$local_part@\$domain>: no such mailbox here
  accept

# pop3d takes a message's UIDL from X-UIDL; without one it writes its own into the stored
# message after the first session.
acl_check_data:
  warn add_header = :at_start:X-UIDL: \${md5:\$message_exim_id}
  accept

begin routers
mailbox:
  driver = accept
  domains = example.com
  local_parts = alice : bob
  transport = maildir
drop:
  driver = redirect
  data = :blackhole:

begin transports
# \${local_part_data}, not \$local_part: Exim refuses a path made of tainted (remote) data.
maildir:
  driver = appendfile
  directory = $MAIL/\${local_part_data}@example.com
  maildir_format
  create_directory
  user = Debian-exim
  return_path_add

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if eq{\$auth3}{\${lookup{\$auth2}lsearch{$T/exim/passwd}}}}
  server_set_id = \$auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = \${if eq{\$auth2}{\${lookup{\$auth1}lsearch{$T/exim/passwd}}}}
  server_set_id = \$auth1
cram:
  driver = cram_md5
  public_name = CRAM-MD5
  server_secret = \${lookup{\$auth1}lsearch{$T/exim/passwd}}
  server_set_id = \$auth1
CONF
# Run as root with -C, Exim keeps its privileges only for a configuration listed here.
echo "$CONF" >"$TRUSTED"
exim -C "$CONF" -bV >/dev/null
exim -C "$CONF" -bdf -q1m >"$T/exim/daemon.out" 2>&1 &
for port in "$CSMAIL_EXIM_PORT" "$CSMAIL_EXIM_SMTPS_PORT" "$CSMAIL_EXIM_REQUIRED_PORT"; do
  up=0
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  [ "$up" = 1 ] || { cat "$T/exim/daemon.out" "$T/exim/log/"* >&2 || true; echo "Exim port $port did not open" >&2; exit 1; }
done
echo "start: $(elapsed "$t") s ($(exim -C "$CONF" -bV | head -1))"

step "cargo test --test real_exim -- --ignored --test-threads=1"
status=0
cargo test --test real_exim -- --ignored --test-threads=1 "$@" || status=$?
if [ "$status" != 0 ]; then
  for f in "$T/exim/log/mainlog" "$T/exim/log/rejectlog" "$T/exim/log/paniclog" "$CSMAIL_AIOSMTPD_POP3D_DIR/pop3d/pop3d.log"; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -n 30 "$f"; }
  done
fi
exit "$status"
