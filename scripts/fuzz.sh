#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ with libFuzzer's instrumentation (nightly Rust) and runs each
# for a bounded time, starting from the corpus kept in the repository (fuzz/corpus/<target>).
# New inputs go to a scratch directory, never into the repository; a crash fails the run and
# leaves its input in fuzz/artifacts/<target>/.
#
#   bash scripts/fuzz.sh                      # every target, CSMAIL_FUZZ_SECONDS (20) each
#   bash scripts/fuzz.sh -t 600 stuff         # one target for 10 minutes
#   bash scripts/fuzz.sh --minimize           # merge what the last long runs found into the
#                                             # committed corpus, minimized
#
# This is what `cargo +nightly fuzz run <target>` does (cargo-fuzz's flags), without needing
# cargo-fuzz installed: CI builds the targets directly. Long runs on a shared machine:
# CSMAIL_FUZZ_NICE=19 (the default) keeps them at the lowest priority.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${CSMAIL_FUZZ_SECONDS:-20}
minimize=0
while [ $# -gt 0 ]; do
    case $1 in
    -t) seconds=$2; shift 2 ;;
    --minimize) minimize=1; shift ;;
    *) break ;;
    esac
done
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(smtp_reply pop3_response imap_response stuff unstuff setters mime_parse)
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: installing the nightly toolchain (libFuzzer's instrumentation needs it)"
    rustup toolchain install nightly --profile minimal >/dev/null
fi

host=$(rustc -vV | sed -n 's/^host: //p')
# cargo-fuzz's instrumentation: coverage counters and comparison tracing for libFuzzer.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cd "$root/fuzz"
# --target keeps the flags off build scripts and proc-macros, as cargo-fuzz does.
nice -n "${CSMAIL_FUZZ_NICE:-19}" cargo +nightly build --release --target "$host" --bins --quiet
bin=$root/fuzz/target/$host/release

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for t in "${targets[@]}"; do
    corpus=$root/fuzz/corpus/$t
    mkdir -p "$corpus" "$root/fuzz/artifacts/$t" "$scratch/$t"
    if [ $minimize = 1 ]; then
        # Keep only inputs that add coverage: the committed corpus stays small.
        mkdir -p "$scratch/$t.min"
        "$bin/$t" -merge=1 "$scratch/$t.min" "$corpus" "${CSMAIL_FUZZ_FOUND:-/nonexistent}/$t" 2>/dev/null || true
        rm -rf "$corpus" && mv "$scratch/$t.min" "$corpus"
        echo "fuzz: $t corpus: $(ls "$corpus" | wc -l) inputs, $(du -sk "$corpus" | cut -f1) KiB"
        continue
    fi
    log=$scratch/$t.log
    # mime_parse also starts from the MIME samples and the Message regressions in fuzz/regressions.
    seeds=()
    if [ "$t" = mime_parse ]; then
        for d in "$root/tests/mime-samples" "$root/fuzz/regressions"; do
            [ -d "$d" ] && seeds+=("$d")
        done
    fi
    # mime_parse's work per input grows linearly with its size (two parses, a compose, every
    # section decoded), and a long run's corpus drifts towards the largest length allowed:
    # multipart inputs of 4, 16 and 64 KiB ran at about 2970, 710 and 180 executions/s here
    # (2 cores, shared). 16 KiB still leaves room to pass every limit the target checks (1000
    # parts take about 5 KiB, 1000 header fields 3 KiB, a depth of 32 under 2 KiB).
    max_len=65536
    [ "$t" = mime_parse ] && max_len=16384
    if nice -n "${CSMAIL_FUZZ_NICE:-19}" "$bin/$t" "$scratch/$t" "$corpus" ${seeds[@]+"${seeds[@]}"} -max_total_time="$seconds" \
        -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$t/" -max_len="$max_len" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        echo "fuzz: $t: $runs executions in ${seconds}s ($rate/s), no failure"
    else
        echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/" >&2
        grep -E -A12 "panicked|ERROR|SUMMARY" "$log" | head -40 >&2
        status=1
    fi
done
exit $status
