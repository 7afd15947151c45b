//! Spectral front-ends: power / log spectrogram and LFCC (+ deltas, + per-window CMN).
//!
//! The maths is fixed by the training recipe and mirrored by `tests/reference/features_ref.py`
//! (numpy/scipy); see [`FeatureExtractor`] for the exact definitions. Everything is computed
//! in `f32` with precomputed tables (window, sparse triangular filterbank, orthonormal
//! DCT-II matrix) and a reused realfft plan. Per-thread scratch buffers make the hot path
//! ([`FeatureExtractor::model_input_into`]) allocation-free after the first call on a thread.

use crate::{Error, Result};
use ndarray::{Array2, ArrayView1, ArrayViewMut1, ArrayViewMut2, Axis};
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::Arc;

/// Floor added before every logarithm.
pub const LOG_EPS: f32 = 1e-10;
/// Largest FFT size accepted by [`FeatureExtractor::new`].
pub const MAX_N_FFT: usize = 1 << 16;

/// Which representation the model consumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// Linear-frequency cepstral coefficients (optionally with deltas).
    Lfcc,
    /// Natural log of the power spectrogram.
    LogSpectrogram,
}

/// Parameters of the front-end; stored in the model manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Representation fed to the model.
    pub kind: FeatureKind,
    /// Sample rate the features are computed at (Hz).
    pub sample_rate: u32,
    /// FFT size (frames are zero-padded at the end up to this length).
    pub n_fft: usize,
    /// Analysis window length in samples (periodic Hann).
    pub win_length: usize,
    /// Hop between frames in samples.
    pub hop_length: usize,
    /// Number of linear triangular filters (LFCC only).
    pub n_filters: usize,
    /// Number of cepstral coefficients kept, c0 included (LFCC only).
    pub n_coeffs: usize,
    /// Append delta and delta-delta rows (LFCC only).
    pub deltas: bool,
    /// Subtract each row's mean over the frames of the window (model input only).
    pub cmn: bool,
}

impl FeatureSpec {
    /// LFCC, 16 kHz, n_fft 512, 25 ms window (400), 10 ms hop (160), 40 filters,
    /// 20 coefficients, deltas and CMN on.
    pub fn default_lfcc() -> FeatureSpec {
        FeatureSpec {
            kind: FeatureKind::Lfcc,
            sample_rate: 16000,
            n_fft: 512,
            win_length: 400,
            hop_length: 160,
            n_filters: 40,
            n_coeffs: 20,
            deltas: true,
            cmn: true,
        }
    }

    /// Checks the spectral parameters (and the LFCC ones when `kind` is LFCC).
    pub fn validate(&self) -> Result<()> {
        self.validate_spectral()?;
        if self.kind == FeatureKind::Lfcc {
            self.validate_lfcc()?;
        }
        Ok(())
    }

    fn validate_spectral(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(format!("feature spec: {m}")));
        if self.sample_rate == 0 {
            return bad("sample_rate must be positive".into());
        }
        if self.n_fft < 2 || self.n_fft > MAX_N_FFT {
            return bad(format!("n_fft {} outside 2..={MAX_N_FFT}", self.n_fft));
        }
        if self.win_length == 0 || self.win_length > self.n_fft {
            return bad(format!(
                "win_length {} must be in 1..=n_fft ({})",
                self.win_length, self.n_fft
            ));
        }
        if self.hop_length == 0 {
            return bad("hop_length must be positive".into());
        }
        Ok(())
    }

    fn validate_lfcc(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(format!("feature spec: {m}")));
        if self.n_filters == 0 || self.n_filters > self.n_fft / 2 {
            return bad(format!(
                "n_filters {} must be in 1..=n_fft/2 ({})",
                self.n_filters,
                self.n_fft / 2
            ));
        }
        if self.n_coeffs == 0 || self.n_coeffs > self.n_filters {
            return bad(format!(
                "n_coeffs {} must be in 1..=n_filters ({})",
                self.n_coeffs, self.n_filters
            ));
        }
        Ok(())
    }
}

/// One triangular filter, stored sparsely: weights for bins `start..start + weights.len()`.
#[derive(Debug, Clone)]
struct Filter {
    start: usize,
    weights: Vec<f32>,
}

/// LFCC tables (absent when a log-spectrogram spec carries no valid LFCC parameters).
#[derive(Debug, Clone)]
struct LfccTables {
    filters: Vec<Filter>,
    /// Orthonormal DCT-II matrix stored transposed: `dct_t[m * n_coeffs + c]` is the weight
    /// of log-energy `m` in coefficient `c` (lets the per-frame product vectorise over `c`).
    dct_t: Vec<f32>,
}

/// Per-thread scratch buffers (resized to the extractor in use; no allocation once warm).
#[derive(Default)]
struct Scratch {
    frame: Vec<f32>,
    spec: Vec<Complex<f32>>,
    fft: Vec<Complex<f32>>,
    power: Vec<f32>,
    log_energy: Vec<f32>,
    cep: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Computes the front-end for a [`FeatureSpec`]. `Send + Sync`; cheap to share behind an `Arc`.
///
/// Definitions (all must match the training recipe):
/// * frame `t` = `samples[t*hop .. t*hop + win_length]` times a periodic Hann window
///   (`0.5 - 0.5 cos(2πn/win_length)`, = `scipy.signal.get_window('hann', win_length)`),
///   zero-padded at the end to `n_fft`; frames = 0 if n < win_length else
///   1 + (n - win_length) / hop (no centring, no padding of the signal);
/// * power = `|rfft(frame)|²`, `n_fft/2 + 1` bins;
/// * log spectrogram = `ln(power + 1e-10)`;
/// * LFCC: `E = FB @ power` with `n_filters` triangular filters (peak 1, no area
///   normalisation) whose edge/centre points are `linspace(0, sr/2, n_filters + 2)` Hz,
///   evaluated at bin frequencies `k·sr/n_fft`; `C = DCT-II-ortho(ln(E + 1e-10))[..n_coeffs]`;
///   deltas `d[t] = Σ_{n=1,2} n·(x[t+n] − x[t−n]) / 10` with edge frames replicated,
///   stacked `[C; ΔC; ΔΔC]`.
pub struct FeatureExtractor {
    spec: FeatureSpec,
    n_bins: usize,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    lfcc: Option<LfccTables>,
}

impl std::fmt::Debug for FeatureExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureExtractor")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// Periodic Hann window of length `n` (scipy `get_window('hann', n)`).
fn periodic_hann(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let x = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            (0.5 - 0.5 * x.cos()) as f32
        })
        .collect()
}

/// Linear triangular filterbank as sparse rows.
fn linear_filterbank(sample_rate: u32, n_fft: usize, n_filters: usize) -> Vec<Filter> {
    let n_bins = n_fft / 2 + 1;
    let nyq = sample_rate as f64 / 2.0;
    // numpy.linspace(0, nyq, n_filters + 2)
    let npts = n_filters + 2;
    let step = nyq / (npts - 1) as f64;
    let pts: Vec<f64> = (0..npts)
        .map(|i| if i == npts - 1 { nyq } else { i as f64 * step })
        .collect();
    let bin_hz = |k: usize| k as f64 * sample_rate as f64 / n_fft as f64;
    (0..n_filters)
        .map(|m| {
            let (lo, c, hi) = (pts[m], pts[m + 1], pts[m + 2]);
            let w: Vec<f64> = (0..n_bins)
                .map(|k| {
                    let f = bin_hz(k);
                    let up = (f - lo) / (c - lo);
                    let down = (hi - f) / (hi - c);
                    up.min(down).max(0.0)
                })
                .collect();
            let first = w.iter().position(|&v| v > 0.0);
            match first {
                None => Filter {
                    start: 0,
                    weights: Vec::new(),
                },
                Some(s) => {
                    let e = w.iter().rposition(|&v| v > 0.0).unwrap() + 1;
                    Filter {
                        start: s,
                        weights: w[s..e].iter().map(|&v| v as f32).collect(),
                    }
                }
            }
        })
        .collect()
}

/// Orthonormal DCT-II matrix (`scipy.fft.dct(type=2, norm='ortho')`), first `n_coeffs` rows.
fn dct2_ortho(n_coeffs: usize, n: usize) -> Vec<f32> {
    let mut m = Vec::with_capacity(n_coeffs * n);
    for k in 0..n_coeffs {
        let scale = if k == 0 {
            (1.0 / n as f64).sqrt()
        } else {
            (2.0 / n as f64).sqrt()
        };
        for i in 0..n {
            let arg = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2 * n) as f64;
            m.push((scale * arg.cos()) as f32);
        }
    }
    m
}

impl FeatureExtractor {
    /// Precomputes the FFT plan, window, filterbank and DCT matrix.
    ///
    /// Returns [`Error::InvalidInput`] for nonsense specs (zero rate or hop, `win_length`
    /// outside `1..=n_fft`, `n_fft` outside `2..=65536`, and for LFCC `n_filters` outside
    /// `1..=n_fft/2` or `n_coeffs` outside `1..=n_filters`).
    pub fn new(spec: &FeatureSpec) -> Result<FeatureExtractor> {
        spec.validate()?;
        let lfcc = if spec.validate_lfcc().is_ok() {
            Some(LfccTables {
                filters: linear_filterbank(spec.sample_rate, spec.n_fft, spec.n_filters),
                dct_t: transpose(
                    &dct2_ortho(spec.n_coeffs, spec.n_filters),
                    spec.n_coeffs,
                    spec.n_filters,
                ),
            })
        } else {
            None
        };
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(spec.n_fft);
        Ok(FeatureExtractor {
            spec: spec.clone(),
            n_bins: spec.n_fft / 2 + 1,
            fft,
            window: periodic_hann(spec.win_length),
            lfcc,
        })
    }

    /// The spec this extractor was built from.
    pub fn spec(&self) -> &FeatureSpec {
        &self.spec
    }

    /// frames = 0 if n < win_length else 1 + (n - win_length) / hop_length
    pub fn n_frames(&self, n_samples: usize) -> usize {
        if n_samples < self.spec.win_length {
            0
        } else {
            1 + (n_samples - self.spec.win_length) / self.spec.hop_length
        }
    }

    /// Rows of model_input: 3*n_coeffs (deltas) or n_coeffs for lfcc; n_fft/2+1 for log_spectrogram.
    pub fn n_rows(&self) -> usize {
        match self.spec.kind {
            FeatureKind::Lfcc => self.lfcc_rows(),
            FeatureKind::LogSpectrogram => self.n_bins,
        }
    }

    /// Number of frequency bins, `n_fft/2 + 1`.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    fn lfcc_rows(&self) -> usize {
        if self.lfcc.is_none() {
            0
        } else if self.spec.deltas {
            3 * self.spec.n_coeffs
        } else {
            self.spec.n_coeffs
        }
    }

    /// Runs `f` with this thread's scratch sized for this extractor.
    fn with_scratch<R>(&self, f: impl FnOnce(&mut Scratch) -> R) -> R {
        let prep = |s: &mut Scratch| {
            s.frame.resize(self.spec.n_fft, 0.0);
            s.spec.resize(self.n_bins, Complex::default());
            s.fft.resize(self.fft.get_scratch_len(), Complex::default());
            s.power.resize(self.n_bins, 0.0);
            s.log_energy.resize(self.spec.n_filters, 0.0);
            s.cep.resize(self.spec.n_coeffs, 0.0);
        };
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => {
                prep(&mut s);
                f(&mut s)
            }
            // Re-entrant use (not expected): fall back to a private scratch.
            Err(_) => {
                let mut s = Scratch::default();
                prep(&mut s);
                f(&mut s)
            }
        })
    }

    /// Fills `sc.power` with the power spectrum of frame `t`.
    #[inline]
    fn power_frame(&self, samples: &[f32], t: usize, sc: &mut Scratch) {
        let win = self.spec.win_length;
        let start = t * self.spec.hop_length;
        let src = &samples[start..start + win];
        let (head, tail) = sc.frame.split_at_mut(win);
        for ((d, &s), &w) in head.iter_mut().zip(src).zip(&self.window) {
            *d = s * w;
        }
        tail.fill(0.0);
        // Lengths are right by construction (scratch sized in with_scratch).
        self.fft
            .process_with_scratch(&mut sc.frame, &mut sc.spec, &mut sc.fft)
            .expect("realfft buffer sizes");
        for (p, c) in sc.power.iter_mut().zip(&sc.spec) {
            *p = c.re * c.re + c.im * c.im;
        }
    }

    /// |rfft(frame * hann)|^2, shape (n_fft/2+1, frames).
    pub fn power_spectrogram(&self, samples: &[f32]) -> Array2<f32> {
        let frames = self.n_frames(samples.len());
        let mut out = Array2::<f32>::zeros((self.n_bins, frames));
        self.with_scratch(|sc| {
            for t in 0..frames {
                self.power_frame(samples, t, sc);
                let mut col = out.column_mut(t);
                for (o, &p) in col.iter_mut().zip(&sc.power) {
                    *o = p;
                }
            }
        });
        out
    }

    /// ln(power + 1e-10), shape (n_fft/2+1, frames).
    pub fn log_spectrogram(&self, samples: &[f32]) -> Array2<f32> {
        let frames = self.n_frames(samples.len());
        let mut out = Array2::<f32>::zeros((self.n_bins, frames));
        self.log_spectrogram_into(samples, out.view_mut());
        out
    }

    fn log_spectrogram_into(&self, samples: &[f32], mut out: ArrayViewMut2<f32>) {
        let frames = out.ncols();
        self.with_scratch(|sc| {
            for t in 0..frames {
                self.power_frame(samples, t, sc);
                for p in sc.power.iter_mut() {
                    *p += LOG_EPS;
                }
                ln_in_place(&mut sc.power);
                let mut col = out.column_mut(t);
                for (o, &p) in col.iter_mut().zip(&sc.power) {
                    *o = p;
                }
            }
        });
    }

    /// LFCC (+ deltas when `spec.deltas`), shape (rows, frames); see the type docs for the
    /// exact definition. For a log-spectrogram spec whose LFCC parameters are invalid the
    /// result has 0 rows.
    pub fn lfcc(&self, samples: &[f32]) -> Array2<f32> {
        let frames = self.n_frames(samples.len());
        let mut out = Array2::<f32>::zeros((self.lfcc_rows(), frames));
        if self.lfcc.is_some() {
            self.lfcc_into(samples, out.view_mut());
        }
        out
    }

    fn lfcc_into(&self, samples: &[f32], mut out: ArrayViewMut2<f32>) {
        let tables = self.lfcc.as_ref().expect("lfcc tables");
        let nc = self.spec.n_coeffs;
        let frames = out.ncols();
        self.with_scratch(|sc| {
            for t in 0..frames {
                self.power_frame(samples, t, sc);
                for (le, filt) in sc.log_energy.iter_mut().zip(&tables.filters) {
                    let p = &sc.power[filt.start..filt.start + filt.weights.len()];
                    *le = dot(p, &filt.weights) + LOG_EPS;
                }
                ln_in_place(&mut sc.log_energy);
                sc.cep.fill(0.0);
                for (m, &le) in sc.log_energy.iter().enumerate() {
                    let col = &tables.dct_t[m * nc..(m + 1) * nc];
                    for (acc, &w) in sc.cep.iter_mut().zip(col) {
                        *acc += w * le;
                    }
                }
                for (o, &v) in out.column_mut(t).iter_mut().zip(&sc.cep) {
                    *o = v;
                }
            }
        });
        if self.spec.deltas && frames > 0 {
            let (src, rest) = out.view_mut().split_at(Axis(0), nc);
            let (mut d1, mut d2) = rest.split_at(Axis(0), nc);
            for c in 0..nc {
                delta_into(src.row(c), d1.row_mut(c));
            }
            for c in 0..nc {
                delta_into(d1.row(c), d2.row_mut(c));
            }
        }
    }

    /// What the model sees for one window: lfcc or log_spectrogram per spec.kind, then if
    /// spec.cmn subtract each row's mean over frames. Shape (n_rows, n_frames(window.len())).
    pub fn model_input(&self, window: &[f32]) -> Array2<f32> {
        let mut out = Array2::<f32>::zeros((self.n_rows(), self.n_frames(window.len())));
        self.model_input_into(window, out.view_mut());
        out
    }

    /// Writes model_input into a preallocated (n_rows, frames) view without allocating
    /// (after this thread's scratch has warmed up).
    ///
    /// # Panics
    /// If `out` is not `(n_rows(), n_frames(window.len()))`.
    pub fn model_input_into(&self, window: &[f32], mut out: ArrayViewMut2<f32>) {
        let expect = (self.n_rows(), self.n_frames(window.len()));
        assert_eq!(
            out.dim(),
            expect,
            "model_input_into: output view has the wrong shape"
        );
        match self.spec.kind {
            FeatureKind::Lfcc => self.lfcc_into(window, out.view_mut()),
            FeatureKind::LogSpectrogram => self.log_spectrogram_into(window, out.view_mut()),
        }
        if self.spec.cmn && expect.1 > 0 {
            for mut row in out.rows_mut() {
                let mean = (row.iter().map(|&v| v as f64).sum::<f64>() / expect.1 as f64) as f32;
                row.mapv_inplace(|v| v - mean);
            }
        }
    }
}

fn transpose(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}

/// Dot product with four partial sums (lets the compiler use SIMD lanes).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for v in acc {
        s += v;
    }
    s
}

/// Natural log of positive, finite, normal `f32`s, in place; branch-free so it vectorises.
///
/// `x = m·2^e` with `m ∈ [√½, √2)`, `ln x = e·ln2 + 2·atanh(s)`, `s = (m−1)/(m+1)`, atanh by
/// its odd series to `s⁹` (|s| ≤ 0.172, truncation < 3e-9): within a few f32 ulps of
/// `f32::ln`. Only ever called on `power + 1e-10` / `energy + 1e-10`, which are ≥ 1e-10.
#[inline]
fn ln_in_place(xs: &mut [f32]) {
    const LN2: f32 = std::f32::consts::LN_2;
    const SQRT2: f32 = std::f32::consts::SQRT_2;
    for x in xs.iter_mut() {
        let bits = x.to_bits();
        let mut e = ((bits >> 23) & 0xff) as i32 - 127;
        let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
        let big = m > SQRT2;
        m = if big { m * 0.5 } else { m };
        e += big as i32;
        let s = (m - 1.0) / (m + 1.0);
        let z = s * s;
        let poly = 1.0 + z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0))));
        *x = e as f32 * LN2 + 2.0 * s * poly;
    }
}

/// `d[t] = Σ_{n=1,2} n·(x[t+n] − x[t−n]) / (2·(1² + 2²))`, edge frames replicated.
fn delta_into(x: ArrayView1<f32>, mut d: ArrayViewMut1<f32>) {
    let n = x.len();
    if n == 0 {
        return;
    }
    let last = n as isize - 1;
    let at = |i: isize| x[i.clamp(0, last) as usize];
    for t in 0..n {
        let ti = t as isize;
        d[t] = ((at(ti + 1) - at(ti - 1)) + 2.0 * (at(ti + 2) - at(ti - 2))) / 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn send_sync() {
        assert_send_sync::<FeatureExtractor>();
    }

    #[test]
    fn spec_json_roundtrip() {
        let spec = FeatureSpec::default_lfcc();
        let js = serde_json::to_string(&spec).unwrap();
        assert!(js.contains("\"kind\":\"lfcc\""));
        let back: FeatureSpec = serde_json::from_str(&js).unwrap();
        assert_eq!(back, spec);
        let mut ls = spec.clone();
        ls.kind = FeatureKind::LogSpectrogram;
        assert!(serde_json::to_string(&ls)
            .unwrap()
            .contains("log_spectrogram"));
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn rejects_nonsense() {
        let base = FeatureSpec::default_lfcc();
        let cases: Vec<Box<dyn Fn(&mut FeatureSpec)>> = vec![
            Box::new(|s| s.win_length = 513),
            Box::new(|s| s.win_length = 0),
            Box::new(|s| s.hop_length = 0),
            Box::new(|s| s.n_coeffs = 41),
            Box::new(|s| s.n_coeffs = 0),
            Box::new(|s| s.n_filters = 0),
            Box::new(|s| s.n_filters = 257),
            Box::new(|s| s.n_fft = 0),
            Box::new(|s| s.n_fft = 1 << 20),
            Box::new(|s| s.sample_rate = 0),
        ];
        for (i, f) in cases.iter().enumerate() {
            let mut s = base.clone();
            f(&mut s);
            assert!(
                matches!(FeatureExtractor::new(&s), Err(Error::InvalidInput(_))),
                "case {i} accepted: {s:?}"
            );
        }
        assert!(FeatureExtractor::new(&base).is_ok());
    }

    #[test]
    fn fast_ln_matches_std() {
        let mut worst = 0.0f64;
        let mut v = 1e-10f32;
        while v < 1e6 {
            let mut y = [v];
            ln_in_place(&mut y);
            let want = (v as f64).ln();
            worst = worst.max((y[0] as f64 - want).abs() / want.abs().max(1.0));
            v *= 1.000_37;
        }
        assert!(worst < 1e-6, "fast ln worst relative error {worst:e}");
    }

    #[test]
    fn shapes() {
        let fe = FeatureExtractor::new(&FeatureSpec::default_lfcc()).unwrap();
        assert_eq!(fe.n_rows(), 60);
        assert_eq!(fe.n_frames(32000), 198);
        assert_eq!(fe.n_frames(399), 0);
        assert_eq!(fe.n_frames(400), 1);
        let x = vec![0.1f32; 399];
        assert_eq!(fe.model_input(&x).dim(), (60, 0));
        let x: Vec<f32> = (0..400).map(|i| (i as f32 * 0.1).sin()).collect();
        let m = fe.model_input(&x);
        assert_eq!(m.dim(), (60, 1));
        // One frame: CMN makes everything zero.
        assert!(m.iter().all(|&v| v == 0.0));
    }
}
