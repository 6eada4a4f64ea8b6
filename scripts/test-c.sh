#!/usr/bin/env bash
# Builds the C examples (examples-c/) with CMake in build/examples-c and runs them with ctest
# against the bundled csmail-server. Used by CI.
#
#   cargo build --workspace        # first: target/debug/libcsmail.so and csmail-server
#   bash scripts/test-c.sh [CTEST-ARGS...]
#
# Environment: CSMAIL_LIB_DIR, CSMAIL_SERVER override the CMake cache variables of the same
# name; CSMAIL_C_BUILD_DIR the build directory. Installs cmake with apt-get when it is missing
# and this runs as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMAIL_C_BUILD_DIR:-$root/build/examples-c}

if ! command -v cmake >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-c: installing cmake with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null
    else
        echo "test-c: cmake (>= 3.13) is needed; install it (e.g. apt-get install cmake)" >&2
        exit 1
    fi
fi

lib_dir=${CSMAIL_LIB_DIR:-$root/target/debug}
server=${CSMAIL_SERVER:-$root/target/debug/csmail-server}
if [ ! -f "$lib_dir/libcsmail.so" ] && [ ! -f "$lib_dir/libcsmail.dylib" ]; then
    echo "test-c: no csmail library in $lib_dir: run 'cargo build --workspace' first" >&2
    exit 1
fi
if [ ! -x "$server" ]; then
    echo "test-c: no csmail-server at $server: run 'cargo build --workspace' first" >&2
    exit 1
fi

cmake -S "$root/examples-c" -B "$build" -DCSMAIL_LIB_DIR="$lib_dir" -DCSMAIL_SERVER="$server"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
cd "$build"
ctest --output-on-failure "$@"
