# Sourced by the benchmark scripts: `best CMD` runs the shell command CMD ROUNDS times after a
# warm-up (so that its input is in the page cache) and prints its best wall time in seconds.
# The output goes through a pipe, not to /dev/null: GNU grep stops at the first match when its
# output is /dev/null.
best() {
    local best=""
    bash -c "$1" > /dev/null 2>&1 # warm-up
    for _ in $(seq "$ROUNDS"); do
        local t0 t1
        t0=$(date +%s%N)
        bash -c "$1" | cat > /dev/null
        t1=$(date +%s%N)
        local t=$(( t1 - t0 ))
        if [[ -z $best || $t -lt $best ]]; then best=$t; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.4f", ns / 1e9 }'
}

# The ratio of two times.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
