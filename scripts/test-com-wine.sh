#!/usr/bin/env bash
# The COM server (bindings/com, csmail_com.dll) under wine with real VBScript and JScript:
# builds the DLL for x86_64 and i686, registers it with regsvr32 in a fresh wine prefix, and runs
# the scripts in tests/com/ with cscript against the bundled csmail-server (the Linux binary, on
# free loopback ports): sends over STARTTLS and implicit TLS, a JScript send, failures with
# their exact Err.Number and ExtendedError.Number, a POP3S fetch of what was sent, and IMAPClient
# over STARTTLS and implicit TLS (tests/com/imap.vbs, imap.js, and its OnProgress in events.c).
#
#   bash scripts/test-com-wine.sh                    # both architectures
#   CSMAIL_COM_ARCHES=x86_64 bash scripts/test-com-wine.sh
#   CSMAIL_COM_PROFILE=debug bash scripts/test-com-wine.sh   # default: release
#
# The VBScript tests get the constants of bindings/vb/CSMailConstants.bas (generated from the
# library's tables), turned into VBScript and JScript syntax here. As root it installs what is
# missing (mingw-w64, wine, wine32 for i686); without wine and no way to install it, it says so
# and skips. Wine 8 lacks bcryptprimitives.dll (Rust's std needs ProcessPrng): the stand-in of
# bindings/vb/harness is put next to the DLL, where COM's loader looks first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
arches=${CSMAIL_COM_ARCHES:-x86_64 i686}
profile=${CSMAIL_COM_PROFILE:-release}
started=$(date +%s)
say() { echo "test-com-wine: $*"; }
fail() {
    echo "test-com-wine: $*" >&2
    exit 1
}

need=()
for arch in $arches; do
    command -v "$arch-w64-mingw32-gcc" >/dev/null 2>&1 || need+=("gcc-mingw-w64-${arch//_/-}")
done
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
case " $arches " in *" i686 "*) dpkg -s wine32:i386 >/dev/null 2>&1 || need+=(wine32:i386) ;; esac
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        say "SKIPPED: needs ${need[*]} and cannot install them (not root, or no apt-get)"
        exit 0
    fi
    say "installing ${need[*]}"
    case " ${need[*]} " in *i386*) dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386 ;; esac
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
        say "SKIPPED: installing ${need[*]} failed"
        exit 0
    fi
fi
wine64=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine64" ] || fail "no wine64 loader found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csmail-com.XXXXXX")
server_pid=""
cleanup() {
    local rc=$?
    exec 3>&- 2>/dev/null || true
    [ -z "$server_pid" ] || wait "$server_pid" 2>/dev/null || true
    WINEPREFIX=$tmp/prefix wineserver -k 2>/dev/null || true
    if [ $rc -ne 0 ]; then echo "test-com-wine: the files are in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

flags=()
[ "$profile" = release ] && flags=(--release)
for arch in $arches; do
    target=$arch-pc-windows-gnu
    rustup target list --installed | grep -qx "$target" || rustup target add "$target" || fail "rustup target add $target failed"
    say "cargo build -p csmail-com --target $target ($profile)"
    cargo build --quiet --locked -p csmail-com --target "$target" "${flags[@]}"
    say "cargo clippy -p csmail-com --target $target"
    cargo clippy --quiet --locked -p csmail-com --target "$target" -- -D warnings
    mkdir -p "$tmp/$arch"
    cp "target/$target/$profile/csmail_com.dll" "$tmp/$arch/"
    "$arch-w64-mingw32-gcc" -O2 -shared -Wl,--kill-at -o "$tmp/$arch/bcryptprimitives.dll" \
        bindings/vb/harness/bcryptprimitives.c -ladvapi32
    "$arch-w64-mingw32-gcc" -std=c11 -Wall -Wextra -Werror -pedantic -municode -O1 -o "$tmp/$arch/typelib_dump.exe" \
        tests/com/typelib_dump.c -loleaut32 -lole32
    "$arch-w64-mingw32-gcc" -std=c11 -Wall -Wextra -Werror -pedantic -municode -O1 -o "$tmp/$arch/events.exe" \
        tests/com/events.c -loleaut32 -lole32 -luuid
done

# The generated VB constants as VBScript (Const takes literals only, so names are resolved) and
# JScript; then each test is the constants + tests/com/check.vbs (check.js) + the test.
python3 - bindings/vb/CSMailConstants.bas "$tmp/constants.vbs" "$tmp/constants.js" "$tmp/constants.txt" <<'PY'
import re, sys
values = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"Public Const (\w+) As \w+ = (.+?)\s*$", line)
    if not m:
        continue
    name, value = m.groups()
    value = values.get(value, value)
    values[name] = re.sub(r"^&H([0-9A-Fa-f]+)&?$", r"&H\1", value)
def js(v):
    return "0x" + v[2:] if v.startswith("&H") else v
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.writelines(f"Const {n} = {v}\r\n" for n, v in values.items())
with open(sys.argv[3], "w", encoding="utf-8") as out:
    out.writelines(f"var {n} = {js(v)};\r\n" for n, v in values.items())
def number(v):
    v = int(v[2:], 16) if v.startswith("&H") else int(v)
    return v - (1 << 32) if v >= 1 << 31 else v
with open(sys.argv[4], "w", encoding="utf-8") as out:
    out.writelines(f"{n}={number(v)}\n" for n, v in values.items() if not v.startswith('"'))
PY
# The type library's enum against the header's constants (through the generated VB module):
# the same names (but the version numbers) with the same values.
check_typelib() {
    python3 - "$1" "$tmp/constants.txt" <<'PY'
import sys
dump = [l.strip() for l in open(sys.argv[1], encoding="utf-8", errors="replace") if l.strip()]
header = dict(l.strip().split("=", 1) for l in open(sys.argv[2], encoding="utf-8"))
assert dump and dump[0] == "#library=CSMailLib", f"library name: {dump[:1]}"
enum = dict(l.split("=", 1) for l in dump[1:])
bad = [f"{n}: typelib {v}, header {header.get(n)}" for n, v in enum.items() if header.get(n) != v]
# Every integer constant of the header but its version numbers.
missing = [n for n in header if n not in enum and not n.startswith("CSMAIL_VERSION")]
if bad or missing or "MODE_STARTTLS" not in enum:
    sys.exit(f"type library enum differs from the header: {bad[:10]} missing {missing[:20]} ({len(missing)})")
print(f"test-com-wine: type library enum CSMailConstants: {len(enum)} constants, all equal to the header's")
PY
}
for t in tests/com/*.vbs; do
    [ "$(basename "$t")" = check.vbs ] && continue
    cat "$tmp/constants.vbs" tests/com/check.vbs "$t" >"$tmp/$(basename "$t")"
done
for t in tests/com/*.js; do
    [ "$(basename "$t")" = check.js ] && continue
    cat "$tmp/constants.js" tests/com/check.js "$t" >"$tmp/$(basename "$t")"
done

cargo build --quiet --locked -p csmail-server --bin csmail-server
state=$tmp/server
mkdir -p "$state"
mkfifo "$state/stdin"
target/debug/csmail-server --dir "$state" --smtp-port 0 --smtps-port 0 --pop3-port 0 --pop3s-port 0 \
    --imap-port 0 --imaps-port 0 --user alice:alicepass --stdin-lifetime <"$state/stdin" >"$state/server.log" 2>&1 &
server_pid=$!
exec 3>"$state/stdin"
for _ in $(seq 200); do
    [ -f "$state/ready" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$state/server.log" >&2; fail "csmail-server did not start"; }
    sleep 0.1
done
[ -f "$state/ready" ] || fail "csmail-server did not become ready"
port() { sed -n "s/^$1=//p" "$state/ready"; }

export WINEPREFIX=$tmp/prefix WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n,b"
t0=$(date +%s)
"$wine64" wineboot -i >/dev/null 2>&1 || fail "wineboot failed"
say "wine prefix made in $(($(date +%s) - t0)) s"
ca=$(winepath -w "$state/ca.pem")
status=0
# script ARCH CSCRIPT TEST: runs a test with that cscript.exe; it must print COM-TEST-PASSED
# (wine's cscript ends silently with exit code 0 on a script error).
script() {
    local out rc
    say "$1: $(basename "${2//\\//}") $3"
    out=$("${run[@]}" "$2" //nologo "$(winepath -w "$tmp/$3")" "$(port smtp)" "$(port smtps)" "$(port pop3s)" "$ca" \
        "$(port imap)" "$(port imaps)" 2>&1) &&
        rc=0 || rc=$?
    out=$(tr -d '\r' <<<"$out")
    printf '%s\n' "$out"
    if [ $rc -ne 0 ] || ! grep -q '^COM-TEST-PASSED' <<<"$out"; then
        echo "test-com-wine: $1: $3 FAILED (exit $rc)" >&2
        status=1
    fi
}
for arch in $arches; do
    if [ "$arch" = x86_64 ]; then
        run=("$wine64") sys='C:\windows\system32'
    else
        run=(wine) sys='C:\windows\syswow64'
    fi
    dll=$(winepath -w "$tmp/$arch/csmail_com.dll")
    say "$arch: regsvr32 csmail_com.dll"
    "${run[@]}" "$sys\\regsvr32.exe" /s "$dll" || fail "$arch: regsvr32 failed ($?)"
    [ -f "$tmp/$arch/csmail_com.tlb" ] || fail "$arch: regsvr32 wrote no csmail_com.tlb"
    (cd "$tmp/$arch" && "${run[@]}" ./typelib_dump.exe csmail_com.tlb) | tr -d '\r' >"$tmp/$arch/typelib.txt" ||
        fail "$arch: typelib_dump failed"
    check_typelib "$tmp/$arch/typelib.txt" || status=1
    for t in send_starttls.vbs send_implicit.vbs send.js failures.vbs seed_examples.vbs; do
        script "$arch" "$sys\\cscript.exe" "$t"
    done
    # The events through connection points, as WithEvents and WScript.ConnectObject find them
    # (wine's cscript does not implement ConnectObject).
    say "$arch: events.exe"
    (cd "$tmp/$arch" && "${run[@]}" ./events.exe "$(port smtp)" "$ca" "$(port imaps)") | tr -d '\r' | tee "$tmp/$arch/events.txt" || true
    grep -q '^COM-TEST-PASSED' "$tmp/$arch/events.txt" || { echo "test-com-wine: $arch: events.exe FAILED" >&2; status=1; }
    script "$arch" "$sys\\cscript.exe" fetch_pop3s.vbs
    script "$arch" "$sys\\cscript.exe" message_parts.vbs
    # After the POP3 tests, which count the messages in the mailbox; imap.vbs leaves it as it
    # found it.
    script "$arch" "$sys\\cscript.exe" imap.vbs
    script "$arch" "$sys\\cscript.exe" imap.js
    "${run[@]}" "$sys\\regsvr32.exe" /s /u "$dll" || { echo "test-com-wine: $arch: regsvr32 /u failed" >&2; status=1; }
    script "$arch" "$sys\\cscript.exe" unregistered.vbs

    # Registration-free: CSMailLib.manifest from `regsvr32 /n /i:manifest`, beside the DLL and a
    # copy of cscript.exe whose own manifest depends on it.
    noreg=$tmp/$arch/noreg
    mkdir -p "$noreg"
    cp "$tmp/$arch/csmail_com.dll" "$tmp/$arch/bcryptprimitives.dll" "$noreg/"
    # (Not through winepath: a 32-bit winepath would map system32 to syswow64.)
    cp "$WINEPREFIX/drive_c/windows/$(basename "${sys//\\//}")/cscript.exe" "$noreg/cscript.exe"
    "${run[@]}" "$sys\\regsvr32.exe" /s /n /i:manifest "$(winepath -w "$noreg/csmail_com.dll")" ||
        fail "$arch: regsvr32 /n /i:manifest failed"
    [ "$arch" = x86_64 ] && machine=amd64 || machine=x86
    cat >"$noreg/cscript.exe.manifest" <<XML
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="cscript" version="1.0.0.0" processorArchitecture="$machine"/>
  <dependency><dependentAssembly>
    <assemblyIdentity type="win32" name="CSMailLib" version="1.0.0.0" processorArchitecture="$machine"/>
  </dependentAssembly></dependency>
</assembly>
XML
    script "$arch" "$(winepath -w "$noreg/cscript.exe")" noreg.vbs
done
say "done in $(($(date +%s) - started)) s"
exit $status
