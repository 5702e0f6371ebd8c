//! Fuzzes the reading of saved summaries: see `lra_fuzz::check_saved`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lra_fuzz::check_saved(data));
