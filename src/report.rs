//! The report filed for each screened clip (serialised as one JSON object per file).

use serde::{Deserialize, Serialize};

/// Version of the report's JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Columns of the flat one-row-per-file form of a report: the CLI's `--csv` header and the
/// columns of the Python package's `screen_many` DataFrame, in this order. `flags` joins the
/// flag names with `;`; `error_kind`/`error_message` are set only for files that failed.
pub const CSV_COLUMNS: &[&str] = &[
    "path",
    "sha256",
    "verdict",
    "probability_synthetic",
    "reason",
    "flags",
    "longest_synthetic_run_s",
    "longest_synthetic_run_start_s",
    "longest_synthetic_run_end_s",
    "codec",
    "container",
    "sample_rate",
    "channels",
    "duration_s",
    "effective_bandwidth_hz",
    "model_name",
    "model_version",
    "model_sha256",
    "tool_version",
    "error_kind",
    "error_message",
];

/// Overall decision for a clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The clip probability (or a long run of windows) is above the synthetic threshold.
    LikelySynthetic,
    /// The clip probability is below the genuine threshold. Not proof of authenticity.
    LikelyGenuine,
    /// Between the two thresholds: the model cannot tell.
    Inconclusive,
    /// The audio decoded but cannot be judged; see [`Reason`].
    NotApplicable,
}

impl Verdict {
    /// The snake_case name used in JSON, CSV and tables.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::LikelySynthetic => "likely_synthetic",
            Verdict::LikelyGenuine => "likely_genuine",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotApplicable => "not_applicable",
        }
    }
}

/// Why a decoded clip is `not_applicable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Less than the minimum amount of speech (1.0 s).
    TooShort,
    /// No window holds speech.
    NoSpeech,
}

impl Reason {
    /// The snake_case name used in JSON, CSV and tables.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::TooShort => "too_short",
            Reason::NoSpeech => "no_speech",
        }
    }
}

/// Conditions that weaken the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Effective bandwidth at or below 4 kHz (telephone audio).
    Narrowband,
    /// A noticeable share of samples sit at full scale.
    Clipped,
    /// Active speech level is very low.
    LowLevel,
    /// Background noise: speech stands less than 20 dB above the noise floor.
    Noisy,
    /// The clip was stored with a lossy codec (MP3, AAC, Vorbis, Opus, ADPCM).
    LossyCodec,
}

impl Flag {
    /// The snake_case name used in JSON, CSV and tables.
    pub fn as_str(&self) -> &'static str {
        match self {
            Flag::Narrowband => "narrowband",
            Flag::Clipped => "clipped",
            Flag::LowLevel => "low_level",
            Flag::Noisy => "noisy",
            Flag::LossyCodec => "lossy_codec",
        }
    }
}

/// The longest stretch of consecutive speech windows above the synthetic threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SyntheticRun {
    /// Length of the run in seconds (`end_s - start_s`).
    pub seconds: f64,
    /// Start of the first window of the run, in seconds.
    pub start_s: f64,
    /// End of the last window of the run, in seconds.
    pub end_s: f64,
}

/// What was decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    /// Codec of the audio track (e.g. `mp3`, `aac`, `opus`, `pcm_s16le`).
    pub codec: String,
    /// Container format (e.g. `wav`, `mp4`, `ogg`, `raw` for sample arrays).
    pub container: String,
    /// Sample rate of the source, in Hz.
    pub sample_rate: u32,
    /// Channel count of the source.
    pub channels: u32,
    /// Decoded duration, in seconds.
    pub duration_s: f64,
    /// Highest frequency carrying signal, in Hz (at most half the model's rate).
    pub effective_bandwidth_hz: f64,
}

/// The model that produced the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model name from its manifest.
    pub name: String,
    /// Model version from its manifest.
    pub version: String,
    /// sha256 of the `.onnx` file.
    pub sha256: String,
}

/// One analysis window of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Window start, in seconds.
    pub start_s: f64,
    /// Window end, in seconds.
    pub end_s: f64,
    /// Whether the window holds speech (only speech windows are scored).
    pub speech: bool,
    /// Calibrated probability of synthetic speech, `None` for windows without speech.
    pub probability_synthetic: Option<f64>,
}

/// Why a file got no verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Stable error name (see [`crate::Error::kind`]).
    pub kind: String,
    /// Human-readable message.
    pub message: String,
}

/// The complete result for one clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version of this object ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Path as given by the caller (`-` for stdin, `null` for in-memory input).
    pub path: Option<String>,
    /// sha256 of the input bytes (of the little-endian f32 samples for arrays).
    pub sha256: Option<String>,
    /// The decision; `null` when the file could not be screened (`error` is set).
    pub verdict: Option<Verdict>,
    /// Calibrated clip probability of synthetic speech; `null` unless judged.
    pub probability_synthetic: Option<f64>,
    /// Why the clip is `not_applicable`.
    pub reason: Option<Reason>,
    /// Conditions that weaken the verdict.
    pub flags: Vec<Flag>,
    /// Longest run of windows above the synthetic threshold; `null` when there is none.
    pub longest_synthetic_run: Option<SyntheticRun>,
    /// What was decoded; `null` when decoding failed.
    pub audio: Option<AudioInfo>,
    /// The model used.
    pub model: ModelInfo,
    /// voxscreen version that wrote the report.
    pub tool_version: String,
    /// Per-window scores, in time order.
    pub timeline: Vec<TimelineEntry>,
    /// Set when the file could not be screened.
    pub error: Option<ErrorInfo>,
}
