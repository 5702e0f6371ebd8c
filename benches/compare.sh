#!/usr/bin/env bash
# Times `lra summarize` against `grep -c -F 'Result: '` on the same generated log, in one run, and
# prints the ratios; then compares peak RSS on a large and a small log with the same tests.
#
#   benches/compare.sh            # 300 MB log
#   SIZE=1G benches/compare.sh
#
# Each command runs ROUNDS times after a warm-up (the file is in the page cache); the best time
# counts. grep writes to a pipe, not /dev/null: GNU grep stops at the first match when its output
# is /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-300M}
ROUNDS=${ROUNDS:-5}
DIR=target/bench
LRA=target/release/lra
mkdir -p "$DIR"
cargo build --release --quiet -p lra-cli

gen() { # gen SIZE FILE
    [[ -s $2 ]] || "$LRA" generate --tests 200 --flaky 10 --fail-rate 0.1 --size "$1" > "$2"
}
BIG=$DIR/compare-$SIZE.log
SMALL=$DIR/compare-25M.log
gen "$SIZE" "$BIG"
gen 25M "$SMALL"

source benches/timing.sh

BYTES=$(stat -c %s "$BIG")
THREADS=$(nproc)
t_grep=$(best "grep -c -F 'Result: ' $BIG")
t_one=$(best "$LRA summarize --threads 1 $BIG")
t_all=$(best "$LRA summarize --threads $THREADS $BIG")

rate() { awk -v b="$BYTES" -v t="$1" 'BEGIN { printf "%8.0f MB/s", b / t / 1e6 }'; }
echo "log: $BIG ($BYTES bytes), best of $ROUNDS"
echo "grep -c -F 'Result: '        $(rate "$t_grep")   ${t_grep} s"
echo "lra --threads 1              $(rate "$t_one")   ${t_one} s   $(ratio "$t_grep" "$t_one")x grep"
echo "lra --threads $THREADS              $(rate "$t_all")   ${t_all} s   $(ratio "$t_grep" "$t_all")x grep, $(ratio "$t_one" "$t_all")x one thread"

rss() { /usr/bin/time -f %M "$LRA" summarize --threads "$THREADS" "$1" 2>&1 >/dev/null | tail -1; }
rss_big=$(rss "$BIG")
rss_small=$(rss "$SMALL")
echo "peak RSS: $rss_big KB on $SIZE, $rss_small KB on 25M"
