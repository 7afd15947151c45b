//! Streaming, anti-aliased sample-rate conversion to the model rate.
//!
//! Built on rubato's synchronous FFT resampler ([`rubato::Fft`]), which band-limits with a
//! Blackman-Harris² windowed sinc and changes the rate in the frequency domain. The wrapper
//! adds what the pipeline needs on top of rubato:
//!
//! * any input length per call (input is buffered up to one FFT block),
//! * zero delay: the filter delay (exactly half a block, an integer number of samples on
//!   both sides because the block sizes are always even) is dropped from the front, so
//!   output sample `n` corresponds to input time `n / to_rate`,
//! * an exact output length: after [`Resampler::finish`] the stream has produced
//!   `round(total_input * to / from)` samples,
//! * a plain copy when the rates match.
//!
//! The block size is chosen so that both the input-side and output-side FFT blocks hold at
//! least [`MIN_BLOCK`] samples (a sinc of that length gives a transition band of roughly
//! 1.4 % of the lower Nyquist frequency), capped for absurd ratios (e.g. 1 Hz input) so that
//! memory stays bounded. Output is a deterministic function of the whole input stream and
//! does not depend on how the input is split into calls.

use crate::{Error, Result};
use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler as _, WindowFunction};

/// Smallest FFT block (in samples, on the shorter side) we aim for. Controls the sharpness
/// of the anti-aliasing filter: rubato's cutoff for a 1024-sample BH² sinc is ≈ 0.987 of the
/// lower Nyquist frequency, with the stop band starting at Nyquist.
const MIN_BLOCK: usize = 1024;
/// Cap on the longer FFT block for pathological ratios (tiny input rates).
const MAX_BLOCK: usize = 1 << 17;

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// State of a real (non-identity) conversion.
struct FftState {
    rs: Fft<f32>,
    /// Input samples consumed per rubato call.
    chunk_in: usize,
    /// Output samples produced per rubato call.
    chunk_out: usize,
    /// Delay of the filter in output samples (dropped from the front of the stream).
    delay_out: usize,
    /// Buffered input, always shorter than `chunk_in` between calls.
    pending: Vec<f32>,
    /// One block of rubato output.
    out_buf: Vec<f32>,
    /// How many leading output samples are still to be dropped.
    to_skip: usize,
    /// Output samples emitted to callers so far.
    emitted: u64,
}

impl FftState {
    /// Runs one block through rubato. `input` must hold `chunk_in` samples, except for the
    /// final flush where `partial` gives the number of valid samples (rest is silence).
    fn run_block(&mut self, input: &[f32], partial: Option<usize>) -> Result<()> {
        let frames_in = partial.unwrap_or(self.chunk_in);
        let adapter_in = SequentialSlice::new(input, 1, frames_in)
            .map_err(|e| Error::InvalidInput(format!("resampler input buffer: {e}")))?;
        let mut adapter_out = SequentialSlice::new_mut(&mut self.out_buf, 1, self.chunk_out)
            .map_err(|e| Error::InvalidInput(format!("resampler output buffer: {e}")))?;
        let indexing = partial.map(|n| Indexing::new().partial_len(n));
        self.rs
            .process_into_buffer(&adapter_in, &mut adapter_out, indexing.as_ref())
            .map_err(|e| Error::InvalidInput(format!("resampling failed: {e}")))?;
        Ok(())
    }

    /// Appends the current `out_buf` to `out`, dropping the remaining delay samples first.
    /// At most `limit` samples are appended.
    fn emit(&mut self, out: &mut Vec<f32>, limit: u64) {
        let skip = self.to_skip.min(self.chunk_out);
        self.to_skip -= skip;
        let avail = &self.out_buf[skip..];
        let n = (avail.len() as u64).min(limit) as usize;
        out.extend_from_slice(&avail[..n]);
        self.emitted += n as u64;
    }

    fn process(&mut self, mut input: &[f32], out: &mut Vec<f32>) -> Result<()> {
        // Top up a partially filled block first.
        if !self.pending.is_empty() {
            let need = self.chunk_in - self.pending.len();
            let take = need.min(input.len());
            self.pending.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.pending.len() < self.chunk_in {
                return Ok(());
            }
            let pending = std::mem::take(&mut self.pending);
            let res = self.run_block(&pending, None);
            self.pending = pending;
            self.pending.clear();
            res?;
            self.emit(out, u64::MAX);
        }
        // Whole blocks straight from the caller's slice.
        while input.len() >= self.chunk_in {
            let (block, rest) = input.split_at(self.chunk_in);
            self.run_block(block, None)?;
            self.emit(out, u64::MAX);
            input = rest;
        }
        self.pending.extend_from_slice(input);
        Ok(())
    }

    fn finish(&mut self, target: u64, out: &mut Vec<f32>) -> Result<()> {
        // Flush the partial block (zero padded), then pure silence until the delayed tail
        // has come out.
        let mut first = true;
        while self.emitted < target {
            let pending = std::mem::take(&mut self.pending);
            let valid = if first { pending.len() } else { 0 };
            first = false;
            let res = self.run_block(&pending, Some(valid));
            self.pending = pending;
            self.pending.clear();
            res?;
            let remaining = target - self.emitted;
            self.emit(out, remaining);
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.rs.reset();
        self.pending.clear();
        self.to_skip = self.delay_out;
        self.emitted = 0;
    }
}

enum Inner {
    Identity,
    Fft(Box<FftState>),
}

/// Streaming resampler from the source rate to the model rate; identity (copy) when rates match.
///
/// Feed any number of [`process`](Resampler::process) calls with arbitrary chunk sizes, then
/// call [`finish`](Resampler::finish) once. After `finish` the resampler is reset and can be
/// reused for a new stream with the same rates.
pub struct Resampler {
    from_rate: u32,
    to_rate: u32,
    total_in: u64,
    inner: Inner,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Resampler");
        d.field("from_rate", &self.from_rate)
            .field("to_rate", &self.to_rate)
            .field("total_in", &self.total_in);
        if let Inner::Fft(st) = &self.inner {
            d.field("block_in", &st.chunk_in)
                .field("block_out", &st.chunk_out)
                .field("delay_out", &st.delay_out);
        }
        d.finish()
    }
}

impl Resampler {
    /// Creates a resampler from `from_rate` Hz to `to_rate` Hz.
    ///
    /// Returns [`Error::InvalidInput`] when either rate is zero.
    pub fn new(from_rate: u32, to_rate: u32) -> Result<Resampler> {
        if from_rate == 0 || to_rate == 0 {
            return Err(Error::InvalidInput(format!(
                "sample rates must be positive (from {from_rate} Hz to {to_rate} Hz)"
            )));
        }
        if from_rate == to_rate {
            return Ok(Resampler {
                from_rate,
                to_rate,
                total_in: 0,
                inner: Inner::Identity,
            });
        }
        let g = gcd(from_rate as u64, to_rate as u64);
        let a = (from_rate as u64 / g) as usize; // minimal input block
        let b = (to_rate as u64 / g) as usize; // minimal output block
        let mut k = MIN_BLOCK.div_ceil(a).max(MIN_BLOCK.div_ceil(b));
        k = k.min((MAX_BLOCK / a.max(b)).max(1));
        // Even multiples keep both block sizes even, so the sinc centre (half a block) is an
        // integer number of samples on both sides and the delay compensation is exact.
        if k % 2 == 1 {
            k += 1;
        }
        let chunk_in = k * a;
        let rs = Fft::<f32>::new_custom(
            from_rate as usize,
            to_rate as usize,
            chunk_in,
            1,
            1,
            WindowFunction::BlackmanHarris2,
            FixedSync::Both,
        )
        .map_err(|e| Error::InvalidInput(format!("cannot build resampler: {e}")))?;
        let chunk_in = rs.input_frames_next();
        let chunk_out = rs.output_frames_next();
        debug_assert_eq!(chunk_in, k * a);
        debug_assert_eq!(chunk_out, k * b);
        let delay_out = rs.output_delay();
        Ok(Resampler {
            from_rate,
            to_rate,
            total_in: 0,
            inner: Inner::Fft(Box::new(FftState {
                rs,
                chunk_in,
                chunk_out,
                delay_out,
                pending: Vec::with_capacity(chunk_in),
                out_buf: vec![0.0; chunk_out],
                to_skip: delay_out,
                emitted: 0,
            })),
        })
    }

    /// Source rate in Hz.
    pub fn from_rate(&self) -> u32 {
        self.from_rate
    }

    /// Target rate in Hz.
    pub fn to_rate(&self) -> u32 {
        self.to_rate
    }

    /// Appends resampled output for `input` to `out` (any input length, including 0).
    ///
    /// Output lags input by up to one internal block; [`finish`](Resampler::finish) flushes it.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<()> {
        self.total_in += input.len() as u64;
        match &mut self.inner {
            Inner::Identity => {
                out.extend_from_slice(input);
                Ok(())
            }
            Inner::Fft(st) => st.process(input, out),
        }
    }

    /// Flushes the tail so that total output length == round(total_input * to / from).
    ///
    /// Resets the resampler afterwards, ready for a new stream.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        let res = match &mut self.inner {
            Inner::Identity => Ok(()),
            Inner::Fft(st) => {
                let num = self.total_in as u128 * self.to_rate as u128;
                let den = self.from_rate as u128;
                let target = ((num + den / 2) / den) as u64;
                let r = st.finish(target, out);
                st.reset();
                r
            }
        };
        self.total_in = 0;
        res
    }

    /// Expected total output length for `n_input` samples: `round(n_input * to / from)`.
    pub fn output_len(&self, n_input: u64) -> u64 {
        let num = n_input as u128 * self.to_rate as u128;
        let den = self.from_rate as u128;
        ((num + den / 2) / den) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn is_send() {
        assert_send::<Resampler>();
    }

    #[test]
    fn zero_rates_rejected() {
        assert!(matches!(
            Resampler::new(0, 16000),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            Resampler::new(16000, 0),
            Err(Error::InvalidInput(_))
        ));
    }
}
