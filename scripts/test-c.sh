#!/usr/bin/env bash
# Builds the C examples (examples-c/) with CMake in build/examples-c and runs them with ctest
# against the bundled csmail-server. Used by CI.
#
#   cargo build --workspace        # first: target/debug/libcsmail.so and csmail-server
#   bash scripts/test-c.sh [CTEST-ARGS...]           # every test but those labelled `real`
#   bash scripts/test-c.sh --build-only              # configure and build, run nothing
#   bash scripts/test-c.sh --real [CTEST-ARGS...]    # only the `real` tests, with CSMAIL_REAL=1
#
# The tests labelled `real` (interop_mail, interop_proxy) need real daemons; a plain run leaves
# them out (`ctest -LE real`). scripts/test-real-servers.sh and scripts/test-real-proxies.sh
# start the daemons and run them with `--real -R interop_mail` / `--real -R interop_proxy`.
#
# Environment: CSMAIL_LIB_DIR, CSMAIL_SERVER override the CMake cache variables of the same
# name; CSMAIL_C_BUILD_DIR the build directory; CSMAIL_C_FLAGS and CSMAIL_C_LDFLAGS the C
# programs' compile and link flags (the sanitizer builds of scripts/test-sanitizers.sh; not
# CFLAGS, which would also reach the C code cargo builds for the fixtures);
# CSMAIL_TEST_TIMEOUT the per-test timeout in seconds (default 30). Installs cmake with apt-get when it is missing
# and this runs as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMAIL_C_BUILD_DIR:-$root/build/examples-c}

mode=test
case ${1:-} in
--build-only) mode=build; shift ;;
--real) mode=real; shift ;;
esac

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

extra=()
[ -z "${CSMAIL_C_FLAGS:-}" ] || extra+=("-DCMAKE_C_FLAGS=$CSMAIL_C_FLAGS")
[ -z "${CSMAIL_C_LDFLAGS:-}" ] || extra+=("-DCMAKE_EXE_LINKER_FLAGS=$CSMAIL_C_LDFLAGS")
[ -z "${CSMAIL_TEST_TIMEOUT:-}" ] || extra+=("-DCSMAIL_TEST_TIMEOUT=$CSMAIL_TEST_TIMEOUT")
cmake -S "$root/examples-c" -B "$build" -DCSMAIL_LIB_DIR="$lib_dir" -DCSMAIL_SERVER="$server" ${extra[@]+"${extra[@]}"}
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
cd "$build"
case $mode in
build) echo "test-c: built the C examples in $build" ;;
real) CSMAIL_REAL=1 ctest --output-on-failure -L real "$@" ;;
*) ctest --output-on-failure -LE real "$@" ;;
esac
