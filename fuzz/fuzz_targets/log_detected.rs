//! Fuzzes a log whose format its first bytes tell: see `lra_fuzz::check_log`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lra_fuzz::check_log(data, None));
