#!/usr/bin/env bash
# Times `lra summarize` of a compressed log against decompressing it with the system's tool into
# `lra summarize -`, in one run, and prints the ratios, at one thread and at all:
#   lra summarize FILE.gz           vs  zcat FILE.gz | lra summarize -
#   lra summarize FILE.zst          vs  zstd -dc FILE.zst | lra summarize -
# plus the decompressor alone, and the peak RSS of `lra summarize FILE.gz`.
#
#   benches/compressed.sh          # a 300 MB log
#   SIZE=1G benches/compressed.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-300M}
ROUNDS=${ROUNDS:-3}
DIR=target/bench
LRA=target/release/lra
mkdir -p "$DIR"
cargo build --release --quiet -p lra-cli

LOG=$DIR/compressed-$SIZE.log
[[ -s $LOG ]] || "$LRA" generate --tests 200 --flaky 10 --fail-rate 0.1 --size "$SIZE" > "$LOG"
[[ -s $LOG.gz ]] || gzip -k -6 "$LOG"
[[ -s $LOG.zst ]] || zstd -q -k -3 "$LOG"

source benches/timing.sh
BYTES=$(stat -c %s "$LOG")
rate() { awk -v b="$BYTES" -v t="$1" 'BEGIN { printf "%6.0f MB/s", b / t / 1e6 }'; }

echo "log: $LOG ($BYTES bytes; .gz $(stat -c %s "$LOG.gz"), .zst $(stat -c %s "$LOG.zst")), best of $ROUNDS"
echo "MB/s are of the decompressed bytes; ratio = lra's time over the pipe's"
for threads in 1 "$(nproc)"; do
    for kind in gz zst; do
        tool=$([[ $kind == gz ]] && echo "zcat" || echo "zstd -dc")
        t_tool=$(best "$tool $LOG.$kind")
        t_pipe=$(best "$tool $LOG.$kind | $LRA summarize --threads $threads -")
        t_lra=$(best "$LRA summarize --threads $threads $LOG.$kind")
        echo "threads $threads, .$kind: $tool alone $(rate "$t_tool") ${t_tool} s;" \
            "pipe $(rate "$t_pipe") ${t_pipe} s; lra $(rate "$t_lra") ${t_lra} s; ratio $(ratio "$t_lra" "$t_pipe")"
    done
done
rss=$(/usr/bin/time -f %M "$LRA" summarize "$LOG.gz" 2>&1 >/dev/null | tail -1)
echo "peak RSS of lra summarize on the .gz: $rss KB"
