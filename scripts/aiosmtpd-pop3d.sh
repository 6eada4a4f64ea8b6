#!/usr/bin/env bash
# A second pair of real mail servers on loopback for csmail's interoperability tests
# (tests/real_aiosmtpd_pop3d.rs): Python's aiosmtpd (SMTP, from PyPI in a virtual environment)
# and GNU Mailutils pop3d (POP3, Debian's mailutils-pop3d), sharing one Maildir per user. They
# use ports of their own, so they run beside scripts/mailservers.sh (Postfix and Dovecot).
#
#   scripts/aiosmtpd-pop3d.sh install   apt-get mailutils-pop3d, pip-install aiosmtpd (root)
#   scripts/aiosmtpd-pop3d.sh start     (re)create the state directory, start both, wait for every port
#   (`install pop3d` and `start pop3d` leave aiosmtpd out: scripts/test-exim.sh fetches Exim's
#   deliveries with pop3d alone)
#   scripts/aiosmtpd-pop3d.sh stop      stop both, wait until every port is closed
#   scripts/aiosmtpd-pop3d.sh status    which listeners answer; exit 0 when all of them do
#
# State directory: $CSMAIL_AIOSMTPD_POP3D_DIR (default /tmp/csmail-aiosmtpd-pop3d); the CA that
# signed the servers' certificate is pki/ca.pem in it. The virtual environment lives in its
# venv/ and survives `start`, which otherwise begins from an empty directory (empty mailboxes,
# a new CA).
#
# Listeners (127.0.0.1; each port can be moved with the variable named):
#   SMTP  3525  CSMAIL_AIOSMTPD_PORT           aiosmtpd, STARTTLS offered, AUTH only after it
#   SMTPS 3465  CSMAIL_AIOSMTPD_SMTPS_PORT     aiosmtpd, implicit TLS
#   SMTP  3587  CSMAIL_AIOSMTPD_REQUIRED_PORT  aiosmtpd, STARTTLS required before anything else
#   POP3  3110  CSMAIL_POP3D_PORT              pop3d, STLS offered; on 127.0.0.2 STLS is required
#   POP3S 3995  CSMAIL_POP3D_POP3S_PORT        pop3d, implicit TLS
# aiosmtpd requires AUTH (PLAIN, LOGIN; users alice/alicepass, bob/bobpass) before MAIL, stores
# mail for alice@example.com and bob@example.com (into the Maildir incoming/<address>, whose new/
# is pop3d's), refuses other @example.com addresses and
# drops mail to other domains; its SIZE is 1 MiB. pop3d logs in alice@example.com/alicepass and
# bob@example.com/bobpass with USER/PASS, and with APOP whose secrets are kept apart from the
# passwords (popauth's database): alice's APOP secret is her password, bob's is "bobapopsecret".
set -euo pipefail

DIR=${CSMAIL_AIOSMTPD_POP3D_DIR:-/tmp/csmail-aiosmtpd-pop3d}
SMTP_PORT=${CSMAIL_AIOSMTPD_PORT:-3525}
SMTPS_PORT=${CSMAIL_AIOSMTPD_SMTPS_PORT:-3465}
REQUIRED_PORT=${CSMAIL_AIOSMTPD_REQUIRED_PORT:-3587}
POP3_PORT=${CSMAIL_POP3D_PORT:-3110}
POP3S_PORT=${CSMAIL_POP3D_POP3S_PORT:-3995}
SIZE_LIMIT=1048576
AIOSMTPD_VERSION=1.4.6
HERE=$(cd "$(dirname "$0")" && pwd)

ONLY=${2:-} # "pop3d": without aiosmtpd
LISTENERS=("127.0.0.1 $POP3_PORT" "127.0.0.2 $POP3_PORT" "127.0.0.1 $POP3S_PORT")
[ "$ONLY" = pop3d ] || LISTENERS+=("127.0.0.1 $SMTP_PORT" "127.0.0.1 $SMTPS_PORT" "127.0.0.1 $REQUIRED_PORT")
PORTS_RE="($SMTP_PORT|$SMTPS_PORT|$REQUIRED_PORT|$POP3_PORT|$POP3S_PORT)"

# shellcheck source=scripts/test-pki.sh
. "$HERE/test-pki.sh"
# shellcheck source=scripts/daemon-lib.sh
. "$HERE/daemon-lib.sh"

say() { printf '[aiosmtpd-pop3d %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[aiosmtpd-pop3d] error: %s\n' "$*" >&2; exit 1; }

do_install() {
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get)"
  local need=""
  dpkg-query -W -f='${Status}' mailutils-pop3d 2>/dev/null | grep -q 'install ok installed' || need="mailutils-pop3d"
  [ "$ONLY" = pop3d ] || python3 -m venv --help >/dev/null 2>&1 || need="$need python3-venv"
  if [ -n "$need" ]; then
    say "installing $need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # Keep the package's maintainer scripts from starting a system-wide pop3d on 110.
    # shellcheck disable=SC2086
    without_service_starts apt-get install -y -q --no-install-recommends $need >/dev/null
  fi
  if [ "$ONLY" = pop3d ]; then
    say "installed: $(dpkg-query -W -f='${Package} ${Version}' mailutils-pop3d)"
    return
  fi
  if ! "$DIR/venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION into $DIR/venv"
    mkdir -p "$DIR"
    python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  say "installed: $(dpkg-query -W -f='${Package} ${Version}' mailutils-pop3d), aiosmtpd $("$DIR/venv/bin/python" -c 'import aiosmtpd; print(aiosmtpd.__version__)')"
}

write_pop3d() {
  local D="$DIR/pop3d" user hash addr
  mkdir -p "$D/virt"
  # virtdomain: logins are user@example.com, the mailbox is <home>/INBOX (a Maildir here).
  : >"$D/virt/example.com"
  for user in alice:alicepass bob:bobpass; do
    hash=$(openssl passwd -6 "${user#*:}")
    addr="${user%%:*}@example.com"
    printf '%s:%s:0:0::%s:/bin/false\n' "${user%%:*}" "$hash" "$DIR/mail/$addr" >>"$D/virt/example.com"
    # pop3d deletes whatever is in its Maildir's tmp/ when a session opens the mailbox (not only
    # files older than 36 hours, as the Maildir convention has it), so a delivery in progress
    # there would be lost. Deliveries go into a Maildir of their own, incoming/<address>, whose
    # new/ is pop3d's new/ (a symbolic link); pop3d keeps its own tmp/ and cur/.
    mkdir -p "$DIR/incoming/$addr/"{cur,new,tmp} "$DIR/mail/$addr/INBOX/"{cur,tmp}
    ln -s "$DIR/incoming/$addr/new" "$DIR/mail/$addr/INBOX/new"
  done
  chmod 600 "$D/virt/example.com"
  # APOP secrets live apart from the passwords, as popauth keeps them.
  printf '%s\n' 'alice@example.com alicepass' 'bob@example.com bobapopsecret' >"$D/apop.txt"
  popauth -c -f "$D/apop.txt" -o "$D/apop.db" -P 600
  rm -f "$D/apop.txt"
  cat >"$D/pop3d.conf" <<EOF
# Standalone: nothing from /etc/mailutils.conf.
logging { syslog false; }
auth { authentication generic; authorization virtdomain; }
virtdomain { passwd-dir $D/virt; }
apop-database-file $D/apop.db;
mandatory-locking { enable false; }
mode daemon;
foreground true;
pidfile $D/pop3d.pid;
tls {
  ssl-certificate-file $DIR/pki/server-chain.pem;
  ssl-key-file $DIR/pki/server.key;
}
server 127.0.0.1:$POP3_PORT { tls-mode ondemand; }
server 127.0.0.2:$POP3_PORT { tls-mode required; }
server 127.0.0.1:$POP3S_PORT { tls-mode connection; }
EOF
}

bound_ports() {
  ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -E "^(127\.0\.0\.[12]):$PORTS_RE\$" || true
}

do_stop() {
  local f
  for f in "$DIR/pop3d/pop3d.pid" "$DIR/aiosmtpd/pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  local i
  for i in $(seq 1 100); do
    [ -z "$(bound_ports)" ] && break
    sleep 0.1
  done
  [ -z "$(bound_ports)" ] ||
    die "still listening after stop: $(port_holders $SMTP_PORT $SMTPS_PORT $REQUIRED_PORT $POP3_PORT $POP3S_PORT | paste -sd ';' -)"
  say "stopped"
}

show_logs() {
  local f
  for f in "$DIR/pop3d/pop3d.log" "$DIR/aiosmtpd/aiosmtpd.log"; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  return 0
}

do_start() {
  do_stop
  local busy
  busy=$(bound_ports)
  [ -z "$busy" ] ||
    die "ports in use by something else: $(port_holders $SMTP_PORT $SMTPS_PORT $REQUIRED_PORT $POP3_PORT $POP3S_PORT | paste -sd ';' -) (move these servers with the variables above)"
  command -v pop3d >/dev/null || die "pop3d is not installed: run $0 install"
  [ "$ONLY" = pop3d ] || [ -x "$DIR/venv/bin/python" ] || die "aiosmtpd is not installed: run $0 install"

  if [ -e "$DIR" ] && [ ! -e "$DIR/.csmail-aiosmtpd-pop3d" ] && [ -n "$(ls -A "$DIR" | grep -v '^venv$')" ]; then
    die "$DIR exists and was not made by this script: not deleting it"
  fi
  # Everything but the virtual environment starts afresh.
  mkdir -p "$DIR"
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name venv -exec rm -rf {} +
  touch "$DIR/.csmail-aiosmtpd-pop3d"
  make_test_pki "$DIR/pki"
  write_pop3d
  mkdir -p "$DIR/aiosmtpd"

  pop3d --config-file="$DIR/pop3d/pop3d.conf" >"$DIR/pop3d/pop3d.log" 2>&1 &
  if [ "$ONLY" != pop3d ]; then
    "$DIR/venv/bin/python" "$HERE/aiosmtpd_server.py" "$DIR" "$SMTP_PORT" "$SMTPS_PORT" "$REQUIRED_PORT" \
      "$SIZE_LIMIT" >"$DIR/aiosmtpd/aiosmtpd.log" 2>&1 &
    echo $! >"$DIR/aiosmtpd/pid"
  fi

  wait_for_listeners "${LISTENERS[@]}"
  [ "$ONLY" = pop3d ] ||
    say "ready: SMTP $SMTP_PORT (STARTTLS), SMTPS $SMTPS_PORT, SMTP $REQUIRED_PORT (STARTTLS required)"
  say "ready: POP3 $POP3_PORT (STLS; required on 127.0.0.2), POP3S $POP3S_PORT"
  say "state directory: $DIR"
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
  return $down
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *)
    echo "usage: $0 install|start|stop|status   (state directory: \$CSMAIL_AIOSMTPD_POP3D_DIR, default /tmp/csmail-aiosmtpd-pop3d)" >&2
    exit 2
    ;;
esac
