//! The public entry point: a thread-safe [`Screener`] that turns a clip into a [`Report`].

use std::io::Read;
use std::path::{Path, PathBuf};

use ndarray::{s, Array3, Axis};
use sha2::{Digest, Sha256};

use crate::conditions;
use crate::error::{Error, Result};
use crate::features::FeatureExtractor;
use crate::limits::Limits;
use crate::model::{to_hex, Classifier, Manifest, Model};
use crate::pipeline::{stream_windows, Input};
use crate::report::{ErrorInfo, ModelInfo, Reason, Report, TimelineEntry, SCHEMA_VERSION};
use crate::scores::{self, WindowScore};
use crate::segment::WindowSpan;

/// Windows sent to the model per inference call.
const BATCH: usize = 16;

/// Screens clips with one model. `Send + Sync`: share one screener between threads.
pub struct Screener {
    classifier: Classifier,
    extractor: FeatureExtractor,
    model_info: ModelInfo,
    limits: Limits,
}

impl Screener {
    /// A screener for `model` with default limits, one ONNX Runtime thread per call.
    pub fn new(model: Model) -> Result<Screener> {
        let extractor = FeatureExtractor::new(&model.manifest().features)?;
        let model_info = model.info();
        Ok(Screener {
            classifier: Classifier::new(model, 1)?,
            extractor,
            model_info,
            limits: Limits::default(),
        })
    }

    /// A screener for the model shipped inside voxscreen.
    #[cfg(feature = "default-model")]
    pub fn from_default() -> Result<Screener> {
        Screener::new(Model::shipped()?)
    }

    /// A screener for the model whose manifest (`.json`) or `.onnx` is at `path`.
    pub fn from_path(path: &Path) -> Result<Screener> {
        Screener::new(Model::from_path(path)?)
    }

    /// The same screener with other resource limits.
    pub fn with_limits(mut self, limits: Limits) -> Screener {
        self.limits = limits;
        self
    }

    /// The resource limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The model's manifest (thresholds, window, front-end).
    pub fn manifest(&self) -> &Manifest {
        self.classifier.model().manifest()
    }

    /// Name, version and checksum of the model, as written in reports.
    pub fn model_info(&self) -> &ModelInfo {
        &self.model_info
    }

    /// Screens an audio or video file.
    pub fn screen_path(&self, path: &Path) -> Result<Report> {
        let identity = file_identity(path, &self.limits)?;
        self.screen(
            Input::Path(path),
            Some(path.display().to_string()),
            identity,
        )
    }

    /// Screens the bytes of an encoded file; `name` (a path or file name) is reported and its
    /// extension used as a format hint.
    pub fn screen_bytes(&self, bytes: &[u8], name: Option<&str>) -> Result<Report> {
        let extension = name
            .and_then(|n| Path::new(n).extension())
            .and_then(|e| e.to_str());
        let identity = bytes_identity(bytes);
        self.screen(
            Input::Bytes(bytes, extension),
            name.map(str::to_string),
            identity,
        )
    }

    /// Screens mono samples in [-1, 1] at `sample_rate`.
    pub fn screen_samples(&self, samples: &[f32], sample_rate: u32) -> Result<Report> {
        let mut hasher = Sha256::new();
        for x in samples {
            hasher.update(x.to_le_bytes());
        }
        let identity = Identity {
            sha256: to_hex(&hasher.finalize()),
            size_bytes: std::mem::size_of_val(samples) as u64,
        };
        self.screen(Input::Samples(samples, sample_rate), None, identity)
    }

    /// The report filed for an input that could not be screened.
    pub fn error_report(&self, path: Option<String>, error: &Error) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            path,
            sha256: None,
            size_bytes: None,
            verdict: None,
            probability_synthetic: None,
            reason: None,
            flags: Vec::new(),
            longest_synthetic_run: None,
            audio: None,
            model: self.model_info.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            timeline: Vec::new(),
            envelope: None,
            error: Some(ErrorInfo {
                kind: error.kind().to_string(),
                message: error.to_string(),
            }),
        }
    }

    /// Screens a file and files any failure as an error report (with the file's sha256 and
    /// size when it could be read, so a failed file is identified too). A panic, which no input
    /// should cause, is caught too so that a batch never stops for one file.
    pub fn report_for_path(&self, path: &Path) -> Report {
        let name = || Some(path.display().to_string());
        let identity = match file_identity(path, &self.limits) {
            Ok(identity) => identity,
            Err(e) => return self.error_report(name(), &e),
        };
        let known = identity.clone();
        let screened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.screen(Input::Path(path), name(), identity)
        }));
        let mut report = match screened {
            Ok(Ok(report)) => return report,
            Ok(Err(e)) => self.error_report(name(), &e),
            Err(_) => self.error_report(
                name(),
                &Error::Decode("internal error (panic) while screening this file".into()),
            ),
        };
        report.sha256 = Some(known.sha256);
        report.size_bytes = Some(known.size_bytes);
        report
    }

    /// Screens the bytes of a file read from `name` (reported as its path, its extension the
    /// format hint) and files any failure, a panic included, as an error report, as
    /// [`Screener::report_for_path`] does for a path (an error report of bytes within the size
    /// limit keeps their sha256 and size, as one of a readable file does).
    pub fn report_for_bytes(&self, bytes: &[u8], name: &str) -> Report {
        let screened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.screen_bytes(bytes, Some(name))
        }));
        let mut report = match screened {
            Ok(Ok(report)) => return report,
            Ok(Err(e)) => self.error_report(Some(name.to_string()), &e),
            Err(_) => self.error_report(
                Some(name.to_string()),
                &Error::Decode("internal error (panic) while screening this file".into()),
            ),
        };
        if bytes.len() as u64 <= self.limits.max_file_size {
            let known = bytes_identity(bytes);
            report.sha256 = Some(known.sha256);
            report.size_bytes = Some(known.size_bytes);
        }
        report
    }

    /// Screens every path on `threads` worker threads (0 = all cores). Reports come back in
    /// input order, failures as error reports; `on_done` is called as each file finishes.
    pub fn screen_many(
        &self,
        paths: &[PathBuf],
        threads: usize,
        on_done: &(dyn Fn(&Report) + Sync),
    ) -> Vec<Report> {
        use rayon::prelude::*;
        let work = || {
            paths
                .par_iter()
                .map(|p| {
                    let report = self.report_for_path(p);
                    on_done(&report);
                    report
                })
                .collect()
        };
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(work),
            Err(_) => paths
                .iter()
                .map(|p| {
                    let report = self.report_for_path(p);
                    on_done(&report);
                    report
                })
                .collect(),
        }
    }

    fn screen(&self, input: Input<'_>, path: Option<String>, identity: Identity) -> Result<Report> {
        let manifest = self.manifest();
        let rate = manifest.sample_rate as f64;
        let rows = self.extractor.n_rows();
        let frames = self.extractor.n_frames(manifest.window_samples());
        let mut batch = Array3::<f32>::zeros((BATCH, rows, frames));
        let mut filled = 0usize;
        let mut spans: Vec<WindowSpan> = Vec::new();
        let mut logits: Vec<f32> = Vec::new();
        let run_batch = |batch: &Array3<f32>, n: usize, logits: &mut Vec<f32>| -> Result<()> {
            logits.extend(self.classifier.logits(batch.slice(s![..n, .., ..]))?);
            Ok(())
        };
        let facts = stream_windows(input, manifest, &self.limits, |span, window| {
            self.extractor
                .model_input_into(window, batch.index_axis_mut(Axis(0), filled));
            filled += 1;
            spans.push(span);
            if filled == BATCH {
                run_batch(&batch, filled, &mut logits)?;
                filled = 0;
            }
            Ok(())
        })?;
        run_batch(&batch, filled, &mut logits)?;

        let speech_s = facts.speech.speech_seconds();
        let windows: Vec<WindowScore> = spans
            .iter()
            .zip(&logits)
            .map(|(span, &logit)| WindowScore {
                start_s: span.start as f64 / rate,
                end_s: span.end as f64 / rate,
                logit: facts
                    .speech
                    .window_has_speech(*span)
                    .then_some(logit as f64),
            })
            .collect();
        let has_speech_window = windows.iter().any(|w| w.logit.is_some());
        let reason = if speech_s == 0.0 || !has_speech_window {
            Some(Reason::NoSpeech)
        } else if speech_s < manifest.min_speech_s {
            Some(Reason::TooShort)
        } else {
            None
        };
        let calibration = &manifest.calibration;
        let thresholds = &manifest.thresholds;
        let (verdict, probability, run) = match reason {
            Some(_) => (crate::report::Verdict::NotApplicable, None, None),
            None => {
                let p = scores::clip_probability(&windows, calibration)
                    .ok_or_else(|| Error::Model("no speech window was scored".into()))?;
                let run = scores::longest_synthetic_run(
                    &windows,
                    calibration,
                    thresholds.likely_synthetic,
                );
                (scores::verdict(p, run.as_ref(), thresholds), Some(p), run)
            }
        };
        let timeline = windows
            .iter()
            .map(|w| TimelineEntry {
                start_s: w.start_s,
                end_s: w.end_s,
                speech: w.logit.is_some(),
                probability_synthetic: match reason {
                    Some(_) => None,
                    None => w.logit.map(|l| calibration.probability(l)),
                },
            })
            .collect();
        let flags = conditions::flags(
            facts.audio.effective_bandwidth_hz,
            facts.clipped,
            facts.speech.speech_level_dbfs(),
            facts.speech.snr_db(),
            facts.lossy,
        );
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            path,
            sha256: Some(identity.sha256),
            size_bytes: Some(identity.size_bytes),
            verdict: Some(verdict),
            probability_synthetic: probability,
            reason,
            flags,
            longest_synthetic_run: run,
            audio: Some(facts.audio),
            model: self.model_info.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            timeline,
            envelope: Some(facts.envelope),
            error: None,
        })
    }
}

/// What identifies the screened bytes in a report.
#[derive(Debug, Clone)]
struct Identity {
    sha256: String,
    size_bytes: u64,
}

/// sha256 and size of bytes held in memory.
fn bytes_identity(bytes: &[u8]) -> Identity {
    Identity {
        sha256: to_hex(&Sha256::digest(bytes)),
        size_bytes: bytes.len() as u64,
    }
}

/// sha256 and size of a file, read in blocks (refuses files over the size limit before reading).
fn file_identity(path: &Path, limits: &Limits) -> Result<Identity> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limits.max_file_size {
        return Err(Error::LimitExceeded(format!(
            "file is {size} bytes, above the limit of {} bytes",
            limits.max_file_size
        )));
    }
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size_bytes = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        size_bytes += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok(Identity {
        sha256: to_hex(&hasher.finalize()),
        size_bytes,
    })
}
