//! Resource limits that protect the pipeline from huge or hostile input.

use serde::{Deserialize, Serialize};

/// Upper bounds checked while decoding; breaking one gives [`crate::Error::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Longest decoded duration accepted, in seconds (default 4 hours).
    pub max_duration_s: f64,
    /// Most channels accepted (default 32).
    pub max_channels: u32,
    /// Highest sample rate accepted, in Hz (default 192 kHz).
    pub max_sample_rate: u32,
    /// Largest input accepted, in bytes (default 2 GiB).
    pub max_file_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_duration_s: 4.0 * 3600.0,
            max_channels: 32,
            max_sample_rate: 192_000,
            max_file_size: 2 * 1024 * 1024 * 1024,
        }
    }
}
