//! Self-contained HTML reports: one page per clip (verdict in plain words and what it does not
//! mean, the model's coverage and measured error rates from its manifest, a timeline aligned
//! above the waveform envelope, flags explained, evidence identity) and an index per batch.
//!
//! Pages use no network resource, no JavaScript and system fonts; the charts are inline SVG.
//! Templates (minijinja, in `cli/templates/`) escape every value; the charts are drawn from
//! at most [`MAX_COLUMNS`] timeline columns and the report's bounded envelope, so a page's
//! size does not grow with the clip's length.

use std::fmt;
use std::sync::OnceLock;

use minijinja::value::{Serde, Value};
use minijinja::Environment;
use serde::Serialize;
use voxscreen::model::Manifest;
use voxscreen::report::{Flag, Reason, Report, TimelineEntry, Verdict};

use crate::describe;

/// Most timeline columns drawn; longer clips are drawn with one column per group of windows
/// (showing the group's highest probability, so a suspect stretch never averages away).
pub const MAX_COLUMNS: usize = 600;

/// A page that could not be rendered (a template error: a bug, not bad input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot render the HTML report: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

impl From<minijinja::Error> for RenderError {
    fn from(e: minijinja::Error) -> Self {
        RenderError(e.to_string())
    }
}

/// The current time in UTC, as written on the pages (`2026-12-08T00:28:26Z`).
pub fn now_utc() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// The templates, compiled once (they are built into the binary; a syntax error in one is a
/// bug that every render then reports).
fn environment() -> Result<&'static Environment<'static>, RenderError> {
    static ENV: OnceLock<Result<Environment<'static>, RenderError>> = OnceLock::new();
    ENV.get_or_init(|| {
        // Names ending in .html are HTML-escaped by minijinja's default auto-escape callback.
        let mut env = Environment::new();
        env.add_template("style.css", include_str!("../templates/style.css"))?;
        env.add_template("card.html", include_str!("../templates/card.html"))?;
        env.add_template("clip.html", include_str!("../templates/clip.html"))?;
        env.add_template("index.html", include_str!("../templates/index.html"))?;
        Ok(env)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The full HTML document for one clip's report. `manifest` is the manifest of the model that
/// screened it (its coverage and error rates are shown only when its sha256 matches the
/// report's model); `screened_at` is the screening time (UTC) to print.
pub fn clip_document(
    report: &Report,
    manifest: Option<&Manifest>,
    screened_at: Option<&str>,
) -> Result<String, RenderError> {
    let card = ClipCard::new(report, manifest, screened_at);
    let template = environment()?.get_template("clip.html")?;
    Ok(template.render(minijinja::context! { card => Value::from(Serde(&card)) })?)
}

/// The same report as an HTML fragment (`<div class="vxs">…</div>` with its own scoped
/// style), for a notebook's inline display.
pub fn clip_fragment(
    report: &Report,
    manifest: Option<&Manifest>,
    screened_at: Option<&str>,
) -> Result<String, RenderError> {
    let card = ClipCard::new(report, manifest, screened_at);
    let template = environment()?.get_template("card.html")?;
    Ok(template
        .render(minijinja::context! { card => Value::from(Serde(&card)), standalone => true })?)
}

/// One row of a batch's `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    /// Position in the batch, from 1.
    pub number: usize,
    /// The path as given.
    pub file: String,
    /// File name of the clip's page, relative to the index.
    pub page: String,
    /// Verdict (`likely_synthetic`, …, or `error`).
    pub verdict: String,
    /// Pattern class of the verdict (see the stylesheet).
    pub class: String,
    /// Clip probability of synthetic speech, or `-`.
    pub probability: String,
    /// Flags, comma-separated, or `-`.
    pub flags: String,
}

impl IndexRow {
    /// The index row for `report`, shown as number `number` and linking to `page`.
    pub fn new(number: usize, report: &Report, page: String) -> IndexRow {
        let (verdict, class) = verdict_key(report);
        IndexRow {
            number,
            file: report.path.clone().unwrap_or_else(|| "<memory>".into()),
            page,
            verdict: verdict.to_string(),
            class: class.to_string(),
            probability: report
                .probability_synthetic
                .map_or("-".into(), |p| format!("{p:.3}")),
            flags: flag_list(&report.flags),
        }
    }
}

/// The batch's `index.html`: one row per file, with counts per verdict.
pub fn index_document(
    rows: &[IndexRow],
    manifest: &Manifest,
    screened_at: &str,
) -> Result<String, RenderError> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for row in rows {
        match counts.iter_mut().find(|(v, _)| *v == row.verdict) {
            Some((_, n)) => *n += 1,
            None => counts.push((row.verdict.clone(), 1)),
        }
    }
    counts.sort();
    let template = environment()?.get_template("index.html")?;
    Ok(template.render(minijinja::context! {
        rows => Value::from(Serde(rows)),
        counts => Value::from(Serde(&counts)),
        model => format!("{} {}", manifest.name, manifest.version),
        model_sha256 => manifest.sha256.to_ascii_lowercase(),
        tool_version => env!("CARGO_PKG_VERSION"),
        screened_at => screened_at,
    })?)
}

fn flag_list(flags: &[Flag]) -> String {
    if flags.is_empty() {
        "-".into()
    } else {
        flags
            .iter()
            .map(Flag::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The verdict's name and its pattern class.
fn verdict_key(report: &Report) -> (&'static str, &'static str) {
    match (&report.error, report.verdict) {
        (Some(_), _) | (None, None) => ("error", "none"),
        (None, Some(Verdict::LikelySynthetic)) => ("likely_synthetic", "syn"),
        (None, Some(Verdict::LikelyGenuine)) => ("likely_genuine", "gen"),
        (None, Some(Verdict::Inconclusive)) => ("inconclusive", "inc"),
        (None, Some(Verdict::NotApplicable)) => ("not_applicable", "none"),
    }
}

// ---------------------------------------------------------------------------------------------
// What a clip's card shows

/// Everything the card template prints, already in words and coordinates.
#[derive(Debug, Serialize)]
struct ClipCard {
    file: String,
    verdict: &'static str,
    class: &'static str,
    symbol: &'static str,
    headline: String,
    explanation: String,
    not_meaning: Vec<String>,
    probability: Option<String>,
    thresholds: Option<String>,
    run: Option<String>,
    model_known: bool,
    model_note: Option<String>,
    coverage: Option<CoverageView>,
    sets: Vec<SetView>,
    chart: Option<Chart>,
    flags: Vec<FlagView>,
    identity: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
struct CoverageView {
    languages: String,
    sources: String,
    families: Vec<String>,
    not_covered: String,
}

#[derive(Debug, Serialize)]
struct SetView {
    name: String,
    description: String,
    real_world: bool,
    sentence: String,
    rows: Vec<RateRow>,
}

#[derive(Debug, Serialize)]
struct RateRow {
    group: String,
    genuine: u64,
    synthetic: u64,
    eer: String,
    flagged: String,
    missed: String,
    caught: String,
}

#[derive(Debug, Serialize)]
struct FlagView {
    name: &'static str,
    text: String,
}

impl ClipCard {
    fn new(report: &Report, manifest: Option<&Manifest>, screened_at: Option<&str>) -> ClipCard {
        // Coverage and rates belong to one model: show them only for the model that screened.
        let manifest = manifest.filter(|m| m.sha256.eq_ignore_ascii_case(&report.model.sha256));
        let (verdict, class) = verdict_key(report);
        let (symbol, headline, explanation) = verdict_words(report, manifest);
        let sets = manifest.map(set_views).unwrap_or_default();
        let not_meaning = not_meaning(report, manifest);
        ClipCard {
            file: report.path.clone().unwrap_or_else(|| "<memory>".into()),
            verdict,
            class,
            symbol,
            headline,
            explanation,
            not_meaning,
            probability: report.probability_synthetic.map(|p| format!("{p:.3}")),
            thresholds: manifest.map(|m| {
                format!(
                    "likely_synthetic at or above {:.3}, likely_genuine at or below {:.3}; a run \
                     of windows above {:.3} lasting {} s or more also counts as likely_synthetic",
                    m.thresholds.likely_synthetic,
                    m.thresholds.likely_genuine,
                    m.thresholds.likely_synthetic,
                    m.thresholds.min_synthetic_run_s
                )
            }),
            run: report.longest_synthetic_run.map(|r| {
                format!(
                    "{:.1} s, from {} to {}",
                    r.seconds,
                    clock(r.start_s),
                    clock(r.end_s)
                )
            }),
            model_known: manifest.is_some(),
            model_note: manifest.is_none().then(|| {
                format!(
                    "The manifest of the model that screened this clip ({} {}, sha256 {}) was \
                     not available when this page was made: its coverage and measured error \
                     rates are not shown. Treat the verdict as unvalidated.",
                    report.model.name, report.model.version, report.model.sha256
                )
            }),
            coverage: manifest
                .and_then(|m| m.coverage.as_ref())
                .map(|c| CoverageView {
                    languages: describe::languages(c),
                    sources: c.genuine_sources.clone(),
                    families: c.generator_families.clone(),
                    not_covered: c.not_covered.clone(),
                }),
            sets,
            chart: manifest.and_then(|m| Chart::new(report, m)),
            flags: report.flags.iter().map(|f| flag_view(*f, report)).collect(),
            identity: identity(report, screened_at),
        }
    }
}

/// Symbol, headline and one explaining paragraph for the verdict.
fn verdict_words(report: &Report, manifest: Option<&Manifest>) -> (&'static str, String, String) {
    if let Some(err) = &report.error {
        let why = match err.kind.as_str() {
            "io" => "the file could not be read",
            "limit_exceeded" => "the file is beyond the limits set for screening",
            _ => "the file could not be decoded",
        };
        return (
            "✕",
            format!("Not screened: {why}"),
            format!(
                "voxscreen could not screen this file ({}): {}. It gives no verdict on it; \
                 nothing can be concluded from this page about the recording.",
                err.kind, err.message
            ),
        );
    }
    let p = report.probability_synthetic.unwrap_or(f64::NAN);
    let min_speech = manifest.map_or(String::new(), |m| format!(" ({} s)", m.min_speech_s));
    match report.verdict {
        Some(Verdict::LikelySynthetic) => {
            let by_run = match (report.longest_synthetic_run, manifest) {
                (Some(run), Some(m)) if p < m.thresholds.likely_synthetic => format!(
                    " Its overall probability ({p:.3}) is below the threshold, but {:.1} s of it \
                     in a row ({} to {}) scored above it, as a spliced synthetic passage would.",
                    run.seconds,
                    clock(run.start_s),
                    clock(run.end_s)
                ),
                _ => String::new(),
            };
            let probability = if by_run.is_empty() {
                format!(": probability {p:.3}.")
            } else {
                ".".to_string()
            };
            (
                "▲",
                "Likely synthetic speech".into(),
                format!(
                    "The model found signs of synthetic (machine-generated) speech in this \
                     recording{probability}{by_run} The timeline below shows where."
                ),
            )
        }
        Some(Verdict::LikelyGenuine) => (
            "●",
            "No sign of the synthetic speech this model knows".into(),
            format!(
                "The model's probability of synthetic speech is {p:.3}, at or below its \
                 threshold for likely_genuine."
            ),
        ),
        Some(Verdict::Inconclusive) => (
            "◆",
            "Inconclusive: the model cannot tell".into(),
            format!(
                "The probability of synthetic speech ({p:.3}) lies between the model's two \
                 thresholds. The recording is neither cleared nor flagged."
            ),
        ),
        Some(Verdict::NotApplicable) => (
            "—",
            "Not screened: not enough speech".into(),
            match report.reason {
                Some(Reason::NoSpeech) => {
                    "The audio decoded, but no part of it holds speech the model can judge."
                        .to_string()
                }
                _ => format!(
                    "The audio decoded, but it holds less speech than the model needs to \
                     judge{min_speech}."
                ),
            },
        ),
        None => (
            "✕",
            "Not screened".into(),
            "The report holds no verdict.".into(),
        ),
    }
}

/// What the verdict does NOT mean, in sentences (with the measured rates when known).
fn not_meaning(report: &Report, manifest: Option<&Manifest>) -> Vec<String> {
    let real_world = manifest.and_then(|m| m.evaluation.iter().find(|s| s.real_world));
    let mut out = Vec::new();
    match (report.error.is_some(), report.verdict) {
        (false, Some(Verdict::LikelyGenuine)) => {
            out.push(
                "likely_genuine is NOT proof that the recording is authentic: it only means \
                 this model found no sign of the generators it was trained on (listed below)."
                    .to_string(),
            );
            if let Some(set) = real_world {
                out.push(format!(
                    "On real-world synthetic speech ({}) it missed {} of synthetic clips: a \
                     modern generator it has not seen will usually pass as likely_genuine.",
                    set.set,
                    describe::pct(set.rates.miss_rate)
                ));
            }
        }
        (false, Some(Verdict::LikelySynthetic)) => {
            out.push(
                "likely_synthetic is not proof that the recording is fake: genuine recordings \
                 are flagged too, more often when they are noisy, filtered (telephone, \
                 high-pass) or heavily compressed. Confirm by other means: the original file, \
                 its source and chain of custody, the speaker."
                    .to_string(),
            );
            if let Some(set) = real_world {
                out.push(format!(
                    "On real-world genuine recordings ({}) it flagged {} of them as \
                     likely_synthetic.",
                    set.set,
                    describe::pct(set.rates.genuine_false_positive_rate)
                ));
            }
        }
        (false, Some(Verdict::Inconclusive)) => out.push(
            "inconclusive says nothing either way: do not read it as a leaning towards \
             synthetic or genuine."
                .to_string(),
        ),
        _ => out.push(
            "No verdict was reached: this page neither clears nor flags the recording.".into(),
        ),
    }
    if !report.flags.is_empty() {
        out.push(
            "Conditions detected in this recording weaken the verdict (see Conditions below)."
                .to_string(),
        );
    }
    out
}

fn set_views(manifest: &Manifest) -> Vec<SetView> {
    describe::sets_real_world_first(manifest)
        .into_iter()
        .map(|set| {
            let row = |group: String, r: &voxscreen::model::Rates| RateRow {
                group,
                genuine: r.genuine_clips,
                synthetic: r.synthetic_clips,
                eer: describe::pct(r.eer),
                flagged: describe::pct(r.genuine_false_positive_rate),
                missed: describe::pct(r.miss_rate),
                caught: describe::pct(r.synthetic_caught),
            };
            let mut rows = vec![row("all".into(), &set.rates)];
            rows.extend(
                set.by_family
                    .iter()
                    .map(|f| row(format!("family: {}", f.family), &f.rates)),
            );
            SetView {
                name: set.set.clone(),
                description: set.description.clone(),
                real_world: set.real_world,
                sentence: describe::rates_sentence(set),
                rows,
            }
        })
        .collect()
}

fn flag_view(flag: Flag, report: &Report) -> FlagView {
    let codec = report
        .audio
        .as_ref()
        .map_or(String::new(), |a| format!(" ({})", a.codec));
    let text = match flag {
        Flag::Narrowband => "The audio carries nothing above about 4 kHz (telephone band or a \
             low-quality recording): the model sees less of the voice, so any verdict is weaker."
            .to_string(),
        Flag::LossyCodec => format!(
            "The file was stored with a lossy codec{codec}: compression removes detail the \
             model relies on, and strongly compressed genuine speech is misjudged more often."
        ),
        Flag::Noisy => "Speech stands less than 20 dB above the background noise: genuine \
             noisy recordings are called likely_synthetic more often than clean ones, and \
             synthetic speech is missed more often."
            .to_string(),
        Flag::Clipped => "Many samples sit at full scale (the recording was overdriven): the \
             distortion can look like traces of synthesis."
            .to_string(),
        Flag::LowLevel => "The speech is very quiet: background noise dominates what the model \
             measures, and the verdict is weaker."
            .to_string(),
    };
    FlagView {
        name: flag.as_str(),
        text,
    }
}

fn identity(report: &Report, screened_at: Option<&str>) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| rows.push((k.to_string(), v));
    add(
        "File",
        report.path.clone().unwrap_or_else(|| "<memory>".into()),
    );
    add(
        "Size",
        report
            .size_bytes
            .map_or("unknown".into(), |n| format!("{n} bytes")),
    );
    add(
        "sha256",
        report.sha256.clone().unwrap_or_else(|| "unknown".into()),
    );
    if let Some(a) = &report.audio {
        add(
            "Container / codec",
            format!("{} / {}", a.container, a.codec),
        );
        add(
            "Duration",
            format!("{} ({:.3} s)", clock(a.duration_s), a.duration_s),
        );
        add("Sample rate", format!("{} Hz", a.sample_rate));
        add("Channels", a.channels.to_string());
        add(
            "Effective bandwidth",
            format!("{:.0} Hz", a.effective_bandwidth_hz),
        );
    }
    add(
        "Model",
        format!("{} {}", report.model.name, report.model.version),
    );
    add("Model sha256", report.model.sha256.clone());
    add("Tool", format!("voxscreen {}", report.tool_version));
    add(
        "Screened at (UTC)",
        screened_at.map_or("not recorded".into(), str::to_string),
    );
    add(
        "Report format",
        format!("JSON schema version {}", report.schema_version),
    );
    rows
}

/// Seconds as `m:ss.s` (or `h:mm:ss` from one hour).
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s >= 3600.0 {
        let t = s.round() as u64;
        format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    } else {
        let m = (s / 60.0).floor();
        format!("{}:{:04.1}", m as u64, s - 60.0 * m)
    }
}

// ---------------------------------------------------------------------------------------------
// The timeline and waveform chart (SVG coordinates, drawn by the card template)

/// Width of the chart's coordinate system (the SVG scales to the page).
const W: f64 = 1000.0;
const X0: f64 = 56.0;
const X1: f64 = 990.0;
const P_TOP: f64 = 16.0;
const P_BOTTOM: f64 = 196.0;
const WAVE_TOP: f64 = 226.0;
const WAVE_BOTTOM: f64 = 316.0;
const H: f64 = 346.0;

/// One decimal is plenty for SVG coordinates and keeps the page small.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[derive(Debug, Serialize)]
struct Chart {
    width: f64,
    height: f64,
    x0: f64,
    x1: f64,
    p_top: f64,
    p_bottom: f64,
    wave_top: f64,
    wave_bottom: f64,
    wave_mid: f64,
    columns: Vec<Column>,
    no_speech: Vec<Span>,
    run: Option<Span>,
    lines: Vec<Level>,
    y_ticks: Vec<Level>,
    x_ticks: Vec<Tick>,
    wave: String,
    label: String,
    grouped: Option<String>,
}

#[derive(Debug, Serialize)]
struct Column {
    x: f64,
    w: f64,
    y: f64,
    h: f64,
    class: &'static str,
}

#[derive(Debug, Serialize)]
struct Span {
    x: f64,
    w: f64,
    label: String,
    label_x: f64,
    anchor: &'static str,
}

#[derive(Debug, Serialize)]
struct Level {
    y: f64,
    label: String,
    class: &'static str,
}

#[derive(Debug, Serialize)]
struct Tick {
    x: f64,
    label: String,
}

impl Chart {
    /// The chart of a decoded clip; `None` when nothing was decoded.
    fn new(report: &Report, manifest: &Manifest) -> Option<Chart> {
        let audio = report.audio.as_ref()?;
        let end = report
            .timeline
            .iter()
            .map(|w| w.end_s)
            .fold(audio.duration_s, f64::max)
            .max(1e-3);
        let x = |t: f64| r1(X0 + (X1 - X0) * (t / end).clamp(0.0, 1.0));
        let py = |p: f64| r1(P_BOTTOM - (P_BOTTOM - P_TOP) * p.clamp(0.0, 1.0));
        let t = &manifest.thresholds;
        let class_of = |p: f64| {
            if p >= t.likely_synthetic {
                "syn"
            } else if p <= t.likely_genuine {
                "gen"
            } else {
                "inc"
            }
        };

        let groups = group_windows(&report.timeline, end);
        let mut columns = Vec::new();
        let mut no_speech: Vec<Span> = Vec::new();
        for g in &groups {
            let (gx, gw) = (x(g.start), r1(x(g.end) - x(g.start)).max(0.2));
            match g.probability {
                Some(p) => columns.push(Column {
                    x: gx,
                    w: gw,
                    y: py(p),
                    h: r1(P_BOTTOM - py(p)).max(0.5),
                    class: class_of(p),
                }),
                None if !g.speech => match no_speech.last_mut() {
                    Some(last) if (last.x + last.w - gx).abs() < 0.11 => {
                        last.w = r1(gx + gw - last.x)
                    }
                    _ => no_speech.push(Span {
                        x: gx,
                        w: gw,
                        label: String::new(),
                        label_x: gx,
                        anchor: "start",
                    }),
                },
                None => {}
            }
        }
        let run = report.longest_synthetic_run.map(|r| {
            let (rx, rw) = (x(r.start_s), r1(x(r.end_s) - x(r.start_s)).max(1.0));
            // Keep the label inside the chart: anchor it at the run's right end when the run
            // starts in the right half.
            let (label_x, anchor) = if rx > (X0 + X1) / 2.0 {
                (r1(rx + rw), "end")
            } else {
                (rx, "start")
            };
            Span {
                x: rx,
                w: rw,
                label: format!("longest synthetic run {:.1} s", r.seconds),
                label_x,
                anchor,
            }
        });
        let lines = vec![
            Level {
                y: py(t.likely_synthetic),
                label: format!("likely_synthetic ≥ {:.2}", t.likely_synthetic),
                class: "tsyn",
            },
            Level {
                y: py(t.likely_genuine),
                label: format!("likely_genuine ≤ {:.2}", t.likely_genuine),
                class: "tgen",
            },
        ];
        let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .map(|&p| Level {
                y: py(p),
                label: format!("{p:.2}"),
                class: "tick",
            })
            .collect();
        let step = tick_step(end);
        let x_ticks = (0..)
            .map(|i| i as f64 * step)
            .take_while(|&s| s <= end + 1e-9)
            .map(|s| Tick {
                x: x(s),
                label: tick_label(s, step),
            })
            .collect();
        let wave = report
            .envelope
            .as_ref()
            .map(|e| {
                let mid = (WAVE_TOP + WAVE_BOTTOM) / 2.0;
                let half = (WAVE_BOTTOM - WAVE_TOP) / 2.0;
                let at = |i: usize| x(i as f64 * e.seconds_per_point);
                let mut points: Vec<String> = Vec::with_capacity(2 * e.max.len() + 2);
                for (i, v) in e.max.iter().enumerate() {
                    points.push(format!("{},{}", at(i), r1(mid - half * f64::from(*v))));
                    points.push(format!("{},{}", at(i + 1), r1(mid - half * f64::from(*v))));
                }
                for (i, v) in e.min.iter().enumerate().rev() {
                    points.push(format!("{},{}", at(i + 1), r1(mid - half * f64::from(*v))));
                    points.push(format!("{},{}", at(i), r1(mid - half * f64::from(*v))));
                }
                points.join(" ")
            })
            .unwrap_or_default();
        let scored = report.timeline.iter().filter(|w| w.speech).count();
        let label = format!(
            "Timeline of {} analysis windows over {}: probability of synthetic speech per \
             window against the thresholds {:.2} and {:.2}, above the waveform envelope.",
            report.timeline.len(),
            clock(end),
            t.likely_synthetic,
            t.likely_genuine
        );
        let grouped = (groups.len() < report.timeline.len()).then(|| {
            format!(
                "{} windows ({scored} with speech) are drawn as {} columns; each shows the \
                 highest probability among its windows.",
                report.timeline.len(),
                groups.len()
            )
        });
        Some(Chart {
            width: W,
            height: H,
            x0: X0,
            x1: X1,
            p_top: P_TOP,
            p_bottom: P_BOTTOM,
            wave_top: WAVE_TOP,
            wave_bottom: WAVE_BOTTOM,
            wave_mid: (WAVE_TOP + WAVE_BOTTOM) / 2.0,
            columns,
            no_speech,
            run,
            lines,
            y_ticks,
            x_ticks,
            wave,
            label,
            grouped,
        })
    }
}

/// A drawn column: consecutive windows, from the first one's start to the next column's start.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    start: f64,
    end: f64,
    speech: bool,
    probability: Option<f64>,
}

/// Groups the timeline into at most [`MAX_COLUMNS`] columns of consecutive windows.
fn group_windows(timeline: &[TimelineEntry], end: f64) -> Vec<Group> {
    let n = timeline.len();
    if n == 0 {
        return Vec::new();
    }
    let columns = n.min(MAX_COLUMNS);
    (0..columns)
        .map(|k| {
            let (a, b) = (k * n / columns, (k + 1) * n / columns);
            let windows = &timeline[a..b];
            let stop = timeline.get(b).map_or(end, |w| w.start_s);
            Group {
                start: windows[0].start_s,
                end: stop.max(windows[0].start_s),
                speech: windows.iter().any(|w| w.speech),
                probability: windows
                    .iter()
                    .filter_map(|w| w.probability_synthetic)
                    .reduce(f64::max),
            }
        })
        .collect()
}

/// A time-axis step giving at most about ten ticks.
fn tick_step(end: f64) -> f64 {
    const STEPS: [f64; 14] = [
        0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| end / s <= 10.0)
        .unwrap_or_else(|| (end / 10.0 / 3600.0).ceil() * 3600.0)
}

fn tick_label(s: f64, step: f64) -> String {
    if step < 60.0 && s < 60.0 {
        if step < 1.0 {
            format!("{s:.1} s")
        } else {
            format!("{s:.0} s")
        }
    } else if s >= 3600.0 {
        let t = s.round() as u64;
        format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    } else {
        let t = s.round() as u64;
        format!("{}:{:02}", t / 60, t % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: f64, speech: bool, p: Option<f64>) -> TimelineEntry {
        TimelineEntry {
            start_s: start,
            end_s: start + 2.0,
            speech,
            probability_synthetic: p,
        }
    }

    #[test]
    fn groups_are_bounded_and_keep_the_highest_probability() {
        let mut timeline: Vec<TimelineEntry> = (0..10_000)
            .map(|i| window(i as f64, i % 7 != 0, (i % 7 != 0).then_some(0.1)))
            .collect();
        timeline[4321].probability_synthetic = Some(0.99);
        let groups = group_windows(&timeline, 10_001.0);
        assert_eq!(groups.len(), MAX_COLUMNS);
        assert!(groups.iter().any(|g| g.probability == Some(0.99)));
        assert_eq!(groups[0].start, 0.0);
        assert_eq!(groups.last().map(|g| g.end), Some(10_001.0));
        assert!(groups.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn short_timelines_keep_one_column_per_window() {
        let timeline = vec![window(0.0, true, Some(0.2)), window(1.0, false, None)];
        let groups = group_windows(&timeline, 3.0);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].start, groups[0].end), (0.0, 1.0));
        assert_eq!((groups[1].start, groups[1].end), (1.0, 3.0));
        assert!(!groups[1].speech);
    }

    #[test]
    fn clock_and_ticks() {
        assert_eq!(clock(75.25), "1:15.2");
        assert_eq!(clock(3.0 * 3600.0 + 61.0), "3:01:01");
        assert_eq!(tick_step(10.0), 1.0);
        assert_eq!(tick_step(4.0 * 3600.0), 1800.0);
        assert_eq!(tick_label(30.0, 5.0), "30 s");
        assert_eq!(tick_label(90.0, 30.0), "1:30");
        assert_eq!(tick_label(7200.0, 1800.0), "2:00:00");
    }
}
