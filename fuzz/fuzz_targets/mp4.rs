//! Bytes with the extension hint fixed to `mp4` → decoding and the streaming pipeline.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: voxscreen_fuzz::init(), |data: &[u8]| {
    voxscreen_fuzz::screen_bytes(data, Some("mp4"), false);
});
