//! The streaming glue between the stages: decode → resample → segment, with the VAD and the
//! condition meters listening to the same stream. Memory stays bounded by one window of samples
//! plus the decoder's packet buffer, whatever the clip's length.

use std::cell::RefCell;
use std::path::Path;

use crate::conditions::{BandwidthMeter, ClipMeter};
use crate::decode::{Decoder, StreamInfo};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::model::Manifest;
use crate::report::{AudioInfo, Envelope, EnvelopeBuilder};
use crate::resample::Resampler;
use crate::segment::{Segmenter, SpeechFrames, Vad, WindowSpan};

/// Samples handed to the resampler per step when screening an in-memory array.
const ARRAY_CHUNK: usize = 16_384;

/// Something to screen.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// An audio or video file on disk.
    Path(&'a Path),
    /// The bytes of an encoded file, with an optional file-name extension as a format hint.
    Bytes(&'a [u8], Option<&'a str>),
    /// Mono samples in [-1, 1] at the given sample rate (values outside are clamped, as decoded
    /// audio is; NaN and infinity are [`Error::InvalidInput`]).
    Samples(&'a [f32], u32),
}

/// A source of mono samples at a fixed rate, read chunk by chunk.
trait ChunkSource {
    /// Appends the next chunk to `out`; returns false once the source is exhausted.
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool>;
}

impl ChunkSource for Decoder {
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        self.read_mono(out)
    }
}

struct ArraySource<'a> {
    rest: &'a [f32],
}

impl ChunkSource for ArraySource<'_> {
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        if self.rest.is_empty() {
            return Ok(false);
        }
        let take = self.rest.len().min(ARRAY_CHUNK);
        // Clamp to [-1, 1] as the decoder does: finite but huge values (1e38) overflow the
        // resampler's FFT to NaN, which rubato answers with a panic (found by fuzz/features).
        out.extend(self.rest[..take].iter().map(|x| x.clamp(-1.0, 1.0)));
        self.rest = &self.rest[take..];
        Ok(true)
    }
}

/// What streaming a clip measured, besides the windows.
#[derive(Debug, Clone)]
pub struct StreamFacts {
    /// Codec, container, rate, channels, duration and bandwidth of the source.
    pub audio: AudioInfo,
    /// Per-frame speech decisions at the model rate.
    pub speech: SpeechFrames,
    /// Whether a noticeable share of source samples sit at full scale.
    pub clipped: bool,
    /// Whether the source was stored with a lossy codec.
    pub lossy: bool,
    /// The waveform's bounded outline at the source rate.
    pub envelope: Envelope,
}

/// Streams `input` through decoding, resampling to the model rate and windowing, calling
/// `on_window` for every window (in time order) with its span at the model rate and its samples.
pub fn stream_windows(
    input: Input<'_>,
    manifest: &Manifest,
    limits: &Limits,
    mut on_window: impl FnMut(WindowSpan, &[f32]) -> Result<()>,
) -> Result<StreamFacts> {
    let (mut source, info) = open_source(input, limits)?;

    let rate = manifest.sample_rate;
    let mut resampler = Resampler::new(info.sample_rate, rate)?;
    let mut segmenter = Segmenter::new(manifest.window_samples(), manifest.hop_samples());
    let mut vad = Vad::new(rate);
    let mut bandwidth = BandwidthMeter::new(rate);
    let mut clip = ClipMeter::default();
    let mut envelope = EnvelopeBuilder::default();
    let mut chunk = Vec::new();
    let mut resampled = Vec::new();
    let mut source_samples: u64 = 0;
    // The segmenter's callback cannot return errors: keep the first one and stop after it.
    let failure: RefCell<Option<Error>> = RefCell::new(None);
    let mut forward = |span: WindowSpan, window: &[f32]| {
        if failure.borrow().is_none() {
            if let Err(e) = on_window(span, window) {
                *failure.borrow_mut() = Some(e);
            }
        }
    };
    loop {
        chunk.clear();
        resampled.clear();
        let more = source.read(&mut chunk)?;
        source_samples += chunk.len() as u64;
        clip.push(&chunk);
        envelope.push(&chunk);
        if more {
            resampler.process(&chunk, &mut resampled)?;
        } else {
            resampler.finish(&mut resampled)?;
        }
        vad.push(&resampled);
        bandwidth.push(&resampled);
        segmenter.push(&resampled, &mut forward);
        if !more {
            segmenter.finish(&mut forward);
            break;
        }
        if let Some(e) = failure.borrow_mut().take() {
            return Err(e);
        }
    }
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    if source_samples == 0 {
        return Err(Error::Decode("no audio samples".into()));
    }
    let source_nyquist = info.sample_rate as f64 / 2.0;
    let audio = AudioInfo {
        codec: info.codec,
        container: info.container,
        sample_rate: info.sample_rate,
        channels: info.channels,
        duration_s: source_samples as f64 / info.sample_rate as f64,
        effective_bandwidth_hz: bandwidth.effective_bandwidth_hz().min(source_nyquist),
    };
    Ok(StreamFacts {
        audio,
        speech: vad.finish(),
        clipped: clip.is_clipped(),
        lossy: info.lossy,
        envelope: envelope.finish(info.sample_rate),
    })
}

type OpenedSource<'a> = (Box<dyn ChunkSource + 'a>, StreamInfo);

/// Opens the decoder (or wraps the array) for `input`.
fn open_source<'a>(input: Input<'a>, limits: &Limits) -> Result<OpenedSource<'a>> {
    Ok(match input {
        Input::Path(path) => {
            let decoder = Decoder::open_path(path, *limits)?;
            let info = decoder.info().clone();
            (Box::new(decoder), info)
        }
        Input::Bytes(bytes, extension) => {
            let decoder = Decoder::open_bytes(bytes.to_vec(), extension, *limits)?;
            let info = decoder.info().clone();
            (Box::new(decoder), info)
        }
        Input::Samples(samples, rate) => {
            check_samples(samples, rate, limits)?;
            let info = StreamInfo {
                codec: "pcm_f32".into(),
                container: "raw".into(),
                sample_rate: rate,
                channels: 1,
                lossy: false,
            };
            (Box::new(ArraySource { rest: samples }), info)
        }
    })
}

fn check_samples(samples: &[f32], rate: u32, limits: &Limits) -> Result<()> {
    if rate == 0 {
        return Err(Error::InvalidInput("sample rate must be positive".into()));
    }
    if rate > limits.max_sample_rate {
        return Err(Error::LimitExceeded(format!(
            "sample rate {rate} Hz is above the limit of {} Hz",
            limits.max_sample_rate
        )));
    }
    if samples.is_empty() {
        return Err(Error::InvalidInput("no samples".into()));
    }
    let duration = samples.len() as f64 / rate as f64;
    if duration > limits.max_duration_s {
        return Err(Error::LimitExceeded(format!(
            "duration {duration:.1} s is above the limit of {:.1} s",
            limits.max_duration_s
        )));
    }
    if let Some(i) = samples.iter().position(|x| !x.is_finite()) {
        return Err(Error::InvalidInput(format!(
            "sample {i} is not a finite number"
        )));
    }
    Ok(())
}

/// The model input of every window of a clip, exactly as screening computes it (the training
/// recipe reads its features through this function).
#[derive(Debug, Clone)]
pub struct WindowFeatures {
    /// Model input per window, `[windows, rows, frames]`.
    pub inputs: ndarray::Array3<f32>,
    /// Whether each window holds speech (only those are scored).
    pub speech: Vec<bool>,
    /// Start and end of each window, in seconds.
    pub spans_s: Vec<(f64, f64)>,
    /// What decoding measured.
    pub audio: AudioInfo,
}

/// Computes [`WindowFeatures`] for a clip (held in memory: meant for clips, not hours).
pub fn window_features(
    input: Input<'_>,
    manifest: &Manifest,
    extractor: &crate::features::FeatureExtractor,
    limits: &Limits,
) -> Result<WindowFeatures> {
    let rows = extractor.n_rows();
    let frames = extractor.n_frames(manifest.window_samples());
    let mut values: Vec<f32> = Vec::new();
    let mut spans: Vec<WindowSpan> = Vec::new();
    let facts = stream_windows(input, manifest, limits, |span, window| {
        values.extend(extractor.model_input(window).iter());
        spans.push(span);
        Ok(())
    })?;
    let inputs = ndarray::Array3::from_shape_vec((spans.len(), rows, frames), values)
        .map_err(|e| Error::InvalidInput(format!("feature shape: {e}")))?;
    let rate = manifest.sample_rate as f64;
    Ok(WindowFeatures {
        inputs,
        speech: spans
            .iter()
            .map(|s| facts.speech.window_has_speech(*s))
            .collect(),
        spans_s: spans
            .iter()
            .map(|s| (s.start as f64 / rate, s.end as f64 / rate))
            .collect(),
        audio: facts.audio,
    })
}

/// Decodes a whole clip and resamples it to `sample_rate` (in memory: meant for clips).
pub fn decode_to_rate(input: Input<'_>, sample_rate: u32, limits: &Limits) -> Result<Vec<f32>> {
    let (mut source, info) = open_source(input, limits)?;
    let mut resampler = Resampler::new(info.sample_rate, sample_rate)?;
    let mut chunk = Vec::new();
    let mut out = Vec::new();
    loop {
        chunk.clear();
        if source.read(&mut chunk)? {
            resampler.process(&chunk, &mut out)?;
        } else {
            resampler.finish(&mut out)?;
            return Ok(out);
        }
    }
}
