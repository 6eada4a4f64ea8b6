#!/usr/bin/env bash
# The VB binding's ABI test: csmail.dll for x86_64 and i686 (Windows GNU targets), and
# bindings/vb/harness/vb_abi_harness.c, which calls the DLL exactly as the VB Declares and
# CSMail.bas do (stdcall on 32-bit, UTF-16 -> UTF-8, ByRef outs, an AddressOf-style callback),
# run under wine against the bundled csmail-server on loopback: a send over STARTTLS, the
# IMAPClient's calls over IMAPS and STARTTLS, and a fetch over POP3S. Used by CI.
#
#   bash scripts/test-vb-wine.sh            # both architectures
#   CSMAIL_VB_ARCHES=x86_64 bash scripts/test-vb-wine.sh
#
# Installs mingw-w64 and wine with apt-get when missing (as root), adds the Rust targets with
# rustup. The DLLs come from scripts/build-windows.sh when it exists (CSMAIL_VB_OWN_BUILD=1: a
# debug build here instead, in CSMAIL_VB_TARGET_DIR, default target/win; CSMAIL_VB_TARGET_DIR=target
# shares the checkout's own Windows builds), built without the OpenSSL compatibility backend.
# wine 8.0 lacks bcryptprimitives.dll's ProcessPrng, which Rust's std imports: a stub is built
# next to the exe (undecorated on i686) and preferred to wine's builtin.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMAIL_VB_BUILD_DIR:-$root/build/vb-wine}
arches=${CSMAIL_VB_ARCHES:-x86_64 i686}
server=${CSMAIL_SERVER:-$root/target/debug/csmail-server}
profile=${CSMAIL_VB_PROFILE:-debug}
target_dir=${CSMAIL_VB_TARGET_DIR:-$root/target/win}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac

need=""
for arch in $arches; do
    command -v "$arch-w64-mingw32-gcc" >/dev/null 2>&1 || need="$need gcc-mingw-w64-${arch//_/-}"
done
command -v wine >/dev/null 2>&1 || need="$need wine wine64"
case " $arches " in *" i686 "*) dpkg -s wine32:i386 >/dev/null 2>&1 || need="$need wine32:i386" ;; esac
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "test-vb-wine: needs$need (apt-get, as root)" >&2
        exit 1
    fi
    echo "test-vb-wine: installing$need"
    case "$need" in *i386*) dpkg --add-architecture i386 ;; esac
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
if [ ! -x "$server" ]; then
    cargo build -p csmail-server --quiet --manifest-path "$root/Cargo.toml"
fi

mkdir -p "$build"
# The packaging's DLL when scripts/build-windows.sh exists (release, stdcall on i686, what ships),
# else a debug build made here the same way (the Windows targets without the compat feature).
targets=()
for arch in $arches; do targets+=("$arch-pc-windows-gnu"); done
if [ -f "$root/scripts/build-windows.sh" ] && [ -z "${CSMAIL_VB_OWN_BUILD:-}" ]; then
    echo "test-vb-wine: building csmail.dll with scripts/build-windows.sh ${targets[*]}"
    bash "$root/scripts/build-windows.sh" "${targets[@]}"
    dll_of() { echo "$root/target/windows/$1/csmail.dll"; }
else
    for target in "${targets[@]}"; do
        rustup target list --installed | grep -qx "$target" || rustup target add "$target"
        flags=()
        [ "$profile" = release ] && flags=(--release)
        echo "test-vb-wine: building csmail.dll for $target ($profile)"
        CARGO_TARGET_DIR=$target_dir cargo build --quiet --lib --no-default-features --target "$target" \
            "${flags[@]}" --manifest-path "$root/Cargo.toml"
    done
    dll_of() { echo "$target_dir/$1/$profile/csmail.dll"; }
fi
for arch in $arches; do
    out=$build/$arch
    mkdir -p "$out"
    cp "$(dll_of "$arch-pc-windows-gnu")" "$out/"
    "$arch-w64-mingw32-gcc" -O2 -shared -Wl,--kill-at -o "$out/bcryptprimitives.dll" \
        "$root/bindings/vb/harness/bcryptprimitives.c" -ladvapi32
    "$arch-w64-mingw32-gcc" -std=c11 -Wall -Wextra -Werror -pedantic -O1 -o "$out/vb_abi_harness.exe" \
        "$root/bindings/vb/harness/vb_abi_harness.c"
done

# The bundled server, with the users the harness logs in as; it ends when fd 3 closes.
state=$build/server
rm -rf "$state"
mkdir -p "$state"
mkfifo "$state/stdin"
"$server" --dir "$state" --smtp-port 0 --smtps-port 0 --pop3-port 0 --pop3s-port 0 --imap-port 0 --imaps-port 0 \
    --user alice:alicepass --user 'jörg:pässwörd' --stdin-lifetime <"$state/stdin" >"$state/server.log" 2>&1 &
server_pid=$!
exec 3>"$state/stdin"
trap 'exec 3>&-; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
    [ -f "$state/ready" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$state/server.log" >&2; exit 1; }
    sleep 0.1
done
smtp=$(sed -n 's/^smtp=//p' "$state/ready")
pop3s=$(sed -n 's/^pop3s=//p' "$state/ready")
imap=$(sed -n 's/^imap=//p' "$state/ready")
imaps=$(sed -n 's/^imaps=//p' "$state/ready")

export WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
export WINEDEBUG=-all
# 32-bit wine has a builtin bcryptprimitives.dll without ProcessPrng: the stub wins.
export WINEDLLOVERRIDES="bcryptprimitives=n,b"
ca=$(winepath -w "$state/ca.pem" 2>/dev/null)
status=0
for arch in $arches; do
    echo "test-vb-wine: $arch harness"
    # The harness's last line too: wine can report 0 for a harness that was killed midway.
    if (cd "$build/$arch" && wine ./vb_abi_harness.exe "$smtp" "$pop3s" "$ca" "$imap" "$imaps") | tee "$build/$arch/output" &&
        tail -n 1 "$build/$arch/output" | grep -q "; all checks passed"; then
        echo "test-vb-wine: $arch passed"
    else
        echo "test-vb-wine: $arch FAILED" >&2
        status=1
    fi
done
exit $status
