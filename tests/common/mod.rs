//! Helpers shared by the integration tests.

use std::path::Path;

use voxscreen::Screener;

/// A screener for the small development model (tests/models/dev.json: logit = mean(features²) − 1).
pub fn dev_screener() -> Screener {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/dev.json");
    Screener::from_path(&path)
        .expect("dev model loads (set ORT_DYLIB_PATH if ONNX Runtime is not found)")
}
