#!/usr/bin/env bash
# Writes fuzz/corpus/TARGET/, the committed seed inputs of each fuzz target, from the test
# fixtures: each log or archive followed by lra_fuzz::CONTROL (8) zero bytes, the bytes that
# steer a check; and, for saved_summary, the summaries `lra` writes of them. Run it again when
# the fixtures change: LRA=target/release/lra fuzz/seed-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LRA=${LRA:-target/release/lra}
F=tests/fixtures
C=fuzz/corpus
rm -rf "$C"

seed() { # seed TARGET FILE...
    local target=$1
    shift
    mkdir -p "$C/$target"
    for f in "$@"; do
        { cat "$f"; head -c 8 /dev/zero; } > "$C/$target/$(basename "$f")"
    done
}

seed log_markers $F/seed-sample.log $F/messy.log
seed log_gtest $F/runners/gtest.log
seed log_pytest $F/runners/pytest.log
seed log_libtest $F/runners/libtest.log
seed log_tap $F/runners/tap.log
seed log_junit $F/runners/gtest-junit.xml $F/runners/pytest-junit.xml
seed log_go $F/runners/go.log $F/runners/go-timeout.log $F/runners/go-1.21-parallel.log
seed log_go_json $F/runners/go-json.log $F/runners/go-json-timeout.log
seed log_nextest $F/runners/nextest.log
seed log_detected $F/seed-sample.log $F/messy.log $F/runners/*.log $F/runners/*.xml
seed archive_gzip $F/archives/*.gz
seed archive_zstd $F/archives/*.zst
seed archive_tar $F/archives/*.tar
seed archive_zip $F/archives/*.zip

# Inputs the fuzzers once failed on (fixed since), named TARGET-WHAT-BROKE: kept as seeds, so
# that every fuzz run tries them first. They already end with their control bytes.
for f in $F/fuzz-regressions/*; do
    t=$(basename "$f")
    mkdir -p "$C/${t%%-*}"
    cp "$f" "$C/${t%%-*}/regression-${t#*-}"
done

mkdir -p $C/saved_summary
"$LRA" summarize --format json $F/seed-sample.log > $C/saved_summary/seed-sample.json
"$LRA" summarize --format json --name first-word $F/seed-sample.log $F/messy.log > $C/saved_summary/two-logs.json
for f in $F/runners/*.log $F/runners/*.xml; do
    # Damaged or odd inputs make lra exit 1 after writing the summary, which is what we want.
    "$LRA" summarize --format json "$f" > "$C/saved_summary/$(basename "$f").json" || true
done
"$LRA" summarize --format json --iteration-per-file $F/runners/*.xml > $C/saved_summary/iteration-per-file.json
ls "$C" | while read -r t; do echo "$t: $(ls "$C/$t" | wc -l) inputs"; done
