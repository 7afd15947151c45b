//! Parity of src/features.rs with the independent numpy/scipy reference in
//! tests/reference/features_ref.py (expected values in tests/reference/features_ref.json).
//!
//! Tolerances, and why:
//! * The reference is float64 throughout; Rust computes in f32 (FFT, power, filterbank, DCT).
//!   The inputs are 16-bit PCM values / 32768, so both sides start from identical samples.
//! * Power spectrogram: an f32 FFT's error is relative to the frame's energy, not to each
//!   bin, so bins far below the frame peak can carry a large *relative* error. We therefore
//!   compare against `ATOL_POWER_REL_FRAME × max(power of that frame) + RTOL × |ref|`.
//! * Log features (log spectrogram, LFCC, deltas, CMN'd model input): a relative power error
//!   ε becomes an absolute log error ≈ ε, and the DCT / deltas / mean subtraction mix up to
//!   40 such terms with O(1) weights. We allow `ATOL_LOG + RTOL × |ref|` with
//!   ATOL_LOG = 1e-3. Observed worst cases (printed with --nocapture): ~9e-4 for single
//!   low-power bins of the log spectrogram (PCM-level noise floor, bins ~80 dB below the
//!   frame peak), ~2e-5 for LFCC / model input, where the filterbank averages bins.
//!   1e-3 in log-power is 0.004 dB: far below anything the model can resolve.

use ndarray::Array2;
use serde_json::Value;
use voxscreen::features::{FeatureExtractor, FeatureKind, FeatureSpec};

const RTOL: f64 = 1e-4;
const ATOL_LOG: f64 = 1e-3;
const ATOL_POWER_REL_FRAME: f64 = 1e-5;

fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/features_ref.json"
    );
    let text = std::fs::read_to_string(path).expect("read features_ref.json");
    serde_json::from_str(&text).expect("parse features_ref.json")
}

fn spec_from(v: &Value) -> FeatureSpec {
    serde_json::from_value(v.clone()).expect("spec JSON matches FeatureSpec")
}

fn input_from(v: &Value, scale: f32) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap() as f32 * scale)
        .collect()
}

fn expected(v: &Value) -> Array2<f64> {
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect();
    let data: Vec<f64> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    Array2::from_shape_vec((shape[0], shape[1]), data).unwrap()
}

/// Compares and returns the worst |diff| / allowed ratio (must be <= 1).
fn compare(what: &str, got: &Array2<f32>, want: &Array2<f64>, power: bool) -> f64 {
    assert_eq!(got.dim(), want.dim(), "{what}: shape");
    let mut worst_ratio = 0.0f64;
    let mut worst_abs = 0.0f64;
    for t in 0..want.ncols() {
        let frame_max = want.column(t).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for r in 0..want.nrows() {
            let (g, w) = (got[[r, t]] as f64, want[[r, t]]);
            let atol = if power {
                ATOL_POWER_REL_FRAME * frame_max
            } else {
                ATOL_LOG
            };
            let allowed = atol + RTOL * w.abs();
            let diff = (g - w).abs();
            worst_abs = worst_abs.max(diff);
            worst_ratio = worst_ratio.max(diff / allowed);
            assert!(
                diff <= allowed,
                "{what}: row {r} frame {t}: got {g}, want {w}, diff {diff:e} > allowed {allowed:e}"
            );
        }
    }
    eprintln!("{what}: max |diff| {worst_abs:.3e}, worst diff/allowed {worst_ratio:.3}");
    worst_ratio
}

#[test]
fn parity_with_numpy_reference() {
    let doc = load();
    let scale = doc["input_scale"].as_f64().unwrap() as f32;
    assert_eq!(scale, 1.0 / 32768.0);
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let spec_name = case["spec"].as_str().unwrap();
        let input_name = case["input"].as_str().unwrap();
        let spec = spec_from(&doc["specs"][spec_name]);
        let fe = FeatureExtractor::new(&spec).unwrap();
        let x = input_from(&doc["inputs"][input_name], scale);
        let frames = case["n_frames"].as_u64().unwrap() as usize;
        assert_eq!(
            fe.n_frames(x.len()),
            frames,
            "{spec_name}/{input_name}: n_frames"
        );
        for (out_name, want) in case["expected"].as_object().unwrap() {
            let what = format!("{spec_name}/{input_name}/{out_name}");
            let want = expected(want);
            let got = match out_name.as_str() {
                "power_spectrogram" => fe.power_spectrogram(&x),
                "log_spectrogram" => fe.log_spectrogram(&x),
                "lfcc" => fe.lfcc(&x),
                "model_input" => {
                    let m = fe.model_input(&x);
                    assert_eq!(m.dim(), (fe.n_rows(), frames), "{what}: model_input shape");
                    // The allocation-free path must agree bit for bit.
                    let mut buf = Array2::<f32>::from_elem(m.dim(), f32::NAN);
                    fe.model_input_into(&x, buf.view_mut());
                    assert_eq!(buf, m, "{what}: model_input_into differs from model_input");
                    m
                }
                other => panic!("unknown output {other}"),
            };
            compare(&what, &got, &want, out_name == "power_spectrogram");
        }
    }
}

#[test]
fn reference_specs_match_rust_defaults() {
    let doc = load();
    assert_eq!(
        spec_from(&doc["specs"]["default_lfcc"]),
        FeatureSpec::default_lfcc()
    );
    let ls = spec_from(&doc["specs"]["log_spec"]);
    assert_eq!(ls.kind, FeatureKind::LogSpectrogram);
    let fe = FeatureExtractor::new(&ls).unwrap();
    assert_eq!(fe.n_rows(), 257);
}

#[test]
fn model_input_into_writes_strided_views() {
    // A column-major (transposed) destination must give the same numbers.
    let fe = FeatureExtractor::new(&FeatureSpec::default_lfcc()).unwrap();
    let x: Vec<f32> = (0..32000)
        .map(|i| ((i as f32) * 0.05).sin() * 0.3 + ((i * 7919 % 1000) as f32 / 1000.0 - 0.5) * 0.01)
        .collect();
    let m = fe.model_input(&x);
    assert_eq!(m.dim(), (60, 198));
    let mut t = Array2::<f32>::zeros((198, 60));
    fe.model_input_into(&x, t.view_mut().reversed_axes());
    assert_eq!(t.t(), m);
    // CMN: every row has (near) zero mean.
    for row in m.rows() {
        let mean: f64 = row.iter().map(|&v| v as f64).sum::<f64>() / row.len() as f64;
        assert!(mean.abs() < 1e-4, "row mean {mean}");
    }
}

#[test]
fn deterministic_and_thread_safe() {
    let fe = std::sync::Arc::new(FeatureExtractor::new(&FeatureSpec::default_lfcc()).unwrap());
    let x: Vec<f32> = (0..16000)
        .map(|i| ((i as f32) * 0.01).sin() * 0.5)
        .collect();
    let a = fe.model_input(&x);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let fe = fe.clone();
            let x = x.clone();
            std::thread::spawn(move || fe.model_input(&x))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), a);
    }
}
