//! Behaviour of the streaming resampler (src/resample.rs): output length, pass-band gain,
//! stop-band attenuation, zero delay, chunking invariance, identity.

use std::f64::consts::PI;
use voxscreen::resample::Resampler;
use voxscreen::Error;

const TO: u32 = 16_000;

fn tone(rate: u32, freq: f64, secs: f64, amp: f64) -> Vec<f32> {
    let n = (rate as f64 * secs).round() as usize;
    (0..n)
        .map(|i| (amp * (2.0 * PI * freq * i as f64 / rate as f64).sin()) as f32)
        .collect()
}

fn resample_all(from: u32, to: u32, x: &[f32]) -> Vec<f32> {
    let mut r = Resampler::new(from, to).unwrap();
    let mut out = Vec::new();
    r.process(x, &mut out).unwrap();
    r.finish(&mut out).unwrap();
    out
}

fn expected_len(n: usize, from: u32, to: u32) -> usize {
    ((n as u128 * to as u128 + from as u128 / 2) / from as u128) as usize
}

/// RMS of the middle part (skipping 0.1 s at each end, where the tone starts/stops abruptly).
fn mid_rms(y: &[f32], rate: u32) -> f64 {
    let skip = (rate / 10) as usize;
    let mid = &y[skip..y.len() - skip];
    (mid.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>() / mid.len() as f64).sqrt()
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Small deterministic LCG for chunk sizes.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn zero_rate_is_invalid_input() {
    assert!(matches!(Resampler::new(0, TO), Err(Error::InvalidInput(_))));
    assert!(matches!(
        Resampler::new(44_100, 0),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn output_length_is_exact() {
    let rates = [
        1u32, 100, 7_350, 8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 44_099, 48_000, 88_200,
        96_000, 176_400, 192_000,
    ];
    for &from in &rates {
        let lens: &[usize] = if from < 1000 {
            &[0, 1, 2, 7, 33]
        } else {
            &[0, 1, 2, 399, 4_801, 3 * from as usize + 17]
        };
        for &n in lens {
            let x: Vec<f32> = (0..n).map(|i| ((i % 17) as f32 - 8.0) / 10.0).collect();
            let y = resample_all(from, TO, &x);
            assert_eq!(y.len(), expected_len(n, from, TO), "{from} Hz, {n} samples");
            assert!(
                y.iter().all(|v| v.is_finite()),
                "{from} Hz: non-finite output"
            );
        }
    }
}

#[test]
fn passband_tones_pass() {
    // (rate, tone Hz): 7.5 kHz is 0.9375 of the 8 kHz Nyquist and must pass.
    for &(from, f) in &[
        (44_100u32, 1_000.0),
        (44_100, 7_500.0),
        (48_000, 7_500.0),
        (22_050, 7_500.0),
        (96_000, 7_500.0),
        (8_000, 3_000.0),
        (11_025, 5_000.0),
        (7_350, 3_300.0),
    ] {
        let x = tone(from, f, 1.0, 0.5);
        let y = resample_all(from, TO, &x);
        let gain = mid_rms(&y, TO) / (0.5 / 2f64.sqrt());
        assert!(
            db(gain).abs() < 0.1,
            "{from} Hz, {f} Hz tone: gain {:.3} dB",
            db(gain)
        );
    }
}

#[test]
fn stopband_tones_are_attenuated() {
    // Everything at or above the 8 kHz output Nyquist would alias; require >= 60 dB from
    // 8.4 kHz (1.05 x Nyquist) on and >= 50 dB for the 10 kHz tone of the contract.
    for &(from, f, min_db) in &[
        (44_100u32, 10_000.0, 60.0),
        (44_100, 8_400.0, 60.0),
        (44_100, 12_000.0, 60.0),
        (44_100, 20_000.0, 60.0),
        (48_000, 10_000.0, 60.0),
        (48_000, 8_400.0, 60.0),
        (96_000, 30_000.0, 60.0),
        (22_050, 9_000.0, 60.0),
    ] {
        let x = tone(from, f, 1.0, 0.5);
        let y = resample_all(from, TO, &x);
        let att = -db(mid_rms(&y, TO) / (0.5 / 2f64.sqrt()));
        assert!(
            att >= min_db,
            "{from} Hz, {f} Hz tone: only {att:.1} dB attenuation"
        );
    }
}

#[test]
fn upsampling_suppresses_images() {
    // 8 kHz -> 16 kHz: a 3 kHz tone must not produce an image at 5 kHz.
    let x = tone(8_000, 3_000.0, 1.0, 0.5);
    let y = resample_all(8_000, TO, &x);
    let ideal = tone(TO, 3_000.0, 1.0, 0.5);
    assert_eq!(y.len(), ideal.len());
    let skip = 1600;
    let err: f64 = y[skip..y.len() - skip]
        .iter()
        .zip(&ideal[skip..ideal.len() - skip])
        .map(|(&a, &b)| ((a - b) as f64).powi(2))
        .sum::<f64>()
        / (y.len() - 2 * skip) as f64;
    let rel = err.sqrt() / (0.5 / 2f64.sqrt());
    assert!(db(rel) < -60.0, "residual vs ideal tone {:.1} dB", db(rel));
}

#[test]
fn no_delay_tone_phase() {
    // A band-limited tone resampled must line up sample for sample with the same tone
    // generated directly at 16 kHz: output sample n == input time n / 16000.
    for &(from, f) in &[
        (44_100u32, 1_000.0),
        (48_000, 440.0),
        (22_050, 2_500.0),
        (8_000, 1_234.0),
        (7_350, 700.0),
        (44_099, 1_000.0),
    ] {
        let x = tone(from, f, 2.0, 0.5);
        let y = resample_all(from, TO, &x);
        let ideal = tone(TO, f, 2.0, 0.5);
        assert!((y.len() as i64 - ideal.len() as i64).abs() <= 1);
        let skip = 3200;
        let n = y.len().min(ideal.len()) - skip;
        let max_err = (skip..n)
            .map(|i| (y[i] - ideal[i]).abs())
            .fold(0.0f32, f32::max);
        assert!(
            max_err < 2e-3,
            "{from} Hz, {f} Hz: max deviation from ideal {max_err}"
        );
    }
}

#[test]
fn no_delay_impulse() {
    // An impulse at input time 0.5 s peaks at output sample 8000.
    for &from in &[48_000u32, 44_100, 96_000, 22_050, 32_000] {
        let mut x = vec![0.0f32; from as usize];
        x[from as usize / 2] = 1.0;
        let y = resample_all(from, TO, &x);
        let peak = y
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.partial_cmp(b.1).unwrap())
            .unwrap()
            .0;
        assert_eq!(peak, 8_000, "{from} Hz impulse peak at {peak}");
        // Symmetric (linear-phase) response around the peak.
        for k in 1..20 {
            assert!(
                (y[8_000 + k] - y[8_000 - k]).abs() < 1e-4,
                "{from} Hz asymmetric at ±{k}"
            );
        }
    }
}

#[test]
fn chunking_invariance() {
    for &from in &[44_100u32, 48_000, 8_000, 11_025, 7_350, 16_000] {
        let x: Vec<f32> = (0..(from as usize * 3 / 2))
            .map(|i| {
                ((i as f64 * 0.013).sin() * 0.4 + ((i * 2654435761usize) % 1000) as f64 / 10_000.0)
                    as f32
            })
            .collect();
        let whole = resample_all(from, TO, &x);
        for seed in 1..4u64 {
            let mut rng = Lcg(seed);
            let mut r = Resampler::new(from, TO).unwrap();
            let mut out = Vec::new();
            let mut pos = 0;
            while pos < x.len() {
                let n = match rng.next() % 4 {
                    0 => 0,
                    1 => (rng.next() % 7) as usize,
                    2 => (rng.next() % 600) as usize,
                    _ => (rng.next() % 20_000) as usize,
                }
                .min(x.len() - pos);
                r.process(&x[pos..pos + n], &mut out).unwrap();
                pos += n;
            }
            r.finish(&mut out).unwrap();
            assert_eq!(out.len(), whole.len(), "{from} Hz seed {seed}: length");
            let max = out
                .iter()
                .zip(&whole)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(
                max <= 1e-6,
                "{from} Hz seed {seed}: chunked output differs by {max}"
            );
        }
    }
}

#[test]
fn reusable_after_finish_and_deterministic() {
    let x = tone(44_100, 3_000.0, 0.7, 0.3);
    let mut r = Resampler::new(44_100, TO).unwrap();
    let mut a = Vec::new();
    r.process(&x, &mut a).unwrap();
    r.finish(&mut a).unwrap();
    let mut b = Vec::new();
    r.process(&x, &mut b).unwrap();
    r.finish(&mut b).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, resample_all(44_100, TO, &x));
}

#[test]
fn identity_16k() {
    let x: Vec<f32> = (0..12_345)
        .map(|i| ((i * 7) % 101) as f32 / 101.0 - 0.5)
        .collect();
    let mut r = Resampler::new(TO, TO).unwrap();
    let mut out = Vec::new();
    for chunk in x.chunks(1000) {
        r.process(chunk, &mut out).unwrap();
    }
    r.finish(&mut out).unwrap();
    assert_eq!(out, x);
}

#[test]
fn resampler_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Resampler>();
}
