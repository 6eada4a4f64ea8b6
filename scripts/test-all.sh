#!/usr/bin/env bash
# Every test of csmail: formatting, clippy, the Rust tests (unit, integration, misbehaving
# server, header and exported-symbol checks, the random hostile server, the FFI misuse test),
# the C examples under ctest, then under ASan + UBSan and valgrind, the fuzz targets, the
# benchmark's quick mode, the Python package's pytest suite, the install test, the Windows DLLs
# under wine (the C examples, the VB binding's ABI harness, and the COM server with VBScript and JScript), and the real servers and proxies
# (Postfix + Dovecot, aiosmtpd + GNU pop3d). Exim and OpenSMTPD have their own scripts
# (scripts/test-exim.sh, scripts/test-opensmtpd.sh), run by hand: installing either removes
# Postfix.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "rust-version is the locked dependencies' highest"
python3 scripts/check-rust-version.py

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

step "benchmark, quick mode (proves that every client and the bundled server work; no figures)"
bash bench/run.sh --quick --no-real

step "Python package: pip install ./bindings/python, pytest against the bundled server"
bash scripts/test-python.sh

step "install into a temporary prefix; pkg-config (shared, static) and CMake programs"
bash scripts/test-install.sh

step "Windows: csmail.dll for x86_64 and i686 (mingw-w64), the C examples under wine"
bash scripts/test-windows.sh

step "VB binding: csmail.dll (x86_64, i686) called as the Declares do, under wine"
bash scripts/test-vb-wine.sh

step "COM server: csmail_com.dll (x86_64, i686) registered with regsvr32, VBScript and JScript under wine's cscript"
bash scripts/test-com-wine.sh

step "real proxies: dante, microsocks, tinyproxy (installs them when missing)"
bash scripts/test-real-proxies.sh

step "real servers: Postfix and Dovecot (installs them when missing)"
bash scripts/test-real-servers.sh

step "real servers: aiosmtpd and GNU Mailutils pop3d (installs them when missing)"
bash scripts/test-aiosmtpd-pop3d.sh
