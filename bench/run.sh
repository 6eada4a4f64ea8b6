#!/usr/bin/env bash
# csmail's benchmark beside curl and Python (see bench/bench.py for the method):
#   bash bench/run.sh            full run: release build, 3 repetitions (about 10 minutes)
#   bash bench/run.sh --quick    CI: debug build, a few messages, one repetition (proves it works)
# Other options (--reps N, --only P3, --out DIR, --no-real) go to bench.py.
# Needs: a C compiler, libcurl's headers (libcurl4-openssl-dev), curl, python3, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -e /usr/include/curl/curl.h ] && [ ! -e /usr/include/x86_64-linux-gnu/curl/curl.h ] &&
  ! pkg-config --exists libcurl 2>/dev/null; then
  echo "bench: installing libcurl4-openssl-dev (libcurl's headers, for the libcurl client)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends libcurl4-openssl-dev >/dev/null
fi
profile=release
for a in "$@"; do [ "$a" = --quick ] && profile=debug; done
if [ "$profile" = release ]; then
  cargo build --release --quiet -p csmail -p csmail-server
else
  cargo build --quiet -p csmail -p csmail-server
fi
exec python3 bench/bench.py "$@"
