#!/usr/bin/env bash
# Counts the instructions `lra summarize --threads 1` runs per byte of log, under valgrind's
# cachegrind: the seed's style (generated, 16 MB) and each test runner's fixture
# (tests/fixtures/runners) repeated to 16 MB, each with its ratio to the seed style. With a
# revision, the same for that revision, built in a worktree under target/bench (as
# benches/against.sh does), and the ratio of the two counts.
#
#   benches/instructions.sh              # this checkout
#   benches/instructions.sh d05e53c      # this checkout against d05e53c
#   LRA_INSTRUCTIONS_MB=1 benches/instructions.sh d05e53c   # logs of 1 MB, not 16
#
# At 1 MB a log is all head: the format's detection, which reads the first MiB of every file,
# is most of the count, as it is for each of a drop of hundreds of small logs.
#
# Instructions are not time: a cache miss or a mispredicted branch costs no instruction. But
# they are counted, not sampled, so they do not move with the load of a shared machine (where
# the same timing can differ by half from one run to the next, and perf has no hardware
# counters): what a change to a reader saves shows here even when timings cannot tell it.
# A count below 1 in the last column means this checkout runs fewer instructions.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=target/bench
NOW=target/release/lra
mkdir -p "$DIR"
command -v valgrind > /dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
}
cargo build --release --quiet --locked -p lra-cli
THEN=""
if [[ $# -gt 0 ]]; then
    SHA=$(git rev-parse --short "$1")
    TREE=$DIR/against-$SHA
    [[ -d $TREE ]] || git worktree add --detach --force "$TREE" "$SHA" > /dev/null
    (cd "$TREE" && cargo build --release --quiet --locked -p lra-cli)
    THEN=$TREE/target/release/lra
fi

MB=${LRA_INSTRUCTIONS_MB:-16}
SIZE=$((MB * 1000000))
# The 16 MB logs keep their first names.
SUFFIX=$([[ $MB == 16 ]] || echo "-${MB}mb")
logs=()
SEED=$DIR/instructions$SUFFIX-seed.log
[[ -s $SEED ]] || "$NOW" generate --style seed --tests 200 --flaky 10 --fail-rate 0.1 --seed 7 --size "${MB}M" > "$SEED"
logs+=("$SEED")
for fixture in gtest.log pytest.log libtest.log tap.log go.log go-json.log nextest.log pytest-junit.xml; do
    out=$DIR/instructions$SUFFIX-$fixture
    if [[ ! -s $out ]]; then
        # Whole copies of the fixture, as many as fill SIZE bytes.
        one=$(stat -c %s "tests/fixtures/runners/$fixture")
        for _ in $(seq $((SIZE / one + 1))); do cat "tests/fixtures/runners/$fixture"; done > "$out"
    fi
    logs+=("$out")
done

# instructions BINARY LOG: the instructions of one run.
instructions() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$1" summarize --threads 1 --format table "$2" 2>&1 > /dev/null |
        awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}

printf '%-30s %14s %8s %11s' log instructions "per byte" "of seed's"
[[ -n $THEN ]] && printf ' %14s %8s %7s' "at $SHA" "per byte" "now/then"
echo
seed_now=""
for log in "${logs[@]}"; do
    bytes=$(stat -c %s "$log")
    now=$(instructions "$NOW" "$log")
    per=$(awk -v i="$now" -v b="$bytes" 'BEGIN { printf "%.2f", i / b }')
    [[ -z $seed_now ]] && seed_now=$per
    # A runner's bytes read per instruction, against the seed style's: above 1, faster per byte.
    printf '%-30s %14s %8s %11s' "$(basename "$log")" "$now" "$per" "$(awk -v s="$seed_now" -v p="$per" 'BEGIN { printf "%.2fx", s / p }')"
    if [[ -n $THEN ]]; then
        then_=$(instructions "$THEN" "$log")
        printf ' %14s %8s %7s' "$then_" "$(awk -v i="$then_" -v b="$bytes" 'BEGIN { printf "%.2f", i / b }')" \
            "$(awk -v n="$now" -v t="$then_" 'BEGIN { printf "%.3f", n / t }')"
    fi
    echo
done
