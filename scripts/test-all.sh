#!/usr/bin/env bash
# Every test of csmail: formatting, clippy, the Rust tests (unit, integration, misbehaving
# server, header and exported-symbol checks), the C examples under ctest, and the tests against
# real proxies and real mail servers (Postfix + Dovecot, aiosmtpd + GNU pop3d). Exim has its own
# script (scripts/test-exim.sh): installing it removes Postfix.
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

step "real proxies: dante, microsocks, tinyproxy (installs them when missing)"
bash scripts/test-real-proxies.sh

step "real servers: Postfix and Dovecot (installs them when missing)"
bash scripts/test-real-servers.sh

step "real servers: aiosmtpd and GNU Mailutils pop3d (installs them when missing)"
bash scripts/test-aiosmtpd-pop3d.sh
