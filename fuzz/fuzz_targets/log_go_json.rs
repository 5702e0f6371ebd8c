//! Fuzzes a log read as go-json: see `lra_fuzz::check_log`.
#![no_main]

use lra_core::LogFormat;

libfuzzer_sys::fuzz_target!(|data: &[u8]| lra_fuzz::check_log(data, Some(LogFormat::GoJson)));
