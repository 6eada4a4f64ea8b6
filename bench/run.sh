#!/usr/bin/env bash
# csmail's benchmark beside curl and Python (see bench/bench.py for the method):
#   bash bench/run.sh            full run: release build, 3 repetitions (about 8 minutes)
#   bash bench/run.sh --quick    CI: debug build, a few messages, one repetition (proves it works)
# Other options (--reps N, --only P3, --out DIR, --no-real) go to bench.py.
# Needs: a C compiler, python3, taskset; installs libcurl's headers, curl and GNU time when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# What the clients need beyond the Rust toolchain, installed when missing (Debian, as root).
need=""
pkg-config --exists libcurl 2>/dev/null || need="$need libcurl4-openssl-dev"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v curl >/dev/null 2>&1 || need="$need curl"
[ -x /usr/bin/time ] || need="$need time"
if [ -n "$need" ]; then
  echo "bench: installing$need" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $need >/dev/null
fi
profile=release
for a in "$@"; do [ "$a" = --quick ] && profile=debug; done
if [ "$profile" = release ]; then
  cargo build --release --quiet -p csmail -p csmail-server
else
  cargo build --quiet -p csmail -p csmail-server
fi
exec python3 bench/bench.py "$@"
