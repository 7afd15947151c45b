//! Typed errors for every stage of the pipeline.

/// Everything that can go wrong while screening a clip or loading a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// Path of the file that failed.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a container symphonia recognises (or not audio at all).
    #[error("unsupported or unrecognised container: {0}")]
    UnsupportedFormat(String),
    /// The container holds audio in a codec that cannot be decoded here (HE-AAC, AMR, AC-3, WMA…).
    #[error("unsupported codec: {0}")]
    UnsupportedCodec(String),
    /// The container holds no audio track.
    #[error("no audio track in the file")]
    NoAudioTrack,
    /// The audio stream is corrupt or truncated beyond recovery.
    #[error("decode failed: {0}")]
    Decode(String),
    /// The input breaks one of the configured [`crate::Limits`].
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// The caller passed samples or parameters that cannot be screened (NaN, zero rate, …).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The model or its manifest is missing, malformed or fails its checksum.
    #[error("model error: {0}")]
    Model(String),
    /// ONNX Runtime could not be found, loaded or run.
    #[error("ONNX Runtime error: {0}")]
    Runtime(String),
}

impl Error {
    /// A stable snake_case name for the error, used as `error.kind` in reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::UnsupportedFormat(_) => "unsupported_format",
            Error::UnsupportedCodec(_) => "unsupported_codec",
            Error::NoAudioTrack => "no_audio_track",
            Error::Decode(_) => "decode",
            Error::LimitExceeded(_) => "limit_exceeded",
            Error::InvalidInput(_) => "invalid_input",
            Error::Model(_) => "model",
            Error::Runtime(_) => "runtime",
        }
    }

    /// True when the error comes from the model or ONNX Runtime rather than the input file.
    pub fn is_model_error(&self) -> bool {
        matches!(self, Error::Model(_) | Error::Runtime(_))
    }
}

/// Result type used throughout voxscreen.
pub type Result<T> = std::result::Result<T, Error>;
