#!/usr/bin/env bash
# Times `lra summarize` (one thread, or THREADS) at this checkout against the same at another
# revision, on the same generated logs (the seed's style, our generator's verbose one, and the seed's with a
# timestamp on every line), in one run, rounds alternating, and prints the ratio: what a change
# to the core costs in parse throughput.
#
#   benches/against.sh 30e4a74          # before the offsets and kept runs
#   SIZE=1G ROUNDS=7 benches/against.sh main~3
#   THREADS=default benches/against.sh main~3   # every core, as `lra` runs by default
#
# The other revision is built in a worktree under target/bench (its own target directory, kept
# for the next run). A ratio above 1 means this checkout is faster.
set -euo pipefail
cd "$(dirname "$0")/.."

REV=${1:?usage: benches/against.sh REVISION}
SIZE=${SIZE:-300M}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-1}
threads=(--threads "$THREADS")
[[ $THREADS == default ]] && threads=()
DIR=target/bench
NOW=target/release/lra
SHA=$(git rev-parse --short "$REV")
TREE=$DIR/against-$SHA
mkdir -p "$DIR"
cargo build --release --quiet --locked -p lra-cli
if [[ ! -d $TREE ]]; then
    git worktree add --detach --force "$TREE" "$SHA" > /dev/null
fi
(cd "$TREE" && cargo build --release --quiet --locked -p lra-cli)
THEN=$TREE/target/release/lra

for style in seed verbose stamped; do
    LOG=$DIR/compare-$style-$SIZE.log
    # `stamped`: the seed's lines with a time of day before each, 7 ms apart, so that every run
    # has a duration from its lines' stamps (what durations cost where logs have them).
    [[ -s $LOG ]] || "$NOW" generate --style "$style" --tests 200 --flaky 10 --fail-rate 0.1 --size "$SIZE" > "$LOG"
    best_now="" best_then=""
    "$NOW" summarize "${threads[@]}" "$LOG" > /dev/null # warm-up: the file in the page cache
    for _ in $(seq "$ROUNDS"); do
        for side in now then; do
            bin=$NOW
            [[ $side == then ]] && bin=$THEN
            t0=$(date +%s%N)
            "$bin" summarize "${threads[@]}" "$LOG" > /dev/null
            t=$(( $(date +%s%N) - t0 ))
            if [[ $side == now ]]; then
                [[ -z $best_now || $t -lt $best_now ]] && best_now=$t
            else
                [[ -z $best_then || $t -lt $best_then ]] && best_then=$t
            fi
        done
    done
    awk -v s="$style" -v n="$THREADS" -v a="$best_now" -v b="$best_then" -v r="$SHA" 'BEGIN {
        printf "%s style, threads %s: now %.3f s, %s %.3f s, best of each; now/then throughput %.2f\n", s, n, a / 1e9, r, b / 1e9, b / a
    }'
done
