#!/usr/bin/env bash
# Real mail servers on loopback for csmail's interoperability tests (tests/real_servers.rs):
# Debian's Postfix (SMTP) and Dovecot (POP3, IMAP, LMTP delivery, SASL for Postfix), run as ordinary
# processes with every configuration file, certificate, queue and mailbox in one state directory.
#
#   scripts/mailservers.sh install   apt-get the packages (root; no-op when installed)
#   scripts/mailservers.sh start     (re)create the state directory, start both, wait for every port
#   scripts/mailservers.sh stop      stop both, wait until every port is closed
#   scripts/mailservers.sh status    which listeners answer; exit 0 when all of them do
#
# State directory: $CSMAIL_MAILSRV_DIR (default /tmp/csmail-mailsrv); the CA that signed the
# servers' certificate is $CSMAIL_MAILSRV_DIR/pki/ca.pem. `start` begins from an empty state
# directory every time: empty mailboxes, a new CA. It writes $CSMAIL_MAILSRV_DIR/ports.env,
# the port variables below as `export NAME=PORT` lines (`. ports.env` gives the tests the same
# ports), and prints them.
#
# Listeners (loopback only; each port can be moved with the variable named, default in
# brackets; `CSMAIL_MAILSRV_PORTS=free` picks free ports for all of them):
#   POP3  127.0.0.1, [::1]  CSMAIL_MAILSRV_POP3_PORT (1110)         plain, STLS offered
#   POP3  127.0.0.2         the same port                            plain, STLS offered;
#                                                                    plaintext login refused before STLS
#   POP3S 127.0.0.1, [::1]  CSMAIL_MAILSRV_POP3S_PORT (1995)        implicit TLS
#   IMAP  127.0.0.1, [::1]  CSMAIL_MAILSRV_IMAP_PORT (1143)         plain, STARTTLS offered
#   IMAP  127.0.0.2         the same port                            plain, STARTTLS offered;
#                                                                    LOGINDISABLED before STARTTLS
#   IMAPS 127.0.0.1, [::1]  CSMAIL_MAILSRV_IMAPS_PORT (1993)        implicit TLS
#   SMTP  127.0.0.1, [::1]  CSMAIL_MAILSRV_SMTP_PORT (2525)         STARTTLS offered, AUTH only after it
#   SMTPS 127.0.0.1, [::1]  CSMAIL_MAILSRV_SMTPS_PORT (2465)        implicit TLS
#   SMTP  127.0.0.1, [::1]  CSMAIL_MAILSRV_SUBMISSION_PORT (2587)   STARTTLS required before anything else
#   internal, 127.0.0.1:    CSMAIL_MAILSRV_LMTP_PORT (2424), Dovecot LMTP for Postfix's deliveries;
#                           CSMAIL_MAILSRV_SASL_PORT (12345), Dovecot's SASL for Postfix
# tests/real_servers.rs, tests/real_servers_message.rs and examples-c/interop_mail.c read the
# same variables with the same defaults.
# Users alice/alicepass and bob/bobpass, mailboxes alice@example.com and bob@example.com; mail
# to other addresses @example.com is refused, mail to other domains is accepted and discarded.
# Mechanisms: SMTP AUTH PLAIN LOGIN CRAM-MD5; POP3 USER/PASS, APOP, SASL PLAIN LOGIN CRAM-MD5;
# IMAP LOGIN, AUTHENTICATE PLAIN LOGIN CRAM-MD5. IMAP folders Sent, Drafts, Trash, Junk and
# Archive exist with their special-use attributes; the hierarchy separator is ".".
# Postfix's message_size_limit (EHLO SIZE) is 1 MiB.
set -euo pipefail

DIR=${CSMAIL_MAILSRV_DIR:-/tmp/csmail-mailsrv}
SIZE_LIMIT=1048576
MAIL_USER=csmailtest # unprivileged owner of the mailboxes, created by `install`
HERE=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=scripts/test-pki.sh
. "$HERE/test-pki.sh"
# shellcheck source=scripts/daemon-lib.sh
. "$HERE/daemon-lib.sh"

# After `start`, stop and status use the ports it chose.
if [ "${1:-}" != start ] && [ -f "$DIR/ports.env" ]; then
  # shellcheck source=/dev/null
  . "$DIR/ports.env"
fi
# The port variables, in the order of their defaults.
PORT_VARS=(POP3 POP3S SMTP SMTPS SUBMISSION LMTP SASL IMAP IMAPS)
DEFAULT_PORTS=(1110 1995 2525 2465 2587 2424 12345 1143 1993)
if [ "${CSMAIL_MAILSRV_PORTS:-}" = free ] && [ "${1:-}" = start ]; then
  read -r -a DEFAULT_PORTS <<<"$(free_ports ${#PORT_VARS[@]})"
fi
for i in "${!PORT_VARS[@]}"; do
  v=CSMAIL_MAILSRV_${PORT_VARS[$i]}_PORT
  printf -v "$v" '%s' "${!v:-${DEFAULT_PORTS[$i]}}"
done
POP3_PORT=$CSMAIL_MAILSRV_POP3_PORT POP3S_PORT=$CSMAIL_MAILSRV_POP3S_PORT
SMTP_PORT=$CSMAIL_MAILSRV_SMTP_PORT SMTPS_PORT=$CSMAIL_MAILSRV_SMTPS_PORT
SUBMISSION_PORT=$CSMAIL_MAILSRV_SUBMISSION_PORT LMTP_PORT=$CSMAIL_MAILSRV_LMTP_PORT
SASL_PORT=$CSMAIL_MAILSRV_SASL_PORT
IMAP_PORT=$CSMAIL_MAILSRV_IMAP_PORT IMAPS_PORT=$CSMAIL_MAILSRV_IMAPS_PORT
ALL_PORTS=("$POP3_PORT" "$POP3S_PORT" "$SMTP_PORT" "$SMTPS_PORT" "$SUBMISSION_PORT" "$LMTP_PORT" "$SASL_PORT")

# host port: every listener, as `start` waits for it and `status` reports it.
LISTENERS=(
  "127.0.0.1 $POP3_PORT" "::1 $POP3_PORT" "127.0.0.2 $POP3_PORT" "127.0.0.1 $POP3S_PORT" "::1 $POP3S_PORT"
  "127.0.0.1 $LMTP_PORT" "127.0.0.1 $SASL_PORT"
  "127.0.0.1 $SMTP_PORT" "::1 $SMTP_PORT" "127.0.0.1 $SMTPS_PORT" "::1 $SMTPS_PORT"
  "127.0.0.1 $SUBMISSION_PORT" "::1 $SUBMISSION_PORT"
)
# IMAP (Dovecot's imap-login).
LISTENERS+=("127.0.0.1 $IMAP_PORT" "::1 $IMAP_PORT" "127.0.0.2 $IMAP_PORT" "127.0.0.1 $IMAPS_PORT" "::1 $IMAPS_PORT")
ALL_PORTS+=("$IMAP_PORT" "$IMAPS_PORT")
PORTS_RE="($(IFS='|'; echo "${ALL_PORTS[*]}"))"

say() { printf '[mailservers %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[mailservers] error: %s\n' "$*" >&2; exit 1; }

do_install() {
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get, useradd)"
  local need="" p
  for p in dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd postfix; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
  done
  if [ -n "$need" ]; then
    say "installing$need"
    export DEBIAN_FRONTEND=noninteractive
    # No questions, and no /etc/postfix/main.cf: this script brings its own configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    echo "postfix postfix/mailname string localhost" | debconf-set-selections
    apt-get update -q >/dev/null
    # Keep the packages' maintainer scripts from starting the system-wide daemons on 25/110.
    # shellcheck disable=SC2086
    without_service_starts apt-get install -y -q --no-install-recommends $need >/dev/null
  fi
  id "$MAIL_USER" >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$MAIL_USER"
  say "installed: $(dpkg-query -W -f='${Package} ${Version}  ' dovecot-core postfix)"
}

write_dovecot() {
  local D="$DIR/dovecot" dh=""
  mkdir -p "$D/run" "$D/state" "$DIR/mail"
  printf '%s\n' 'alice:{PLAIN}alicepass::::::' 'bob:{PLAIN}bobpass::::::' >"$D/users"
  [ -r /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
  cat >"$D/dovecot.conf" <<EOF
# Standalone: no includes from /etc/dovecot.
base_dir = $D/run
state_dir = $D/state
instance_name = csmail-test-dovecot
# The name in the POP3 greeting's APOP timestamp and in LMTP's Received header.
hostname = pop.example.test
log_path = $D/dovecot.log
protocols = pop3 imap lmtp
listen = 127.0.0.1, 127.0.0.2, ::1
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 100

ssl = yes
ssl_cert = <$DIR/pki/server-chain.pem
ssl_key = <$DIR/pki/server.key
$dh
ssl_min_protocol = TLSv1.2

# Dovecot counts a connection from 127.0.0.1 to 127.0.0.1 as secured and allows plaintext logins
# on it despite this setting; the 127.0.0.2 listener is not secured and refuses them before STLS.
disable_plaintext_auth = yes
# apop puts a timestamp into the greeting; it and cram-md5 need the plaintext passwords below.
auth_mechanisms = plain login cram-md5 apop
auth_verbose = yes
# Failed logins are test cases here: answer them at once, and do not slow down every later
# login from the same address (anvil's growing auth penalty, up to 15 s).
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

mail_location = maildir:$DIR/mail/%n
pop3_uidl_format = %08Xu%08Xv

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $D/users
}
userdb {
  driver = static
  args = uid=$MAIL_USER gid=$MAIL_USER home=$DIR/mail/%n
}

service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1, ::1
    port = $POP3_PORT
  }
  inet_listener pop3strict {
    address = 127.0.0.2
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1, ::1
    port = $POP3S_PORT
    ssl = yes
  }
}
# IMAP: the same mailboxes; the special-use folders exist from the first login.
namespace inbox {
  inbox = yes
  separator = .
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1, ::1
    port = $IMAP_PORT
  }
  inet_listener imapstrict {
    address = 127.0.0.2
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1, ::1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = $SASL_PORT
  }
}
EOF
  chown -R "$MAIL_USER:$MAIL_USER" "$DIR/mail"
}

write_postfix() {
  local P="$DIR/postfix"
  mkdir -p "$P/etc" "$P/spool" "$P/data"
  chown postfix:postfix "$P/data"
  cat >"$P/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $P/spool
data_directory = $P/data
mail_owner = postfix
setgid_group = postdrop
# There is no syslog: Postfix logs into a file (its directory must be a listed prefix).
maillog_file_prefixes = $DIR
maillog_file = $P/postfix.log

myhostname = mail.example.test
mydestination =
inet_interfaces = 127.0.0.1, [::1]
inet_protocols = all
mynetworks = 127.0.0.0/8, [::1]/128
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = yes
message_size_limit = $SIZE_LIMIT

# alice and bob are delivered into Dovecot over LMTP; other @example.com addresses are refused;
# anything else is accepted and dropped.
virtual_mailbox_domains = example.com
virtual_mailbox_maps = inline:{ alice@example.com=ok, bob@example.com=ok }
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
default_transport = discard:accepted by the csmail test server
relay_transport = discard:accepted by the csmail test server

smtpd_tls_chain_files = $DIR/pki/server.key, $DIR/pki/server-chain.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$SASL_PORT
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
# Authentication is required for every recipient.
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
EOF
  # No chroot anywhere: the queue is not under /var/spool/postfix.
  cat >"$P/etc/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n   -       n       -       -       smtpd
[::1]:$SMTP_PORT     inet n   -       n       -       -       smtpd
127.0.0.1:$SMTPS_PORT inet n   -       n       -       -       smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
[::1]:$SMTPS_PORT     inet n   -       n       -       -       smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
127.0.0.1:$SUBMISSION_PORT inet n   -       n       -       -       smtpd
  -o smtpd_tls_security_level=encrypt
[::1]:$SUBMISSION_PORT     inet n   -       n       -       -       smtpd
  -o smtpd_tls_security_level=encrypt
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# Our listeners still bound (by address and port), as `ss` shows them.
bound_ports() {
  ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -E "^(127\.0\.0\.[12]|\[::1\]):$PORTS_RE\$" || true
}

do_stop() {
  if [ -f "$DIR/postfix/etc/main.cf" ]; then
    postfix -c "$DIR/postfix/etc" stop >/dev/null 2>&1 || true
  fi
  local pidfile="$DIR/dovecot/run/master.pid"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
  fi
  # Wait until every listener is closed: a start right after would fail to bind. (Do not ask
  # kill -0: where nothing reaps orphans, a stopped daemon lingers as a zombie and passes it.)
  local i
  for i in $(seq 1 100); do
    [ -z "$(bound_ports)" ] && break
    sleep 0.1
  done
  if [ -n "$(bound_ports)" ]; then
    die "ports still in use after stopping the servers of $DIR: $(port_holders "${ALL_PORTS[@]}" | paste -sd ';' -) (move these servers with the CSMAIL_MAILSRV_*_PORT variables, or CSMAIL_MAILSRV_PORTS=free)"
  fi
  say "stopped"
}

show_logs() {
  local f
  for f in "$DIR/dovecot/dovecot.log" "$DIR/dovecot/start.out" "$DIR/postfix/postfix.log" "$DIR/postfix/start.out"; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  return 0
}

do_start() {
  do_stop
  local busy
  busy=$(bound_ports)
  [ -z "$busy" ] ||
    die "ports in use by something else: $(port_holders "${ALL_PORTS[@]}" | paste -sd ';' -) (move these servers with the CSMAIL_MAILSRV_*_PORT variables, or CSMAIL_MAILSRV_PORTS=free)"
  command -v dovecot >/dev/null && command -v postfix >/dev/null ||
    die "dovecot/postfix are not installed: run $0 install"
  id "$MAIL_USER" >/dev/null 2>&1 || die "user $MAIL_USER is missing: run $0 install"

  # The daemons drop privileges (dovenull, postfix, $MAIL_USER): every directory above the
  # state directory must be searchable by others (mktemp -d makes 0700 directories).
  local up
  up=$(dirname "$DIR")
  while :; do
    case "$(stat -L -c %A "$up" 2>/dev/null)" in
      *[xt]) ;;
      "") die "$up does not exist" ;;
      *) die "$up is not searchable by others (chmod o+x, or choose another CSMAIL_MAILSRV_DIR)" ;;
    esac
    [ "$up" = / ] && break
    up=$(dirname "$up")
  done

  # A fresh directory every time: Dovecot refuses to start over a base_dir an earlier instance
  # left behind, and the tests start from empty mailboxes.
  if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -e "$DIR/.csmail-mailsrv" ] && [ ! -e "$DIR/dovecot/dovecot.conf" ]; then
    die "$DIR exists and was not made by this script: not deleting it"
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  touch "$DIR/.csmail-mailsrv"
  chmod 755 "$DIR" # the daemons drop privileges and must reach their files
  make_test_pki "$DIR/pki"
  write_dovecot
  write_postfix

  # Both daemonize; their start-up errors go to start.out, later ones to their logs.
  dovecot -c "$DIR/dovecot/dovecot.conf" >"$DIR/dovecot/start.out" 2>&1 ||
    { show_logs; die "dovecot did not start"; }
  # postfix(1) prints nothing when stderr is not a terminal and syslog is missing: keep the
  # output of `check` for the error message.
  postfix -c "$DIR/postfix/etc" check >"$DIR/postfix/start.out" 2>&1 ||
    { show_logs; die "postfix check failed (see $DIR/postfix/postfix.log)"; }
  postfix -c "$DIR/postfix/etc" start >>"$DIR/postfix/start.out" 2>&1 ||
    { show_logs; die "postfix did not start"; }

  wait_for_listeners "${LISTENERS[@]}"
  local v
  for v in "${PORT_VARS[@]}"; do
    v=CSMAIL_MAILSRV_${v}_PORT
    echo "export $v=${!v}"
  done >"$DIR/ports.env"
  say "ready: POP3 $POP3_PORT (STLS; strict on 127.0.0.2), POP3S $POP3S_PORT, SMTP $SMTP_PORT (STARTTLS), SMTPS $SMTPS_PORT, SMTP $SUBMISSION_PORT (STARTTLS required)"
  say "ready: IMAP $IMAP_PORT (STARTTLS; LOGINDISABLED on 127.0.0.2), IMAPS $IMAPS_PORT"
  say "state directory: $DIR"
  say "CA certificate: $DIR/pki/ca.pem"
  say "ports ($DIR/ports.env):"
  cat "$DIR/ports.env"
}

do_status() {
  local l host port down=0
  for l in "${LISTENERS[@]}"; do
    read -r host port <<<"$l"
    if answers "$host" "$port"; then
      printf '  %-10s %-5s up\n' "$host" "$port"
    else
      printf '  %-10s %-5s DOWN\n' "$host" "$port"
      down=1
    fi
  done
  echo "state directory: $DIR"
  [ -f "$DIR/pki/ca.pem" ] && echo "CA certificate: $DIR/pki/ca.pem"
  return $down
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *)
    echo "usage: $0 install|start|stop|status   (state directory: \$CSMAIL_MAILSRV_DIR, default /tmp/csmail-mailsrv)" >&2
    exit 2
    ;;
esac
