//! Measurements of conditions that weaken a verdict: bandwidth, clipping, level and noise.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

use crate::report::Flag;

/// Effective bandwidth at or below this (Hz) flags the clip `narrowband` (telephone audio).
pub const NARROWBAND_HZ: f64 = 4000.0;
/// Bins within this many dB of the loudest bin of the long-term spectrum count as signal.
pub const BANDWIDTH_RANGE_DB: f64 = 50.0;
/// A sample at or above this magnitude counts as clipped.
pub const CLIP_LEVEL: f32 = 0.999;
/// Share of clipped samples that flags the clip `clipped`.
pub const CLIPPED_SHARE: f64 = 0.001;
/// Active speech level (dBFS) below which the clip is flagged `low_level`.
pub const LOW_LEVEL_DBFS: f64 = -40.0;
/// Speech-to-noise-floor ratio (dB) below which the clip is flagged `noisy`. Chosen on the
/// training recipe's held-out split, never on evaluation data; how often it fires on noisy and
/// codec-degraded copies is in the robustness tables of the model card (models/README.md).
pub const NOISY_SNR_DB: f64 = 20.0;

const BLOCK: usize = 512;

/// Long-term average spectrum of a stream, for the effective bandwidth.
pub struct BandwidthMeter {
    sample_rate: u32,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    block: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    scratch: Vec<realfft::num_complex::Complex<f32>>,
    power: Vec<f64>,
}

impl BandwidthMeter {
    /// A meter for a stream at `sample_rate`.
    pub fn new(sample_rate: u32) -> BandwidthMeter {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(BLOCK);
        let window = (0..BLOCK)
            .map(|i| {
                let x = std::f32::consts::PI * 2.0 * i as f32 / BLOCK as f32;
                0.5 - 0.5 * x.cos()
            })
            .collect();
        BandwidthMeter {
            sample_rate,
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
            block: Vec::with_capacity(BLOCK),
            power: vec![0.0; BLOCK / 2 + 1],
        }
    }

    /// Adds samples (non-overlapping blocks of 512 samples are analysed).
    pub fn push(&mut self, samples: &[f32]) {
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (BLOCK - self.block.len()).min(rest.len());
            self.block.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.block.len() == BLOCK {
                for (x, w) in self.block.iter_mut().zip(&self.window) {
                    *x *= w;
                }
                if self
                    .fft
                    .process_with_scratch(&mut self.block, &mut self.spectrum, &mut self.scratch)
                    .is_ok()
                {
                    for (acc, c) in self.power.iter_mut().zip(&self.spectrum) {
                        *acc += c.norm_sqr() as f64;
                    }
                }
                self.block.clear();
            }
        }
    }

    /// Highest frequency (Hz) whose long-term level is within [`BANDWIDTH_RANGE_DB`] of the
    /// loudest bin; 0 for silence or streams shorter than one block.
    pub fn effective_bandwidth_hz(&self) -> f64 {
        let peak = self.power.iter().skip(1).copied().fold(0.0, f64::max);
        if peak <= 0.0 {
            return 0.0;
        }
        let floor = peak * 10f64.powf(-BANDWIDTH_RANGE_DB / 10.0);
        let top = self.power.iter().rposition(|&p| p >= floor).unwrap_or(0);
        top as f64 * self.sample_rate as f64 / BLOCK as f64
    }
}

/// Counts samples at full scale.
#[derive(Debug, Default, Clone)]
pub struct ClipMeter {
    clipped: u64,
    total: u64,
}

impl ClipMeter {
    /// Adds samples.
    pub fn push(&mut self, samples: &[f32]) {
        self.total += samples.len() as u64;
        self.clipped += samples.iter().filter(|x| x.abs() >= CLIP_LEVEL).count() as u64;
    }

    /// True when at least [`CLIPPED_SHARE`] of the samples are at full scale.
    pub fn is_clipped(&self) -> bool {
        self.total > 0 && self.clipped as f64 >= CLIPPED_SHARE * self.total as f64
    }
}

/// The flags for a clip, in a stable order (`snr_db` is `None` without speech).
pub fn flags(
    bandwidth_hz: f64,
    clipped: bool,
    speech_level_dbfs: f64,
    snr_db: Option<f64>,
    lossy: bool,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if bandwidth_hz <= NARROWBAND_HZ {
        flags.push(Flag::Narrowband);
    }
    if clipped {
        flags.push(Flag::Clipped);
    }
    if speech_level_dbfs < LOW_LEVEL_DBFS {
        flags.push(Flag::LowLevel);
    }
    if snr_db.is_some_and(|snr| snr < NOISY_SNR_DB) {
        flags.push(Flag::Noisy);
    }
    if lossy {
        flags.push(Flag::LossyCodec);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tones(freqs: &[f32], sr: u32) -> Vec<f32> {
        (0..sr as usize)
            .map(|i| {
                freqs
                    .iter()
                    .map(|f| 0.1 * (2.0 * std::f32::consts::PI * f * i as f32 / sr as f32).sin())
                    .sum()
            })
            .collect()
    }

    #[test]
    fn bandwidth_follows_the_highest_tone() {
        let mut wide = BandwidthMeter::new(16000);
        wide.push(&tones(&[300.0, 1000.0, 7000.0], 16000));
        assert!((wide.effective_bandwidth_hz() - 7000.0).abs() < 100.0);
        let mut narrow = BandwidthMeter::new(16000);
        narrow.push(&tones(&[300.0, 1000.0, 3300.0], 16000));
        let bw = narrow.effective_bandwidth_hz();
        assert!(bw <= NARROWBAND_HZ && bw > 3000.0, "{bw}");
    }

    #[test]
    fn clipping_is_counted() {
        let mut m = ClipMeter::default();
        m.push(&[0.1; 1000]);
        assert!(!m.is_clipped());
        m.push(&[1.0; 10]);
        assert!(m.is_clipped());
    }
}
