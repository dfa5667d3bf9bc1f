#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| upgate_fuzz::earlier_report::run(data));
