//! Fuzzes the zip reader: see `lra_fuzz::check_archive`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lra_fuzz::check_archive(data, lra_fuzz::ZIP));
