//! Helpers shared by the integration tests (each test binary uses a subset of them).
#![allow(dead_code)]

use std::path::Path;

use voxscreen::Screener;

/// A screener for the small development model (tests/models/dev.json: logit = mean(features²) − 1).
pub fn dev_screener() -> Screener {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/dev.json");
    Screener::from_path(&path)
        .expect("dev model loads (set ORT_DYLIB_PATH if ONNX Runtime is not found)")
}

/// An in-memory mono WAV of `samples` in the format `bits`/`format` (written by hound).
fn wav_bytes<S: hound::Sample + Copy>(
    rate: u32,
    bits: u16,
    format: hound::SampleFormat,
    samples: impl IntoIterator<Item = S>,
) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: format,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }
    cursor.into_inner()
}

/// A 16-bit PCM mono WAV of `samples` (clamped to [-1, 1], scaled by 32767).
pub fn wav_i16(rate: u32, samples: &[f32]) -> Vec<u8> {
    let pcm = samples
        .iter()
        .map(|x| (x.clamp(-1.0, 1.0) * 32767.0).round() as i16);
    wav_bytes(rate, 16, hound::SampleFormat::Int, pcm)
}

/// A 32-bit float mono WAV of `samples`, written as they are (NaN and infinity included).
pub fn wav_f32(rate: u32, samples: &[f32]) -> Vec<u8> {
    wav_bytes(
        rate,
        32,
        hound::SampleFormat::Float,
        samples.iter().copied(),
    )
}

/// A hand-written PCM WAV header (lets a header lie about channels and length).
pub fn wav_header(channels: u16, rate: u32, bits: u16, data_len: u32) -> Vec<u8> {
    let block_align = channels as u32 * bits as u32 / 8;
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&data_len.saturating_add(36).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&rate.wrapping_mul(block_align).to_le_bytes());
    h.extend_from_slice(&(block_align as u16).to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

/// A speech-like test signal: amplitude-modulated harmonics with noise, `seconds` long.
pub fn voiced(seconds: f64, rate: u32, seed: u32) -> Vec<f32> {
    let n = (seconds * rate as f64) as usize;
    let mut state = seed.wrapping_mul(2654435761).max(1);
    (0..n)
        .map(|i| {
            let t = i as f32 / rate as f32;
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state as f32 / u32::MAX as f32 - 0.5) * 0.02;
            let envelope = 0.5 + 0.5 * (2.0 * std::f32::consts::PI * 3.0 * t).sin();
            let f0 = 120.0 + 20.0 * (2.0 * std::f32::consts::PI * 0.5 * t).sin();
            let harmonics: f32 = (1..8)
                .map(|k| (2.0 * std::f32::consts::PI * f0 * k as f32 * t).sin() / k as f32)
                .sum();
            0.1 * envelope * harmonics + noise
        })
        .collect()
}
