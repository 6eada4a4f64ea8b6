#!/usr/bin/env bash
# Every test of csmail: formatting, clippy, the Rust tests (unit, integration, misbehaving
# server, header and exported-symbol checks, the random hostile server, the FFI misuse test),
# the C examples under ctest, then under ASan + UBSan and valgrind, and the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo build --workspace"
cargo build --workspace --quiet

step "cargo test --workspace"
cargo test --workspace

step "C examples (ctest)"
bash scripts/test-c.sh

step "C examples under ASan + UBSan and valgrind memcheck"
bash scripts/test-sanitizers.sh

step "fuzz targets, ${CSMAIL_FUZZ_SECONDS:-20} s each (nightly Rust, libFuzzer)"
bash scripts/fuzz.sh

step "real proxies: dante, microsocks, tinyproxy (installs them when missing)"
bash scripts/test-real-proxies.sh

step "real servers: Postfix and Dovecot (installs them when missing)"
bash scripts/test-real-servers.sh
