//! PNG plots for `voxscreen eval --plot DIR`: a DET curve on probit axes (`det.png`) and the
//! score histogram per class (`scores.png`).
//!
//! Text is drawn with `ab_glyph` from a TrueType font file found at run time (no fontconfig):
//! `$VOXSCREEN_FONT`, else DejaVu Sans / Liberation Sans / Noto Sans / Arial at their usual
//! places (Debian/Ubuntu: `apt-get install fonts-dejavu-core`). Without any font the plots are
//! still written, without text, and a warning says so.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use voxscreen::eval::{EvalReport, ScoreSet, ScoredAgainst};
use voxscreen::metrics::{det_points, probit};

/// At most this many group curves are drawn on the DET plot (besides `all`).
const MAX_GROUP_CURVES: usize = 12;
/// DET axes span these error rates.
const P_MIN: f64 = 0.001;
const P_MAX: f64 = 0.6;
/// Tick marks of the DET axes.
const TICKS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6];
/// Histogram bins over [0, 1].
const BINS: usize = 40;

const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// Registers a TrueType font as plotters' `sans-serif` once; returns whether text can be drawn.
fn font_available() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        let from_env = std::env::var_os("VOXSCREEN_FONT").map(PathBuf::from);
        for path in from_env
            .iter()
            .map(PathBuf::as_path)
            .chain(FONT_CANDIDATES.iter().map(Path::new))
        {
            if let Ok(bytes) = std::fs::read(path) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return true;
                }
            }
        }
        false
    })
}

/// Writes `det.png` and `scores.png` into `dir` (created if needed); returns their paths.
/// `sets[0]` is the whole set; later sets are the groups of the first `--by` column.
pub fn write_plots(
    dir: &Path,
    sets: &[ScoreSet],
    report: &EvalReport,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = font_available();
    if !text {
        eprintln!(
            "warning: no TrueType font found (set VOXSCREEN_FONT or install fonts-dejavu-core): plots have no text"
        );
    }
    let det = dir.join("det.png");
    draw_det(&det, sets, report, text)
        .map_err(|e| format!("cannot draw {}: {e}", det.display()))?;
    let hist = dir.join("scores.png");
    draw_histogram(&hist, &sets[0], report, text)
        .map_err(|e| format!("cannot draw {}: {e}", hist.display()))?;
    Ok(vec![det, hist])
}

/// A probit-scaled axis over [`P_MIN`, `P_MAX`]: values are probits, key points the [`TICKS`].
struct ProbitAxis;

impl Ranged for ProbitAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = (probit(P_MIN), probit(P_MAX));
        limit.0 + ((v - lo) / (hi - lo) * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() == 0 {
            Vec::new()
        } else {
            TICKS.iter().map(|p| probit(*p)).collect()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        probit(P_MIN)..probit(P_MAX)
    }
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn pct_label(p: f64) -> String {
    let v = 100.0 * p;
    if v < 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// Formats a probit-axis key point as the percentage it stands for.
fn tick_label(v: &f64) -> String {
    TICKS
        .iter()
        .min_by(|a, b| (probit(**a) - v).abs().total_cmp(&(probit(**b) - v).abs()))
        .map_or(String::new(), |p| pct_label(*p))
}

fn palette(i: usize) -> RGBColor {
    const C: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    C[i % C.len()]
}

fn caption<'a>(
    root: &DrawingArea<BitMapBackend<'a>, Shift>,
    title: &str,
    text: bool,
) -> Result<DrawingArea<BitMapBackend<'a>, Shift>, Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    if text {
        Ok(root.titled(title, ("sans-serif", 22))?)
    } else {
        Ok(root.clone())
    }
}

fn draw_det(path: &Path, sets: &[ScoreSet], report: &EvalReport, text: bool) -> DrawResult {
    let root = BitMapBackend::new(path, (900, 820)).into_drawing_area();
    let title = format!("DET curve — {} {}", report.model.name, report.model.version);
    let area = caption(&root, &title, text)?;
    let (lo, hi) = (probit(P_MIN), probit(P_MAX));
    let mut chart = ChartBuilder::on(&area)
        .margin(15)
        .x_label_area_size(if text { 50 } else { 0 })
        .y_label_area_size(if text { 60 } else { 0 })
        .build_cartesian_2d(ProbitAxis, ProbitAxis)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.15));
    if text {
        mesh.x_desc("False alarm rate: genuine flagged (%)")
            .y_desc("Miss rate: synthetic accepted (%)")
            .x_label_formatter(&tick_label)
            .y_label_formatter(&tick_label)
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17));
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw()?;

    // Equal-error diagonal.
    chart.draw_series(LineSeries::new(
        [(lo, lo), (hi, hi)],
        BLACK.mix(0.35).stroke_width(1),
    ))?;

    let clamp = |p: f64| probit(p.clamp(P_MIN, P_MAX));
    // A group compared with exactly the whole set's clips (e.g. the only real-only group)
    // would redraw the `all` curve: leave it out.
    let same_as_all = |s: &ScoreSet| s.real == sets[0].real && s.fake == sets[0].fake;
    let groups: Vec<&ScoreSet> = sets
        .iter()
        .skip(1)
        .filter(|s| !same_as_all(s))
        .take(MAX_GROUP_CURVES)
        .collect();
    let left_out = sets
        .iter()
        .skip(1)
        .filter(|s| !same_as_all(s))
        .count()
        .saturating_sub(MAX_GROUP_CURVES);
    for (i, set) in std::iter::once(&sets[0])
        .chain(groups.iter().copied())
        .enumerate()
    {
        let Some(points) = det_points(&set.real, &set.fake) else {
            continue;
        };
        let color = if i == 0 { BLACK } else { palette(i - 1) };
        let width = if i == 0 { 3 } else { 2 };
        let eer = voxscreen::metrics::eer(&set.real, &set.fake);
        let series = chart.draw_series(LineSeries::new(
            points.iter().map(|p| (clamp(p.p_fa), clamp(p.p_miss))),
            color.stroke_width(width),
        ))?;
        if text {
            let note = match set.scored_against {
                ScoredAgainst::Group => "",
                ScoredAgainst::AllReal => ", vs all real",
                ScoredAgainst::AllFake => ", vs all fake",
            };
            let label = match eer {
                Some(e) => format!("{} (EER {:.2}%{note})", set.name, 100.0 * e.eer),
                None => format!("{}{note}", set.name),
            };
            series.label(label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], color.stroke_width(width))
            });
        }
        if let Some(e) = eer {
            let c = clamp(e.eer);
            chart.draw_series([Circle::new((c, c), 5, color.filled())])?;
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 14))
            .draw()?;
        if left_out > 0 {
            area.draw_text(
                &format!("({left_out} more groups not drawn)"),
                &("sans-serif", 13).into_font().color(&BLACK.mix(0.6)),
                (80, 10),
            )?;
        }
    }
    root.present()?;
    Ok(())
}

fn histogram(scores: &[f64]) -> Vec<f64> {
    let mut h = vec![0.0; BINS];
    for &s in scores {
        let b = ((s.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
        h[b] += 1.0;
    }
    let n = scores.len().max(1) as f64;
    h.iter_mut().for_each(|v| *v /= n);
    h
}

fn draw_histogram(path: &Path, set: &ScoreSet, report: &EvalReport, text: bool) -> DrawResult {
    let root = BitMapBackend::new(path, (900, 600)).into_drawing_area();
    let title = format!(
        "Clip scores per class — {} {}",
        report.model.name, report.model.version
    );
    let area = caption(&root, &title, text)?;
    let (hr, hf) = (histogram(&set.real), histogram(&set.fake));
    let top = hr.iter().chain(&hf).cloned().fold(0.0, f64::max).max(0.01) * 1.1;
    let mut chart = ChartBuilder::on(&area)
        .margin(15)
        .x_label_area_size(if text { 50 } else { 0 })
        .y_label_area_size(if text { 60 } else { 0 })
        .build_cartesian_2d(0.0..1.0, 0.0..top)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.1));
    if text {
        mesh.x_desc("probability_synthetic")
            .y_desc("share of the class's clips")
            .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17));
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw()?;
    let w = 1.0 / BINS as f64;
    let blue = RGBColor(31, 119, 180);
    let red = RGBColor(214, 39, 40);
    for (h, color, name, n) in [
        (&hr, blue, "real", set.real.len()),
        (&hf, red, "fake", set.fake.len()),
    ] {
        let series = chart.draw_series(h.iter().enumerate().filter(|(_, v)| **v > 0.0).map(
            |(i, v)| {
                Rectangle::new(
                    [(i as f64 * w, 0.0), ((i + 1) as f64 * w, *v)],
                    color.mix(0.45).filled(),
                )
            },
        ))?;
        if text {
            series
                .label(format!("{name} (n = {n} scored)"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.mix(0.45).filled())
                });
        }
    }
    if let Some(t) = report.overall.eer_threshold {
        let t = t.clamp(0.0, 1.0);
        let s = chart.draw_series(LineSeries::new([(t, 0.0), (t, top)], BLACK.stroke_width(2)))?;
        if text {
            let eer = report.overall.eer.unwrap_or(f64::NAN);
            s.label(format!("EER threshold {t:.3} (EER {:.2}%)", 100.0 * eer))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(2)));
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperMiddle)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 14))
            .draw()?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_invert_probit() {
        assert_eq!(tick_label(&probit(0.001)), "0.1");
        assert_eq!(tick_label(&probit(0.05)), "5");
        assert_eq!(tick_label(&probit(0.4)), "40");
    }

    fn sets() -> (Vec<ScoreSet>, EvalReport) {
        use voxscreen::eval::{ClassStats, GroupMetrics};
        let real: Vec<f64> = (0..200).map(|i| (i as f64 / 200.0).powi(2)).collect();
        let fake: Vec<f64> = (0..150).map(|i| 1.0 - (i as f64 / 150.0).powi(3)).collect();
        let e = voxscreen::metrics::eer(&real, &fake).unwrap();
        let g = GroupMetrics {
            column: None,
            value: None,
            scored_against: ScoredAgainst::Group,
            real: ClassStats::default(),
            fake: ClassStats::default(),
            eer: Some(e.eer),
            eer_threshold: Some(e.threshold),
            auc: None,
            min_dcf: None,
            min_dcf_threshold: None,
            false_positive_rate: None,
            miss_rate: None,
        };
        let report = EvalReport {
            tool_version: "0".into(),
            labels: "l.csv".into(),
            label_format: voxscreen::eval::LabelFormat::Csv,
            model: voxscreen::report::ModelInfo {
                name: "m".into(),
                version: "1".into(),
                sha256: "0".into(),
            },
            score: "probability_synthetic".into(),
            dcf_params: Default::default(),
            cache: None,
            overall: g,
            groups: vec![],
            errors: Default::default(),
        };
        let all = ScoreSet {
            name: "all".into(),
            scored_against: ScoredAgainst::Group,
            real: real.clone(),
            fake: fake.clone(),
        };
        let a = ScoreSet {
            name: "system=A".into(),
            scored_against: ScoredAgainst::AllReal,
            real,
            fake: fake[..50].to_vec(),
        };
        let empty = ScoreSet {
            name: "system=B".into(),
            scored_against: ScoredAgainst::AllReal,
            real: vec![0.5],
            fake: vec![],
        };
        (vec![all, a, empty], report)
    }

    #[test]
    fn plots_render_with_and_without_text() {
        let (sets, report) = sets();
        let dir = std::env::temp_dir().join(format!("voxscreen-plot-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for text in [false, font_available()] {
            let (det, hist) = (
                dir.join(format!("det-{text}.png")),
                dir.join(format!("scores-{text}.png")),
            );
            draw_det(&det, &sets, &report, text).unwrap();
            draw_histogram(&hist, &sets[0], &report, text).unwrap();
            for p in [&det, &hist] {
                let bytes = std::fs::read(p).unwrap();
                assert!(bytes.starts_with(b"\x89PNG"), "{}", p.display());
            }
        }
        let written = write_plots(&dir.join("out"), &sets, &report).unwrap();
        assert_eq!(written.len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn histogram_is_a_share() {
        let h = histogram(&[0.0, 0.5, 1.0, 1.0]);
        assert_eq!(h.len(), BINS);
        assert_eq!(h[0], 0.25);
        assert_eq!(h[BINS - 1], 0.5);
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
