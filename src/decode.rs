//! Streaming audio decoding with symphonia (plus libopus for Opus).
//!
//! [`Decoder`] opens a file or an in-memory buffer, picks the first audio track, and hands out
//! mono `f32` samples at the source rate, one packet at a time. Memory use does not grow with the
//! length of the input: the container is read through symphonia's buffered `MediaSourceStream`
//! and one decode buffer is reused for every packet.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;
use std::sync::LazyLock;

use symphonia::core::audio::GenericAudioBufferRef;
use symphonia::core::codecs::audio::well_known as codec_ids;
use symphonia::core::codecs::audio::{
    AudioCodecId, AudioCodecParameters, AudioDecoder, AudioDecoderOptions,
};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known as format_ids;
use symphonia::core::formats::{FormatId, FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

use crate::error::{Error, Result};
use crate::limits::Limits;

/// What the decoder found in the container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StreamInfo {
    /// Short lowercase codec name (`pcm_s16le`, `flac`, `mp3`, `aac`, `opus`, `adpcm_ima`, …).
    pub codec: String,
    /// Short lowercase container name (`wav`, `flac`, `mp3`, `mp4`, `ogg`, `aiff`, `caf`, `mkv`, …).
    pub container: String,
    /// Sample rate of the decoded audio, in Hz.
    pub sample_rate: u32,
    /// Number of channels in the source (before the mono downmix).
    pub channels: u32,
    /// True when the codec is lossy (MPEG audio, AAC, Vorbis, Opus, ADPCM, G.711).
    pub lossy: bool,
}

/// Codec registry: symphonia's default decoders plus libopus (when the `opus` feature is on).
static CODECS: LazyLock<CodecRegistry> = LazyLock::new(|| {
    let mut registry = CodecRegistry::new();
    symphonia::default::register_enabled_codecs(&mut registry);
    #[cfg(feature = "opus")]
    registry.register_audio_decoder::<symphonia_adapter_libopus::OpusDecoder>();
    registry
});

/// Consecutive demuxer errors tolerated before the stream is treated as ended.
const MAX_CONSECUTIVE_DEMUX_ERRORS: u32 = 8;
/// Packets that must have been seen before the failure ratio is enforced mid-stream.
const MIN_PACKETS_FOR_RATIO: u64 = 32;

/// A streaming decoder for one audio track of one file.
pub struct Decoder {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    info: StreamInfo,
    limits: Limits,
    /// Sample frames (per channel) decoded so far.
    frames: u64,
    /// Packets that decoded (possibly to zero frames).
    packets_ok: u64,
    /// Packets that failed to decode and were skipped.
    packets_failed: u64,
    /// Set once the stream has ended.
    ended: bool,
    /// Set once `read_mono` has returned an error; later calls fail too.
    failed: bool,
    /// Consecutive errors from the demuxer.
    demux_errors: u32,
    /// A decode "unsupported" error message, kept to explain a stream that never decodes.
    last_unsupported: Option<String>,
    /// Reused interleaved conversion buffer.
    scratch: Vec<f32>,
    /// Mono samples decoded ahead of time while opening (only when the container does not tell
    /// the rate or channel count); handed out by the first `read_mono`.
    pending: Vec<f32>,
    /// Set once the first audio has been decoded (and `info` describes it).
    primed: bool,
    /// Path (or `<memory>`) for I/O error messages.
    source_name: String,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("info", &self.info)
            .field("frames", &self.frames)
            .field("packets_ok", &self.packets_ok)
            .field("packets_failed", &self.packets_failed)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// Opens a file; checks limits.max_file_size from metadata first. The extension is used as a probe hint.
    pub fn open_path(path: &Path, limits: Limits) -> Result<Decoder> {
        let io_err = |source: std::io::Error| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{} is a directory",
                path.display()
            )));
        }
        check_file_size(meta.len(), &limits)?;
        let file = File::open(path).map_err(io_err)?;
        // A regular file has a trustworthy length; otherwise (FIFO, device) rely on the stream.
        if meta.is_file() && meta.len() == 0 {
            return Err(Error::UnsupportedFormat("empty input".into()));
        }
        let ext = path.extension().and_then(|e| e.to_str());
        Self::open_source(Box::new(file), ext, limits, &path.display().to_string())
    }

    /// Opens in-memory bytes (e.g. stdin or Python bytes); checks max_file_size.
    pub fn open_bytes(bytes: Vec<u8>, extension: Option<&str>, limits: Limits) -> Result<Decoder> {
        check_file_size(bytes.len() as u64, &limits)?;
        if bytes.is_empty() {
            return Err(Error::UnsupportedFormat("empty input".into()));
        }
        Self::open_source(Box::new(Cursor::new(bytes)), extension, limits, "<memory>")
    }

    /// What the decoder found in the container.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// Number of sample frames (per channel) decoded so far.
    pub fn frames_decoded(&self) -> u64 {
        self.frames
    }

    /// Decodes at least one more packet and APPENDS its samples to `out`, downmixed to mono (mean
    /// of channels), f32 in [-1,1], at the source rate. Returns Ok(false) once the stream has
    /// ended (nothing appended).
    pub fn read_mono(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        if !self.pending.is_empty() {
            out.extend_from_slice(&self.pending);
            self.pending.clear();
            self.pending.shrink_to_fit();
            return Ok(true);
        }
        if self.failed {
            return Err(Error::Decode(
                "the stream already failed with an earlier error".into(),
            ));
        }
        loop {
            if self.ended {
                return Ok(false);
            }
            let before = out.len();
            if let Err(e) = self.step(out) {
                // Errors are final: the reader or decoder may be in an unusable state.
                self.failed = true;
                self.ended = true;
                return Err(e);
            }
            if out.len() > before {
                return Ok(true);
            }
        }
    }

    // ----------------------------------------------------------------------------------------

    fn open_source(
        source: Box<dyn MediaSource>,
        extension: Option<&str>,
        limits: Limits,
        name: &str,
    ) -> Result<Decoder> {
        let mss = MediaSourceStream::new(source, MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        if let Some(ext) = extension {
            hint.with_extension(&ext.to_ascii_lowercase());
        }
        let format = guarded("probing the container", || {
            symphonia::default::get_probe().probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
        })?
        .map_err(|e| probe_error(e, name))?;

        let container =
            container_name(format.format_info().format, format.format_info().short_name);

        // The first track with audio codec parameters (video and subtitle tracks are skipped).
        let mut unknown_tracks = 0usize;
        let mut chosen: Option<(u32, AudioCodecParameters)> = None;
        for track in format.tracks() {
            match &track.codec_params {
                Some(CodecParameters::Audio(p)) => {
                    chosen = Some((track.id, p.clone()));
                    break;
                }
                Some(_) => {}
                None => unknown_tracks += 1,
            }
        }
        let Some((track_id, params)) = chosen else {
            if unknown_tracks > 0 {
                return Err(Error::UnsupportedCodec(format!(
                    "unrecognised codec in {container} container"
                )));
            }
            return Err(Error::NoAudioTrack);
        };

        let codec = codec_name(params.codec);
        let lossy = codec_is_lossy(params.codec);

        // Limits on header claims, before any per-channel allocation happens in a decoder.
        let header_channels = params.channels.as_ref().map(|c| c.count() as u64);
        if let Some(ch) = header_channels {
            check_channels(ch, &limits)?;
        }
        if let Some(rate) = params.sample_rate {
            check_rate(rate, &limits)?;
        }
        if params.codec == codec_ids::CODEC_ID_AAC
            && matches!(
                params.profile,
                Some(codec_ids::profiles::CODEC_PROFILE_AAC_HE)
                    | Some(codec_ids::profiles::CODEC_PROFILE_AAC_HE_V2)
            )
        {
            return Err(Error::UnsupportedCodec("aac_he (HE-AAC / SBR)".into()));
        }

        if CODECS.get_audio_decoder(params.codec).is_none() {
            return Err(Error::UnsupportedCodec(codec));
        }
        let decoder = guarded("initialising the decoder", || {
            CODECS.make_audio_decoder(&params, &AudioDecoderOptions::default())
        })?
        .map_err(|e| match e {
            SymError::Unsupported(msg) => Error::UnsupportedCodec(format!("{codec} ({msg})")),
            SymError::LimitError(msg) => Error::LimitExceeded(format!("{codec}: {msg}")),
            other => Error::Decode(format!("cannot initialise {codec} decoder: {other}")),
        })?;

        let info = StreamInfo {
            codec,
            container,
            sample_rate: params.sample_rate.unwrap_or(0),
            channels: header_channels.unwrap_or(0) as u32,
            lossy,
        };

        let mut dec = Decoder {
            format,
            decoder,
            track_id,
            info,
            limits,
            frames: 0,
            packets_ok: 0,
            packets_failed: 0,
            ended: false,
            failed: false,
            demux_errors: 0,
            last_unsupported: None,
            scratch: Vec::new(),
            pending: Vec::new(),
            primed: false,
            source_name: name.to_string(),
        };

        // Decode ahead until the first audio appears, so that `info()` describes the decoded
        // stream (rate and channel count as the decoder reports them, which is what the
        // samples handed out will follow) and a stream that cannot decode fails at open.
        let mut pending = Vec::new();
        while pending.is_empty() && !dec.ended {
            dec.step(&mut pending)?;
        }
        if pending.is_empty() {
            return Err(Error::Decode("no audio decoded".into()));
        }
        dec.pending = pending;
        Ok(dec)
    }

    /// Reads and decodes one packet of the chosen track, appending mono samples to `out`.
    /// Sets `ended` at the end of the stream.
    fn step(&mut self, out: &mut Vec<f32>) -> Result<()> {
        let next = guarded("reading the container", || self.format.next_packet());
        let next = match next {
            Ok(n) => n,
            Err(e) => {
                self.ended = true;
                return Err(e);
            }
        };
        let packet = match next {
            Ok(Some(p)) => {
                self.demux_errors = 0;
                p
            }
            Ok(None) => return self.finish(),
            Err(SymError::IoError(e)) if !is_end_of_data(&e) => {
                self.ended = true;
                return Err(Error::Io {
                    path: self.source_name.clone(),
                    source: e,
                });
            }
            Err(SymError::IoError(_)) | Err(SymError::ResetRequired) => {
                // Unexpected EOF (a truncated file), or the stream changed: end of stream.
                return self.finish();
            }
            Err(SymError::LimitError(msg)) => {
                return Err(Error::LimitExceeded(format!("container: {msg}")));
            }
            Err(_) => {
                // Corrupt container data: let the reader try to resynchronise a few times.
                self.demux_errors += 1;
                if self.demux_errors >= MAX_CONSECUTIVE_DEMUX_ERRORS {
                    return self.finish();
                }
                return Ok(());
            }
        };
        if packet.track_id != self.track_id {
            return Ok(());
        }

        let decoder = &mut self.decoder;
        let decoded = match guarded("decoding a packet", || decoder.decode(&packet)) {
            Ok(d) => d,
            Err(e) => {
                self.ended = true;
                return Err(e);
            }
        };
        match decoded {
            Ok(buf) => {
                self.packets_ok += 1;
                let frames = buf.frames();
                if frames == 0 {
                    return Ok(());
                }
                let channels = buf.num_planes().max(1);
                let rate = buf.spec().rate();
                check_channels(channels as u64, &self.limits)?;
                check_rate(rate, &self.limits)?;
                if rate == 0 {
                    self.packets_failed += 1;
                    return self.check_failure_ratio();
                }
                if !self.primed {
                    // The first decoded audio defines the stream.
                    self.primed = true;
                    self.info.sample_rate = rate;
                    self.info.channels = channels as u32;
                } else if rate != self.info.sample_rate {
                    // A mid-stream rate change (e.g. concatenated MP3s) cannot be handed out at
                    // one rate: skip such packets.
                    self.packets_failed += 1;
                    return self.check_failure_ratio();
                }
                let total = self.frames + frames as u64;
                if total as f64 > self.limits.max_duration_s * f64::from(rate) {
                    return Err(Error::LimitExceeded(format!(
                        "decoded duration exceeds max_duration_s = {} s",
                        self.limits.max_duration_s
                    )));
                }
                downmix_into(&buf, channels, &mut self.scratch, out)?;
                self.frames = total;
            }
            Err(SymError::IoError(_)) | Err(SymError::DecodeError(_)) => {
                self.packets_failed += 1;
            }
            Err(SymError::Unsupported(msg)) => {
                self.packets_failed += 1;
                self.last_unsupported = Some(msg.to_string());
            }
            Err(SymError::LimitError(msg)) => {
                return Err(Error::LimitExceeded(format!("{}: {msg}", self.info.codec)));
            }
            Err(SymError::ResetRequired) => {
                self.packets_failed += 1;
                self.decoder.reset();
            }
            Err(other) => {
                self.packets_failed += 1;
                self.last_unsupported = Some(other.to_string());
            }
        }

        self.check_failure_ratio()
    }

    /// Fails once enough packets have been seen and more than half of them failed.
    fn check_failure_ratio(&self) -> Result<()> {
        let seen = self.packets_ok + self.packets_failed;
        if seen >= MIN_PACKETS_FOR_RATIO && self.packets_failed * 2 > seen {
            return Err(self.failure_error());
        }
        Ok(())
    }

    /// Marks the stream as ended and checks that it produced something usable.
    fn finish(&mut self) -> Result<()> {
        self.ended = true;
        if self.frames == 0 {
            if self.packets_failed > 0 {
                return Err(self.failure_error());
            }
            return Err(Error::Decode("no audio decoded".into()));
        }
        let seen = self.packets_ok + self.packets_failed;
        if self.packets_failed * 2 > seen {
            return Err(self.failure_error());
        }
        Ok(())
    }

    fn failure_error(&self) -> Error {
        if self.frames == 0 {
            if let Some(msg) = &self.last_unsupported {
                return Error::UnsupportedCodec(format!("{} ({msg})", self.info.codec));
            }
        }
        Error::Decode(format!(
            "{} of {} {} packets failed to decode",
            self.packets_failed,
            self.packets_ok + self.packets_failed,
            self.info.codec
        ))
    }
}

/// Converts one decoded buffer to f32, checks it, and appends the per-frame channel mean to `out`.
fn downmix_into(
    buf: &GenericAudioBufferRef<'_>,
    channels: usize,
    scratch: &mut Vec<f32>,
    out: &mut Vec<f32>,
) -> Result<()> {
    buf.copy_to_vec_interleaved::<f32>(scratch);
    if scratch.iter().any(|s| !s.is_finite()) {
        return Err(Error::InvalidInput(
            "non-finite sample values (NaN or infinity) in the audio".into(),
        ));
    }
    if channels == 1 {
        out.extend(scratch.iter().map(|s| s.clamp(-1.0, 1.0)));
    } else {
        let inv = 1.0 / channels as f32;
        out.extend(
            scratch
                .chunks_exact(channels)
                .map(|frame| (frame.iter().sum::<f32>() * inv).clamp(-1.0, 1.0)),
        );
    }
    Ok(())
}

/// True for the I/O errors symphonia uses for "ran out of data" (a truncated file or a
/// bitstream that ends early), as opposed to a genuine read failure of the source.
fn is_end_of_data(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), UnexpectedEof | Other | InvalidData)
}

/// Runs a symphonia call, turning a panic inside it (some readers and decoders panic on
/// malformed input, e.g. arithmetic overflow on hostile WAV headers in debug builds) into
/// [`Error::Decode`]. The reader or decoder that panicked is never used again.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Error::Decode(format!(
            "malformed input: decoder failed while {what} ({msg})"
        ))
    })
}

fn check_file_size(len: u64, limits: &Limits) -> Result<()> {
    if len > limits.max_file_size {
        return Err(Error::LimitExceeded(format!(
            "input is {len} bytes, more than max_file_size = {}",
            limits.max_file_size
        )));
    }
    Ok(())
}

fn check_channels(ch: u64, limits: &Limits) -> Result<()> {
    if ch > u64::from(limits.max_channels) {
        return Err(Error::LimitExceeded(format!(
            "{ch} channels, more than max_channels = {}",
            limits.max_channels
        )));
    }
    Ok(())
}

fn check_rate(rate: u32, limits: &Limits) -> Result<()> {
    if rate > limits.max_sample_rate {
        return Err(Error::LimitExceeded(format!(
            "sample rate {rate} Hz, more than max_sample_rate = {}",
            limits.max_sample_rate
        )));
    }
    Ok(())
}

fn probe_error(e: SymError, name: &str) -> Error {
    match e {
        SymError::Unsupported(msg) => Error::UnsupportedFormat(msg.to_string()),
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::UnsupportedFormat("no recognised container (unexpected end of input)".into())
        }
        SymError::IoError(io) => Error::Io {
            path: name.to_string(),
            source: io,
        },
        SymError::DecodeError(msg) => Error::Decode(format!("malformed container: {msg}")),
        SymError::LimitError(msg) => Error::LimitExceeded(format!("container: {msg}")),
        other => Error::UnsupportedFormat(other.to_string()),
    }
}

fn container_name(id: FormatId, short_name: &str) -> String {
    let name = match id {
        format_ids::FORMAT_ID_WAVE => "wav",
        format_ids::FORMAT_ID_AIFF => "aiff",
        format_ids::FORMAT_ID_AVI => "avi",
        format_ids::FORMAT_ID_CAF => "caf",
        format_ids::FORMAT_ID_MP1 => "mp1",
        format_ids::FORMAT_ID_MP2 => "mp2",
        format_ids::FORMAT_ID_MP3 => "mp3",
        format_ids::FORMAT_ID_ADTS => "adts",
        format_ids::FORMAT_ID_OGG => "ogg",
        format_ids::FORMAT_ID_FLAC => "flac",
        format_ids::FORMAT_ID_WAVPACK => "wavpack",
        format_ids::FORMAT_ID_ISOMP4 => "mp4",
        format_ids::FORMAT_ID_MKV => "mkv",
        format_ids::FORMAT_ID_FLV => "flv",
        _ => return short_name.to_ascii_lowercase(),
    };
    name.to_string()
}

fn codec_name(id: AudioCodecId) -> String {
    use codec_ids::*;
    let name = match id {
        CODEC_ID_PCM_S32LE | CODEC_ID_PCM_S32LE_PLANAR => "pcm_s32le",
        CODEC_ID_PCM_S32BE | CODEC_ID_PCM_S32BE_PLANAR => "pcm_s32be",
        CODEC_ID_PCM_S24LE | CODEC_ID_PCM_S24LE_PLANAR => "pcm_s24le",
        CODEC_ID_PCM_S24BE | CODEC_ID_PCM_S24BE_PLANAR => "pcm_s24be",
        CODEC_ID_PCM_S16LE | CODEC_ID_PCM_S16LE_PLANAR => "pcm_s16le",
        CODEC_ID_PCM_S16BE | CODEC_ID_PCM_S16BE_PLANAR => "pcm_s16be",
        CODEC_ID_PCM_S8 | CODEC_ID_PCM_S8_PLANAR => "pcm_s8",
        CODEC_ID_PCM_U32LE | CODEC_ID_PCM_U32LE_PLANAR => "pcm_u32le",
        CODEC_ID_PCM_U32BE | CODEC_ID_PCM_U32BE_PLANAR => "pcm_u32be",
        CODEC_ID_PCM_U24LE | CODEC_ID_PCM_U24LE_PLANAR => "pcm_u24le",
        CODEC_ID_PCM_U24BE | CODEC_ID_PCM_U24BE_PLANAR => "pcm_u24be",
        CODEC_ID_PCM_U16LE | CODEC_ID_PCM_U16LE_PLANAR => "pcm_u16le",
        CODEC_ID_PCM_U16BE | CODEC_ID_PCM_U16BE_PLANAR => "pcm_u16be",
        CODEC_ID_PCM_U8 | CODEC_ID_PCM_U8_PLANAR => "pcm_u8",
        CODEC_ID_PCM_F32LE | CODEC_ID_PCM_F32LE_PLANAR => "pcm_f32le",
        CODEC_ID_PCM_F32BE | CODEC_ID_PCM_F32BE_PLANAR => "pcm_f32be",
        CODEC_ID_PCM_F64LE | CODEC_ID_PCM_F64LE_PLANAR => "pcm_f64le",
        CODEC_ID_PCM_F64BE | CODEC_ID_PCM_F64BE_PLANAR => "pcm_f64be",
        CODEC_ID_PCM_ALAW => "pcm_alaw",
        CODEC_ID_PCM_MULAW => "pcm_mulaw",
        CODEC_ID_ADPCM_G722 => "adpcm_g722",
        CODEC_ID_ADPCM_G726 | CODEC_ID_ADPCM_G726LE => "adpcm_g726",
        CODEC_ID_ADPCM_MS => "adpcm_ms",
        CODEC_ID_ADPCM_IMA_WAV => "adpcm_ima",
        CODEC_ID_ADPCM_IMA_QT => "adpcm_ima_qt",
        CODEC_ID_VORBIS => "vorbis",
        CODEC_ID_OPUS => "opus",
        CODEC_ID_SPEEX => "speex",
        CODEC_ID_MUSEPACK => "musepack",
        CODEC_ID_MP1 => "mp1",
        CODEC_ID_MP2 => "mp2",
        CODEC_ID_MP3 => "mp3",
        CODEC_ID_AAC => "aac",
        CODEC_ID_AC3 => "ac3",
        CODEC_ID_EAC3 => "eac3",
        CODEC_ID_AC4 => "ac4",
        CODEC_ID_DCA => "dts",
        CODEC_ID_ATRAC1 => "atrac1",
        CODEC_ID_ATRAC3 => "atrac3",
        CODEC_ID_ATRAC3PLUS => "atrac3plus",
        CODEC_ID_ATRAC9 => "atrac9",
        CODEC_ID_WMA => "wma",
        CODEC_ID_RA10 => "ra_144",
        CODEC_ID_RA20 => "ra_288",
        CODEC_ID_SIPR => "sipr",
        CODEC_ID_COOK => "cook",
        CODEC_ID_SBC => "sbc",
        CODEC_ID_APTX => "aptx",
        CODEC_ID_APTX_HD => "aptx_hd",
        CODEC_ID_LDAC => "ldac",
        CODEC_ID_BINK_AUDIO => "bink_audio",
        CODEC_ID_SMACKER_AUDIO => "smacker_audio",
        CODEC_ID_FLAC => "flac",
        CODEC_ID_WAVPACK => "wavpack",
        CODEC_ID_MONKEYS_AUDIO => "ape",
        CODEC_ID_ALAC => "alac",
        CODEC_ID_TTA => "tta",
        CODEC_ID_RALF => "ralf",
        CODEC_ID_TRUEHD => "truehd",
        _ => {
            return match CODECS.get_audio_decoder(id) {
                Some(reg) => reg.codec.info.short_name.to_ascii_lowercase(),
                None => format!("unknown codec {id}"),
            }
        }
    };
    name.to_string()
}

fn codec_is_lossy(id: AudioCodecId) -> bool {
    use codec_ids::*;
    !matches!(
        id,
        CODEC_ID_PCM_S32LE
            | CODEC_ID_PCM_S32LE_PLANAR
            | CODEC_ID_PCM_S32BE
            | CODEC_ID_PCM_S32BE_PLANAR
            | CODEC_ID_PCM_S24LE
            | CODEC_ID_PCM_S24LE_PLANAR
            | CODEC_ID_PCM_S24BE
            | CODEC_ID_PCM_S24BE_PLANAR
            | CODEC_ID_PCM_S16LE
            | CODEC_ID_PCM_S16LE_PLANAR
            | CODEC_ID_PCM_S16BE
            | CODEC_ID_PCM_S16BE_PLANAR
            | CODEC_ID_PCM_S8
            | CODEC_ID_PCM_S8_PLANAR
            | CODEC_ID_PCM_U32LE
            | CODEC_ID_PCM_U32LE_PLANAR
            | CODEC_ID_PCM_U32BE
            | CODEC_ID_PCM_U32BE_PLANAR
            | CODEC_ID_PCM_U24LE
            | CODEC_ID_PCM_U24LE_PLANAR
            | CODEC_ID_PCM_U24BE
            | CODEC_ID_PCM_U24BE_PLANAR
            | CODEC_ID_PCM_U16LE
            | CODEC_ID_PCM_U16LE_PLANAR
            | CODEC_ID_PCM_U16BE
            | CODEC_ID_PCM_U16BE_PLANAR
            | CODEC_ID_PCM_U8
            | CODEC_ID_PCM_U8_PLANAR
            | CODEC_ID_PCM_F32LE
            | CODEC_ID_PCM_F32LE_PLANAR
            | CODEC_ID_PCM_F32BE
            | CODEC_ID_PCM_F32BE_PLANAR
            | CODEC_ID_PCM_F64LE
            | CODEC_ID_PCM_F64LE_PLANAR
            | CODEC_ID_PCM_F64BE
            | CODEC_ID_PCM_F64BE_PLANAR
            | CODEC_ID_FLAC
            | CODEC_ID_WAVPACK
            | CODEC_ID_MONKEYS_AUDIO
            | CODEC_ID_ALAC
            | CODEC_ID_TTA
            | CODEC_ID_RALF
            | CODEC_ID_TRUEHD
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn decoder_is_send() {
        assert_send::<Decoder>();
    }

    #[test]
    fn lossy_table() {
        assert!(codec_is_lossy(codec_ids::CODEC_ID_MP3));
        assert!(codec_is_lossy(codec_ids::CODEC_ID_ADPCM_IMA_WAV));
        assert!(!codec_is_lossy(codec_ids::CODEC_ID_FLAC));
        assert!(!codec_is_lossy(codec_ids::CODEC_ID_PCM_S16LE));
    }
}
