//! Faults on demand, for the browser tests of what the page does when the engine stops
//! (`tests/e2e/faults.test.mjs`). Compiled only with the `fault-injection` feature, which only
//! `make fault-engine` turns on (into `target/fault-engine/engine`, served by those tests alone);
//! `scripts/build-engine.sh` refuses to ship a build that holds these markers.
//!
//! A fed slice holding a line that is exactly one of these markers:
//! - `LRA-TEST-TRAP`: panics, as a parser bug would (the wasm instance then traps);
//! - `LRA-TEST-OOM`: allocates until the wasm memory cannot grow, so that the real allocation
//!   failure path runs (`handle_alloc_error`, abort), not a panic;
//! - `LRA-TEST-SLOW`: busies the engine for [`SLOW_MS`], so that a test can change a file on
//!   disk while it is still being read.

/// How long a slice holding `LRA-TEST-SLOW` keeps the engine busy.
const SLOW_MS: f64 = 800.0;

/// Acts on the markers in `bytes` (see the module's documentation).
pub fn inject(bytes: &[u8]) {
    let has = |marker: &[u8]| bytes.split(|&b| b == b'\n').any(|line| line == marker);
    if has(b"LRA-TEST-TRAP") {
        panic!("LRA-TEST-TRAP: a line of the log asked the engine to stop (fault injection)");
    }
    if has(b"LRA-TEST-OOM") {
        exhaust_memory();
    }
    if has(b"LRA-TEST-SLOW") {
        let until = js_sys::Date::now() + SLOW_MS;
        while js_sys::Date::now() < until {}
    }
}

/// Allocates 64 MiB blocks and keeps them until one cannot be had: the allocator then fails as
/// it would on a real log too large for the memory, and the instance aborts.
fn exhaust_memory() -> ! {
    let mut held: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut block = Vec::<u8>::with_capacity(64 << 20);
        // Written to, and looked at, so that the allocation is not optimised away.
        block.push(1);
        held.push(std::hint::black_box(block));
    }
}
