//! Hostile and degraded input through the Screener (dev model, tests/models/dev.json): every
//! case must end in a report or a typed error, never a panic or a huge allocation.

use std::path::{Path, PathBuf};

use voxscreen::{Error, Flag, Limits, Reason, Report, Verdict};

mod common;
use common::{dev_screener, voiced, wav_f32, wav_header, wav_i16};

/// Seed of the speech-like test signal.
const SEED: u32 = 7;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A report must be internally consistent whatever the input.
fn check_report(report: &Report) {
    assert!(report.error.is_none());
    let audio = report.audio.as_ref().expect("audio facts");
    assert!(audio.duration_s.is_finite() && audio.duration_s > 0.0);
    assert!(audio.effective_bandwidth_hz.is_finite());
    if let Some(p) = report.probability_synthetic {
        assert!((0.0..=1.0).contains(&p), "{p}");
    }
    assert_eq!(
        report.verdict == Some(Verdict::NotApplicable),
        report.reason.is_some()
    );
}

/// Screens `bytes` named `name`; the outcome must be a consistent report or a typed input error.
fn screen(bytes: &[u8], name: &str) -> voxscreen::Result<Report> {
    let result = dev_screener().screen_bytes(bytes, Some(name));
    match &result {
        Ok(report) => check_report(report),
        Err(e) => assert!(
            !e.is_model_error(),
            "{name}: input error reported as a model error: {e}"
        ),
    }
    result
}

#[test]
fn zero_length_file_is_unsupported_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.wav");
    std::fs::write(&path, b"").unwrap();
    let err = dev_screener().screen_path(&path).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
    let err = screen(b"", "empty.mp3").unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
}

#[test]
fn header_only_wav_is_a_decode_error() {
    let err = screen(&wav_i16(16000, &[]), "header_only.wav").unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn truncated_mid_frame_returns_what_decoded() {
    for name in ["mp3.mp3", "stereo.flac"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let full = screen(&bytes, name).unwrap().audio.unwrap().duration_s;
        // Cut at an odd offset, well inside a frame.
        let cut = &bytes[..bytes.len() * 2 / 3 + 7];
        let report = screen(cut, name).unwrap_or_else(|e| panic!("{name} truncated: {e}"));
        let part = report.audio.unwrap().duration_s;
        assert!(part > 0.0 && part < full, "{name}: {part} of {full}");
    }
}

#[test]
fn mp3_named_wav_is_probed_by_content() {
    let bytes = std::fs::read(fixture("mp3.mp3")).unwrap();
    let report = screen(&bytes, "actually_an_mp3.wav").unwrap();
    let audio = report.audio.unwrap();
    assert_eq!(audio.codec, "mp3");
    assert!(report.flags.contains(&Flag::LossyCodec));
}

#[test]
fn id3_tag_without_audio_is_a_typed_error() {
    // ID3v2.3 tag with one TIT2 frame, then nothing.
    let mut frame = Vec::new();
    frame.extend_from_slice(b"TIT2");
    let text = b"\x00no audio here";
    frame.extend_from_slice(&(text.len() as u32).to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(text);
    let size = frame.len() as u32;
    let syncsafe = [
        (size >> 21) as u8 & 0x7f,
        (size >> 14) as u8 & 0x7f,
        (size >> 7) as u8 & 0x7f,
        size as u8 & 0x7f,
    ];
    let mut bytes = b"ID3\x03\x00\x00".to_vec();
    bytes.extend_from_slice(&syncsafe);
    bytes.extend_from_slice(&frame);
    for name in ["tag_only.mp3", "tag_only.wav", "tag_only"] {
        let err = screen(&bytes, name).unwrap_err();
        assert!(
            matches!(
                err,
                Error::UnsupportedFormat(_) | Error::Decode(_) | Error::NoAudioTrack
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn all_zero_audio_is_not_applicable_no_speech() {
    let report = screen(&wav_i16(16000, &vec![0.0; 3 * 16000]), "zeros.wav").unwrap();
    assert_eq!(report.verdict, Some(Verdict::NotApplicable));
    assert_eq!(report.reason, Some(Reason::NoSpeech));
    assert_eq!(report.probability_synthetic, None);
}

#[test]
fn full_scale_square_wave_is_flagged_clipped() {
    let square: Vec<f32> = (0..3 * 16000)
        .map(|i| if (i / 40) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let report = screen(&wav_i16(16000, &square), "square.wav").unwrap();
    assert!(report.flags.contains(&Flag::Clipped), "{:?}", report.flags);
}

#[test]
fn nan_or_infinity_in_float_wav_is_invalid_input() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut samples = voiced(2.0, 16000, SEED);
        samples[20_000] = bad;
        let err = screen(&wav_f32(16000, &samples), "bad.wav").unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{bad}: {err:?}");
    }
    // The same through screen_samples.
    let err = dev_screener()
        .screen_samples(&[0.1, f32::INFINITY], 16000)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[test]
fn dc_offset_is_screened() {
    let speech: Vec<f32> = voiced(4.0, 16000, SEED).iter().map(|x| x + 0.4).collect();
    let report = screen(&wav_i16(16000, &speech), "dc.wav").unwrap();
    assert!(!report.timeline.is_empty());
    // Pure DC (no signal at all but a constant) must not crash either.
    screen(&wav_i16(16000, &vec![0.5; 3 * 16000]), "dc_only.wav").unwrap();
}

#[test]
fn one_sample_file_is_not_applicable() {
    for x in [0.0f32, 0.5] {
        let report = screen(&wav_i16(16000, &[x]), "one.wav").unwrap();
        assert_eq!(report.verdict, Some(Verdict::NotApplicable), "{x}");
        assert_eq!(report.timeline.len(), 1);
    }
    let report = dev_screener().screen_samples(&[0.25], 44100).unwrap();
    assert_eq!(report.verdict, Some(Verdict::NotApplicable));
}

#[test]
fn header_claiming_ten_hours_decodes_only_what_is_there() {
    // 16 kHz mono s16 claiming 10 h of data (1.15 GB) but holding 0.5 s.
    let claimed = 10 * 3600 * 16000 * 2;
    let mut bytes = wav_header(1, 16000, 16, claimed);
    for x in voiced(0.5, 16000, SEED) {
        bytes.extend_from_slice(&((x * 32767.0) as i16).to_le_bytes());
    }
    let started = std::time::Instant::now();
    match screen(&bytes, "ten_hours.wav") {
        Ok(report) => assert!(report.audio.unwrap().duration_s < 1.0),
        Err(e) => assert!(
            matches!(e, Error::LimitExceeded(_) | Error::Decode(_)),
            "{e:?}"
        ),
    }
    assert!(started.elapsed().as_secs() < 30);
    // With a real 10 h stream behind the claim, the duration limit stops decoding early.
    let tight = dev_screener().with_limits(Limits {
        max_duration_s: 0.25,
        ..Limits::default()
    });
    let err = tight
        .screen_bytes(&bytes, Some("ten_hours.wav"))
        .unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
}

#[test]
fn header_claiming_65535_channels_is_refused() {
    let mut bytes = wav_header(65535, 8000, 16, u32::MAX);
    bytes.extend(std::iter::repeat_n(0u8, 64 * 1024));
    let err = screen(&bytes, "many_channels.wav").unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded(_) | Error::Decode(_) | Error::UnsupportedFormat(_)
        ),
        "{err:?}"
    );
    // A plausible channel count above the configured limit is LimitExceeded.
    let mut bytes = wav_header(8, 8000, 16, 8 * 2 * 800);
    bytes.extend(std::iter::repeat_n(0u8, 8 * 2 * 800));
    let limited = dev_screener().with_limits(Limits {
        max_channels: 2,
        ..Limits::default()
    });
    let err = limited.screen_bytes(&bytes, Some("eight.wav")).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
}

#[test]
fn every_fixture_truncated_or_corrupted_gives_a_report_or_typed_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".sh"))
        .collect();
    names.sort();
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        for cut in [1, 12, 100, bytes.len() / 2] {
            let _ = screen(&bytes[..cut.min(bytes.len())], &name);
        }
        // Flip bytes in the middle of the stream.
        let mut corrupt = bytes.clone();
        let n = corrupt.len();
        for i in (n / 3..n).step_by(97) {
            corrupt[i] ^= 0x5a;
        }
        let _ = screen(&corrupt, &name);
    }
}

#[test]
fn huge_finite_samples_are_clamped_not_a_panic() {
    // Found by fuzz/features: 1e38 overflowed the resampler's FFT to NaN and rubato panicked.
    let mut samples = voiced(2.0, 44100, SEED);
    for x in samples.iter_mut().step_by(7) {
        *x = 3.0e38;
    }
    samples[100] = -f32::MAX;
    let report = dev_screener().screen_samples(&samples, 44100).unwrap();
    check_report(&report);
    assert!(report.flags.contains(&Flag::Clipped), "{:?}", report.flags);
}
