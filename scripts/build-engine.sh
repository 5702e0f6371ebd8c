#!/usr/bin/env bash
# Builds both engine builds and the worker bootstrap into OUT (default: $TRUNK_STAGING_DIR/engine,
# so that Trunk's post_build hook puts them into dist/engine):
#   OUT/st/  single-threaded, for pages that are not cross-origin isolated
#   OUT/mt/  threaded: atomics + shared memory + wasm-bindgen-rayon
#   OUT/worker.js  the module Web Worker that picks one with self.crossOriginIsolated, with
#                  parser.js (its pool's workers), reader.js (a reader beside a worker that
#                  parses) and slices.js
# PROFILE is Trunk's TRUNK_PROFILE (debug|release); wasm-opt runs on release builds.
# FAULTS=1 builds instead the test-only engine of tests/e2e/faults.test.mjs: st/ alone, with the
# `fault-injection` feature (crates/lra-engine/src/fault.rs); `make fault-engine` puts it in
# target/fault-engine/engine, never in dist/. It shares target/engine-st, where only lra-engine
# is built again, so the shipped builds are checked below for its markers.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-${TRUNK_STAGING_DIR:?set TRUNK_STAGING_DIR or pass an output directory}/engine}
PROFILE=${TRUNK_PROFILE:-release}
export PATH="$PWD/node_modules/.bin:$PATH"
# This nightly has no prebuilt wasm32 std: build it (docs/design.md §4).
export CARGO_UNSTABLE_BUILD_STD=panic_abort,std

if [[ $PROFILE == release ]]; then cargo_profile=(--release); dir=release; else cargo_profile=(); dir=debug; fi

build() { # build NAME TARGET_DIR [cargo args...]
    local name=$1 target_dir=$2
    shift 2
    cargo build -p lra-engine --lib --target wasm32-unknown-unknown "${cargo_profile[@]}" \
        --target-dir "$target_dir" "$@"
    local wasm=$target_dir/wasm32-unknown-unknown/$dir/lra_engine.wasm
    rm -rf "${OUT:?}/$name"
    wasm-bindgen --target web --no-typescript --out-dir "$OUT/$name" "$wasm"
    if [[ $PROFILE == release ]]; then
        wasm-opt -O3 --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-simd \
            --enable-nontrapping-float-to-int --enable-sign-ext \
            "$OUT/$name/lra_engine_bg.wasm" -o "$OUT/$name/lra_engine_bg.wasm"
    fi
}

mkdir -p "$OUT"
# SIMD128 lets memchr's substring and byte searches, the parser's hot loop, use 16-byte vectors
# (every current browser has it).
ST_FLAGS="-C target-feature=+simd128"
if [[ ${FAULTS:-} == 1 ]]; then
    RUSTFLAGS=$ST_FLAGS build st target/engine-st --features fault-injection
    cp web/engine/*.js "$OUT/"
    exit 0
fi
RUSTFLAGS=$ST_FLAGS build st target/engine-st
RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128" \
    build mt target/engine-mt --features threads
# wasm-bindgen-rayon 1.3.0 initialises each thread with positional arguments, which this
# wasm-bindgen deprecates with a console warning per thread; pass them as an object instead.
sed -i 's/pkg.default(data.module, data.memory)/pkg.default({ module_or_path: data.module, memory: data.memory })/' \
    "$OUT"/mt/snippets/wasm-bindgen-rayon-*/src/workerHelpers.no-bundler.js
cp web/engine/*.js "$OUT/"
# What ships never holds the fault-injection build, whatever was built last in target/engine-st.
if grep -qa 'LRA-TEST-TRAP' "$OUT"/st/*.wasm "$OUT"/mt/*.wasm; then
    echo "build-engine.sh: the engine holds the test-only fault injection; not shipping it" >&2
    exit 1
fi
