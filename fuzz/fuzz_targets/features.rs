//! Arbitrary f32 samples and sample rate → `pipeline::window_features` (`Input::Samples`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: voxscreen_fuzz::init(), |data: &[u8]| {
    voxscreen_fuzz::features(data);
});
