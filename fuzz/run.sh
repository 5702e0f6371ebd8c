#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 300), JOBS (default 2) at a time.
# Each starts from its committed seed corpus (fuzz/corpus/TARGET) and a working corpus in
# target/fuzz/corpus/TARGET, where what it finds is kept for the next run on this machine.
# A crash, a timeout, a leak of memory or a disagreement between the ways of reading an input
# fails the run: the failing input is printed (as hex and as text) and kept under
# target/fuzz/artifacts/TARGET/. The executions and seconds of every run are added to
# target/fuzz/totals.tsv.
#   [FUZZ_SEED=N] [JOBS=N] fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-300}
shift || true
TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
JOBS=${JOBS:-2}
OUT=target/fuzz

cargo "+$TOOLCHAIN" fuzz build --fuzz-dir fuzz --target-dir "$OUT" --release --debug-assertions
BIN=$OUT/x86_64-unknown-linux-gnu/release
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cargo "+$TOOLCHAIN" fuzz list --fuzz-dir fuzz)
fi

run() { # run TARGET: fuzz it, then say how it went
    local t=$1 log=$OUT/logs/$1.log
    rm -rf "$OUT/artifacts/$t"
    mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t" "$OUT/logs"
    # A dictionary of the format's words: the target's own, else its family's (log_*).
    local dict=fuzz/dicts/$t.dict
    [[ -f $dict ]] || dict=fuzz/dicts/${t%%_*}.dict
    local args=()
    [[ -f $dict ]] && args+=(-dict="$dict")
    # 1 MiB inputs at most, 20 s per input, 2 GiB of memory; the working corpus first (where
    # new inputs go), then the seeds.
    # FUZZ_SEED fixes libFuzzer's choices (make test's run), so that a run can be repeated.
    [[ -n ${FUZZ_SEED:-} ]] && args+=(-seed="$FUZZ_SEED")
    if "$BIN/$t" "${args[@]}" -max_total_time="$SECONDS_EACH" -max_len=1048576 -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t/" \
        "$OUT/corpus/$t" "fuzz/corpus/$t" > "$log" 2>&1; then
        local runs
        runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1\t\2/p' "$log" | tail -1)
        printf '%s\t%s\n' "$t" "$runs" >> "$OUT/totals.tsv"
        echo "fuzz $t: passed (${runs%%$'\t'*} runs in ${SECONDS_EACH} s)"
        return 0
    fi
    echo "fuzz $t: FAILED"
    grep -E '^(thread|==[0-9]+==|SUMMARY|panicked|assertion)' "$log" | head -20 || true
    tail -40 "$log"
    for a in "$OUT/artifacts/$t"/*; do
        [[ -f $a ]] || continue
        echo "--- input $a ($(wc -c < "$a") bytes), as hex:"
        od -A d -t x1z -v "$a" | head -200
    done
    return 1
}

failed=0
running=0
for t in "${targets[@]}"; do
    if ((running >= JOBS)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
    run "$t" &
    running=$((running + 1))
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done
exit $failed
