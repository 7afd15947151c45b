//! The `voxscreen` binary on hostile batches, limits, help and exit statuses
//! (with the development model, tests/models/dev.json).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{code, dev_model, voxscreen, wav};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// `voxscreen screen --json --model dev.json --threads 2 <extra…>`.
fn screen_json(extra: &[&str]) -> Output {
    let model = dev_model();
    let mut args = vec![
        "screen",
        "--json",
        "--no-progress",
        "--threads",
        "2",
        "--model",
        model.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    voxscreen(&args)
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn tone(seconds: f64, rate: u32) -> Vec<i16> {
    (0..(seconds * rate as f64) as usize)
        .map(|i| {
            ((i as f32 * 2.0 * std::f32::consts::PI * 200.0 / rate as f32).sin() * 8000.0) as i16
        })
        .collect()
}

#[test]
fn ten_thousand_tiny_files_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let header_only = wav(16000, &[]);
    let one_sample = wav(16000, &[1000]);
    let n = 10_000;
    for i in 0..n {
        // Every 500th file holds one sample (screens: not_applicable); the rest are header-only
        // (decode errors, screened without running the model).
        let bytes = if i % 500 == 0 {
            &one_sample
        } else {
            &header_only
        };
        std::fs::write(dir.path().join(format!("f{i:05}.wav")), bytes).unwrap();
    }
    let out = screen_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let reports = json_lines(&out);
    assert_eq!(reports.len(), n);
    let ok: Vec<_> = reports.iter().filter(|r| r["error"].is_null()).collect();
    assert_eq!(ok.len(), n / 500);
    assert!(ok.iter().all(|r| r["verdict"] == "not_applicable"));
    assert!(reports
        .iter()
        .filter(|r| !r["error"].is_null())
        .all(|r| r["error"]["kind"] == "decode"));
    // Input order is kept.
    let paths: Vec<&str> = reports
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn exit_zero_when_every_file_is_screened() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20 {
        std::fs::write(
            dir.path().join(format!("one{i:02}.wav")),
            wav(16000, &[i as i16 * 100]),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("notes.txt"),
        b"not media: skipped in folders",
    )
    .unwrap();
    let out = screen_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 20);
    assert!(reports
        .iter()
        .all(|r| r["error"].is_null() && !r["verdict"].is_null()));
}

#[test]
fn one_bad_file_among_good_ones_gives_exit_one_and_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.wav");
    std::fs::write(&good, wav(16000, &tone(1.5, 16000))).unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let text = fixture("not_audio.txt");
    let out = screen_json(&[
        empty.to_str().unwrap(),
        text.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1);
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0]["error"]["kind"], "unsupported_format");
    assert!(!reports[1]["error"].is_null());
    assert!(reports[2]["error"].is_null());
}

#[test]
fn limit_flags_give_limit_exceeded_reports() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("three_seconds.wav");
    std::fs::write(&clip, wav(16000, &tone(3.0, 16000))).unwrap();
    let stereo = fixture("stereo_s16.wav");
    let clip_s = clip.to_str().unwrap();
    let cases: [(&str, &str, &str); 4] = [
        ("--max-duration", "1", clip_s),
        ("--max-channels", "1", stereo.to_str().unwrap()),
        ("--max-sample-rate", "8000", clip_s),
        ("--max-file-size", "1000", clip_s),
    ];
    for (flag, value, path) in cases {
        let out = screen_json(&[flag, value, path]);
        assert_eq!(code(&out), 1, "{flag}");
        let reports = json_lines(&out);
        assert_eq!(reports.len(), 1, "{flag}");
        assert_eq!(
            reports[0]["error"]["kind"], "limit_exceeded",
            "{flag}: {}",
            reports[0]
        );
        assert!(reports[0]["verdict"].is_null());
    }
    // Within the limits the same file screens.
    let out = screen_json(&["--max-duration", "10", "--max-channels", "1", clip_s]);
    assert_eq!(code(&out), 0);
}

#[test]
fn help_mentions_every_verdict_and_flag() {
    for args in [&["--help"][..], &["screen", "--help"][..]] {
        let out = voxscreen(args);
        assert_eq!(code(&out), 0);
        let text = String::from_utf8(out.stdout).unwrap();
        for word in [
            "likely_synthetic",
            "likely_genuine",
            "inconclusive",
            "not_applicable",
            "too_short",
            "no_speech",
            "narrowband",
            "clipped",
            "low_level",
            "noisy",
            "lossy_codec",
        ] {
            assert!(text.contains(word), "{args:?} --help lacks {word}");
        }
    }
}

#[test]
fn version_is_printed() {
    let out = voxscreen(&["--version"]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("voxscreen ") && text.contains(env!("CARGO_PKG_VERSION")),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_two() {
    let good = fixture("pcm_s16.wav");
    assert_eq!(
        code(&voxscreen(&[
            "screen",
            "--no-such-flag",
            good.to_str().unwrap()
        ])),
        2
    );
    assert_eq!(code(&voxscreen(&["screen"])), 2);
    assert_eq!(code(&voxscreen(&["frobnicate"])), 2);
    assert_eq!(
        code(&voxscreen(&[
            "screen",
            "--threads",
            "many",
            good.to_str().unwrap()
        ])),
        2
    );
    let out = screen_json(&["/nonexistent/clip.wav"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_model_exits_three() {
    let good = fixture("pcm_s16.wav");
    let out = voxscreen(&[
        "screen",
        "--model",
        "/nonexistent.json",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stderr.is_empty());
}

#[test]
fn the_binary_finds_onnx_runtime_in_the_project_venv() {
    // scripts/setup.sh makes .venv beside target/; the binary must find its ONNX Runtime with
    // no variable set and no python3 on PATH (as after scripts/screen-examples.sh).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = Path::new(env!("CARGO_BIN_EXE_voxscreen"));
    let inside = match (root.canonicalize(), exe.canonicalize()) {
        (Ok(r), Ok(e)) => e.starts_with(&r),
        _ => false,
    };
    if !root.join(".venv/lib").is_dir() || !inside {
        eprintln!("skipped: no .venv in the project, or the binary is built outside it");
        return;
    }
    let out = Command::new(exe)
        .args(["screen", "--json", "--no-progress", "--model"])
        .arg(dev_model())
        .arg(fixture("pcm_s16.wav"))
        .env_remove("ORT_DYLIB_PATH")
        .env_remove("VIRTUAL_ENV")
        .env_remove("LD_LIBRARY_PATH")
        .env("PATH", "/nonexistent")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs voxscreen");
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
}
