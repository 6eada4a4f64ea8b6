#!/usr/bin/env bash
# Builds csmail.dll for 64- and 32-bit Windows with Debian's mingw-w64 cross compilers:
#
#   bash scripts/build-windows.sh [TARGET...]
#        TARGET: x86_64-pc-windows-gnu and/or i686-pc-windows-gnu (default: both)
#
# For each target, target/windows/<TARGET>/ receives:
#   csmail.dll        release build, debug information stripped, with a version resource
#   libcsmail.dll.a   the import library for mingw-w64 (gcc ... -L<dir> -lcsmail); on i686 made
#                     from csmail.def by dlltool, so that stdcall callers (_name@N) link
#   csmail.def        the exports, for MSVC: lib /def:csmail.def /machine:x64 /out:csmail.lib
#                     (/machine:x86 for i686; there the names carry their stdcall @N, and lib
#                     links them to the undecorated names the DLL exports)
#   csmail.h, LICENSE-MIT, LICENSE-APACHE
#
# The Windows build leaves out the default feature `compat` (the OpenSSL backend): see the
# README, "Windows". The script checks that the DLL exports exactly the functions that
# include/csmail.h declares, none of them decorated, and that the .def makes a working import
# library (dlltool). As root it installs what is missing: the mingw-w64 compilers with apt-get,
# the Rust targets with rustup.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-gnu i686-pc-windows-gnu)

fail() {
    echo "build-windows: $*" >&2
    exit 1
}

# The mingw-w64 tool prefix and Debian package of a Rust target.
mingw_prefix() {
    case $1 in
    x86_64-pc-windows-gnu) echo x86_64-w64-mingw32 ;;
    i686-pc-windows-gnu) echo i686-w64-mingw32 ;;
    *) fail "unsupported target '$1' (x86_64-pc-windows-gnu or i686-pc-windows-gnu)" ;;
    esac
}
mingw_package() {
    case $1 in
    x86_64-pc-windows-gnu) echo gcc-mingw-w64-x86-64 ;;
    i686-pc-windows-gnu) echo gcc-mingw-w64-i686 ;;
    esac
}

need=()
for target in "${targets[@]}"; do
    command -v "$(mingw_prefix "$target")-gcc" >/dev/null 2>&1 || need+=("$(mingw_package "$target")")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "build-windows: installing ${need[*]} with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        fail "the mingw-w64 cross compilers are needed: apt-get install ${need[*]}"
    fi
fi
installed=$(rustup target list --installed 2>/dev/null || true)
for target in "${targets[@]}"; do
    grep -qx "$target" <<<"$installed" || rustup target add "$target" || fail "rustup target add $target failed"
done

# The functions include/csmail.h declares (as tests/symbols.rs reads them), sorted.
header_functions() {
    awk '!/^[ #]/ && !/^typedef/ && /\(/ {
            sub(/\(.*/, ""); n = split($0, w, /[ \t]+/); name = w[n]; sub(/^\*+/, "", name);
            if (name ~ /^csmail_/) print name
         }' include/csmail.h | sort
}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
mkdir -p "$root/target"
header_functions >"$root/target/csmail-header-functions.txt"
[ "$(wc -l <"$root/target/csmail-header-functions.txt")" -gt 60 ] || fail "too few functions found in include/csmail.h"

for target in "${targets[@]}"; do
    prefix=$(mingw_prefix "$target")
    out=$root/target/windows/$target
    built=$root/target/$target/release
    echo "build-windows: cargo build --release --target $target --no-default-features"
    cargo build --release --locked --target "$target" --no-default-features --lib
    rm -rf "$out"
    mkdir -p "$out"
    "$prefix-strip" --strip-debug -o "$out/csmail.dll" "$built/csmail.dll"
    cp "$built/libcsmail.dll.a" "$out/"
    cp include/csmail.h LICENSE-MIT LICENSE-APACHE "$out/"

    # The export table: exactly the header's functions, undecorated.
    "$prefix-objdump" -p "$out/csmail.dll" >"$out/objdump.txt"
    sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' "$out/objdump.txt" | sort >"$out/exports.txt"
    if grep -q '[@]' "$out/exports.txt" || grep -q '^_' "$out/exports.txt"; then
        fail "$target: decorated names in the export table of csmail.dll: $(grep -m3 '[@]\|^_' "$out/exports.txt" | tr '\n' ' ')"
    fi
    if ! diff -u "$root/target/csmail-header-functions.txt" "$out/exports.txt" >"$out/exports.diff"; then
        cat "$out/exports.diff" >&2
        fail "$target: csmail.dll does not export exactly the functions of include/csmail.h (- header only, + DLL only)"
    fi
    # Only Windows' own DLLs: none of mingw-w64's runtime (libgcc_s_*.dll, libwinpthread-1.dll),
    # which a Windows machine does not have.
    runtime=$(sed -n 's/^[[:space:]]*DLL Name: //p' "$out/objdump.txt" | grep -i '^lib' || true)
    [ -z "$runtime" ] || fail "$target: csmail.dll needs mingw-w64 runtime DLLs: $runtime"
    # The version resource's strings are UTF-16: FileVersion and the package version.
    strings -el "$out/csmail.dll" >"$out/strings.txt"
    grep -qx 'FileVersion' "$out/strings.txt" && grep -qx "$version" "$out/strings.txt" ||
        fail "$target: csmail.dll has no version resource with FileVersion $version"

    # The .def: the export names, on i686 with the stdcall argument size (name@N) that the
    # functions' symbols carry in the static library, so that MSVC's lib (and dlltool) make an
    # import library mapping a caller's _name@N to the undecorated export.
    {
        echo "LIBRARY csmail.dll"
        echo "EXPORTS"
        if [ "$target" = i686-pc-windows-gnu ]; then
            "$prefix-nm" -g "$built/libcsmail.a" 2>/dev/null | awk '$2 == "T" && $3 ~ /^_csmail_/ { print "    " substr($3, 2) }' | sort -u
        else
            sed 's/^/    /' "$out/exports.txt"
        fi
    } >"$out/csmail.def"
    # On i686 the import library rustc writes has undecorated symbols (the DLL is linked with
    # --kill-at), which a caller of __stdcall functions cannot link against: make it from the .def.
    if [ "$target" = i686-pc-windows-gnu ]; then
        "$prefix-dlltool" --kill-at -d "$out/csmail.def" -D csmail.dll -l "$out/libcsmail.dll.a"
    fi
    defined=$(sed -n 's/^    \([^@]*\).*/\1/p' "$out/csmail.def" | sort | tr '\n' ' ')
    [ "$defined" = "$(tr '\n' ' ' <"$out/exports.txt")" ] || fail "$target: csmail.def does not list exactly the exports"

    # The .def makes an import library that links (what MSVC's lib /def does, done by dlltool).
    "$prefix-dlltool" --kill-at -d "$out/csmail.def" -D csmail.dll -l "$out/def-check.dll.a"
    cat >"$out/def-check.c" <<'EOF'
#include "csmail.h"
int main(void) { return csmail_version() != 0 && csmail_strerror(0) != 0 ? 0 : 1; }
EOF
    "$prefix-gcc" -std=c11 -Wall -Wextra -Werror -pedantic -I include "$out/def-check.c" "$out/def-check.dll.a" \
        -o "$out/def-check.exe" || fail "$target: a program does not link against the import library made from csmail.def"
    rm -f "$out/def-check.c" "$out/def-check.dll.a" "$out/def-check.exe" "$out/objdump.txt" "$out/exports.diff" "$out/strings.txt"
    echo "build-windows: $target: $(wc -l <"$out/exports.txt") exports, all declared in csmail.h; $(du -h "$out/csmail.dll" | cut -f1) csmail.dll in $out"
done
