//! Every input in tests/fuzz_regressions/ (found by the fuzz targets in fuzz/) is screened
//! with the development model: a report or a typed input error, never a panic.

use std::path::Path;

use voxscreen::Report;

mod common;
use common::dev_screener;

/// `features-*` inputs: 4-byte little-endian sample rate, then f32 samples.
fn samples_of(bytes: &[u8]) -> Option<(u32, Vec<f32>)> {
    let rate = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let samples = bytes[4..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Some((rate, samples))
}

#[test]
fn fuzz_regressions_give_a_report_or_a_typed_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    let screener = dev_screener();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if name.starts_with("features-") {
                match samples_of(&bytes) {
                    Some((rate, samples)) => screener.screen_samples(&samples, rate),
                    None => Ok(screener
                        .error_report(None, &voxscreen::Error::InvalidInput("short".into()))),
                }
            } else {
                // The file name carries the target's extension hint (none for screen_bytes).
                let result = screener.screen_bytes(&bytes, Some(&name));
                // …and the same bytes from a file, the CLI's path.
                let from_file: voxscreen::Result<Report> = screener.screen_path(&path);
                assert_eq!(
                    result.is_ok(),
                    from_file.is_ok(),
                    "{name}: bytes and path disagree"
                );
                result
            }
        }));
        match outcome {
            Err(_) => panic!("{name}: screening panicked"),
            Ok(Ok(report)) => {
                if let Some(p) = report.probability_synthetic {
                    assert!((0.0..=1.0).contains(&p), "{name}: {p}");
                }
            }
            Ok(Err(e)) => assert!(!e.is_model_error(), "{name}: {e}"),
        }
    }
}
