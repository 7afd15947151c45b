//! End-to-end behaviour of the Screener with the small development model
//! (tests/models/dev.json: logit = mean(features²) − 1, a known function, not a detector).

use std::path::PathBuf;

use voxscreen::{Error, Limits, Reason, Screener, Verdict};

mod common;
use common::{dev_screener, voiced};

#[test]
fn screener_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Screener>();
}

#[test]
fn samples_get_a_verdict_probability_and_timeline() {
    let screener = dev_screener();
    let report = screener
        .screen_samples(&voiced(5.0, 16000, 1), 16000)
        .unwrap();
    assert!(report.error.is_none());
    assert!(report.verdict.is_some());
    assert_ne!(report.verdict, Some(Verdict::NotApplicable));
    let p = report.probability_synthetic.unwrap();
    assert!((0.0..=1.0).contains(&p));
    // 5 s, window 2 s, hop 1 s: windows at 0,1,2,3 (ends at 5.0 exactly).
    let starts: Vec<f64> = report.timeline.iter().map(|w| w.start_s).collect();
    assert_eq!(starts, vec![0.0, 1.0, 2.0, 3.0]);
    assert!(report
        .timeline
        .iter()
        .all(|w| w.speech == w.probability_synthetic.is_some()));
    let audio = report.audio.unwrap();
    assert_eq!((audio.sample_rate, audio.channels), (16000, 1));
    assert!((audio.duration_s - 5.0).abs() < 1e-9);
}

#[test]
fn silence_is_not_applicable_no_speech() {
    let report = dev_screener()
        .screen_samples(&vec![0.0; 48000], 16000)
        .unwrap();
    assert_eq!(report.verdict, Some(Verdict::NotApplicable));
    assert_eq!(report.reason, Some(Reason::NoSpeech));
    assert_eq!(report.probability_synthetic, None);
}

#[test]
fn half_a_second_of_speech_is_too_short() {
    let mut samples = vec![0.0; 16000];
    samples.extend(voiced(0.5, 16000, 2));
    samples.extend(vec![0.0; 16000]);
    let report = dev_screener().screen_samples(&samples, 16000).unwrap();
    assert_eq!(report.verdict, Some(Verdict::NotApplicable));
    assert_eq!(report.reason, Some(Reason::TooShort));
    assert!(report
        .timeline
        .iter()
        .all(|w| w.probability_synthetic.is_none()));
}

#[test]
fn a_clip_shorter_than_a_window_is_tiled_and_judged() {
    let report = dev_screener()
        .screen_samples(&voiced(1.5, 16000, 3), 16000)
        .unwrap();
    assert_eq!(report.timeline.len(), 1);
    assert_eq!(
        (report.timeline[0].start_s, report.timeline[0].end_s),
        (0.0, 1.5)
    );
    assert!(report.probability_synthetic.is_some());
}

#[test]
fn other_sample_rates_are_resampled() {
    let report = dev_screener()
        .screen_samples(&voiced(3.0, 44100, 4), 44100)
        .unwrap();
    let audio = report.audio.unwrap();
    assert_eq!(audio.sample_rate, 44100);
    assert!((audio.duration_s - 3.0).abs() < 1e-3);
    assert!(report.probability_synthetic.is_some());
}

#[test]
fn narrowband_audio_is_screened_and_flagged() {
    let report = dev_screener()
        .screen_samples(&voiced(4.0, 8000, 5), 8000)
        .unwrap();
    assert!(report.probability_synthetic.is_some());
    assert!(report.flags.contains(&voxscreen::Flag::Narrowband));
    assert!(report.audio.unwrap().effective_bandwidth_hz <= 4000.0);
}

#[test]
fn bad_samples_give_typed_errors() {
    let s = dev_screener();
    assert!(matches!(
        s.screen_samples(&[], 16000),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.screen_samples(&[0.1; 100], 0),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.screen_samples(&[0.1, f32::NAN, 0.2], 16000),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.screen_samples(&[0.1; 100], 400_000),
        Err(Error::LimitExceeded(_))
    ));
    let tight = dev_screener().with_limits(Limits {
        max_duration_s: 1.0,
        ..Limits::default()
    });
    assert!(matches!(
        tight.screen_samples(&voiced(2.0, 16000, 6), 16000),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn same_input_gives_the_same_json_with_one_or_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<PathBuf> = Vec::new();
    for i in 0..6 {
        let path = dir.path().join(format!("clip{i}.wav"));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for x in voiced(3.0 + i as f64, 16000, 10 + i) {
            w.write_sample((x * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
        paths.push(path);
    }
    let screener = dev_screener();
    let json = |threads| -> Vec<String> {
        screener
            .screen_many(&paths, threads, &|_| {})
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect()
    };
    let one = json(1);
    assert_eq!(one, json(4));
    assert!(one.iter().all(|j| j.contains("\"error\":null")));
}

#[test]
fn bytes_read_elsewhere_give_the_report_of_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.wav");
    std::fs::write(&path, common::wav_i16(16000, &voiced(3.0, 16000, 3))).unwrap();
    let screener = dev_screener();
    let name = path.display().to_string();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        screener.report_for_bytes(&bytes, &name),
        screener.report_for_path(&path)
    );
    // A file that cannot be decoded: the same error report, with the bytes' sha256 and size.
    let junk = dir.path().join("broken.mp3");
    std::fs::write(&junk, b"not audio").unwrap();
    let from_bytes = screener.report_for_bytes(b"not audio", &junk.display().to_string());
    assert_eq!(from_bytes, screener.report_for_path(&junk));
    assert_eq!(from_bytes.size_bytes, Some(9));
    let broken = screener.report_for_bytes(b"not audio", "s3://bucket/broken.mp3");
    assert_eq!(broken.path.as_deref(), Some("s3://bucket/broken.mp3"));
    assert_eq!(broken.error.unwrap().kind, "unsupported_format");
    assert!(broken.verdict.is_none());
}

/// A steady tone (scores low with the dev model), with `burst_s` of on/off noise bursts (scores
/// high) spliced into the middle: the clip mean stays below the synthetic threshold, but the
/// longest run finds the splice and the run rule makes the clip `likely_synthetic`.
#[test]
fn a_spliced_segment_is_found_by_the_longest_run() {
    let rate = 16000;
    let tone = |seconds: f64| -> Vec<f32> {
        (0..(seconds * rate as f64) as usize)
            .map(|i| 0.1 * (2.0 * std::f32::consts::PI * 200.0 * i as f32 / rate as f32).sin())
            .collect()
    };
    let mut state = 12345u32;
    let bursts: Vec<f32> = (0..6 * rate)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let on = (i / 1600) % 2 == 0;
            if on {
                (state as f32 / u32::MAX as f32 - 0.5) * 0.6
            } else {
                0.0005 * (state as f32 / u32::MAX as f32 - 0.5)
            }
        })
        .collect();
    let mut clip = tone(60.0);
    clip.extend(&bursts);
    clip.extend(tone(60.0));
    let report = dev_screener().screen_samples(&clip, rate as u32).unwrap();
    let p = report.probability_synthetic.unwrap();
    assert!(p < 0.9, "the clip mean alone would not flag it: {p}");
    let run = report.longest_synthetic_run.expect("a run is found");
    assert!(run.start_s >= 58.0 && run.end_s <= 68.0, "{run:?}");
    assert!(run.seconds >= 4.0, "{run:?}");
    assert_eq!(report.verdict, Some(Verdict::LikelySynthetic));
}
