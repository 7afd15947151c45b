//! Condition flags fire on the conditions they name, and stay quiet on clean full-band speech.

use std::path::{Path, PathBuf};

use voxscreen::pipeline::{decode_to_rate, Input};
use voxscreen::segment::Vad;
use voxscreen::{Flag, Limits, Report};

mod common;
use common::dev_screener;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn screen(path: &str) -> Report {
    let report = dev_screener()
        .screen_path(&repo(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(report.error.is_none());
    report
}

/// The clean, full-band speech clip (16 kHz FLAC) at the model rate.
fn clean_speech() -> Vec<f32> {
    decode_to_rate(
        Input::Path(&repo("examples/clips/genuine_congrats.flac")),
        16000,
        &Limits::default(),
    )
    .unwrap()
}

/// Active speech level (dBFS) as the screener measures it.
fn speech_level(samples: &[f32]) -> f64 {
    let mut vad = Vad::new(16000);
    vad.push(samples);
    vad.finish().speech_level_dbfs()
}

#[test]
fn clean_full_band_speech_has_no_flags() {
    let report = screen("examples/clips/genuine_congrats.flac");
    let audio = report.audio.as_ref().unwrap();
    assert_eq!(audio.codec, "flac");
    assert!(
        audio.effective_bandwidth_hz > 4000.0,
        "{}",
        audio.effective_bandwidth_hz
    );
    assert!(report.flags.is_empty(), "{:?}", report.flags);
}

#[test]
fn telephone_audio_is_narrowband() {
    let report = screen("examples/clips/genuine_telephone.wav");
    let audio = report.audio.as_ref().unwrap();
    assert_eq!(audio.sample_rate, 8000);
    assert!(
        report.flags.contains(&Flag::Narrowband),
        "{:?} ({audio:?})",
        report.flags
    );
    if audio.codec == "pcm_mulaw" || audio.codec == "pcm_alaw" {
        assert!(
            report.flags.contains(&Flag::LossyCodec),
            "{:?}",
            report.flags
        );
    }
    // G.711 written by the test itself: clean speech resampled to 8 kHz, mu-law coded.
    let speech = clean_speech();
    let narrow: Vec<f32> = speech.iter().step_by(2).copied().collect(); // crude 8 kHz (aliasing is fine here)
    let report = dev_screener()
        .screen_bytes(&mulaw_wav(8000, &narrow), Some("g711.wav"))
        .unwrap();
    assert_eq!(report.audio.as_ref().unwrap().codec, "pcm_mulaw");
    assert!(
        report.flags.contains(&Flag::Narrowband),
        "{:?}",
        report.flags
    );
    assert!(
        report.flags.contains(&Flag::LossyCodec),
        "{:?}",
        report.flags
    );
}

#[test]
fn lossy_codecs_are_flagged() {
    for path in [
        "examples/clips/genuine_options.mp3",
        "tests/fixtures/mp3.mp3",
        "tests/fixtures/opus.ogg",
        "tests/fixtures/opus.webm",
        "tests/fixtures/vorbis.ogg",
        "tests/fixtures/aac.m4a",
    ] {
        let report = screen(path);
        assert!(
            report.flags.contains(&Flag::LossyCodec),
            "{path}: {:?}",
            report.flags
        );
    }
    for path in [
        "tests/fixtures/stereo.flac",
        "tests/fixtures/pcm_s16.wav",
        "tests/fixtures/alac.m4a",
    ] {
        let report = screen(path);
        assert!(
            !report.flags.contains(&Flag::LossyCodec),
            "{path}: {:?}",
            report.flags
        );
    }
}

#[test]
fn quiet_speech_is_low_level() {
    let speech = clean_speech();
    let level = speech_level(&speech);
    assert!(level > -40.0, "the clean clip is already quiet: {level}");
    let screener = dev_screener();
    let clean = screener.screen_samples(&speech, 16000).unwrap();
    assert!(!clean.flags.contains(&Flag::LowLevel), "{:?}", clean.flags);
    // Active speech level -45 dBFS: above the VAD's absolute floor (-60), below the flag (-40).
    let gain = 10f32.powf((-45.0 - level as f32) / 20.0);
    let quiet: Vec<f32> = speech.iter().map(|x| x * gain).collect();
    let measured = speech_level(&quiet);
    assert!((-48.0..-42.0).contains(&measured), "{measured}");
    let report = screener.screen_samples(&quiet, 16000).unwrap();
    assert!(report.flags.contains(&Flag::LowLevel), "{:?}", report.flags);
    assert!(
        report.probability_synthetic.is_some(),
        "quiet speech is still judged"
    );
}

#[test]
fn clipped_speech_is_flagged() {
    let speech = clean_speech();
    let peak = speech.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let hot: Vec<f32> = speech
        .iter()
        .map(|x| (x * 4.0 / peak).clamp(-1.0, 1.0))
        .collect();
    let report = dev_screener().screen_samples(&hot, 16000).unwrap();
    assert!(report.flags.contains(&Flag::Clipped), "{:?}", report.flags);
    // Normalised to a 0.9 peak it is not.
    let normal: Vec<f32> = speech.iter().map(|x| x * 0.9 / peak).collect();
    let report = dev_screener().screen_samples(&normal, 16000).unwrap();
    assert!(!report.flags.contains(&Flag::Clipped), "{:?}", report.flags);
}

/// G.711 mu-law encoding of one sample (the classic bias/segment encoder).
fn mulaw(x: f32) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32635;
    let mut s = (x.clamp(-1.0, 1.0) * 32767.0) as i32;
    let sign = if s < 0 { 0x80 } else { 0 };
    if s < 0 {
        s = -s;
    }
    s = s.min(CLIP) + BIAS;
    let exponent = (7 - (s.leading_zeros() as i32 - 17)).clamp(0, 7);
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

/// A WAVE_FORMAT_MULAW (7) file.
fn mulaw_wav(rate: u32, samples: &[f32]) -> Vec<u8> {
    let data: Vec<u8> = samples.iter().map(|&x| mulaw(x)).collect();
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(4 + 26 + 12 + 8 + data.len() as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&18u32.to_le_bytes());
    h.extend_from_slice(&7u16.to_le_bytes()); // mu-law
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&8u16.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(b"fact");
    h.extend_from_slice(&4u32.to_le_bytes());
    h.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data.len() as u32).to_le_bytes());
    h.extend_from_slice(&data);
    h
}

#[test]
fn speech_in_noise_is_noisy() {
    let speech = clean_speech();
    let level = speech_level(&speech);
    let screener = dev_screener();
    // Uniform white noise `below` dB under the active speech level (xorshift, RMS = a / sqrt(3)).
    let with_noise = |below: f64| -> Vec<f32> {
        let a = 10f64.powf((level - below) / 20.0) as f32 * 3f32.sqrt();
        let mut state = 0x9e37_79b9u32;
        speech
            .iter()
            .map(|x| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                x + a * (2.0 * (state as f32 / u32::MAX as f32) - 1.0)
            })
            .collect()
    };
    let noisy = screener.screen_samples(&with_noise(10.0), 16000).unwrap();
    assert!(noisy.flags.contains(&Flag::Noisy), "{:?}", noisy.flags);
    assert!(
        noisy.probability_synthetic.is_some(),
        "noisy speech is still judged"
    );
    let faint = screener.screen_samples(&with_noise(45.0), 16000).unwrap();
    assert!(!faint.flags.contains(&Flag::Noisy), "{:?}", faint.flags);
}
