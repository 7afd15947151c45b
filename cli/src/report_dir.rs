//! A folder of HTML reports: `NNNN-<sanitised stem>-<sha256[:12]>.html` per clip, in input
//! order, and `index.html` linking them (`voxscreen report` and `screen --report`).

use std::path::{Path, PathBuf};

use voxscreen::model::Manifest;
use voxscreen::Report;

use crate::html::{self, IndexRow};

/// Longest sanitised stem kept in a page's file name.
const MAX_STEM: usize = 48;

/// Writes one page per report as reports arrive, then the index.
pub struct ReportDir {
    dir: PathBuf,
    manifest: Manifest,
    rows: Vec<IndexRow>,
    started: String,
}

impl ReportDir {
    /// Creates `dir` (and its parents) for the reports of a batch screened with `manifest`.
    pub fn create(dir: &Path, manifest: &Manifest) -> Result<ReportDir, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the report folder {}: {e}", dir.display()))?;
        Ok(ReportDir {
            dir: dir.to_path_buf(),
            manifest: manifest.clone(),
            rows: Vec::new(),
            started: html::now_utc(),
        })
    }

    /// Writes the page of the next report.
    pub fn write(&mut self, report: &Report) -> Result<(), String> {
        let number = self.rows.len() + 1;
        let name = page_name(number, report);
        let page = html::clip_document(report, Some(&self.manifest), Some(&html::now_utc()))
            .map_err(|e| e.to_string())?;
        let path = self.dir.join(&name);
        std::fs::write(&path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.rows.push(IndexRow::new(number, report, name));
        Ok(())
    }

    /// Writes `index.html`; returns its path.
    pub fn finish(self) -> Result<PathBuf, String> {
        let page = html::index_document(&self.rows, &self.manifest, &self.started)
            .map_err(|e| e.to_string())?;
        let path = self.dir.join("index.html");
        std::fs::write(&path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

/// `NNNN-<stem>-<sha256[:12]>.html`: the stem keeps ASCII letters, digits, `.`, `_` and `-`
/// (anything else becomes `_`), so names are safe on every file system and in a link.
fn page_name(number: usize, report: &Report) -> String {
    let stem = match report.path.as_deref() {
        None => "memory".to_string(),
        Some("-") => "stdin".to_string(),
        Some(p) => Path::new(p)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let mut clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM)
        .collect();
    clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        clean = "clip".into();
    }
    let sha = report
        .sha256
        .as_deref()
        .and_then(|s| s.get(..12))
        .unwrap_or("nosha256");
    format!("{number:04}-{clean}-{sha}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: Option<&str>, sha: Option<&str>) -> Report {
        let screener_free = serde_json::json!({
            "schema_version": 2, "path": path, "sha256": sha, "size_bytes": null,
            "verdict": null, "probability_synthetic": null, "reason": null, "flags": [],
            "longest_synthetic_run": null, "audio": null,
            "model": {"name": "m", "version": "1", "sha256": "00"}, "tool_version": "0",
            "timeline": [], "envelope": null, "error": {"kind": "io", "message": "x"}
        });
        serde_json::from_value(screener_free).unwrap()
    }

    #[test]
    fn names_are_numbered_sanitised_and_hashed() {
        let sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let r = report(Some("dir/<img src=x onerror=alert(1)> é.wav"), Some(sha));
        assert_eq!(
            page_name(7, &r),
            "0007-_img_src_x_onerror_alert_1____-0123456789ab.html"
        );
        assert_eq!(
            page_name(1, &report(Some("-"), None)),
            "0001-stdin-nosha256.html"
        );
        assert_eq!(
            page_name(12345, &report(Some("..."), None)),
            "12345-clip-nosha256.html"
        );
        assert_eq!(
            page_name(2, &report(None, Some(sha))),
            "0002-memory-0123456789ab.html"
        );
        let long = "x".repeat(300) + ".wav";
        assert!(page_name(3, &report(Some(&long), None)).len() < 80);
    }
}
