//! The ONNX classifier: its manifest, checksum verification and inference through ONNX Runtime.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ndarray::ArrayView3;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::features::FeatureSpec;
use crate::report::ModelInfo;

/// How window logits become probabilities: `p = sigmoid(a * logit + b)` (Platt scaling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Calibration method; only `platt` is defined.
    pub method: String,
    /// Slope applied to the logit.
    pub a: f64,
    /// Offset added to the scaled logit.
    pub b: f64,
    /// Where the parameters were fitted (split and counts).
    #[serde(default)]
    pub fitted_on: String,
}

impl Calibration {
    /// Calibrated probability of synthetic speech for a logit.
    pub fn probability(&self, logit: f64) -> f64 {
        1.0 / (1.0 + (-(self.a * logit + self.b)).exp())
    }
}

/// Decision thresholds on the calibrated clip probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Clip probability at or above which a clip is `likely_synthetic`.
    pub likely_synthetic: f64,
    /// Clip probability at or below which a clip is `likely_genuine`.
    pub likely_genuine: f64,
    /// A run of windows above `likely_synthetic` at least this long (seconds) also makes a clip
    /// `likely_synthetic`, so a spliced fake sentence does not average away.
    pub min_synthetic_run_s: f64,
    /// False-positive rate on genuine calibration clips that `likely_synthetic` was set for.
    #[serde(default)]
    pub target_false_positive_rate: f64,
    /// How the thresholds were chosen, on which split.
    #[serde(default)]
    pub source: String,
}

/// Everything needed to run a model: read from the JSON file beside the `.onnx`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// File name of the ONNX graph, relative to the manifest.
    pub onnx: String,
    /// sha256 of the ONNX file, checked at load.
    pub sha256: String,
    /// Sample rate the model expects, in Hz.
    pub sample_rate: u32,
    /// Analysis window length, in seconds.
    pub window_s: f64,
    /// Step between windows, in seconds.
    pub hop_s: f64,
    /// Clips with less speech than this are `not_applicable` (`too_short`).
    pub min_speech_s: f64,
    /// The front-end the model was trained on.
    pub features: FeatureSpec,
    /// Name of the ONNX input (float32 `[batch, rows, frames]`).
    pub input_name: String,
    /// Name of the ONNX output (float32 `[batch]` logits).
    pub output_name: String,
    /// What the output means.
    #[serde(default)]
    pub output: String,
    /// Logit-to-probability calibration.
    pub calibration: Calibration,
    /// Decision thresholds.
    pub thresholds: Thresholds,
    /// Training facts (free-form, for the record).
    #[serde(default)]
    pub training: serde_json::Value,
    /// Error rates measured on evaluation sets (written by `training/card.py`); empty when the
    /// manifest carries none.
    #[serde(default)]
    pub evaluation: Vec<EvaluationSet>,
    /// What the model was trained on, and what it does not cover (written by
    /// `training/card.py` from `training/coverage.json`).
    #[serde(default)]
    pub coverage: Option<Coverage>,
}

/// Error rates of the model on one evaluation set, at the manifest's thresholds. Rates are
/// fractions in [0, 1]; `None` where the set cannot give one (e.g. no synthetic clip scored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Genuine clips in the set.
    pub genuine_clips: u64,
    /// Synthetic clips in the set.
    pub synthetic_clips: u64,
    /// Equal error rate of the clip probability.
    #[serde(default)]
    pub eer: Option<f64>,
    /// Area under the ROC curve of the clip probability.
    #[serde(default)]
    pub auc: Option<f64>,
    /// Share of genuine clips called `likely_synthetic`.
    #[serde(default)]
    pub genuine_false_positive_rate: Option<f64>,
    /// Share of synthetic clips not called `likely_synthetic`.
    #[serde(default)]
    pub miss_rate: Option<f64>,
    /// Share of scored synthetic clips called `likely_synthetic`.
    #[serde(default)]
    pub synthetic_caught: Option<f64>,
}

/// The rates of one generator family within an [`EvaluationSet`] (against all its genuine clips).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyRates {
    /// Generator family (e.g. `tts`, `resynth`).
    pub family: String,
    /// The family's rates.
    #[serde(flatten)]
    pub rates: Rates,
}

/// One entry of the manifest's `evaluation` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSet {
    /// Short name of the set (e.g. `demo-public`).
    pub set: String,
    /// What the set holds and where it came from.
    #[serde(default)]
    pub description: String,
    /// True for material from outside the training corpus (real-world generators and
    /// recordings), false for held-out parts of the training corpus.
    #[serde(default)]
    pub real_world: bool,
    /// The whole set's rates.
    #[serde(flatten)]
    pub rates: Rates,
    /// Rates per generator family.
    #[serde(default)]
    pub by_family: Vec<FamilyRates>,
    /// The command that measured them.
    #[serde(default)]
    pub command: String,
}

/// The manifest's `coverage` block: what the model learned and what it does not cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Languages of the genuine training speech (ISO 639-1 codes).
    #[serde(default)]
    pub genuine_languages: Vec<String>,
    /// Where the genuine training speech came from.
    #[serde(default)]
    pub genuine_sources: String,
    /// Generator families of the synthetic training speech.
    #[serde(default)]
    pub generator_families: Vec<String>,
    /// What the model is known not to cover.
    #[serde(default)]
    pub not_covered: String,
}

impl Manifest {
    /// Window length in samples at the model rate.
    pub fn window_samples(&self) -> usize {
        (self.window_s * self.sample_rate as f64).round() as usize
    }

    /// Hop in samples at the model rate.
    pub fn hop_samples(&self) -> usize {
        (self.hop_s * self.sample_rate as f64).round() as usize
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Model(format!("manifest of {}: {m}", self.name)));
        if self.sample_rate == 0 || self.features.sample_rate != self.sample_rate {
            return bad("sample_rate must be positive and equal features.sample_rate");
        }
        if !(self.window_s > 0.0 && self.hop_s > 0.0 && self.hop_s <= self.window_s) {
            return bad("window_s and hop_s must be positive with hop_s <= window_s");
        }
        if self.window_samples() < self.features.win_length {
            return bad("window shorter than one feature frame");
        }
        if self.calibration.method != "platt" {
            return bad("calibration.method must be \"platt\"");
        }
        let t = &self.thresholds;
        if !(0.0..=1.0).contains(&t.likely_genuine)
            || !(0.0..=1.0).contains(&t.likely_synthetic)
            || t.likely_genuine > t.likely_synthetic
        {
            return bad("thresholds must satisfy 0 <= likely_genuine <= likely_synthetic <= 1");
        }
        Ok(())
    }
}

/// The JSON text of the shipped model's manifest (`models/default.json`).
#[cfg(feature = "default-model")]
const SHIPPED_MANIFEST: &str = include_str!("../models/default.json");

/// The shipped model's manifest alone, parsed and validated without checking the ONNX bytes
/// (for help texts and reports that need its coverage and error rates, not the model).
#[cfg(feature = "default-model")]
pub fn shipped_manifest() -> Result<Manifest> {
    let manifest: Manifest = serde_json::from_str(SHIPPED_MANIFEST)
        .map_err(|e| Error::Model(format!("invalid manifest: {e}")))?;
    manifest.validate()?;
    Ok(manifest)
}

/// A verified model: manifest plus ONNX bytes whose sha256 matches the manifest.
#[derive(Debug, Clone)]
pub struct Model {
    manifest: Manifest,
    onnx: Arc<[u8]>,
}

impl Model {
    /// Builds a model from a manifest's JSON text and the ONNX bytes, verifying the checksum.
    pub fn from_bytes(manifest_json: &str, onnx: Vec<u8>) -> Result<Model> {
        let manifest: Manifest = serde_json::from_str(manifest_json)
            .map_err(|e| Error::Model(format!("invalid manifest: {e}")))?;
        manifest.validate()?;
        let actual = hex_sha256(&onnx);
        if !actual.eq_ignore_ascii_case(&manifest.sha256) {
            return Err(Error::Model(format!(
                "checksum mismatch for {}: manifest says {}, file is {actual}",
                manifest.onnx, manifest.sha256
            )));
        }
        Ok(Model {
            manifest,
            onnx: onnx.into(),
        })
    }

    /// Loads a model from its manifest (`.json`), or from a `.onnx` with the manifest beside it
    /// under the same stem.
    pub fn from_path(path: &Path) -> Result<Model> {
        let manifest_path = if path.extension().is_some_and(|e| e == "onnx") {
            path.with_extension("json")
        } else {
            path.to_path_buf()
        };
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| Error::Model(format!("cannot read {}: {e}", p.display())))
        };
        let json = String::from_utf8(read(&manifest_path)?)
            .map_err(|_| Error::Model(format!("{} is not UTF-8", manifest_path.display())))?;
        let manifest: Manifest = serde_json::from_str(&json).map_err(|e| {
            Error::Model(format!("invalid manifest {}: {e}", manifest_path.display()))
        })?;
        let onnx_path = manifest_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&manifest.onnx);
        Model::from_bytes(&json, read(&onnx_path)?)
    }

    /// The model shipped with voxscreen, embedded in the binary.
    #[cfg(feature = "default-model")]
    pub fn shipped() -> Result<Model> {
        const ONNX: &[u8] = include_bytes!("../models/default.onnx");
        Model::from_bytes(SHIPPED_MANIFEST, ONNX.to_vec())
    }

    /// The model's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Name, version and checksum, as written in reports.
    pub fn info(&self) -> ModelInfo {
        ModelInfo {
            name: self.manifest.name.clone(),
            version: self.manifest.version.clone(),
            sha256: self.manifest.sha256.to_ascii_lowercase(),
        }
    }
}

/// Runs a [`Model`] through ONNX Runtime. Thread-safe: each concurrent caller borrows its own
/// session from a pool (ONNX Runtime sessions need exclusive access to run).
pub struct Classifier {
    model: Model,
    intra_threads: usize,
    pool: Mutex<Vec<ort::session::Session>>,
}

impl Classifier {
    /// Loads ONNX Runtime (see [`crate::runtime`]) and checks that the model builds a session
    /// with the expected input and output names. `intra_threads` is ONNX Runtime's intra-op
    /// thread count per session (1 gives per-core figures; parallelism comes from files).
    pub fn new(model: Model, intra_threads: usize) -> Result<Classifier> {
        let classifier = Classifier {
            model,
            intra_threads: intra_threads.max(1),
            pool: Mutex::new(Vec::new()),
        };
        let session = classifier.new_session()?;
        let m = classifier.model.manifest();
        let has_input = session.inputs().iter().any(|i| i.name() == m.input_name);
        let has_output = session.outputs().iter().any(|o| o.name() == m.output_name);
        if !has_input || !has_output {
            return Err(Error::Model(format!(
                "the ONNX graph lacks input `{}` or output `{}`",
                m.input_name, m.output_name
            )));
        }
        classifier.return_session(session);
        Ok(classifier)
    }

    /// The model this classifier runs.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Logits for a batch of model inputs shaped `[batch, rows, frames]`.
    pub fn logits(&self, batch: ArrayView3<f32>) -> Result<Vec<f32>> {
        let n = batch.shape()[0];
        if n == 0 {
            return Ok(Vec::new());
        }
        let mut session = self.take_session()?;
        let result = self.run(&mut session, batch);
        self.return_session(session);
        let logits = result?;
        if logits.len() != n {
            return Err(Error::Model(format!(
                "model returned {} values for a batch of {n}",
                logits.len()
            )));
        }
        Ok(logits)
    }

    fn run(&self, session: &mut ort::session::Session, batch: ArrayView3<f32>) -> Result<Vec<f32>> {
        let m = self.model.manifest();
        let owned;
        let view = if batch.is_standard_layout() {
            batch
        } else {
            owned = batch.as_standard_layout().into_owned();
            owned.view()
        };
        let tensor = ort::value::TensorRef::from_array_view(view)
            .map_err(|e| Error::Runtime(format!("cannot build input tensor: {e}")))?;
        let outputs = session
            .run(ort::inputs![m.input_name.as_str() => tensor])
            .map_err(|e| Error::Runtime(format!("inference failed: {e}")))?;
        let (_, values) = outputs[m.output_name.as_str()]
            .try_extract_tensor::<f32>()
            .map_err(|e| Error::Model(format!("unexpected output: {e}")))?;
        Ok(values.to_vec())
    }

    fn new_session(&self) -> Result<ort::session::Session> {
        let env = crate::runtime::init(None)?;
        let err = |e: ort::Error| Error::Runtime(format!("cannot create a session: {e}"));
        ort::session::Session::builder(env)
            .map_err(err)?
            .with_intra_threads(self.intra_threads)
            .map_err(|e| err(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| err(e.into()))?
            .with_intra_op_spinning(false)
            .map_err(|e| err(e.into()))?
            .commit_from_memory(&self.model.onnx)
            .map_err(|e| Error::Model(format!("ONNX Runtime rejected the model: {e}")))
    }

    fn take_session(&self) -> Result<ort::session::Session> {
        let pooled = self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => self.new_session(),
        }
    }

    fn return_session(&self, session: ort::session::Session) {
        self.pool
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(session);
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub fn to_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
