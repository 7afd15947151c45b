//! Detection metrics for evaluating the screener against labelled clips (pure maths, no I/O).
//!
//! # Conventions
//!
//! * A **higher score means more synthetic** (the clip score is `probability_synthetic`).
//! * A clip is *flagged* as synthetic when `score >= threshold`.
//! * **miss**: a synthetic (spoof, fake) clip accepted as genuine, i.e. `score < threshold`.
//!   `P_miss(t)` is the share of fake scores below `t`.
//! * **false alarm (fa)**: a genuine (bona fide, real) clip flagged as synthetic, i.e.
//!   `score >= threshold`. `P_fa(t)` is the share of real scores at or above `t`.
//!
//! Scores must be finite; callers drop clips without a score before calling these functions.
//! Every function returns `None` when either class has no scores.

use serde::{Deserialize, Serialize};

/// The equal error rate and the threshold where it is reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EerPoint {
    /// Equal error rate, in `[0, 0.5]` (a fraction, not a percentage).
    pub eer: f64,
    /// Score threshold of the operating point (clips with `score >= threshold` are flagged).
    ///
    /// The EER lies on a segment of the ROC convex hull between two empirical operating
    /// points; the threshold is interpolated linearly between theirs with the same weight
    /// as the EER point on the segment.
    pub threshold: f64,
}

/// Costs and prior of the detection cost function (DCF).
///
/// `DCF(t) = C_miss * P_spoof * P_miss(t) + C_fa * (1 - P_spoof) * P_fa(t)`, normalised by
/// `min(P_spoof * C_miss, (1 - P_spoof) * C_fa)` (the cost of the better of the two trivial
/// systems that accept or flag everything), where *miss* is a synthetic clip accepted as
/// genuine and *fa* a genuine clip flagged as synthetic (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DcfParams {
    /// Cost of a miss (synthetic clip accepted as genuine). Default 1.
    pub c_miss: f64,
    /// Cost of a false alarm (genuine clip flagged as synthetic). Default 10.
    pub c_fa: f64,
    /// Prior probability of a synthetic clip. Default 0.05.
    pub p_spoof: f64,
}

impl Default for DcfParams {
    fn default() -> Self {
        DcfParams {
            c_miss: 1.0,
            c_fa: 10.0,
            p_spoof: 0.05,
        }
    }
}

impl DcfParams {
    /// Checks that both costs are positive and finite and `0 < p_spoof < 1`.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.c_miss.is_finite() && self.c_miss > 0.0) {
            return Err(format!(
                "C_miss must be a positive number, got {}",
                self.c_miss
            ));
        }
        if !(self.c_fa.is_finite() && self.c_fa > 0.0) {
            return Err(format!("C_fa must be a positive number, got {}", self.c_fa));
        }
        if !(self.p_spoof > 0.0 && self.p_spoof < 1.0) {
            return Err(format!(
                "P_spoof must lie strictly between 0 and 1, got {}",
                self.p_spoof
            ));
        }
        Ok(())
    }

    /// The normalisation constant `min(P_spoof * C_miss, (1 - P_spoof) * C_fa)`.
    pub fn normaliser(&self) -> f64 {
        (self.p_spoof * self.c_miss).min((1.0 - self.p_spoof) * self.c_fa)
    }

    /// Normalised DCF of one operating point.
    pub fn normalised_dcf(&self, p_fa: f64, p_miss: f64) -> f64 {
        (self.c_miss * self.p_spoof * p_miss + self.c_fa * (1.0 - self.p_spoof) * p_fa)
            / self.normaliser()
    }
}

/// One empirical operating point of the detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DetPoint {
    /// Share of genuine clips flagged (`score >= threshold`).
    pub p_fa: f64,
    /// Share of synthetic clips accepted (`score < threshold`).
    pub p_miss: f64,
    /// The threshold. The first point (nothing flagged) uses the next float above the
    /// highest score.
    pub threshold: f64,
}

/// Internal operating point with exact counts (for exact convex-hull geometry).
#[derive(Debug, Clone, Copy)]
struct CountPoint {
    /// Genuine clips flagged.
    fa: u64,
    /// Synthetic clips accepted.
    miss: u64,
    threshold: f64,
}

fn count_points(real: &[f64], fake: &[f64]) -> Option<Vec<CountPoint>> {
    if real.is_empty() || fake.is_empty() {
        return None;
    }
    // (score, is_fake), sorted by descending score.
    let mut all: Vec<(f64, bool)> = real
        .iter()
        .map(|&s| (s, false))
        .chain(fake.iter().map(|&s| (s, true)))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top = all[0].0;
    let mut points = Vec::with_capacity(all.len() + 1);
    let (mut fa, mut miss) = (0u64, fake.len() as u64);
    points.push(CountPoint {
        fa,
        miss,
        threshold: top.next_up(),
    });
    let mut i = 0;
    while i < all.len() {
        let v = all[i].0;
        // Ties move together: one operating point per distinct score.
        while i < all.len() && all[i].0.total_cmp(&v).is_eq() {
            if all[i].1 {
                miss -= 1;
            } else {
                fa += 1;
            }
            i += 1;
        }
        points.push(CountPoint {
            fa,
            miss,
            threshold: v,
        });
    }
    Some(points)
}

/// Empirical DET/ROC operating points, one per distinct score plus the "flag nothing" point:
/// from `(p_fa, p_miss) = (0, 1)` to `(1, 0)`, thresholds descending.
/// Tied scores of both classes move together, giving a diagonal step.
pub fn det_points(real: &[f64], fake: &[f64]) -> Option<Vec<DetPoint>> {
    let (nr, nf) = (real.len() as f64, fake.len() as f64);
    Some(
        count_points(real, fake)?
            .into_iter()
            .map(|p| DetPoint {
                p_fa: p.fa as f64 / nr,
                p_miss: p.miss as f64 / nf,
                threshold: p.threshold,
            })
            .collect(),
    )
}

/// Lower-left convex hull of the operating points in `(P_fa, P_miss)` (the ROCCH), from
/// `(0, 1)` to `(1, 0)`. Computed on integer counts, so exact.
fn rocch(points: &[CountPoint]) -> Vec<CountPoint> {
    let mut hull: Vec<CountPoint> = Vec::with_capacity(points.len());
    // Cross product of (a - o) x (b - o) on count coordinates; scaling the axes by the
    // positive class sizes does not change its sign.
    let cross = |o: &CountPoint, a: &CountPoint, b: &CountPoint| -> i128 {
        let (ox, oy) = (o.fa as i128, o.miss as i128);
        (a.fa as i128 - ox) * (b.miss as i128 - oy) - (a.miss as i128 - oy) * (b.fa as i128 - ox)
    };
    for p in points {
        while hull.len() >= 2 && cross(&hull[hull.len() - 2], &hull[hull.len() - 1], p) <= 0 {
            hull.pop();
        }
        hull.push(*p);
    }
    hull
}

/// Equal error rate via the ROC convex hull (ROCCH-EER, as in the BOSARIS toolkit and the
/// ASVspoof evaluation): the point where the convex hull of the empirical operating points
/// crosses `P_miss = P_fa`. `None` when either class is empty.
pub fn eer(real: &[f64], fake: &[f64]) -> Option<EerPoint> {
    let (nr, nf) = (real.len() as f64, fake.len() as f64);
    let hull = rocch(&count_points(real, fake)?);
    let xy = |p: &CountPoint| (p.fa as f64 / nr, p.miss as f64 / nf);
    for w in hull.windows(2) {
        let ((x1, y1), (x2, y2)) = (xy(&w[0]), xy(&w[1]));
        let (d1, d2) = (y1 - x1, y2 - x2);
        if d1 >= 0.0 && d2 <= 0.0 {
            let lambda = if d1 == d2 { 0.0 } else { d1 / (d1 - d2) };
            let eer = x1 + lambda * (x2 - x1);
            let threshold = w[0].threshold + lambda * (w[1].threshold - w[0].threshold);
            return Some(EerPoint { eer, threshold });
        }
    }
    // Unreachable: the hull runs from (0, 1) to (1, 0), so d goes from 1 to -1.
    None
}

/// Area under the ROC curve: the probability that a random synthetic clip scores higher
/// than a random genuine clip, ties counting one half (Mann–Whitney U / (n_real * n_fake)).
/// `None` when either class is empty.
pub fn roc_auc(real: &[f64], fake: &[f64]) -> Option<f64> {
    if real.is_empty() || fake.is_empty() {
        return None;
    }
    let mut r = real.to_vec();
    r.sort_by(f64::total_cmp);
    // For each fake score: reals strictly below + half the reals equal.
    let mut twice_u: u128 = 0;
    for &s in fake {
        let below = r.partition_point(|&x| x.total_cmp(&s).is_lt());
        let not_above = r.partition_point(|&x| x.total_cmp(&s).is_le());
        twice_u += 2 * below as u128 + (not_above - below) as u128;
    }
    Some(twice_u as f64 / (2.0 * real.len() as f64 * fake.len() as f64))
}

/// Minimum normalised detection cost over all thresholds, and the threshold reaching it
/// (the highest one when several do). See [`DcfParams`] for the formula and conventions.
/// `None` when either class is empty.
pub fn min_dcf(real: &[f64], fake: &[f64], params: &DcfParams) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64)> = None;
    for p in det_points(real, fake)? {
        let c = params.normalised_dcf(p.p_fa, p.p_miss);
        if best.is_none_or(|(b, _)| c < b) {
            best = Some((c, p.threshold));
        }
    }
    best
}

/// Inverse of the standard normal CDF (probit), for DET-curve axes. Returns `-inf`/`+inf`
/// at 0/1 and NaN outside `[0, 1]`. Acklam's rational approximation (relative error < 1.2e-9).
pub fn probit(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}
