# Shared by the scripts that run real daemons on loopback (mailservers.sh, aiosmtpd-pop3d.sh,
# proxies.sh): sourced, not run. Each script defines say/die/show_logs before using these.

# answers HOST PORT: whether something accepts TCP connections there (bash's /dev/tcp, no
# extra tools).
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for_listeners "HOST PORT"...: waits up to 20 s for each listener to accept; on failure
# shows the daemons' logs (the caller's show_logs) and dies naming the listener.
wait_for_listeners() {
  local l host port i up
  for l in "$@"; do
    read -r host port <<<"$l"
    up=0
    for i in $(seq 1 200); do
      if answers "$host" "$port"; then up=1; break; fi
      sleep 0.1
    done
    [ "$up" = 1 ] || { show_logs; die "$host port $port did not open within 20 s"; }
  done
}

# port_holders PORT...: the listening sockets on those ports and the processes that hold them
# ("127.0.0.1:2525 master[4242]"), one a line, as `ss -ltnp` shows them (process names need
# root; without, the address alone).
port_holders() {
  local re
  re="($(IFS='|'; echo "$*"))"
  ss -Hltnp 2>/dev/null | awk -v re=":$re\$" '$4 ~ re {
      who = ""
      rest = $0
      while (match(rest, /"[^"]+",pid=[0-9]+/)) {
        item = substr(rest, RSTART, RLENGTH)
        rest = substr(rest, RSTART + RLENGTH)
        name = item; sub(/^"/, "", name); sub(/",pid=.*/, "", name)
        pid = item; sub(/.*pid=/, "", pid)
        who = who " " name "[" pid "]"
      }
      print $4 (who == "" ? "" : who)
    }' | sort -u
}

# free_ports N: N distinct TCP ports that nothing listens on, chosen by the kernel on
# 127.0.0.1 and checked free on every loopback address (for tests that move the daemons off
# their default ports).
free_ports() {
  python3 - "$1" <<'EOF'
import socket, subprocess, sys
want = int(sys.argv[1])
busy = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout
held, ports = [], []
while len(ports) < want:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
    p = s.getsockname()[1]
    if f":{p} " not in busy + " " and p not in ports:
        ports.append(p)
print(" ".join(map(str, ports)))
EOF
}

# without_service_starts COMMAND...: runs COMMAND (an apt-get install) with
# /usr/sbin/policy-rc.d refusing every service start, so that the packages' maintainer scripts
# do not start system-wide daemons on the standard ports; removes the file again afterwards,
# but only when it created it.
without_service_starts() {
  local made=0 status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made=1
  fi
  "$@" || status=$?
  [ "$made" = 0 ] || rm -f /usr/sbin/policy-rc.d
  return "$status"
}
