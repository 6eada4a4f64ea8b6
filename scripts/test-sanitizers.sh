#!/usr/bin/env bash
# The C examples under the sanitizers, failing on any error or definite/indirect leak:
#
#   1. AddressSanitizer + UndefinedBehaviorSanitizer: the C programs are compiled with
#      -fsanitize=address,undefined (in build/examples-c-asan) and linked with the normal
#      library. ASan replaces malloc/free for the whole process, so it sees every buffer the
#      library fills for C (caller buffers, callbacks' data, handles) and every leak, and UBSan
#      checks the C side; an ASan-instrumented Rust build (nightly -Zsanitizer) would add checks
#      only inside safe Rust, for a much longer build.
#   2. valgrind memcheck: the same programs, built normally, each run under valgrind through
#      run-example.sh's CSMAIL_EXAMPLE_WRAPPER; scripts/valgrind-ring.supp documents the one
#      suppression (ring's assembly, which memcheck misreads).
#
#   cargo build --workspace        # first: target/debug/libcsmail.so and csmail-server
#   bash scripts/test-sanitizers.sh
#
# The certificate matrix (cert_matrix, 432 TLS handshakes) runs whole in the ASan pass; under
# valgrind it runs its `callback` slice: every fixture and transport with seed 001's validation
# callback, which hands the certificate's details and DER to C (72 cases, 25 s under valgrind on
# a 2-core machine; the whole matrix takes 69 s there). Installs valgrind with apt-get when
# missing and this runs as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
step() { printf '\n==> %s\n' "$*"; }

if ! command -v valgrind >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-sanitizers: installing valgrind with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
    else
        echo "test-sanitizers: valgrind is needed (apt-get install valgrind)" >&2
        exit 1
    fi
fi

step "C examples under ASan + UBSan"
# halt_on_error: the first report fails the program, so ctest fails; detect_leaks: LeakSanitizer
# reports definite and indirect leaks at exit (reachable memory, such as the library's handle
# table, is not a leak).
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CSMAIL_C_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g" \
    CSMAIL_C_LDFLAGS="-fsanitize=address,undefined" \
    CSMAIL_C_BUILD_DIR="$root/build/examples-c-asan" \
    bash "$root/scripts/test-c.sh"
unset ASAN_OPTIONS UBSAN_OPTIONS

step "C examples under valgrind memcheck"
export CSMAIL_EXAMPLE_WRAPPER="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--suppressions=$root/scripts/valgrind-ring.supp --num-callers=30"
# Under valgrind a TLS session is many times slower: a longer per-test timeout.
CSMAIL_C_BUILD_DIR="$root/build/examples-c-valgrind" CSMAIL_TEST_TIMEOUT=300 \
    bash "$root/scripts/test-c.sh" -E 'cert_'

step "the certificate matrix's callback slice under valgrind memcheck"
# ctest runs cert_matrix without the example wrapper: start its fixture servers here.
fixtures=$(mktemp -d)
trap 'bash "$root/examples-c/cert-fixture.sh" stop "$fixtures" >/dev/null 2>&1 || true; rm -rf "$fixtures"' EXIT
bash "$root/examples-c/cert-fixture.sh" start "$fixtures" >/dev/null
# shellcheck disable=SC2086
$CSMAIL_EXAMPLE_WRAPPER "$root/build/examples-c-valgrind/cert_matrix" "$fixtures" /callback/
