#!/usr/bin/env bash
# Tests csmail.dll under wine: builds both DLLs (scripts/build-windows.sh), runs clippy for both
# targets (Windows-only code paths), cross-compiles the C
# examples for each, and runs them under wine against the bundled csmail-server (the Linux
# binary, on free ports on loopback):
#
#   send_starttls      send over SMTP + STARTTLS
#   fetch_pop3s        fetch that message over POP3S (implicit TLS), batch retrieval, deletion
#   tls_info           TLS parameters (SMTP STARTTLS and POP3S)
#   log_callback       the LogHandler callback (called from the library: the calling convention)
#   validate_callback  the certificate validation callback (likewise)
#   bad_input          misuse gives the documented results
#   abort_connect      csmail_smtp_abort from a second thread (CreateThread) ends a connect that
#                      the server never answers
#
#   bash scripts/test-windows.sh [TARGET...]   (default: x86_64-pc-windows-gnu i686-pc-windows-gnu)
#
# As root it installs what is missing: mingw-w64 (build-windows.sh), wine and wine64, and for
# the 32-bit DLL wine32 (this adds the i386 architecture to dpkg). Debian's wine 8 lacks
# bcryptprimitives.dll, which Rust's standard library imports since Rust 1.78: a small stand-in
# (ProcessPrng on RtlGenRandom) is built and put next to the programs. The wine prefix is
# made fresh in a temporary folder and removed afterwards.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-gnu i686-pc-windows-gnu)
started=$(date +%s)

fail() {
    echo "test-windows: $*" >&2
    exit 1
}
step() { printf '\n--> %s\n' "$*"; }

# wine, and wine32 when a 32-bit target is asked for.
need=()
command -v wine >/dev/null 2>&1 || need+=(wine)
dpkg-query -W -f='${Status}' wine64 2>/dev/null | grep -q 'install ok installed' || need+=(wine64)
for target in "${targets[@]}"; do
    if [ "$target" = i686-pc-windows-gnu ] && ! dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q 'install ok installed'; then
        need+=(wine32:i386)
    fi
done
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || fail "wine is needed: apt-get install ${need[*]}"
    t0=$(date +%s)
    case " ${need[*]} " in
    *" wine32:i386 "*) dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386 ;;
    esac
    echo "test-windows: installing ${need[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    echo "test-windows: installed in $(($(date +%s) - t0)) s"
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is needed (the never-answering listener of abort_connect)"

step "build-windows.sh ${targets[*]}"
bash scripts/build-windows.sh "${targets[@]}"

for target in "${targets[@]}"; do
    step "cargo clippy --target $target --no-default-features"
    cargo clippy --quiet --locked --target "$target" --no-default-features -- -D warnings
done

step "the Linux csmail-server"
cargo build --quiet --locked -p csmail-server --bin csmail-server
server=$root/target/debug/csmail-server

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csmail-wine.XXXXXX")
server_dir=$tmp/server
cleanup() {
    local rc=$?
    CSMAIL_SERVER=$server bash examples-c/server-fixture.sh stop "$server_dir" >/dev/null 2>&1 || true
    [ -z "${WINEPREFIX:-}" ] || wineserver -k 2>/dev/null || true
    if [ $rc -ne 0 ]; then echo "test-windows: the files are in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

CSMAIL_SERVER=$server bash examples-c/server-fixture.sh start "$server_dir"
port() { sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" "$server_dir/ready"; }
ca=$server_dir/ca.pem

export WINEDEBUG=-all WINEPREFIX=$tmp/wineprefix WINEDLLOVERRIDES="mscoree,mshtml="
step "wineboot (a fresh wine prefix)"
wineboot -i >/dev/null 2>&1 || fail "wineboot failed"

failed=()
passed=0
for target in "${targets[@]}"; do
    case $target in
    x86_64-pc-windows-gnu) prefix=x86_64-w64-mingw32 ;;
    i686-pc-windows-gnu) prefix=i686-w64-mingw32 ;;
    esac
    dll_dir=$root/target/windows/$target
    bin=$tmp/$target
    mkdir -p "$bin"
    step "$target: the C examples, cross-compiled"
    "$prefix-gcc" -O2 -shared -Wl,--kill-at -o "$bin/bcryptprimitives.dll" -x c - -x none -ladvapi32 <<'EOF' ||
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
/* wine 8 lacks bcryptprimitives.dll; Rust >= 1.78 imports ProcessPrng from it (undecorated:
   --kill-at, or 32-bit wine finds only ProcessPrng@8). */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
EOF
        fail "$target: cannot build the bcryptprimitives.dll stand-in"
    cp "$dll_dir/csmail.dll" "$bin/"
    for example in send_starttls fetch_pop3s tls_info log_callback validate_callback bad_input abort_connect; do
        "$prefix-gcc" -std=c11 -Wall -Wextra -Werror -pedantic -I include -I examples-c "examples-c/$example.c" \
            -L "$dll_dir" -lcsmail -o "$bin/$example.exe" || fail "$target: $example.c does not compile"
    done

    # run NAME EXAMPLE ARGS...: one example under wine; records the outcome. With
    # UNANSWERED=1, examples-c/unanswered-listener.py runs it, and {port} in ARGS is a port
    # whose connection requests are never answered.
    run() {
        local name="$target $1" example=$2 wrap=()
        shift 2
        [ "${UNANSWERED:-0}" = 0 ] || wrap=(python3 "$root/examples-c/unanswered-listener.py")
        echo "== $name: $example $*"
        if (cd "$bin" && "${wrap[@]}" wine "./$example.exe" "$@") >"$bin/$example.log" 2>&1; then
            sed 's/^/   /' "$bin/$example.log" | tail -n 4
            echo "   ok"
            passed=$((passed + 1))
        else
            sed 's/^/   /' "$bin/$example.log"
            echo "   FAILED"
            failed+=("$name")
        fi
    }
    tag=wine-$target-$$
    step "$target: under wine against csmail-server"
    run "send over STARTTLS" send_starttls 127.0.0.1 "$(port smtp)" "$ca" "$tag"
    run "fetch over POP3S" fetch_pop3s 127.0.0.1 "$(port pop3s)" "$ca" "send_starttls $tag"
    run "TLS parameters, SMTP STARTTLS" tls_info 127.0.0.1 "$(port smtp)" "$ca" smtp
    run "TLS parameters, POP3S" tls_info 127.0.0.1 "$(port pop3s)" "$ca" pop3s
    run "log callback" log_callback 127.0.0.1 "$(port smtp)" "$ca"
    run "validation callback, SMTPS" validate_callback 127.0.0.1 "$(port smtps)" "$ca" smtps
    run "validation callback, POP3 STLS" validate_callback 127.0.0.1 "$(port pop3)" "$ca" pop3
    run "bad input" bad_input 127.0.0.1 "$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" "$ca"
    UNANSWERED=1 run "abort from another thread during connect" abort_connect 127.0.0.1 "{port}"
done

echo
echo "test-windows: $passed passed, ${#failed[@]} failed, in $(($(date +%s) - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
    printf '  failed: %s\n' "${failed[@]}"
    exit 1
fi
