//! Helpers shared by the CLI's integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The development model's manifest (tests/models/dev.json).
pub fn dev_model() -> PathBuf {
    repo().join("tests/models/dev.json")
}

/// Runs the built `voxscreen` binary with `args`.
pub fn voxscreen<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_voxscreen"))
        .args(args)
        .output()
        .expect("runs voxscreen")
}

/// The exit status of a finished run.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

/// A 16-bit mono PCM WAV (hand-written header).
pub fn wav(rate: u32, samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * 2).to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        h.extend_from_slice(&s.to_le_bytes());
    }
    h
}
