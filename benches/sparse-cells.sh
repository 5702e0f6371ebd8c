#!/usr/bin/env bash
# Peak memory and summary size for the per-iteration cells behind the heatmap: 10,000 tests ×
# 1,000 iterations (500 flaky, 5% always failing) against the same tests × 10 iterations. A dense
# tests × iterations matrix of (passed, failed) counts would take 10,000 × 1,000 × 16 bytes =
# 160 MB; the run-length-encoded cells grow with the flaky tests' changes only.
#
#   benches/sparse-cells.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=target/bench
LRA=target/release/lra
mkdir -p "$DIR"
cargo build --release --quiet -p lra-cli

run() { # run ITERATIONS
    local log=$DIR/sparse-$1.log
    [[ -s $log ]] || "$LRA" generate --tests 10000 --iterations "$1" --flaky 500 --fail-rate 0.05 > "$log"
    local rss
    rss=$( { /usr/bin/time -f "%M" "$LRA" summarize --format json "$log" > "$DIR/sparse-$1.json"; } 2>&1 | tail -1)
    local spans
    spans=$(node -e '
        const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        let n = 0; for (const t of s.tests) n += t.by_iteration.length;
        console.log(n);' "$DIR/sparse-$1.json")
    printf "10000 tests x %4d iterations: log %5d MB, peak RSS %6.1f MB, %7d spans, summary JSON %5.1f MB\n" \
        "$1" $(( $(stat -c %s "$log") / 1000000 )) "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$spans" \
        "$(awk -v b="$(stat -c %s "$DIR/sparse-$1.json")" 'BEGIN { print b / 1e6 }')"
}
run 10
run 1000
