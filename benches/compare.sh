#!/usr/bin/env bash
# Times `lra summarize` against `grep -c -F 'Result: '` and `rg -c -F 'Result: '` on the same
# generated logs, in one run, and prints the ratios, for three log styles (`lra generate
# --style`): the seed's own 5-line blocks (short lines, dense markers), our generator's verbose
# ones, and the seed's with a time of day on every line (every run timed from its stamps). Beside
# each ratio, lra's instructions per byte and branch misses per run on one thread, from
# `perf stat`, where the machine lets perf count them (it says so where it does not). Then the
# peak RSS on a
# large and a small log with the same tests, and the time and peak RSS of one thread on a log of
# 1,000,000 distinct tests (40 MB, 5% failing) with each output format.
#
#   benches/compare.sh            # 300 MB logs
#   SIZE=1G benches/compare.sh
#
# Each command runs ROUNDS times after a warm-up (the file is in the page cache); the best time
# counts. grep writes to a pipe, not /dev/null: GNU grep stops at the first match when its output
# is /dev/null. A ratio above 1 means lra is faster.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-300M}
ROUNDS=${ROUNDS:-5}
DIR=target/bench
LRA=target/release/lra
mkdir -p "$DIR"
cargo build --release --quiet --locked -p lra-cli
command -v rg > /dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep
}

gen() { # gen FILE ARGS...
    local file=$1
    shift
    if [[ ! -s $file ]]; then
        "$LRA" generate "$@" > "$file.part"
        mv "$file.part" "$file"
    fi
}

source benches/timing.sh

THREADS=$(nproc)
rate() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%8.0f MB/s", b / t / 1e6 }'; }

# counters CMD BYTES RUNS: instructions per byte and branch misses per run of CMD, or why not.
counters() {
    local out=$DIR/perf-stat.csv
    if ! command -v perf > /dev/null; then
        echo "perf counters: perf is not installed"
        return
    fi
    perf stat -x, -e instructions,branch-misses -o "$out" -- $1 > /dev/null 2>&1 || true
    awk -F, -v b="$2" -v r="$3" '
        $3 ~ /^instructions/ { i = $1 } $3 ~ /^branch-misses/ { m = $1 }
        END {
            if (i ~ /^[0-9]+$/ && m ~ /^[0-9]+$/) printf "%.2f instructions/byte, %.2f branch misses/run\n", i / b, m / r
            else printf "perf counters: not available on this machine (perf stat: instructions %s)\n", i == "" ? "absent" : i
        }' "$out"
}

for style in seed verbose stamped; do
    BIG=$DIR/compare-$style-$SIZE.log
    gen "$BIG" --style "$style" --tests 200 --flaky 10 --fail-rate 0.1 --size "$SIZE"
    BYTES=$(stat -c %s "$BIG")
    RUNS=$(grep -c -F 'Result: ' "$BIG")
    t_grep=$(best "grep -c -F 'Result: ' $BIG")
    t_rg=$(best "rg -c -F 'Result: ' $BIG")
    t_one=$(best "$LRA summarize --threads 1 $BIG")
    t_all=$(best "$LRA summarize --threads $THREADS $BIG")
    echo "$style style: $BIG ($BYTES bytes), best of $ROUNDS"
    echo "  grep -c -F 'Result: '      $(rate "$BYTES" "$t_grep")   ${t_grep} s"
    echo "  rg -c -F 'Result: '        $(rate "$BYTES" "$t_rg")   ${t_rg} s"
    echo "  lra --threads 1            $(rate "$BYTES" "$t_one")   ${t_one} s   $(ratio "$t_grep" "$t_one")x grep, $(ratio "$t_rg" "$t_one")x rg"
    echo "  lra --threads $THREADS            $(rate "$BYTES" "$t_all")   ${t_all} s   $(ratio "$t_grep" "$t_all")x grep, $(ratio "$t_rg" "$t_all")x rg, $(ratio "$t_one" "$t_all")x one thread"
    echo "  lra --threads 1, $RUNS runs: $(counters "$LRA summarize --threads 1 $BIG" "$BYTES" "$RUNS")"
done

rss() { /usr/bin/time -f %M "$LRA" summarize "$@" 2>&1 >/dev/null | tail -1; }
SMALL=$DIR/compare-verbose-25M.log
gen "$SMALL" --tests 200 --flaky 10 --fail-rate 0.1 --size 25M
echo "peak RSS: $(rss --threads "$THREADS" "$DIR/compare-verbose-$SIZE.log") KB on $SIZE, $(rss --threads "$THREADS" "$SMALL") KB on 25M"

MANY=$DIR/million-tests.log
gen "$MANY" --style flat --tests 1000000 --iterations 1 --fail-rate 0.05 --flaky 0
for format in table csv json; do
    t=$(best "$LRA summarize --threads 1 --format $format $MANY")
    echo "1,000,000 tests ($(stat -c %s "$MANY") bytes), 1 thread, --format $format: ${t} s, peak RSS $(rss --threads 1 --format "$format" "$MANY") KB"
done
