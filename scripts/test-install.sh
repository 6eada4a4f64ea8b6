#!/usr/bin/env bash
# Tests scripts/install.sh as a user of the installed library meets it: installs csmail into a
# temporary prefix (nothing outside it is written), checks the installed files, then builds
# tests/install/roundtrip.c three ways and runs each against the installed csmail-server
# (started on free ports), sending a message over STARTTLS and fetching it back over POP3S:
#
#   1. cc roundtrip.c $(pkg-config --cflags --libs csmail)                       (shared; run
#      with LD_LIBRARY_PATH, and linked with -Wl,-rpath,<libdir> without it)
#   2. cc roundtrip.c $(pkg-config --cflags csmail) \
#          $(pkg-config --static --libs csmail | sed 's/-lcsmail /-l:libcsmail.a /')  (static)
#   3. CMake: find_package(csmail) with csmail::csmail and csmail::csmail_static
#
#   bash scripts/test-install.sh [--keep]     (--keep: leave the temporary folder for a look)
#
# Needs cc, pkg-config, cmake, binutils and libssl-dev (the Debian packages .ci/run installs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep=0
[ "${1:-}" = --keep ] && keep=1
for tool in cc pkg-config cmake readelf; do
    command -v "$tool" >/dev/null 2>&1 || { echo "test-install: '$tool' is needed" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csmail-install-test.XXXXXX")
prefix=$tmp/prefix
server_dir=$tmp/server
cleanup() {
    local rc=$?
    CSMAIL_SERVER=$prefix/bin/csmail-server bash "$root/examples-c/server-fixture.sh" stop "$server_dir" >/dev/null 2>&1 || true
    if [ "$keep" = 1 ] || [ $rc -ne 0 ]; then
        echo "test-install: the files are in $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

step() { printf '\n--> %s\n' "$*"; }
fail() {
    echo "test-install: FAILED: $*" >&2
    exit 1
}

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
IFS=. read -r major minor patch <<<"$version"
if [ "$major" = 0 ]; then soname=libcsmail.so.0.$minor; else soname=libcsmail.so.$major; fi

step "install.sh --prefix $prefix"
bash "$root/scripts/install.sh" --prefix "$prefix"

step "DESTDIR: a staged install writes below DESTDIR and names the final prefix"
DESTDIR=$tmp/stage bash "$root/scripts/install.sh" --prefix /opt/csmail --no-build >/dev/null
[ -f "$tmp/stage/opt/csmail/lib/libcsmail.so.$version" ] || fail "DESTDIR install has no lib/libcsmail.so.$version"
grep -qx 'prefix=/opt/csmail' "$tmp/stage/opt/csmail/lib/pkgconfig/csmail.pc" || fail "DESTDIR install: csmail.pc does not name /opt/csmail"
echo "ok"

step "the installed files"
lib=$prefix/lib
[ "$(readlink "$lib/libcsmail.so")" = "$soname" ] || fail "libcsmail.so does not point to $soname"
[ "$(readlink "$lib/$soname")" = "libcsmail.so.$version" ] || fail "$soname does not point to libcsmail.so.$version"
[ -f "$lib/libcsmail.so.$version" ] && [ ! -L "$lib/libcsmail.so.$version" ] || fail "no file libcsmail.so.$version"
readelf -d "$lib/libcsmail.so.$version" | grep -q "Library soname: \[$soname\]" || fail "the SONAME is not $soname"
for f in "$lib/libcsmail.so.$version" "$lib/libcsmail.a" "$prefix/bin/csmail-server"; do
    if readelf -S "$f" 2>/dev/null | grep -q '\.debug_info'; then fail "$f carries debug information"; fi
done
for f in include/csmail.h lib/pkgconfig/csmail.pc lib/cmake/csmail/csmailConfig.cmake \
    lib/cmake/csmail/csmailConfigVersion.cmake share/doc/csmail/LICENSE-MIT share/doc/csmail/LICENSE-APACHE \
    share/doc/csmail/CHANGELOG.md; do
    [ -s "$prefix/$f" ] || fail "$f is not installed"
done
ls -l "$lib" | sed 's/^/  /'

export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion csmail)" = "$version" ] || fail "pkg-config --modversion csmail is not $version"
static_libs=$(pkg-config --static --libs csmail)
for l in -lcsmail -lssl -lcrypto -lpthread -ldl -lm; do
    case " $static_libs " in *" $l "*) ;; *) fail "pkg-config --static --libs csmail lacks $l: $static_libs" ;; esac
done
echo "pkg-config --static --libs csmail: $static_libs"

step "the installed csmail-server on free ports"
CSMAIL_SERVER=$prefix/bin/csmail-server bash "$root/examples-c/server-fixture.sh" start "$server_dir"
port() { sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" "$server_dir/ready"; }
smtp_port=$(port smtp)
pop3s_port=$(port pop3s)
[ -n "$smtp_port" ] && [ -n "$pop3s_port" ] || fail "no smtp/pop3s ports in $server_dir/ready"

cflags="-std=c11 -Wall -Wextra -Werror -pedantic"
src=$root/tests/install/roundtrip.c
build=$tmp/build
mkdir -p "$build"

# needed FILE: the DT_NEEDED entries of FILE, one per line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
roundtrip() {
    local program=$1 tag=$2
    shift 2
    "$@" "$program" 127.0.0.1 "$smtp_port" "$pop3s_port" "$server_dir/ca.pem" "$tag" "$version"
}

step "1. shared, with pkg-config --cflags --libs csmail"
# shellcheck disable=SC2046,SC2086
cc $cflags "$src" -o "$build/roundtrip_shared" $(pkg-config --cflags --libs csmail)
needed "$build/roundtrip_shared" | grep -qx "$soname" || fail "roundtrip_shared does not need $soname"
roundtrip "$build/roundtrip_shared" "pkgconfig-shared-$$" env LD_LIBRARY_PATH="$lib"
# The README's other way to the run-time path: an rpath to pkg-config's libdir.
# shellcheck disable=SC2046,SC2086
cc $cflags "$src" -o "$build/roundtrip_rpath" $(pkg-config --cflags --libs csmail) \
    -Wl,-rpath,"$(pkg-config --variable=libdir csmail)"
roundtrip "$build/roundtrip_rpath" "pkgconfig-rpath-$$" env -u LD_LIBRARY_PATH

step "2. static, with pkg-config --static --libs csmail"
# shellcheck disable=SC2046,SC2086
cc $cflags "$src" -o "$build/roundtrip_static" $(pkg-config --cflags csmail) \
    $(pkg-config --static --libs csmail | sed 's/-lcsmail /-l:libcsmail.a /')
if needed "$build/roundtrip_static" | grep -q csmail; then fail "roundtrip_static needs the shared library"; fi
roundtrip "$build/roundtrip_static" "pkgconfig-static-$$" env -u LD_LIBRARY_PATH

step "3. CMake, find_package(csmail $major.$minor)"
cmake -S "$root/tests/install" -B "$build/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCSMAIL_WANT_VERSION="$major.$minor" >"$build/cmake.log" 2>&1 ||
    { cat "$build/cmake.log" >&2; fail "cmake could not configure the project"; }
grep 'found csmail' "$build/cmake.log"
cmake --build "$build/cmake" >>"$build/cmake.log" 2>&1 || { cat "$build/cmake.log" >&2; fail "cmake could not build the project"; }
needed "$build/cmake/roundtrip_cmake_shared" | grep -qx "$soname" || fail "roundtrip_cmake_shared does not need $soname"
if needed "$build/cmake/roundtrip_cmake_static" | grep -q csmail; then fail "roundtrip_cmake_static needs the shared library"; fi
# CMake records the imported library's folder as the build tree's RPATH: no LD_LIBRARY_PATH.
roundtrip "$build/cmake/roundtrip_cmake_shared" "cmake-shared-$$" env -u LD_LIBRARY_PATH
roundtrip "$build/cmake/roundtrip_cmake_static" "cmake-static-$$" env -u LD_LIBRARY_PATH

step "CMake: an incompatible version is refused"
if [ "$major" = 0 ]; then wrong=0.$((minor + 1)); else wrong=$((major + 1)).0; fi
if cmake -S "$root/tests/install" -B "$build/cmake-wrong" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCSMAIL_WANT_VERSION="$wrong" >"$build/cmake-wrong.log" 2>&1; then
    fail "find_package(csmail $wrong) accepted csmail $version"
fi
grep -q "csmailConfig.cmake, version: $version" "$build/cmake-wrong.log" ||
    { cat "$build/cmake-wrong.log" >&2; fail "find_package(csmail $wrong) failed for another reason than the version"; }
echo "find_package(csmail $wrong) refused csmail $version"

printf '\ntest-install: all passed\n'
