#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| upgate_fuzz::nuget_version::run(data));
