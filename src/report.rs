//! The report filed for each screened clip (serialised as one JSON object per file).

use serde::{Deserialize, Serialize};

/// Version of the report's JSON layout; bumped on any incompatible change.
/// Version 2 added `size_bytes` and `envelope`.
pub const SCHEMA_VERSION: u32 = 2;

/// Most min/max pairs an [`Envelope`] holds; it holds at least half as many once the clip has
/// that many samples.
pub const ENVELOPE_MAX_POINTS: usize = 1000;

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

/// The waveform's outline: the lowest and highest sample (mono downmix at the source rate) of
/// consecutive blocks of `samples_per_point` samples, computed while decoding. Bounded: at most
/// [`ENVELOPE_MAX_POINTS`] pairs whatever the clip's length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Source samples per pair (the last pair may cover fewer).
    pub samples_per_point: u64,
    /// Seconds per pair (`samples_per_point` / source rate).
    pub seconds_per_point: f64,
    /// Lowest sample of each block, in [-1, 1].
    pub min: Vec<f32>,
    /// Highest sample of each block, in [-1, 1].
    pub max: Vec<f32>,
}

/// Builds an [`Envelope`] from a stream of samples in constant memory: blocks start one sample
/// long and double (merging neighbours) whenever [`ENVELOPE_MAX_POINTS`] would be exceeded.
#[derive(Debug, Clone)]
pub struct EnvelopeBuilder {
    block: u64,
    filled: u64,
    min: Vec<f32>,
    max: Vec<f32>,
}

impl Default for EnvelopeBuilder {
    fn default() -> Self {
        EnvelopeBuilder {
            block: 1,
            filled: 0,
            min: Vec::with_capacity(ENVELOPE_MAX_POINTS),
            max: Vec::with_capacity(ENVELOPE_MAX_POINTS),
        }
    }
}

impl EnvelopeBuilder {
    /// Adds the next samples.
    pub fn push(&mut self, samples: &[f32]) {
        for &x in samples {
            if self.filled == 0 {
                if self.min.len() == ENVELOPE_MAX_POINTS {
                    self.halve();
                }
                self.min.push(x);
                self.max.push(x);
            } else if let (Some(lo), Some(hi)) = (self.min.last_mut(), self.max.last_mut()) {
                *lo = lo.min(x);
                *hi = hi.max(x);
            }
            self.filled += 1;
            if self.filled == self.block {
                self.filled = 0;
            }
        }
    }

    /// Merges neighbouring pairs: half as many blocks, each twice as long.
    fn halve(&mut self) {
        let merge = |v: &mut Vec<f32>, f: fn(f32, f32) -> f32| {
            let merged: Vec<f32> = v
                .chunks(2)
                .map(|c| c.iter().copied().fold(c[0], f))
                .collect();
            *v = merged;
        };
        merge(&mut self.min, f32::min);
        merge(&mut self.max, f32::max);
        self.block *= 2;
    }

    /// The envelope, for a source at `sample_rate` Hz (values rounded to 1e-4 to keep reports
    /// short).
    pub fn finish(self, sample_rate: u32) -> Envelope {
        let round = |v: Vec<f32>| -> Vec<f32> {
            v.into_iter()
                .map(|x| (x.clamp(-1.0, 1.0) * 1e4).round() / 1e4)
                .collect()
        };
        Envelope {
            samples_per_point: self.block,
            seconds_per_point: self.block as f64 / f64::from(sample_rate.max(1)),
            min: round(self.min),
            max: round(self.max),
        }
    }
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
    /// Size of the input in bytes (of the little-endian f32 samples for arrays): with `sha256`,
    /// what shows that two screenings read the same bytes.
    pub size_bytes: Option<u64>,
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
    /// The waveform's outline; `null` when decoding failed.
    pub envelope: Option<Envelope>,
    /// Set when the file could not be screened.
    pub error: Option<ErrorInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_stays_bounded_and_keeps_extremes() {
        let mut b = EnvelopeBuilder::default();
        let n = 1_000_003usize;
        let samples: Vec<f32> = (0..n).map(|i| ((i % 97) as f32 / 96.0) - 0.5).collect();
        for chunk in samples.chunks(4096) {
            b.push(chunk);
        }
        let mut spiked = b.clone();
        spiked.push(&[0.9, -0.95]);
        let e = b.finish(16_000);
        assert!(e.min.len() <= ENVELOPE_MAX_POINTS && e.min.len() > ENVELOPE_MAX_POINTS / 2);
        assert_eq!(e.min.len(), e.max.len());
        assert_eq!(e.min.len() as u64, (n as u64).div_ceil(e.samples_per_point));
        assert!(e.min.iter().all(|&x| x == -0.5) && e.max.iter().all(|&x| x == 0.5));
        let s = spiked.finish(16_000);
        assert_eq!(s.max.last(), Some(&0.9));
        assert_eq!(s.min.last(), Some(&-0.95));
        assert_eq!(s.seconds_per_point, s.samples_per_point as f64 / 16_000.0);
    }

    #[test]
    fn short_envelope_is_one_pair_per_sample() {
        let mut b = EnvelopeBuilder::default();
        b.push(&[0.1, -0.2, 0.3]);
        let e = b.finish(8000);
        assert_eq!(e.samples_per_point, 1);
        assert_eq!(e.min, vec![0.1, -0.2, 0.3]);
        assert_eq!(e.max, e.min);
    }
}
