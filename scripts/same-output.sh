#!/usr/bin/env bash
# The CLI's output, byte for byte, against another revision's: for a restructuring that must not
# change behaviour. Both revisions are built (release) and run over every fixture (each file on
# its own, each fixture folder whole), over logs generated big enough to be cut into parts, and
# over the archives, at --threads 1, 2 and the default, as JSON and CSV; stdout, stderr and the
# exit status must be the same.
#
# Usage: scripts/same-output.sh BASE_REV   (from the repository; the work tree is the other side)
# The base is built in target/same-output/ (a detached worktree and its own target dir).
set -euo pipefail

base_rev=${1:?usage: scripts/same-output.sh BASE_REV}
root=$(git rev-parse --show-toplevel)
out=$root/target/same-output
mkdir -p "$out"

base_src=$out/src
if [ ! -d "$base_src" ]; then git -C "$root" worktree add -q --detach "$base_src" "$base_rev"; fi
git -C "$base_src" checkout -q --detach "$base_rev"
(cd "$base_src" && cargo build --release --locked -q -p lra-cli --target-dir "$out/target")
(cd "$root" && cargo build --release --locked -q -p lra-cli)
base=$out/target/release/lra
head=$root/target/release/lra

logs=$out/logs
mkdir -p "$logs"
# Several parts per thread: 2 threads cut these into many parts, 1 thread into one or a few.
"$head" generate --size 24M --seed 7 > "$logs/verbose.log"
"$head" generate --size 16M --seed 8 --style seed --flaky 5 --tests 40 > "$logs/seed.log"
"$head" generate --size 8M --seed 9 --style flat --tests 20000 --iterations 2 > "$logs/flat.log"
gzip -kf "$logs/seed.log"

inputs=()
while IFS= read -r -d '' f; do inputs+=("$f"); done < <(
    find "$root/tests/fixtures" -path "$root/tests/fixtures/fuzz-regressions" -prune -o -type f \
        ! -name '*.sh' ! -name '*.go' ! -name '*.py' ! -name '*.rs' ! -name '*.cc' -print0 | sort -z)
inputs+=("$root/tests/fixtures/archives" "$root/tests/fixtures/runners" "$logs")
inputs+=("$logs/verbose.log" "$logs/seed.log" "$logs/flat.log" "$logs/seed.log.gz")

differ=0 runs=0
for input in "${inputs[@]}"; do
    for threads in 1 2 default; do
        for format in json csv; do
            args=(summarize --format "$format")
            [ "$threads" = default ] || args+=(--threads "$threads")
            runs=$((runs + 1))
            a_status=0 b_status=0
            "$base" "${args[@]}" "$input" > "$out/a.out" 2> "$out/a.err" || a_status=$?
            "$head" "${args[@]}" "$input" > "$out/b.out" 2> "$out/b.err" || b_status=$?
            if [ "$a_status" != "$b_status" ] || ! cmp -s "$out/a.out" "$out/b.out" \
                || ! cmp -s "$out/a.err" "$out/b.err"; then
                differ=$((differ + 1))
                echo "DIFFERS: lra ${args[*]} ${input#"$root"/} (status $a_status vs $b_status)"
                diff <(head -c 2000 "$out/a.out"; head -c 1000 "$out/a.err") \
                     <(head -c 2000 "$out/b.out"; head -c 1000 "$out/b.err") | head -20 || true
            fi
        done
    done
done
echo "$runs runs, $differ differ (base $(git -C "$base_src" rev-parse --short HEAD), head: the work tree)"
[ "$differ" = 0 ]
