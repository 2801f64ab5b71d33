#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dedupe_fuzz::analyze(data));
