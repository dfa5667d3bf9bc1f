#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| upgate_fuzz::manifest::run(data));
