# LogResultAccumulator: `make test` runs every test; `make bench` measures throughput.
# Each target installs what it needs first, so both work on a fresh machine.

TOOLCHAIN := nightly-2026-05-19
CARGO := cargo +$(TOOLCHAIN)

.PHONY: setup test lint bench

## Installs the pinned toolchain and its components (a no-op once they are there).
setup:
	@rustup toolchain list | grep -q '^$(TOOLCHAIN)' \
		|| rustup toolchain install $(TOOLCHAIN) --profile minimal --component rust-src,rustfmt,clippy
	@rustup component list --toolchain $(TOOLCHAIN) --installed | grep -q clippy \
		|| rustup component add --toolchain $(TOOLCHAIN) rust-src rustfmt clippy

## Formatting and lints, then every test.
test: setup lint
	$(CARGO) test --workspace --locked

lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

## Throughput benchmarks (see README).
bench: setup
	$(CARGO) bench -p lra-core --locked
	benches/compare.sh
