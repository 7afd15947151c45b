//! Shared harness for the voxscreen fuzz targets.
//!
//! The targets drive the same streaming pipeline as `Screener::screen_bytes` (decode → resample →
//! segment → VAD / condition meters, plus the LFCC front-end for `screen_bytes`), but never run the
//! ONNX model: the model only sees fixed-shape feature tensors, and leaving it out keeps the
//! targets fast and free of ONNX Runtime.

use std::sync::LazyLock;

use voxscreen::features::FeatureExtractor;
use voxscreen::pipeline::{stream_windows, window_features, Input};
use voxscreen::{Limits, Manifest};

/// The manifest of the development model (tests/models/dev.json): 16 kHz, 2 s windows, LFCC.
pub static MANIFEST: LazyLock<Manifest> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../tests/models/dev.json")).expect("dev manifest parses")
});

/// The front-end of the development model.
pub static EXTRACTOR: LazyLock<FeatureExtractor> =
    LazyLock::new(|| FeatureExtractor::new(&MANIFEST.features).expect("dev front-end builds"));

/// Tighter limits than the defaults, so that one input cannot take longer than libFuzzer's
/// `-timeout` or more memory than its `-rss_limit_mb` while still exercising every limit check.
pub fn limits() -> Limits {
    Limits {
        max_duration_s: 120.0,
        max_channels: 32,
        max_sample_rate: 192_000,
        max_file_size: 4 << 20,
    }
}

/// Installs a panic hook that does not abort. libfuzzer-sys's default hook aborts on *any*
/// panic, including the ones `voxscreen::decode` deliberately catches around symphonia calls
/// (and turns into `Error::Decode`). A panic that escapes the library is still caught by
/// libfuzzer-sys and reported as a crash. Set `VOXSCREEN_FUZZ_VERBOSE=1` to print every panic.
pub fn init() {
    let verbose = std::env::var_os("VOXSCREEN_FUZZ_VERBOSE").is_some();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if verbose {
            default(info);
        }
    }));
    LazyLock::force(&MANIFEST);
    LazyLock::force(&EXTRACTOR);
}

/// Decodes `data` (with `extension` as the probe hint) through the whole streaming pipeline;
/// with `features`, every window also goes through the LFCC front-end.
pub fn screen_bytes(data: &[u8], extension: Option<&str>, features: bool) {
    let limits = limits();
    let result = stream_windows(Input::Bytes(data, extension), &MANIFEST, &limits, |_, window| {
        if features {
            let input = EXTRACTOR.model_input(window);
            assert!(input.iter().all(|x| x.is_finite()), "non-finite model input");
        }
        Ok(())
    });
    if let Ok(facts) = result {
        let audio = facts.audio;
        assert!(audio.sample_rate > 0 && audio.sample_rate <= limits.max_sample_rate);
        assert!(audio.duration_s.is_finite() && audio.duration_s <= limits.max_duration_s + 1.0);
        assert!(audio.effective_bandwidth_hz.is_finite());
    }
}

/// Arbitrary samples and rate → `window_features` (resampler, segmenter, VAD, front-end).
/// Layout: 4 bytes little-endian sample rate, then f32 samples (little-endian).
pub fn features(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let rate = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let samples: Vec<f32> = data[4..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let limits = limits();
    if let Ok(wf) = window_features(Input::Samples(&samples, rate), &MANIFEST, &EXTRACTOR, &limits) {
        assert_eq!(wf.inputs.shape()[0], wf.speech.len());
        assert!(wf.inputs.iter().all(|x| x.is_finite()), "non-finite model input");
    }
}
