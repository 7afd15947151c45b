//! Integration tests for the decode stage (`voxscreen::decode`).
//!
//! Fixtures live in `tests/fixtures/` and are produced by `tests/fixtures/make_fixtures.sh`.
//! Most are a 440 Hz sine at amplitude 0.5 (RMS ≈ 0.354).

use std::path::{Path, PathBuf};

use voxscreen::decode::{Decoder, StreamInfo};
use voxscreen::{Error, Limits};

mod common;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Decodes a whole file, checking along the way that each `read_mono` call appends a bounded
/// chunk (streaming) and that `frames_decoded` tracks the samples handed out.
fn decode_all(dec: &mut Decoder) -> Vec<f32> {
    let mut out = Vec::new();
    loop {
        let before = out.len();
        let more = dec.read_mono(&mut out).expect("decode failed");
        if !more {
            assert_eq!(out.len(), before, "Ok(false) must append nothing");
            break;
        }
        let chunk = out.len() - before;
        assert!(chunk > 0, "Ok(true) must append samples");
        // One packet is far less than a second of audio for every fixture.
        assert!(
            chunk <= 48_000,
            "read_mono appended {chunk} samples at once"
        );
        assert_eq!(dec.frames_decoded(), out.len() as u64);
    }
    // Once ended, it stays ended.
    assert!(!dec.read_mono(&mut out).unwrap());
    out
}

fn decode_path(name: &str) -> (StreamInfo, Vec<f32>) {
    let mut dec = Decoder::open_path(&fixture(name), Limits::default()).expect("open failed");
    let samples = decode_all(&mut dec);
    (dec.info().clone(), samples)
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

/// Frequency estimate from positive-going zero crossings (with hysteresis) over the middle half.
fn estimate_freq(x: &[f32], rate: u32) -> f32 {
    let mid = &x[x.len() / 4..x.len() * 3 / 4];
    let thr = 0.3 * mid.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let mut crossings = 0usize;
    let mut armed = false;
    for &v in mid {
        if v < -thr {
            armed = true;
        } else if v > thr && armed {
            crossings += 1;
            armed = false;
        }
    }
    crossings as f32 / (mid.len() as f32 / rate as f32)
}

struct Expect {
    file: &'static str,
    codec: &'static str,
    container: &'static str,
    rate: u32,
    channels: u32,
    lossy: bool,
    seconds: f32,
    rms: f32,
}

fn check(e: Expect) {
    let (info, samples) = decode_path(e.file);
    assert_eq!(info.codec, e.codec, "{}: codec", e.file);
    assert_eq!(info.container, e.container, "{}: container", e.file);
    assert_eq!(info.sample_rate, e.rate, "{}: rate", e.file);
    assert_eq!(info.channels, e.channels, "{}: channels", e.file);
    assert_eq!(info.lossy, e.lossy, "{}: lossy", e.file);

    let secs = samples.len() as f32 / info.sample_rate as f32;
    let tol = if e.lossy { 0.12 } else { 0.01 };
    assert!(
        (secs - e.seconds).abs() <= tol,
        "{}: duration {secs} s, expected {} s",
        e.file,
        e.seconds
    );
    assert!(
        samples
            .iter()
            .all(|v| v.is_finite() && (-1.0..=1.0).contains(v)),
        "{}: range",
        e.file
    );

    let r = rms(&samples[samples.len() / 4..samples.len() * 3 / 4]);
    assert!(
        (r - e.rms).abs() <= 0.15 * e.rms,
        "{}: rms {r}, expected {}",
        e.file,
        e.rms
    );
    let f = estimate_freq(&samples, info.sample_rate);
    assert!(
        (f - 440.0).abs() <= 25.0,
        "{}: frequency {f} Hz, expected 440",
        e.file
    );
}

const SINE_RMS: f32 = 0.353_553_4;

macro_rules! fixture_test {
    ($name:ident, $file:expr, $codec:expr, $container:expr, $rate:expr, $ch:expr, $lossy:expr, $secs:expr) => {
        fixture_test!($name, $file, $codec, $container, $rate, $ch, $lossy, $secs, SINE_RMS);
    };
    ($name:ident, $file:expr, $codec:expr, $container:expr, $rate:expr, $ch:expr, $lossy:expr, $secs:expr, $rms:expr) => {
        #[test]
        fn $name() {
            check(Expect {
                file: $file,
                codec: $codec,
                container: $container,
                rate: $rate,
                channels: $ch,
                lossy: $lossy,
                seconds: $secs,
                rms: $rms,
            });
        }
    };
}

// WAV PCM, every sample format.
fixture_test!(wav_u8, "pcm_u8.wav", "pcm_u8", "wav", 8000, 1, false, 0.5);
fixture_test!(
    wav_s16,
    "pcm_s16.wav",
    "pcm_s16le",
    "wav",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    wav_s24,
    "pcm_s24.wav",
    "pcm_s24le",
    "wav",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    wav_s32,
    "pcm_s32.wav",
    "pcm_s32le",
    "wav",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    wav_f32,
    "pcm_f32.wav",
    "pcm_f32le",
    "wav",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    wav_f64,
    "pcm_f64.wav",
    "pcm_f64le",
    "wav",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    wav_f32_48k,
    "pcm_f32_48k.wav",
    "pcm_f32le",
    "wav",
    48000,
    1,
    false,
    0.2
);
fixture_test!(
    wav_stereo,
    "stereo_s16.wav",
    "pcm_s16le",
    "wav",
    16000,
    2,
    false,
    0.5
);
fixture_test!(
    wav_one_second,
    "one_second.wav",
    "pcm_s16le",
    "wav",
    8000,
    1,
    false,
    1.0
);
// 6 channels: three carry a 0.6 sine, three are silent, so the mean is a 0.3 sine.
fixture_test!(
    wav_six_channel_downmix,
    "six_channel.wav",
    "pcm_s16le",
    "wav",
    8000,
    6,
    false,
    0.4,
    0.3 / std::f32::consts::SQRT_2
);
// ADPCM in WAV.
fixture_test!(
    wav_adpcm_ima,
    "adpcm_ima.wav",
    "adpcm_ima",
    "wav",
    8000,
    1,
    true,
    0.5
);
fixture_test!(
    wav_adpcm_ms,
    "adpcm_ms.wav",
    "adpcm_ms",
    "wav",
    8000,
    1,
    true,
    0.5
);
// Lossless.
fixture_test!(
    flac_stereo,
    "stereo.flac",
    "flac",
    "flac",
    16000,
    2,
    false,
    0.5
);
fixture_test!(alac_m4a, "alac.m4a", "alac", "mp4", 8000, 1, false, 0.5);
fixture_test!(
    aiff_s16be,
    "pcm.aiff",
    "pcm_s16be",
    "aiff",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    caf_s16le,
    "pcm.caf",
    "pcm_s16le",
    "caf",
    8000,
    1,
    false,
    0.5
);
fixture_test!(
    mka_pcm_stereo,
    "pcm.mka",
    "pcm_s16le",
    "mkv",
    8000,
    2,
    false,
    0.5
);
// Lossy.
fixture_test!(mp3, "mp3.mp3", "mp3", "mp3", 16000, 1, true, 1.0);
fixture_test!(mp2, "mp2.mp2", "mp2", "mp2", 16000, 1, true, 1.0);
fixture_test!(aac_m4a, "aac.m4a", "aac", "mp4", 16000, 1, true, 1.0);
fixture_test!(aac_adts, "aac.aac", "aac", "adts", 16000, 1, true, 1.0);
fixture_test!(
    vorbis_ogg,
    "vorbis.ogg",
    "vorbis",
    "ogg",
    16000,
    1,
    true,
    1.0
);
fixture_test!(
    mp4_video_first_then_aac,
    "video_aac.mp4",
    "aac",
    "mp4",
    16000,
    1,
    true,
    1.0
);
#[cfg(feature = "opus")]
fixture_test!(opus_ogg, "opus.ogg", "opus", "ogg", 48000, 1, true, 1.0);
#[cfg(feature = "opus")]
fixture_test!(opus_webm, "opus.webm", "opus", "mkv", 48000, 1, true, 1.0);

#[test]
fn pcm_s16_is_bit_exact() {
    let (_, samples) = decode_path("pcm_s16.wav");
    let reader = hound::WavReader::open(fixture("pcm_s16.wav")).unwrap();
    let expected: Vec<f32> = reader
        .into_samples::<i16>()
        .map(|s| s.unwrap() as f32 / 32768.0)
        .collect();
    assert_eq!(samples.len(), expected.len());
    for (a, b) in samples.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
}

#[test]
fn open_bytes_matches_open_path() {
    for (name, ext) in [
        ("mp3.mp3", Some("mp3")),
        ("stereo.flac", None),
        ("vorbis.ogg", Some("ogg")),
        ("alac.m4a", None),
    ] {
        let (info_p, samples_p) = decode_path(name);
        let bytes = std::fs::read(fixture(name)).unwrap();
        let mut dec = Decoder::open_bytes(bytes, ext, Limits::default()).unwrap();
        let samples_b = decode_all(&mut dec);
        assert_eq!(dec.info(), &info_p, "{name}");
        assert_eq!(samples_b, samples_p, "{name}");
    }
}

#[test]
fn wrong_extension_hint_still_decodes() {
    let bytes = std::fs::read(fixture("stereo.flac")).unwrap();
    let mut dec = Decoder::open_bytes(bytes, Some("mp3"), Limits::default()).unwrap();
    assert_eq!(dec.info().codec, "flac");
    assert_eq!(decode_all(&mut dec).len(), 8000);
}

#[test]
fn decoder_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Decoder>();
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn ac3_in_matroska_is_unsupported_codec() {
    match Decoder::open_path(&fixture("ac3.mka"), Limits::default()) {
        Err(Error::UnsupportedCodec(name)) => assert!(name.contains("ac3"), "{name}"),
        other => panic!(
            "expected UnsupportedCodec, got {:?}",
            other.map(|d| d.info().clone())
        ),
    }
}

#[test]
fn ac3_in_mp4_is_unsupported_codec() {
    match Decoder::open_path(&fixture("ac3.mp4"), Limits::default()) {
        Err(Error::UnsupportedCodec(name)) => assert!(name.contains("ac3"), "{name}"),
        other => panic!(
            "expected UnsupportedCodec, got {:?}",
            other.map(|d| d.info().clone())
        ),
    }
}

#[test]
fn text_file_is_unsupported_format() {
    let err = Decoder::open_path(&fixture("not_audio.txt"), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
    let err = Decoder::open_bytes(b"hello, world".to_vec(), None, Limits::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
}

#[test]
fn zero_bytes_is_unsupported_format() {
    let err = Decoder::open_bytes(vec![0u8; 4096], Some("wav"), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
}

#[test]
fn empty_input_is_an_error() {
    let err = Decoder::open_bytes(Vec::new(), None, Limits::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
    let file = tempfile::Builder::new().suffix(".wav").tempfile().unwrap();
    let err = Decoder::open_path(file.path(), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat(_)), "{err:?}");
}

#[test]
fn missing_file_is_io_error() {
    let err = Decoder::open_path(
        Path::new("/nonexistent/voxscreen/clip.wav"),
        Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert_eq!(err.kind(), "io");
}

#[test]
fn header_only_wav_is_decode_error() {
    let bytes = common::wav_i16(16000, &[]);
    let err = match Decoder::open_bytes(bytes, Some("wav"), Limits::default()) {
        Err(e) => e,
        Ok(mut dec) => {
            let mut out = Vec::new();
            let mut result = Ok(true);
            while let Ok(true) = result {
                result = dec.read_mono(&mut out);
            }
            assert!(out.is_empty());
            result.expect_err("header-only WAV must not decode successfully")
        }
    };
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn non_finite_float_samples_are_invalid_input() {
    let samples: Vec<f32> = (0..4000)
        .map(|i| if i == 2000 { f32::NAN } else { 0.1 })
        .collect();
    let mut dec = Decoder::open_bytes(
        common::wav_f32(8000, &samples),
        Some("wav"),
        Limits::default(),
    )
    .unwrap();
    let mut out = Vec::new();
    let err = loop {
        match dec.read_mono(&mut out) {
            Ok(true) => continue,
            Ok(false) => panic!("NaN went through"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(err, Error::InvalidInput(ref m) if m.contains("non-finite")),
        "{err:?}"
    );
}

#[test]
fn truncated_wav_returns_what_decoded() {
    let bytes = std::fs::read(fixture("pcm_s16.wav")).unwrap();
    let cut = bytes[..44 + 2 * 3000].to_vec(); // header + 3000 samples of 4000
    let mut dec = Decoder::open_bytes(cut, Some("wav"), Limits::default()).unwrap();
    let samples = decode_all(&mut dec);
    assert_eq!(samples.len(), 3000);
}

#[test]
fn truncated_mp3_returns_what_decoded() {
    let bytes = std::fs::read(fixture("mp3.mp3")).unwrap();
    let cut = bytes[..bytes.len() / 2].to_vec();
    let mut dec = Decoder::open_bytes(cut, Some("mp3"), Limits::default()).unwrap();
    let samples = decode_all(&mut dec);
    let secs = samples.len() as f32 / 16000.0;
    assert!(secs > 0.3 && secs < 0.7, "{secs}");
}

// ---------------------------------------------------------------------------------------------
// Limits

fn drain(dec: &mut Decoder) -> voxscreen::Result<usize> {
    let mut out = Vec::new();
    while dec.read_mono(&mut out)? {}
    Ok(out.len())
}

#[test]
fn duration_limit_stops_decoding_early() {
    // The open itself decodes the first packet (to describe the stream), so the limit may
    // already trip there; otherwise it must trip during reading. Either way no sample beyond
    // 0.1 s (800 samples at 8 kHz) is handed out.
    let limits = Limits {
        max_duration_s: 0.1,
        ..Limits::default()
    };
    let mut out = Vec::new();
    let err = match Decoder::open_path(&fixture("one_second.wav"), limits) {
        Err(e) => e,
        Ok(mut dec) => loop {
            match dec.read_mono(&mut out) {
                Ok(true) => assert!(dec.frames_decoded() <= 800),
                Ok(false) => panic!("limit not enforced"),
                Err(e) => break e,
            }
        },
    };
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
    assert!(out.len() <= 800, "{} samples handed out", out.len());
}

#[test]
fn duration_limit_trips_mid_stream() {
    // 0.5 s limit on a 1 s file: the first packets decode, then the limit trips.
    let limits = Limits {
        max_duration_s: 0.5,
        ..Limits::default()
    };
    let mut dec = Decoder::open_path(&fixture("one_second.wav"), limits).unwrap();
    let mut out = Vec::new();
    let err = loop {
        match dec.read_mono(&mut out) {
            Ok(true) => continue,
            Ok(false) => panic!("limit not enforced"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
    assert!(!out.is_empty() && out.len() <= 4000, "{}", out.len());
    // Errors are final: the next call fails again rather than resuming or reporting a clean end.
    let n = out.len();
    assert!(dec.read_mono(&mut out).is_err());
    assert_eq!(out.len(), n);
}

#[test]
fn duration_limit_exactly_met_is_fine() {
    let limits = Limits {
        max_duration_s: 1.0,
        ..Limits::default()
    };
    let mut dec = Decoder::open_path(&fixture("one_second.wav"), limits).unwrap();
    assert_eq!(drain(&mut dec).unwrap(), 8000);
}

#[test]
fn channel_limit_on_stereo() {
    let limits = Limits {
        max_channels: 1,
        ..Limits::default()
    };
    for name in ["stereo_s16.wav", "stereo.flac", "pcm.mka"] {
        let err = Decoder::open_path(&fixture(name), limits).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded(_)), "{name}: {err:?}");
    }
}

#[test]
fn sample_rate_limit() {
    let limits = Limits {
        max_sample_rate: 8000,
        ..Limits::default()
    };
    let err = Decoder::open_path(&fixture("mp3.mp3"), limits).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
    assert!(Decoder::open_path(&fixture("pcm_s16.wav"), limits).is_ok());
}

#[test]
fn file_size_limit() {
    let limits = Limits {
        max_file_size: 1000,
        ..Limits::default()
    };
    let err = Decoder::open_path(&fixture("pcm_s16.wav"), limits).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
    let bytes = std::fs::read(fixture("pcm_s16.wav")).unwrap();
    let err = Decoder::open_bytes(bytes, None, limits).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
}

#[test]
fn header_claiming_65535_channels_is_rejected_without_allocating() {
    let mut bytes = common::wav_header(65535, 8000, 16, u32::MAX);
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    match Decoder::open_bytes(bytes, Some("wav"), Limits::default()) {
        Err(Error::LimitExceeded(_)) | Err(Error::Decode(_)) | Err(Error::UnsupportedFormat(_)) => {
        }
        other => panic!("unexpected: {:?}", other.map(|d| d.info().clone())),
    }
}

#[test]
fn channel_limit_checked_at_open() {
    // symphonia's WAV reader itself rejects more than 18 positioned channels, so test the
    // configured limit with 8 channels against max_channels = 4.
    let mut bytes = common::wav_header(8, 8000, 16, 8 * 2 * 100);
    bytes.extend(std::iter::repeat_n(0u8, 8 * 2 * 100));
    let limits = Limits {
        max_channels: 4,
        ..Limits::default()
    };
    assert!(Decoder::open_bytes(bytes.clone(), Some("wav"), Limits::default()).is_ok());
    let err = Decoder::open_bytes(bytes, Some("wav"), limits).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
}

#[test]
fn header_claiming_hours_decodes_only_what_is_there() {
    // 16 kHz mono claiming 4 GiB of data (~37 h) but holding 0.25 s.
    let mut bytes = common::wav_header(1, 16000, 16, u32::MAX - 64);
    for i in 0..4000 {
        let v = ((i as f32 * 440.0 * 2.0 * std::f32::consts::PI / 16000.0).sin() * 16000.0) as i16;
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let mut dec = Decoder::open_bytes(bytes, Some("wav"), Limits::default()).unwrap();
    assert_eq!(drain(&mut dec).unwrap(), 4000);
}

#[test]
fn header_claiming_huge_sample_rate_is_rejected() {
    let mut bytes = common::wav_header(1, 4_000_000_000, 16, 1000);
    bytes.extend(std::iter::repeat_n(0u8, 1000));
    let err = Decoder::open_bytes(bytes, Some("wav"), Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded(_) | Error::Decode(_) | Error::UnsupportedFormat(_)
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness: truncations, corruptions and random bytes must never panic.

const ALL_FIXTURES: &[&str] = &[
    "pcm_u8.wav",
    "pcm_s16.wav",
    "pcm_s24.wav",
    "pcm_s32.wav",
    "pcm_f32.wav",
    "pcm_f64.wav",
    "pcm_f32_48k.wav",
    "stereo_s16.wav",
    "six_channel.wav",
    "one_second.wav",
    "adpcm_ima.wav",
    "adpcm_ms.wav",
    "stereo.flac",
    "alac.m4a",
    "pcm.aiff",
    "pcm.caf",
    "pcm.mka",
    "mp3.mp3",
    "mp2.mp2",
    "aac.m4a",
    "aac.aac",
    "vorbis.ogg",
    "opus.ogg",
    "opus.webm",
    "video_aac.mp4",
    "ac3.mka",
    "ac3.mp4",
    "not_audio.txt",
];

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Opens and fully decodes; any outcome but a panic is acceptable.
fn exercise(bytes: Vec<u8>, ext: Option<&str>) {
    let limits = Limits {
        max_duration_s: 30.0,
        ..Limits::default()
    };
    if let Ok(mut dec) = Decoder::open_bytes(bytes, ext, limits) {
        let _ = dec.info();
        let mut out = Vec::new();
        let mut calls = 0;
        while let Ok(true) = dec.read_mono(&mut out) {
            calls += 1;
            assert!(calls < 1_000_000, "decoder does not terminate");
            assert!(out.len() <= 30 * 192_000 + 200_000);
            out.clear();
        }
    }
}

fn ext_of(name: &str) -> Option<&str> {
    Path::new(name).extension().and_then(|e| e.to_str())
}

#[test]
fn truncated_prefixes_never_panic() {
    for name in ALL_FIXTURES {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let n = bytes.len();
        let mut cuts = vec![
            0, 1, 2, 3, 4, 8, 12, 16, 32, 36, 44, 48, 64, 100, 128, 200, 256, 512, 1024, 2048, 4096,
        ];
        cuts.extend([
            n / 8,
            n / 4,
            n / 3,
            n / 2,
            2 * n / 3,
            3 * n / 4,
            7 * n / 8,
            n.saturating_sub(100),
            n.saturating_sub(1),
        ]);
        for cut in cuts.into_iter().filter(|&c| c <= n) {
            exercise(bytes[..cut].to_vec(), ext_of(name));
            exercise(bytes[..cut].to_vec(), None);
        }
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    // VOXSCREEN_FUZZ_ROUNDS / VOXSCREEN_FUZZ_SEED allow a longer or different local run.
    let rounds: usize = std::env::var("VOXSCREEN_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("VOXSCREEN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed | 1);
    for name in ALL_FIXTURES {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for round in 0..rounds {
            let mut b = bytes.clone();
            let flips = 1 + rng.below(if round % 2 == 0 { 4 } else { 64 });
            for _ in 0..flips {
                // Half the rounds hit the header region, where parsers are most fragile.
                let i = if round % 4 < 2 {
                    rng.below(b.len().min(512))
                } else {
                    rng.below(b.len())
                };
                b[i] = rng.next() as u8;
            }
            exercise(b.clone(), ext_of(name));
            // A corrupted and truncated copy.
            let cut = rng.below(b.len() + 1);
            exercise(b[..cut].to_vec(), ext_of(name));
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for len in [1usize, 2, 4, 7, 16, 44, 100, 512, 4096, 65536, 300_000] {
        for ext in [
            None,
            Some("wav"),
            Some("mp3"),
            Some("mp4"),
            Some("ogg"),
            Some("mkv"),
            Some("flac"),
            Some("aac"),
        ] {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            exercise(bytes, ext);
        }
    }
    // Random payloads behind valid container magic.
    for magic in [
        &b"RIFF\x00\x10\x00\x00WAVEfmt "[..],
        b"fLaC",
        b"OggS",
        b"\x1aE\xdf\xa3",
        b"ID3\x03\x00",
        b"FORM\x00\x00\x10\x00AIFF",
        b"caff",
        b"\x00\x00\x00\x18ftypM4A ",
        b"\xff\xfb",
        b"\xff\xf1",
    ] {
        for len in [8usize, 64, 1024, 16384] {
            let mut bytes = magic.to_vec();
            bytes.extend((0..len).map(|_| rng.next() as u8));
            exercise(bytes, None);
        }
    }
}
