//! Cutting the 16 kHz stream into analysis windows, and the energy VAD that decides which
//! windows hold speech.
//!
//! Windows start every `hop` samples; when the clip does not end on a window boundary one more
//! window is aligned to its end, so the whole clip is covered. A clip shorter than one window is
//! tiled by repetition to one full window (the training recipe uses this same code).
//! Memory stays bounded: only the last window of samples is kept, plus one level (4 bytes) per
//! 10 ms frame.

/// Length of one VAD frame, in seconds.
pub const VAD_FRAME_S: f64 = 0.010;
/// A frame is speech when its level is within this many dB of the loudest frame…
pub const VAD_RELATIVE_DB: f32 = 40.0;
/// …and above this absolute level (dBFS).
pub const VAD_FLOOR_DBFS: f32 = -60.0;
/// A window holds speech when at least this share of its frames are speech.
pub const WINDOW_SPEECH_SHARE: f64 = 0.25;
/// The noise floor is the level of the quietest frames: this percentile of all frame levels.
pub const NOISE_FLOOR_PERCENTILE: f64 = 5.0;

/// One analysis window, in samples at the model rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowSpan {
    /// First sample of the window in the clip.
    pub start: u64,
    /// One past the last sample of the window in the clip (for a tiled short clip: its length).
    pub end: u64,
}

/// Streaming window cutter: feed samples with [`Segmenter::push`], then call
/// [`Segmenter::finish`]. Each complete window is handed to a callback as a slice.
pub struct Segmenter {
    window: usize,
    hop: usize,
    /// Samples from `buffer_start` on.
    buffer: Vec<f32>,
    buffer_start: u64,
    next_start: u64,
    total: u64,
    last_end: u64,
}

impl Segmenter {
    /// A segmenter with the given window and hop, in samples (`0 < hop <= window`).
    pub fn new(window: usize, hop: usize) -> Segmenter {
        let window = window.max(1);
        Segmenter {
            window,
            hop: hop.clamp(1, window),
            buffer: Vec::with_capacity(2 * window),
            buffer_start: 0,
            next_start: 0,
            total: 0,
            last_end: 0,
        }
    }

    /// Adds samples; calls `on_window` for every window completed by them.
    pub fn push(&mut self, samples: &[f32], mut on_window: impl FnMut(WindowSpan, &[f32])) {
        self.buffer.extend_from_slice(samples);
        self.total += samples.len() as u64;
        while self.next_start + self.window as u64 <= self.total {
            let offset = (self.next_start - self.buffer_start) as usize;
            let span = WindowSpan {
                start: self.next_start,
                end: self.next_start + self.window as u64,
            };
            on_window(span, &self.buffer[offset..offset + self.window]);
            self.last_end = span.end;
            self.next_start += self.hop as u64;
        }
        // Keep only what later windows can still need.
        let keep_from = self
            .next_start
            .min(self.total.saturating_sub(self.window as u64));
        if keep_from > self.buffer_start {
            let drop = (keep_from - self.buffer_start) as usize;
            self.buffer.drain(..drop);
            self.buffer_start = keep_from;
        }
    }

    /// Emits the final window: aligned to the clip's end when the last regular window stopped
    /// short of it, or the whole clip tiled by repetition when it is shorter than one window.
    pub fn finish(&mut self, mut on_window: impl FnMut(WindowSpan, &[f32])) {
        if self.total == 0 {
            return;
        }
        if self.total < self.window as u64 {
            let tiled = tile_to_length(&self.buffer, self.window);
            on_window(
                WindowSpan {
                    start: 0,
                    end: self.total,
                },
                &tiled,
            );
        } else if self.last_end < self.total {
            let start = self.total - self.window as u64;
            let offset = (start - self.buffer_start) as usize;
            on_window(
                WindowSpan {
                    start,
                    end: self.total,
                },
                &self.buffer[offset..offset + self.window],
            );
        }
        self.last_end = self.total;
    }

    /// Samples pushed so far.
    pub fn total_samples(&self) -> u64 {
        self.total
    }
}

/// Repeats `samples` until `length` samples are filled (the padding used for short clips).
pub fn tile_to_length(samples: &[f32], length: usize) -> Vec<f32> {
    if samples.is_empty() {
        return vec![0.0; length];
    }
    samples.iter().copied().cycle().take(length).collect()
}

/// Streaming energy VAD: records the level of every 10 ms frame, decides at the end.
pub struct Vad {
    frame: usize,
    partial_sum: f64,
    partial_len: usize,
    levels_db: Vec<f32>,
}

impl Vad {
    /// A VAD for audio at `sample_rate`.
    pub fn new(sample_rate: u32) -> Vad {
        Vad {
            frame: ((sample_rate as f64 * VAD_FRAME_S).round() as usize).max(1),
            partial_sum: 0.0,
            partial_len: 0,
            levels_db: Vec::new(),
        }
    }

    /// Adds samples.
    pub fn push(&mut self, samples: &[f32]) {
        for &x in samples {
            self.partial_sum += (x as f64) * (x as f64);
            self.partial_len += 1;
            if self.partial_len == self.frame {
                self.close_frame();
            }
        }
    }

    fn close_frame(&mut self) {
        let mean = self.partial_sum / self.partial_len.max(1) as f64;
        self.levels_db.push((10.0 * (mean + 1e-12).log10()) as f32);
        self.partial_sum = 0.0;
        self.partial_len = 0;
    }

    /// Closes the stream and returns the per-frame speech decisions.
    pub fn finish(mut self) -> SpeechFrames {
        if self.partial_len > 0 {
            self.close_frame();
        }
        let loudest = self
            .levels_db
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        let threshold = (loudest - VAD_RELATIVE_DB).max(VAD_FLOOR_DBFS);
        let speech: Vec<bool> = self.levels_db.iter().map(|&l| l > threshold).collect();
        let speech_power: f64 = self
            .levels_db
            .iter()
            .zip(&speech)
            .filter(|(_, &s)| s)
            .map(|(&l, _)| 10f64.powf(l as f64 / 10.0))
            .sum();
        let n_speech = speech.iter().filter(|&&s| s).count();
        let speech_level_dbfs = if n_speech > 0 {
            10.0 * (speech_power / n_speech as f64).log10()
        } else {
            f64::NEG_INFINITY
        };
        let noise_floor_dbfs = percentile(&mut self.levels_db, NOISE_FLOOR_PERCENTILE);
        SpeechFrames {
            frame: self.frame,
            speech,
            speech_level_dbfs,
            noise_floor_dbfs,
        }
    }
}

/// The `pct` percentile (nearest rank) of `values`, reordering them; `-inf` when empty.
fn percentile(values: &mut [f32], pct: f64) -> f64 {
    if values.is_empty() {
        return f64::NEG_INFINITY;
    }
    let rank = ((pct / 100.0) * (values.len() - 1) as f64).round() as usize;
    let (_, value, _) = values.select_nth_unstable_by(rank, f32::total_cmp);
    *value as f64
}

/// Which 10 ms frames of a clip hold speech.
#[derive(Debug, Clone)]
pub struct SpeechFrames {
    frame: usize,
    speech: Vec<bool>,
    speech_level_dbfs: f64,
    noise_floor_dbfs: f64,
}

impl SpeechFrames {
    /// Total speech duration, in seconds.
    pub fn speech_seconds(&self) -> f64 {
        self.speech.iter().filter(|&&s| s).count() as f64 * VAD_FRAME_S
    }

    /// Mean level of the speech frames, in dBFS (`-inf` without speech).
    pub fn speech_level_dbfs(&self) -> f64 {
        self.speech_level_dbfs
    }

    /// Speech level over the noise floor ([`NOISE_FLOOR_PERCENTILE`] of the frame levels), in
    /// dB; `None` without speech.
    pub fn snr_db(&self) -> Option<f64> {
        self.speech_level_dbfs
            .is_finite()
            .then_some(self.speech_level_dbfs - self.noise_floor_dbfs)
    }

    /// Whether the window holds speech (at least [`WINDOW_SPEECH_SHARE`] of its frames).
    pub fn window_has_speech(&self, span: WindowSpan) -> bool {
        let first = (span.start / self.frame as u64) as usize;
        let last = (span.end.div_ceil(self.frame as u64) as usize).min(self.speech.len());
        if first >= last {
            return false;
        }
        let n = self.speech[first..last].iter().filter(|&&s| s).count();
        n as f64 >= WINDOW_SPEECH_SHARE * (last - first) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(total: usize, window: usize, hop: usize, chunk: usize) -> Vec<(u64, u64, Vec<f32>)> {
        let signal: Vec<f32> = (0..total).map(|i| i as f32).collect();
        let mut seg = Segmenter::new(window, hop);
        let mut out = Vec::new();
        for c in signal.chunks(chunk.max(1)) {
            seg.push(c, |s, w| out.push((s.start, s.end, w.to_vec())));
        }
        seg.finish(|s, w| out.push((s.start, s.end, w.to_vec())));
        out
    }

    #[test]
    fn windows_cover_the_clip_and_the_last_is_aligned_to_the_end() {
        let out = spans(55, 20, 10, 7);
        let starts: Vec<u64> = out.iter().map(|o| o.0).collect();
        assert_eq!(starts, vec![0, 10, 20, 30, 35]);
        for (start, end, w) in &out {
            assert_eq!(end - start, 20);
            assert_eq!(w[0], *start as f32);
            assert_eq!(w[19], (*end - 1) as f32);
        }
    }

    #[test]
    fn chunk_size_does_not_change_the_windows() {
        assert_eq!(spans(1000, 64, 16, 1), spans(1000, 64, 16, 999));
    }

    #[test]
    fn exact_fit_adds_no_extra_window() {
        let out = spans(40, 20, 10, 40);
        assert_eq!(out.len(), 3);
        assert_eq!(out.last().unwrap().1, 40);
    }

    #[test]
    fn short_clip_is_tiled_by_repetition() {
        let out = spans(7, 20, 10, 3);
        assert_eq!(out.len(), 1);
        let (start, end, w) = &out[0];
        assert_eq!((*start, *end), (0, 7));
        assert_eq!(w.len(), 20);
        assert_eq!(w[7], 0.0);
        assert_eq!(w[15], 1.0);
    }

    #[test]
    fn vad_finds_speech_between_silences() {
        let sr = 16000;
        let mut signal = vec![0.0f32; sr];
        signal.extend((0..sr).map(|i| 0.3 * (i as f32 * 0.05).sin()));
        signal.extend(vec![0.0f32; sr]);
        let mut vad = Vad::new(sr as u32);
        vad.push(&signal);
        let frames = vad.finish();
        assert!((frames.speech_seconds() - 1.0).abs() < 0.02);
        assert!(frames.window_has_speech(WindowSpan {
            start: 16000,
            end: 32000
        }));
        assert!(!frames.window_has_speech(WindowSpan {
            start: 0,
            end: 12000
        }));
        // A 0.3-amplitude sine: RMS 0.3/sqrt(2), i.e. -13.47 dBFS.
        assert!((frames.speech_level_dbfs() - (-13.47)).abs() < 0.1);
    }

    #[test]
    fn silence_has_no_speech() {
        let mut vad = Vad::new(16000);
        vad.push(&vec![0.0; 32000]);
        let frames = vad.finish();
        assert_eq!(frames.speech_seconds(), 0.0);
        assert_eq!(frames.snr_db(), None);
    }

    #[test]
    fn snr_is_speech_level_over_the_quietest_frames() {
        // 1 s of a sine at -13.47 dBFS, then 1 s of a sine 30 dB lower: the quietest 5% of the
        // frames sit at the lower level (two whole periods per 10 ms frame: equal frame levels).
        let sr = 16000;
        let sine = |i: usize| (i as f32 * std::f32::consts::TAU / 80.0).sin();
        let mut signal: Vec<f32> = (0..sr).map(|i| 0.3 * sine(i)).collect();
        signal.extend((0..sr).map(|i| 0.3 * 10f32.powf(-1.5) * sine(i)));
        let mut vad = Vad::new(sr as u32);
        vad.push(&signal);
        let snr = vad.finish().snr_db().unwrap();
        // The speech frames average both halves (-30 dB frames are within the 40 dB VAD range).
        let speech = 10.0 * ((1.0 + 1e-3) / 2.0f64).log10();
        assert!((snr - (speech + 30.0)).abs() < 0.1, "{snr}");
    }
}
