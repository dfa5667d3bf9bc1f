#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| upgate_fuzz::waivers::run(data));
