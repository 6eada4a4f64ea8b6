#!/usr/bin/env bash
# Builds csmail in release mode and installs it for C and C++ programs:
#
#   bash scripts/install.sh [--prefix DIR] [--split-debug] [--no-build]
#
#   --prefix DIR    where to install (default /usr/local); DESTDIR is honoured for staging:
#                   files go to $DESTDIR$PREFIX, and the files name $PREFIX
#   --split-debug   keep the debug information in lib/.debug/ and bin/.debug/ (found by gdb
#                   through .gnu_debuglink) instead of dropping it
#   --no-build      install what an earlier run built in target/release
#
# Installs:
#   lib/libcsmail.so.X.Y.Z, lib/libcsmail.so.0.Y (the SONAME) -> it, lib/libcsmail.so -> it
#   lib/libcsmail.a                      the static library
#   include/csmail.h
#   lib/pkgconfig/csmail.pc              Libs.private: what a static link needs
#   lib/cmake/csmail/csmailConfig.cmake, csmailConfigVersion.cmake
#                                        find_package(csmail): csmail::csmail (shared) and
#                                        csmail::csmail_static
#   bin/csmail-server                    the bundled loopback test server
#   share/doc/csmail/                    LICENSE-MIT, LICENSE-APACHE, CHANGELOG.md, README.md
#
# The release profile keeps line tables (debug = 1) for backtraces in development; installed
# files are stripped of debug information (or split with --split-debug).
# This script does what cargo-c's `cargo cinstall` does, without cargo-c: see the README
# ("Using csmail from your own program") for why.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/usr/local
split_debug=0
build=1

while [ $# -gt 0 ]; do
    case $1 in
    --prefix) [ $# -ge 2 ] || { echo "install: --prefix needs a directory" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --split-debug) split_debug=1; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $prefix in
/*) ;;
*) echo "install: --prefix must be an absolute path, not '$prefix'" >&2; exit 2 ;;
esac
prefix=${prefix%/}
destdir=${DESTDIR:-}

for tool in cargo install strip objcopy; do
    command -v "$tool" >/dev/null 2>&1 || { echo "install: '$tool' is needed (binutils, coreutils, a Rust toolchain)" >&2; exit 1; }
done

cd "$root"
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
release=$target_dir/release
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
IFS=. read -r major minor patch <<<"$version"
patch=${patch%%[-+]*}
# The ABI policy (README): for 0.x the SONAME carries the minor version, as build.rs sets it.
if [ "$major" = 0 ]; then soversion=0.$minor; else soversion=$major; fi
libfile=libcsmail.so.$major.$minor.$patch
soname=libcsmail.so.$soversion
native_libs_file=$release/csmail.native-static-libs

if [ "$build" = 1 ]; then
    echo "install: cargo build --release (the server, then the library)"
    cargo build --release --locked -p csmail-server --bin csmail-server
    # The library last, with rustc writing the system libraries a static link needs into a
    # file (this rustc argument is part of the build's fingerprint, so a later plain build
    # of the library rebuilds it; building it last keeps these artefacts matching the file).
    cargo rustc --release --locked -p csmail --lib -- --print "native-static-libs=$native_libs_file"
fi
for f in "$release/libcsmail.so" "$release/libcsmail.a" "$release/csmail-server" "$native_libs_file"; do
    [ -f "$f" ] || { echo "install: $f is missing: run without --no-build" >&2; exit 1; }
done
soname_built=$(objdump -p "$release/libcsmail.so" | sed -n 's/^ *SONAME *//p')
if [ "$soname_built" != "$soname" ]; then
    echo "install: $release/libcsmail.so has the SONAME '$soname_built', expected '$soname'" >&2
    exit 1
fi
# rustc writes e.g. "-lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" (one line).
native_libs=$(tr -s ' \n' '  ' <"$native_libs_file" | sed 's/^ *//; s/ *$//')
case $native_libs in
-l*) ;;
*) echo "install: unexpected native-static-libs in $native_libs_file: '$native_libs'" >&2; exit 1 ;;
esac

dest=$destdir$prefix
libdir=$dest/lib
echo "install: installing csmail $version into ${destdir:+$destdir + }$prefix"
install -d "$libdir" "$libdir/pkgconfig" "$libdir/cmake/csmail" "$dest/include" "$dest/bin" \
    "$dest/share/doc/csmail"

# Copies FILE to DEST without its debug information; with --split-debug that goes into
# .debug/NAME.debug beside DEST, where gdb looks for a .gnu_debuglink.
install_stripped() {
    local file=$1 dest=$2 mode=$3 name dir
    name=$(basename "$dest")
    dir=$(dirname "$dest")
    install -m "$mode" "$file" "$dest"
    if [ "$split_debug" = 1 ] && [[ $name != *.a ]]; then
        install -d "$dir/.debug"
        objcopy --only-keep-debug "$dest" "$dir/.debug/$name.debug"
        chmod 644 "$dir/.debug/$name.debug"
        strip --strip-debug "$dest"
        (cd "$dir/.debug" && objcopy --add-gnu-debuglink="$name.debug" "$dest")
    else
        strip --strip-debug "$dest"
    fi
}

install_stripped "$release/libcsmail.so" "$libdir/$libfile" 755
ln -sfn "$libfile" "$libdir/$soname"
ln -sfn "$soname" "$libdir/libcsmail.so"
install_stripped "$release/libcsmail.a" "$libdir/libcsmail.a" 644
install_stripped "$release/csmail-server" "$dest/bin/csmail-server" 755
install -m 644 include/csmail.h "$dest/include/csmail.h"
install -m 644 LICENSE-MIT LICENSE-APACHE CHANGELOG.md README.md "$dest/share/doc/csmail/"

cat >"$libdir/pkgconfig/csmail.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: csmail
Description: The CSMail mail client object model (SMTP, POP3, SSLInfo) as a C library on rustls
Version: $version
Libs: -L\${libdir} -lcsmail
Libs.private: $native_libs
Cflags: -I\${includedir}
EOF

# CMake: the names of the system libraries without "-l", as CMake wants them.
cmake_libs=$(printf '%s\n' $native_libs | sed -n 's/^-l//p' | tr '\n' ';' | sed 's/;$//')
cat >"$libdir/cmake/csmail/csmailConfig.cmake" <<EOF
# The CMake package of csmail $version, written by scripts/install.sh.
#
#   find_package(csmail $major.$minor REQUIRED)
#   target_link_libraries(app PRIVATE csmail::csmail)          # the shared library
#   target_link_libraries(app PRIVATE csmail::csmail_static)   # the static library
#
# Relocatable: every path is relative to this file (PREFIX/lib/cmake/csmail).
get_filename_component(_csmail_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT TARGET csmail::csmail)
  add_library(csmail::csmail SHARED IMPORTED)
  set_target_properties(csmail::csmail PROPERTIES
    IMPORTED_LOCATION "\${_csmail_prefix}/lib/$libfile"
    IMPORTED_SONAME "$soname"
    INTERFACE_INCLUDE_DIRECTORIES "\${_csmail_prefix}/include")
endif()

if(NOT TARGET csmail::csmail_static)
  add_library(csmail::csmail_static STATIC IMPORTED)
  set_target_properties(csmail::csmail_static PROPERTIES
    IMPORTED_LOCATION "\${_csmail_prefix}/lib/libcsmail.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_csmail_prefix}/include"
    # What rustc reported for a static link (--print native-static-libs).
    INTERFACE_LINK_LIBRARIES "$cmake_libs")
endif()

set(csmail_INCLUDE_DIRS "\${_csmail_prefix}/include")
set(csmail_LIBRARIES csmail::csmail)
unset(_csmail_prefix)
EOF

pointer_size=$(($(getconf LONG_BIT) / 8))
# The version file: for 0.x a release is compatible only within its minor version (the ABI
# policy); from 1.0 within its major version.
cat >"$libdir/cmake/csmail/csmailConfigVersion.cmake" <<EOF
# The version of the csmail CMake package, written by scripts/install.sh.
set(PACKAGE_VERSION "$version")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(NOT PACKAGE_FIND_VERSION OR PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
elseif(PACKAGE_FIND_VERSION VERSION_LESS PACKAGE_VERSION)
  if("$major" STREQUAL "0")
    if(PACKAGE_FIND_VERSION_MAJOR EQUAL 0 AND PACKAGE_FIND_VERSION_MINOR EQUAL $minor)
      set(PACKAGE_VERSION_COMPATIBLE TRUE)
    endif()
  elseif(PACKAGE_FIND_VERSION_MAJOR EQUAL $major)
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  endif()
endif()
# A 32-bit program cannot use a 64-bit library and the other way round.
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "$pointer_size")
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} ($((pointer_size * 8))-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
EOF
chmod 644 "$libdir/pkgconfig/csmail.pc" "$libdir/cmake/csmail/"*.cmake

# The dynamic loader's cache, when installing for real into a directory it searches.
if [ -z "$destdir" ] && [ "$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then
    case $prefix in
    /usr | /usr/local) ldconfig ;;
    esac
fi

echo "install: done. Installed files:"
cd "$dest"
listed=(bin/csmail-server include/csmail.h lib/libcsmail* lib/pkgconfig/csmail.pc lib/cmake/csmail share/doc/csmail)
[ "$split_debug" = 0 ] || listed+=(lib/.debug bin/.debug)
find "${listed[@]}" \( -type f -o -type l \) | sort | sed "s|^|  $prefix/|"
