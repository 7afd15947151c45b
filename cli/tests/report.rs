//! `voxscreen report` and `screen --report`: file names, index.html, self-contained pages,
//! hostile file names, numbers read from the model manifest, page size of a 4-hour clip,
//! non-UTF-8 paths, error and not_applicable pages (development model, tests/models/dev.json).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{code, dev_model, repo, voxscreen, wav};

/// A 200 Hz tone that is on for `on_s` seconds, then off for as long, repeatedly.
fn gated_tone(seconds: f64, rate: u32, on_s: f64) -> Vec<i16> {
    (0..(seconds * rate as f64) as usize)
        .map(|i| {
            let t = i as f64 / rate as f64;
            if ((t / on_s) as u64).is_multiple_of(2) {
                ((t * 2.0 * std::f64::consts::PI * 200.0).sin() * 8000.0) as i16
            } else {
                0
            }
        })
        .collect()
}

/// Runs `voxscreen report --model <model> --no-progress --out <out> <paths…>`.
fn report(model: &Path, out: &Path, paths: &[&std::ffi::OsStr]) -> Output {
    let mut args: Vec<std::ffi::OsString> = vec![
        "report".into(),
        "--no-progress".into(),
        "--threads".into(),
        "2".into(),
        "--max-duration".into(),
        "20000".into(),
        "--model".into(),
        model.into(),
        "--out".into(),
        out.into(),
    ];
    args.extend(paths.iter().map(|p| p.to_os_string()));
    voxscreen(&args)
}

/// The pages in `dir` (besides index.html), sorted.
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "index.html"))
        .collect();
    found.sort();
    found
}

/// What every page must respect: self-contained, no script, no network.
fn assert_self_contained(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "http://", "https://", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(!lower.contains(banned), "{what} holds {banned}");
    }
    assert!(lower.starts_with("<!doctype html>"), "{what}");
}

#[test]
fn pages_are_named_indexed_and_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let clips = dir.path().join("clips");
    std::fs::create_dir(&clips).unwrap();
    std::fs::write(
        clips.join("a tone.wav"),
        wav(16000, &gated_tone(6.0, 16000, 2.0)),
    )
    .unwrap();
    std::fs::write(
        clips.join("short.wav"),
        wav(16000, &gated_tone(0.4, 16000, 1.0)),
    )
    .unwrap();
    std::fs::write(clips.join("broken.wav"), b"RIFF....WAVEjunk").unwrap();
    let out_dir = dir.path().join("reports");
    let out = report(&dev_model(), &out_dir, &[clips.as_os_str()]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));

    let names: Vec<String> = pages(&out_dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    // Input order (folders are sorted): "a tone", broken, short.
    let shape = |n: &str, number: &str, stem: &str| {
        n.starts_with(&format!("{number}-{stem}-"))
            && n.ends_with(".html")
            && n.len() == format!("{number}-{stem}-").len() + 12 + 5
    };
    assert!(shape(&names[0], "0001", "a_tone"), "{names:?}");
    assert!(shape(&names[1], "0002", "broken"), "{names:?}");
    assert!(shape(&names[2], "0003", "short"), "{names:?}");

    let index = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert_self_contained(&index, "index.html");
    for name in &names {
        assert!(
            index.contains(&format!("href=\"{name}\"")),
            "index lacks {name}"
        );
    }
    for verdict in ["error", "not_applicable"] {
        assert!(index.contains(verdict), "index lacks {verdict}");
    }

    for path in pages(&out_dir) {
        let html = std::fs::read_to_string(&path).unwrap();
        assert_self_contained(&html, &path.display().to_string());
        assert!(html.contains("What this does NOT mean"));
        assert!(html.contains("Evidence identity"));
        assert!(html.contains("Screened at (UTC)"));
    }
    let tone = std::fs::read_to_string(&pages(&out_dir)[0]).unwrap();
    assert!(tone.contains("<svg"), "the timeline is inline SVG");
    assert!(
        tone.contains("class=\"wave\""),
        "the waveform envelope is drawn"
    );
    assert!(
        tone.contains("class=\"ns\""),
        "non-speech windows are shaded"
    );
    assert!(tone.contains(&format!("{} bytes", 44 + 2 * 6 * 16000)));
    let broken = std::fs::read_to_string(&pages(&out_dir)[1]).unwrap();
    assert!(broken.contains("VERDICT: error") && broken.contains("Not screened: the file"));
    let short = std::fs::read_to_string(&pages(&out_dir)[2]).unwrap();
    assert!(short.contains("VERDICT: not_applicable") && short.contains("not enough speech"));
}

#[test]
fn screen_report_writes_pages_and_keeps_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("c.wav");
    std::fs::write(&clip, wav(16000, &gated_tone(4.0, 16000, 4.0))).unwrap();
    let out_dir = dir.path().join("r");
    let model = dev_model();
    let out = voxscreen(&[
        "screen".as_ref(),
        "--json".as_ref(),
        "--no-progress".as_ref(),
        "--model".as_ref(),
        model.as_os_str(),
        "--report".as_ref(),
        out_dir.as_os_str(),
        clip.as_os_str(),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert_eq!(line["schema_version"], 2);
    assert_eq!(line["size_bytes"], 44 + 2 * 4 * 16000);
    let envelope = &line["envelope"];
    assert!(envelope["min"].as_array().unwrap().len() <= 1000);
    // The JSON stays deterministic: no screening time in it.
    assert!(line.get("screened_at").is_none());
    assert_eq!(pages(&out_dir).len(), 1);
    assert!(out_dir.join("index.html").is_file());
}

#[test]
fn hostile_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "<script>alert(1)<!--'\"&amp; <img src=x onerror=alert(2)>.wav";
    let clip = dir.path().join(name);
    std::fs::write(&clip, wav(16000, &gated_tone(3.0, 16000, 3.0))).unwrap();
    let out_dir = dir.path().join("r");
    let out = report(&dev_model(), &out_dir, &[clip.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let page = pages(&out_dir).remove(0);
    let file = page.file_name().unwrap().to_str().unwrap();
    assert!(
        file.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{file}"
    );
    for html in [
        std::fs::read_to_string(&page).unwrap(),
        std::fs::read_to_string(out_dir.join("index.html")).unwrap(),
    ] {
        assert_self_contained(&html, file);
        assert!(!html.contains("<img"), "raw markup from the file name");
        assert!(!html.contains("<!--'"), "raw comment from the file name");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;!--"),
            "escaped name shown"
        );
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_get_pages() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let clip = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9 \xff.wav"));
    std::fs::write(&clip, wav(16000, &gated_tone(3.0, 16000, 3.0))).unwrap();
    let out_dir = dir.path().join("r");
    let out = report(&dev_model(), &out_dir, &[clip.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let page = pages(&out_dir).remove(0);
    let file = page.file_name().unwrap().to_str().unwrap().to_string();
    assert!(file.starts_with("0001-caf___-"), "{file}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("caf\u{fffd} \u{fffd}.wav"),
        "lossy name shown"
    );
}

/// A copy of the development model whose manifest carries `evaluation` and `coverage` blocks
/// with numbers and words no real manifest has.
fn altered_model(dir: &Path) -> PathBuf {
    std::fs::copy(repo().join("tests/models/dev.onnx"), dir.join("dev.onnx")).unwrap();
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dev_model()).unwrap()).unwrap();
    manifest["evaluation"] = serde_json::json!([{
        "set": "altered-real-world-set",
        "description": "a set that exists only in this test",
        "real_world": true,
        "genuine_clips": 4321, "synthetic_clips": 8765,
        "eer": 0.3141, "auc": 0.6, "genuine_false_positive_rate": 0.0777,
        "miss_rate": 0.6543, "synthetic_caught": 0.1234,
        "by_family": [{"family": "altered-family", "genuine_clips": 4321, "synthetic_clips": 5,
                       "eer": 0.2222, "auc": 0.7, "genuine_false_positive_rate": 0.0777,
                       "miss_rate": 0.4444, "synthetic_caught": 0.5555}],
        "command": "voxscreen eval altered.csv"
    }]);
    manifest["coverage"] = serde_json::json!({
        "genuine_languages": ["ko", "xx"],
        "genuine_sources": "altered genuine sources",
        "generator_families": ["altered generator family"],
        "not_covered": "altered things not covered"
    });
    let path = dir.join("dev.json");
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    path
}

#[test]
fn pages_show_the_manifest_numbers_not_hard_coded_ones() {
    let dir = tempfile::tempdir().unwrap();
    let model = altered_model(dir.path());
    let clip = dir.path().join("c.wav");
    std::fs::write(&clip, wav(16000, &gated_tone(3.0, 16000, 3.0))).unwrap();
    let out_dir = dir.path().join("r");
    let out = report(&model, &out_dir, &[clip.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(pages(&out_dir).remove(0)).unwrap();
    for expected in [
        "altered-real-world-set",
        "4321",
        "8765",
        "31.4%",
        "7.8%",
        "65.4%",
        "12.3%",
        "altered-family",
        "44.4%",
        "Korean, xx",
        "altered genuine sources",
        "altered generator family",
        "altered things not covered",
    ] {
        assert!(html.contains(expected), "page lacks {expected}");
    }
    // The shipped model's numbers are not on a page made with another model.
    let shipped = voxscreen::model::shipped_manifest().unwrap();
    let demo = voxscreen_cli_pct(shipped.evaluation[0].rates.eer);
    assert!(!html.contains(&format!("equal error rate {demo}")));
}

/// The page's percentage format (one decimal).
fn voxscreen_cli_pct(rate: Option<f64>) -> String {
    format!("{:.1}%", 100.0 * rate.unwrap_or(f64::NAN))
}

#[test]
fn a_manifest_without_blocks_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("c.wav");
    std::fs::write(&clip, wav(16000, &gated_tone(3.0, 16000, 3.0))).unwrap();
    let out_dir = dir.path().join("r");
    let out = report(&dev_model(), &out_dir, &[clip.as_os_str()]);
    assert_eq!(code(&out), 0);
    let html = std::fs::read_to_string(pages(&out_dir).remove(0)).unwrap();
    assert!(html.contains("holds no measured error rates"));
    assert!(html.contains("does not say which generators and languages it covers"));
}

#[test]
fn help_coverage_comes_from_the_shipped_manifest() {
    let shipped = voxscreen::model::shipped_manifest().unwrap();
    let coverage = shipped
        .coverage
        .as_ref()
        .expect("shipped manifest has coverage");
    for args in [
        &["--help"][..],
        &["screen", "--help"][..],
        &["report", "--help"][..],
    ] {
        let text = String::from_utf8(voxscreen(args).stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&shipped.evaluation[0].set), "{args:?}");
        let fpr = voxscreen_cli_pct(shipped.evaluation[0].rates.genuine_false_positive_rate);
        assert!(flat.contains(&fpr), "{args:?} lacks {fpr}");
        let first_words: String = coverage
            .not_covered
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(&first_words), "{args:?} lacks {first_words}");
    }
}

#[test]
fn a_four_hour_clip_page_stays_under_one_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("long.wav");
    // 4 hours at 2 kHz (a 200 Hz tone gated every 7 s): 57.6 MB, an eighth of its 16 kHz size.
    let seconds = 4.0 * 3600.0;
    std::fs::write(&clip, wav(2000, &gated_tone(seconds, 2000, 7.0))).unwrap();
    let out_dir = dir.path().join("r");
    let out = report(&dev_model(), &out_dir, &[clip.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let page = pages(&out_dir).remove(0);
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 1_000_000, "page is {size} bytes");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("4:00:00"), "the duration is shown");
    assert!(html.contains("columns; each shows the highest probability"));
}
