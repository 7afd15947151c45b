//! From window logits to calibrated probabilities, the clip probability, the longest synthetic
//! run and the verdict.

use crate::model::{Calibration, Thresholds};
use crate::report::{SyntheticRun, Verdict};

/// One scored window: its span in seconds and, for speech windows, its logit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowScore {
    /// Window start, in seconds.
    pub start_s: f64,
    /// Window end, in seconds.
    pub end_s: f64,
    /// Raw model logit; `None` for windows without speech.
    pub logit: Option<f64>,
}

/// Clip probability: the calibrated mean logit of the speech windows (`None` without any).
pub fn clip_probability(windows: &[WindowScore], calibration: &Calibration) -> Option<f64> {
    let logits: Vec<f64> = windows.iter().filter_map(|w| w.logit).collect();
    if logits.is_empty() {
        return None;
    }
    let mean = logits.iter().sum::<f64>() / logits.len() as f64;
    Some(calibration.probability(mean))
}

/// The longest run of consecutive speech windows whose calibrated probability is at or above
/// `threshold`. A window without speech breaks a run. Ties keep the earliest run.
pub fn longest_synthetic_run(
    windows: &[WindowScore],
    calibration: &Calibration,
    threshold: f64,
) -> Option<SyntheticRun> {
    let mut best: Option<SyntheticRun> = None;
    let mut current: Option<SyntheticRun> = None;
    for w in windows {
        let above = w
            .logit
            .is_some_and(|l| calibration.probability(l) >= threshold);
        if !above {
            current = None;
            continue;
        }
        let run = match current {
            Some(run) if w.start_s <= run.end_s => SyntheticRun {
                start_s: run.start_s,
                end_s: run.end_s.max(w.end_s),
                seconds: run.end_s.max(w.end_s) - run.start_s,
            },
            _ => SyntheticRun {
                start_s: w.start_s,
                end_s: w.end_s,
                seconds: w.end_s - w.start_s,
            },
        };
        if best.is_none_or(|b| run.seconds > b.seconds) {
            best = Some(run);
        }
        current = Some(run);
    }
    best
}

/// The verdict for a clip that has speech: `likely_synthetic` when the clip probability reaches
/// the synthetic threshold or a run of synthetic windows lasts `min_synthetic_run_s`;
/// `likely_genuine` at or below the genuine threshold; `inconclusive` in between.
pub fn verdict(probability: f64, run: Option<&SyntheticRun>, thresholds: &Thresholds) -> Verdict {
    let long_run = run.is_some_and(|r| r.seconds >= thresholds.min_synthetic_run_s);
    if probability >= thresholds.likely_synthetic || long_run {
        Verdict::LikelySynthetic
    } else if probability <= thresholds.likely_genuine {
        Verdict::LikelyGenuine
    } else {
        Verdict::Inconclusive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Calibration {
        Calibration {
            method: "platt".into(),
            a: 1.0,
            b: 0.0,
            fitted_on: String::new(),
        }
    }

    fn thresholds() -> Thresholds {
        Thresholds {
            likely_synthetic: 0.8,
            likely_genuine: 0.3,
            min_synthetic_run_s: 4.0,
            target_false_positive_rate: 0.05,
            source: String::new(),
        }
    }

    fn windows(logits: &[Option<f64>]) -> Vec<WindowScore> {
        logits
            .iter()
            .enumerate()
            .map(|(i, &logit)| WindowScore {
                start_s: i as f64,
                end_s: i as f64 + 2.0,
                logit,
            })
            .collect()
    }

    #[test]
    fn clip_probability_is_the_calibrated_mean_logit_of_speech_windows() {
        let w = windows(&[Some(1.0), None, Some(3.0)]);
        let p = clip_probability(&w, &identity()).unwrap();
        assert!((p - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-12);
        assert_eq!(clip_probability(&windows(&[None, None]), &identity()), None);
    }

    #[test]
    fn longest_run_spans_overlapping_windows_and_breaks_on_non_speech() {
        let hi = Some(5.0);
        let lo = Some(-5.0);
        let w = windows(&[hi, lo, hi, hi, hi, None, hi, hi]);
        let run = longest_synthetic_run(&w, &identity(), 0.8).unwrap();
        assert_eq!((run.start_s, run.end_s, run.seconds), (2.0, 6.0, 4.0));
        assert_eq!(
            longest_synthetic_run(&windows(&[lo, None]), &identity(), 0.8),
            None
        );
    }

    #[test]
    fn verdict_uses_thresholds_and_run_rule() {
        let t = thresholds();
        assert_eq!(verdict(0.9, None, &t), Verdict::LikelySynthetic);
        assert_eq!(verdict(0.2, None, &t), Verdict::LikelyGenuine);
        assert_eq!(verdict(0.5, None, &t), Verdict::Inconclusive);
        let run = SyntheticRun {
            seconds: 4.0,
            start_s: 10.0,
            end_s: 14.0,
        };
        assert_eq!(verdict(0.2, Some(&run), &t), Verdict::LikelySynthetic);
        let short = SyntheticRun {
            seconds: 3.0,
            ..run
        };
        assert_eq!(verdict(0.2, Some(&short), &t), Verdict::LikelyGenuine);
    }
}
