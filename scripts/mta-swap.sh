# Sourced by the scripts that test a mail transport agent which replaces Postfix when installed
# (scripts/test-exim.sh, scripts/test-opensmtpd.sh): they note the machine's state, install,
# test, and then leave the machine as they found it.
#
#   swap_note DIR [PATH...]  notes the installed packages, the users and groups, and each PATH
#                            (a file the test writes outside DIR) into DIR
#   swap_restore DIR         purges every package installed since, reinstalls every package
#                            removed since (Postfix), deletes users and groups created since,
#                            puts each noted PATH back as it was (or removes it); returns
#                            non-zero when the installed packages still differ

swap_packages() {
  dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\n' | awk '$2 ~ /^ii/ { print $1 }' | sort
}

swap_note() {
  local dir=$1 path i=0
  shift
  swap_packages >"$dir/packages.before"
  getent passwd | cut -d: -f1 | sort >"$dir/users.before"
  getent group | cut -d: -f1 | sort >"$dir/groups.before"
  : >"$dir/paths"
  for path in "$@"; do
    i=$((i + 1))
    if [ -e "$path" ]; then
      cp -p "$path" "$dir/path.$i"
      printf '%s\t%s\n' "$path" "$dir/path.$i" >>"$dir/paths"
    else
      printf '%s\t\n' "$path" >>"$dir/paths"
    fi
  done
  [ -e /usr/sbin/policy-rc.d ] && echo 1 >"$dir/policy-rc.d.before" || echo 0 >"$dir/policy-rc.d.before"
  echo "noted: $(wc -l <"$dir/packages.before") packages, $(wc -l <"$dir/users.before") users"
}

# Keeps maintainer scripts from starting the system-wide daemon on port 25 (swap_restore
# removes the file again when it was not there).
swap_block_daemon_start() {
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
  fi
}

swap_restore() {
  local dir=$1 added removed u g path saved
  export DEBIAN_FRONTEND=noninteractive
  # A package step the run interrupted (a full disk, a signal) is finished first.
  dpkg --configure -a >/dev/null 2>&1 || true
  swap_packages >"$dir/packages.after"
  added=$(comm -13 "$dir/packages.before" "$dir/packages.after" | tr '\n' ' ')
  removed=$(comm -23 "$dir/packages.before" "$dir/packages.after" | tr '\n' ' ')
  if [ -n "$added" ]; then
    echo "purging what was installed: $added"
    # shellcheck disable=SC2086
    apt-get purge -y -q $added >/dev/null
  fi
  if [ -n "$removed" ]; then
    echo "reinstalling what the installation removed: $removed"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $removed >/dev/null
  fi
  for u in $(comm -13 "$dir/users.before" <(getent passwd | cut -d: -f1 | sort)); do
    echo "removing user $u"
    userdel "$u" 2>/dev/null || true
  done
  for g in $(comm -13 "$dir/groups.before" <(getent group | cut -d: -f1 | sort)); do
    echo "removing group $g"
    groupdel "$g" 2>/dev/null || true
  done
  while IFS=$'\t' read -r path saved; do
    if [ -n "$saved" ]; then
      cp -p "$saved" "$path"
    else
      rm -f "$path"
      rmdir "$(dirname "$path")" 2>/dev/null || true
    fi
  done <"$dir/paths"
  [ "$(cat "$dir/policy-rc.d.before")" = 1 ] || rm -f /usr/sbin/policy-rc.d
  swap_packages >"$dir/packages.restored"
  if cmp -s "$dir/packages.before" "$dir/packages.restored"; then
    echo "the installed packages, users and groups are as before"
  else
    echo "the installed packages differ from before:" >&2
    diff "$dir/packages.before" "$dir/packages.restored" >&2 || true
    return 1
  fi
}
