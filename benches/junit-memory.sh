#!/usr/bin/env bash
# Peak RSS and time of `lra summarize` on a JUnit XML file whose one test case holds 500 MB of
# captured output in CDATA and 100 MB of failure text, followed by the pytest fixture's tests:
# JUnit is read as a stream of tags, so the output is passed over, not held.
#
#   benches/junit-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=target/bench
LRA=target/release/lra
mkdir -p "$DIR"
cargo build --release --quiet -p lra-cli
XML=$DIR/chatty-junit.xml
if [[ ! -s $XML ]]; then
    python3 - "$XML" <<'PY'
import sys
one = open("tests/fixtures/runners/pytest-junit.xml").read()
start = one.index("<testsuite ")
with open(sys.argv[1], "w") as f:
    f.write(one[:start])
    f.write('<testsuite name="big"><testcase classname="c" name="chatty"><system-out><![CDATA[')
    chunk = ("x" * 99 + "\n") * 10000
    for _ in range(500):
        f.write(chunk)
    f.write(']]></system-out><failure message="boom">' + "y" * (100 << 20) + "</failure></testcase></testsuite>")
    f.write(one[start:])
PY
fi
echo "file: $XML ($(stat -c %s "$XML") bytes)"
/usr/bin/time -f "peak RSS %M KB, %e s" "$LRA" summarize --threads 2 "$XML" 2>&1 >/dev/null | tail -1
