#!/usr/bin/env bash
# Real proxies on loopback for csmail's proxy interoperability tests (tests/real_proxies.rs):
# Debian's Dante (SOCKS4 + SOCKS5), microsocks (SOCKS5) and tinyproxy (HTTP CONNECT), run as
# ordinary processes with every configuration file, log and pid file in one state directory.
#
#   scripts/proxies.sh install   apt-get the packages, create the SOCKS test user (root; no-op when done)
#   scripts/proxies.sh start     (re)create the state directory, start every proxy, wait for every port
#   scripts/proxies.sh stop      stop them, wait until every process has gone and every port is closed
#   scripts/proxies.sh status    which listeners answer; exit 0 when all of them do
#
# State directory: $CSMAIL_PROXY_DIR (default /tmp/csmail-proxies). `start` writes
# $CSMAIL_PROXY_DIR/ports, one name=port line per proxy, and each proxy's log as NAME.log
# (the tests read microsocks.log and dante.log to see what the proxy was asked for).
# The first port is $CSMAIL_PROXY_BASE_PORT (default 11080):
#
#   name             port     listens on             protocol and authentication
#   dante            base+0   127.0.0.1, [::1]       SOCKS4 and SOCKS5, no authentication
#   dante_auth       base+1   127.0.0.1, [::1]       SOCKS5 only, user/password (RFC 1929)
#   microsocks       base+2   127.0.0.1, [::1]       SOCKS5, no authentication
#   microsocks_auth  base+3   127.0.0.1, [::1]       SOCKS5, user/password
#   tinyproxy        base+8   127.0.0.1, [::1]       HTTP CONNECT to any port, no authentication
#   tinyproxy_auth   base+9   127.0.0.1, [::1]       HTTP CONNECT to any port, Basic authentication
#
# Credentials:
#   dante_auth       csproxyuser / csproxy-Pa55   Dante's `socksmethod: username` checks the
#                                                 system's users, so `install` creates this system
#                                                 user (no home, no shell) and sets its password
#                                                 with chpasswd
#   microsocks_auth  msuser / ms-Secret-1         (-u/-P)
#   tinyproxy_auth   tpuser / tp-Secret-1         (BasicAuth)
#
# Known behaviour of these versions (Debian 12: Dante 1.4.2, microsocks 1.0.3, tinyproxy 1.11.1):
#   - Dante has no SOCKS4a: it takes the 0.0.0.x marker for an address and answers 0x5B.
#   - tinyproxy answers missing credentials with 407, but WRONG credentials with
#     "401 Unauthorized", and a CONNECT to a closed port with "500 Unable to connect".
#   - Each microsocks process listens on one address, so there are two per port (v4 and v6).
set -euo pipefail

DIR=${CSMAIL_PROXY_DIR:-/tmp/csmail-proxies}
BASE=${CSMAIL_PROXY_BASE_PORT:-11080}
PACKAGES=(dante-server microsocks tinyproxy)

DANTE_USER=csproxyuser
DANTE_PASS=csproxy-Pa55
MS_USER=msuser
MS_PASS=ms-Secret-1
TP_USER=tpuser
TP_PASS=tp-Secret-1

# name port: every proxy, as `ports` lists them.
NAMES=(dante dante_auth microsocks microsocks_auth tinyproxy tinyproxy_auth)
declare -A PORT=(
  [dante]=$((BASE + 0)) [dante_auth]=$((BASE + 1)) [microsocks]=$((BASE + 2))
  [microsocks_auth]=$((BASE + 3)) [tinyproxy]=$((BASE + 8)) [tinyproxy_auth]=$((BASE + 9))
)
HOSTS=(127.0.0.1 ::1)

say() { printf '[proxies %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[proxies] error: %s\n' "$*" >&2; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

do_install() {
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get, useradd, chpasswd)"
  local need=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || need+=("$p"); done
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # without_service_starts keeps the packages' maintainer scripts from starting the
    # system-wide daemons (1080, 8888). Lists may be missing on a fresh machine: fetch them when
    # the install cannot find a package.
    if ! without_service_starts apt-get install -y -qq --no-install-recommends "${need[@]}" >"${TMPDIR:-/tmp}/csmail-proxies-apt.log" 2>&1; then
      apt-get update -qq
      without_service_starts apt-get install -y -qq --no-install-recommends "${need[@]}" >"${TMPDIR:-/tmp}/csmail-proxies-apt.log" 2>&1 ||
        { cat "${TMPDIR:-/tmp}/csmail-proxies-apt.log" >&2; die "apt-get install ${need[*]} failed"; }
    fi
  fi
  if ! id -u "$DANTE_USER" >/dev/null 2>&1; then
    say "creating system user $DANTE_USER for Dante's username authentication"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$DANTE_USER"
  fi
  # Always (re)set the password: a user left by something else must still match the tests.
  echo "$DANTE_USER:$DANTE_PASS" | chpasswd
  say "installed: $(danted -v 2>&1 | head -1 | cut -d' ' -f1-2 | sed 's/\.$//'), microsocks $(dpkg-query -W -f='${Version}' microsocks), $(tinyproxy -v)"
}

# answers, without_service_starts
# shellcheck source=scripts/daemon-lib.sh
. "$(dirname "$0")/daemon-lib.sh"

# Whether pid is a live process (a zombie waiting for its parent counts as gone).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

write_configs() {
  local p
  # Dante, no authentication: SOCKS4 and SOCKS5 on one port. `external` names the addresses
  # Dante connects from, one per family, so that IPv6 targets work too.
  p=${PORT[dante]}
  cat >"$DIR/dante.conf" <<EOF
logoutput: $DIR/dante.log
internal: 127.0.0.1 port = $p
internal: ::1 port = $p
external: 127.0.0.1
external: ::1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0/0 to: 0/0 log: error }
socks pass { from: 0/0 to: 0/0 log: connect disconnect error }
EOF
  # Dante, user/password only: SOCKS4 (no methods) and SOCKS5 without credentials are refused.
  # `username` checks /etc/passwd + /etc/shadow, hence root as the privileged user.
  p=${PORT[dante_auth]}
  cat >"$DIR/dante_auth.conf" <<EOF
logoutput: $DIR/dante_auth.log
internal: 127.0.0.1 port = $p
internal: ::1 port = $p
external: 127.0.0.1
external: ::1
clientmethod: none
socksmethod: username
user.privileged: root
user.unprivileged: nobody
client pass { from: 0/0 to: 0/0 log: error }
socks pass {
  from: 0/0 to: 0/0
  socksmethod: username
  log: connect disconnect error
}
EOF
  # tinyproxy: no ConnectPort line = CONNECT to every port (1.11). No Allow line = every client
  # (it listens on loopback only). Logs go to stderr (foreground, no LogFile).
  local name extra
  for name in tinyproxy tinyproxy_auth; do
    extra=""
    [ "$name" = tinyproxy_auth ] && extra="BasicAuth $TP_USER $TP_PASS"
    cat >"$DIR/$name.conf" <<EOF
User nobody
Group nogroup
Port ${PORT[$name]}
Listen 127.0.0.1
Listen ::1
Timeout 60
MaxClients 64
LogLevel Info
DisableViaHeader Yes
$extra
EOF
  done
}

# Starts a command that stays in the foreground, detached from this shell's session; records its pid.
spawn() {
  local name=$1
  shift
  setsid "$@" </dev/null >>"$DIR/$name.log" 2>&1 &
  echo $! >>"$DIR/$name.pid"
}

do_start() {
  [ "$(id -u)" = 0 ] || die "start needs root (Dante's username method reads /etc/shadow)"
  local p
  for p in danted microsocks tinyproxy; do
    command -v "$p" >/dev/null || die "$p is missing: run scripts/proxies.sh install"
  done
  id -u "$DANTE_USER" >/dev/null 2>&1 || die "user $DANTE_USER is missing: run scripts/proxies.sh install"
  [ -d "$DIR" ] && do_stop quiet
  local name host
  for name in "${NAMES[@]}"; do
    for host in "${HOSTS[@]}"; do
      answers "$host" "${PORT[$name]}" && die "port ${PORT[$name]} on $host is taken (set CSMAIL_PROXY_BASE_PORT)"
    done
  done
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  write_configs
  local t0=$SECONDS
  # Dante detaches by itself (-D) and writes its pid file; the others run in the foreground.
  # Whatever fails from here on, nothing is left running.
  trap 'do_stop quiet' ERR
  for name in dante dante_auth; do
    danted -D -f "$DIR/$name.conf" -p "$DIR/$name.pid" >>"$DIR/$name.log" 2>&1 ||
      { do_stop quiet; die "danted ($name) failed: $(tail -3 "$DIR/$name.log")"; }
  done
  for host in "${HOSTS[@]}"; do
    spawn microsocks microsocks -i "$host" -p "${PORT[microsocks]}"
    spawn microsocks_auth microsocks -i "$host" -p "${PORT[microsocks_auth]}" -u "$MS_USER" -P "$MS_PASS"
  done
  spawn tinyproxy tinyproxy -d -c "$DIR/tinyproxy.conf"
  spawn tinyproxy_auth tinyproxy -d -c "$DIR/tinyproxy_auth.conf"
  for name in "${NAMES[@]}"; do echo "$name=${PORT[$name]}"; done >"$DIR/ports.tmp"
  # Every listener, both families, within 30 s.
  local deadline=$((SECONDS + 30)) waiting
  while :; do
    waiting=""
    for name in "${NAMES[@]}"; do
      for host in "${HOSTS[@]}"; do
        answers "$host" "${PORT[$name]}" || waiting="$waiting $name@[$host]:${PORT[$name]}"
      done
    done
    [ -z "$waiting" ] && break
    if [ $SECONDS -ge $deadline ]; then
      do_stop quiet
      die "not answering after 30 s:$waiting (logs in $DIR)"
    fi
    sleep 0.1
  done
  trap - ERR
  mv "$DIR/ports.tmp" "$DIR/ports"
  say "ready in $((SECONDS - t0)) s: $(tr '\n' ' ' <"$DIR/ports")(state in $DIR)"
}

do_stop() {
  local quiet=${1:-} pids=() f pid
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    while read -r pid; do
      [ -n "$pid" ] && alive "$pid" && pids+=("$pid")
    done <"$f"
  done
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + 10)) left
  while :; do
    left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      kill -KILL "${left[@]}" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
  done
  # Dante's children (negotiate/request/io) leave when the main process tells them; wait for the ports.
  local name host busy
  deadline=$((SECONDS + 10))
  while :; do
    busy=""
    for name in "${NAMES[@]}"; do
      for host in "${HOSTS[@]}"; do answers "$host" "${PORT[$name]}" && busy="$busy [$host]:${PORT[$name]}"; done
    done
    [ -z "$busy" ] && break
    [ $SECONDS -ge $deadline ] && die "still answering after stop:$busy"
    sleep 0.1
  done
  rm -f "$DIR"/*.pid "$DIR/ports"
  [ -n "$quiet" ] || say "stopped (${#pids[@]} processes)"
}

do_status() {
  local name host ok=0
  for name in "${NAMES[@]}"; do
    for host in "${HOSTS[@]}"; do
      if answers "$host" "${PORT[$name]}"; then
        printf '%-16s [%s]:%s up\n' "$name" "$host" "${PORT[$name]}"
      else
        printf '%-16s [%s]:%s DOWN\n' "$name" "$host" "${PORT[$name]}"
        ok=1
      fi
    done
  done
  return $ok
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
