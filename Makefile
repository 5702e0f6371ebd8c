# LogResultAccumulator. The two commands a newcomer needs:
#   make serve   builds the app and serves it on http://127.0.0.1:8080 with COOP/COEP
#   make test    runs every test: lints, native tests, browser end-to-end tests
# Each installs what it needs first (pinned toolchain, Trunk, wasm-bindgen-cli, npm packages,
# Debian's Chromium), so both work on a fresh machine.

TOOLCHAIN := nightly-2026-05-19
TRUNK_VERSION := 0.22.1
CARGO_FUZZ_VERSION := 0.13.2
WASM_BINDGEN_VERSION := 0.2.130
CARGO := cargo +$(TOOLCHAIN)
# This nightly has no prebuilt wasm32 std: every wasm build builds it (docs/design.md §4).
WASM_ENV := CARGO_UNSTABLE_BUILD_STD=panic_abort,std PATH="$(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$$PATH"

.PHONY: setup tools browser runners venv dist fault-engine serve test test-native test-wasm test-e2e test-integrations \
	lint bench bench-browser bench-scale fuzz fuzz-ci fuzz-tools

## The pinned toolchain and its components (a no-op once they are there).
setup:
	@rustup toolchain list | grep -q '^$(TOOLCHAIN)' \
		|| rustup toolchain install $(TOOLCHAIN) --profile minimal --component rust-src,rustfmt,clippy
	@rustup component list --toolchain $(TOOLCHAIN) --installed | grep -q clippy \
		|| rustup component add --toolchain $(TOOLCHAIN) rust-src rustfmt clippy

## The web build's tools: Trunk, wasm-bindgen-cli (no --locked: its lock file wants a crate the
## registry does not serve), and the pinned npm packages (echarts, coi-serviceworker, binaryen's
## wasm-opt, playwright-core, axe-core).
tools: setup
	@trunk --version 2>/dev/null | grep -q ' $(TRUNK_VERSION)$$' \
		|| $(CARGO) install --locked trunk@$(TRUNK_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -q ' $(WASM_BINDGEN_VERSION)$$' \
		|| $(CARGO) install --force wasm-bindgen-cli@$(WASM_BINDGEN_VERSION)
	@[ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm ci --no-audit --no-fund
	@# Trunk builds offline, and build-std needs the standard library's own dependencies.
	@$(WASM_ENV) $(CARGO) fetch --locked --target wasm32-unknown-unknown > /dev/null

## Debian's Chromium and ChromeDriver, for the browser tests, and nginx, the static host that
## tests/e2e/hosts.test.mjs starts on loopback with a config of its own (the package's service
## stays off: no init system runs here, so invoke-rc.d blocks it). One apt-get update.
browser:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/sbin/nginx ] || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver nginx; }

## What the quarantine test builds the fixture suite with: g++ and Debian's GoogleTest.
runners:
	@command -v g++ >/dev/null && [ -f /usr/include/gtest/gtest.h ] || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ libgtest-dev; }

## The integration tests' Python packages (moto's S3 server, pyspark, xmlschema, scipy), exactly as
## tests/integrations/requirements.txt pins them, in target/venv; reinstalled only when it changes.
VENV := target/venv
venv: $(VENV)/.installed
$(VENV)/.installed: tests/integrations/requirements.txt
	rm -rf $(VENV) && python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r $<
	touch $@

## dist/: the static site (works from any sub-path).
dist: tools
	$(WASM_ENV) trunk build --release

## The test-only engine of tests/e2e/faults.test.mjs, which serves it in place of dist/engine:
## single-threaded, with the `fault-injection` feature (lines that make it trap, exhaust its
## memory or go slowly), in target/fault-engine/engine; never in dist/. Built again only when
## the engine's sources change.
FAULT_ENGINE := target/fault-engine/engine/.built
fault-engine: $(FAULT_ENGINE)
$(FAULT_ENGINE): $(shell find crates/lra-core crates/lra-input crates/lra-protocol crates/lra-session crates/lra-engine \
		web/engine -type f) Cargo.toml Cargo.lock scripts/build-engine.sh | tools
	$(WASM_ENV) FAULTS=1 bash scripts/build-engine.sh target/fault-engine/engine
	touch $@

serve: tools
	$(WASM_ENV) trunk serve --release

## Formatting and lints, native tests, the engine's wasm tests, the browser tests, then the
## integrations (object storage, JUnit schema, Spark).
test: lint test-native fuzz-ci test-wasm test-e2e test-integrations

test-native: setup
	$(CARGO) test --workspace --locked

## cargo-fuzz, pinned; its targets live in fuzz/ (a workspace of their own).
fuzz-tools: setup
	@cargo fuzz --version 2>/dev/null | grep -q ' $(CARGO_FUZZ_VERSION)$$' \
		|| $(CARGO) install --locked cargo-fuzz@$(CARGO_FUZZ_VERSION)

## Every fuzz target for FUZZ_SECONDS each (default 300), two at a time (fuzz/run.sh).
FUZZ_SECONDS ?= 300
fuzz: fuzz-tools
	fuzz/run.sh $(FUZZ_SECONDS)

## The fuzzing make test runs: 15 targets for 40 s each, two at a time (about 5 minutes), with
## libFuzzer's seed fixed, so that a failure can be repeated; `make fuzz` explores anew each run.
fuzz-ci: fuzz-tools
	FUZZ_SEED=1 fuzz/run.sh 40

## Both engine builds under wasm-bindgen-test in headless Chromium; the threaded one runs in a
## dedicated worker.
WASM_TEST_ENV := $(WASM_ENV) CHROMEDRIVER=/usr/bin/chromedriver \
	WASM_BINDGEN_TEST_WEBDRIVER_JSON="$(CURDIR)/tests/webdriver.json" WASM_BINDGEN_TEST_TIMEOUT=300 \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
## The target features are those of scripts/build-engine.sh, so the tests build what ships.
test-wasm: tools browser
	$(WASM_TEST_ENV) RUSTFLAGS="-C target-feature=+simd128" \
		$(CARGO) test --locked -p lra-engine --target wasm32-unknown-unknown --target-dir target/engine-st
	$(WASM_TEST_ENV) RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128" \
		$(CARGO) test --locked -p lra-engine --features threads --target wasm32-unknown-unknown \
		--target-dir target/engine-mt

test-e2e: dist fault-engine browser
	$(CARGO) build --release --locked -p lra-cli
	node --test --test-concurrency=1 tests/e2e/

## fmt and clippy, also over the fuzz targets' own workspace (fuzz/Cargo.toml); and no file of a
## crate names an item of a file that names one of its own, however far round (scripts/file-cycles.py,
## with its own tests, which plant cycles).
lint: setup
	python3 scripts/file-cycles.py crates/*
	python3 -m unittest discover -s scripts -p 'file_cycles_test.py'
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --all-targets --locked --target-dir target/fuzz-clippy -- -D warnings

## The released CLI against real peers: a local S3 server (moto), Jenkins' JUnit schema, SciPy's
## statistics, the test runners its quarantine is for, and a Spark local cluster (pyspark with
## the machine's Java 17).
test-integrations: venv runners
	$(CARGO) build --release --locked -p lra-cli
	cd tests/integrations && LRA=$(CURDIR)/target/release/lra PYTHONDONTWRITEBYTECODE=1 \
		$(CURDIR)/$(VENV)/bin/python -W ignore::ResourceWarning -m unittest -v junit_schema_test object_store_test statistics_test quarantine_test
	cd integrations/spark && LRA=$(CURDIR)/target/release/lra PYTHONDONTWRITEBYTECODE=1 \
		$(CURDIR)/$(VENV)/bin/python -W ignore::ResourceWarning -m unittest -v lra_spark_test

## Object storage and Spark against their baselines, measured in the same run (README, "At
## scale"): lra reading one large object against curl downloading it, and the Spark job on a
## local cluster against lra on one machine.
bench-scale: venv
	$(CARGO) build --release --locked -p lra-cli
	LRA=$(CURDIR)/target/release/lra $(VENV)/bin/python benches/scale.py

## Throughput benchmarks, and the memory of the heatmap's cells (see README).
bench: setup
	$(CARGO) bench -p lra-core --locked
	benches/compare.sh
	benches/sparse-cells.sh
	benches/compressed.sh

## The engine in headless Chromium on a 1 GiB log: read-only, single-threaded, threaded.
bench-browser: dist browser
	$(CARGO) build --release --locked -p lra-cli
	node benches/browser.mjs
	MANY_TESTS=1 ROUNDS=1 node benches/browser.mjs
	node benches/many-tests.mjs
	node benches/browser-gzip.mjs
