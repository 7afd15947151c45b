//! Any bytes, no format hint → the streaming pipeline and the LFCC front-end.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: voxscreen_fuzz::init(), |data: &[u8]| {
    voxscreen_fuzz::screen_bytes(data, None, true);
});
