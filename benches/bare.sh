#!/usr/bin/env bash
# What reading timestamps, durations and kept failed runs (the offsets behind the run viewer)
# cost: the core's benchmark (`cargo bench -p lra-core`) as shipped, and built with the
# `bare-runs` feature, which leaves them out, in turns (ROUNDS times each, the best counts). Each
# style's rate on one thread is a ratio to a newline count over the same bytes measured in the
# same run, so the two builds compare on a shared, noisy machine; the cost is how much slower the
# shipped build is.
#
#   benches/bare.sh                 # 256 MB logs
#   LRA_BENCH_MB=128 ROUNDS=3 benches/bare.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-2}
export LRA_BENCH_MB=${LRA_BENCH_MB:-256} LRA_BENCH_RUNNERS=0
OUT=target/bench/bare
mkdir -p "$OUT"

bench() { # bench NAME CARGO-ARGS...
    local name=$1
    shift
    cargo bench --quiet --locked -p lra-core --bench throughput "$@" 2> /dev/null > "$OUT/$name.txt"
    # "seed style: N MB; baseline newline count B MB/s", then "  lra-core  1 thread    line  R MB/s …"
    awk -v build="$name" '
        / style: / { style = $1; baseline = $(NF - 1) }
        /1 thread +line / { print style, build, $5 / baseline }' "$OUT/$name.txt"
}

for round in $(seq "$ROUNDS"); do
    bench shipped
    bench bare --features bare-runs
done | awk '
    { key = $1 " " $2; if (!(key in best) || $3 > best[key]) best[key] = $3; styles[$1] = 1 }
    END {
        for (s in styles) {
            shipped = best[s " shipped"]; bare = best[s " bare"]
            printf "%-8s style, 1 thread: %.4fx the newline count shipped, %.4fx bare: they cost %.1f%%\n",
                s, shipped, bare, (bare / shipped - 1) * 100
        }
    }' | sort
