//! `voxscreen eval LABELS`: screen a labelled set and report EER, AUC, minDCF and the error
//! rates at the model's shipped thresholds. The logic lives in `voxscreen::eval`; this module
//! only wires arguments, progress bar, output and plots.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use voxscreen::eval::{self, EvalOptions, LabelFormat, LabelOptions, ScoreCache};
use voxscreen::metrics::DcfParams;
use voxscreen::Screener;

use crate::plot;

/// Files handed to the screener at a time (at least; 16 per worker thread otherwise); the
/// cache is appended to after each batch, so an interrupted run loses at most one batch.
const MIN_CHUNK: usize = 64;

/// Layout of the labels file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// `.csv` or a comma in the first line → csv, otherwise asvspoof.
    Auto,
    /// CSV with a header holding `file,label` and any grouping columns.
    Csv,
    /// ASVspoof protocol: `speaker file - attack key` lines.
    Asvspoof,
}

/// Arguments of `voxscreen eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Labels: a CSV with at least `file,label` (label real/fake or bonafide/spoof; paths
    /// relative to the CSV; other columns can be used with --by), or an ASVspoof protocol
    /// (`speaker file - attack key`, with --root).
    #[arg(value_name = "LABELS")]
    pub labels: PathBuf,
    /// Layout of LABELS.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// ASVspoof protocol: folder holding the audio (default: the protocol's folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// ASVspoof protocol: extension of the audio files (empty for none).
    #[arg(long, value_name = "EXT", default_value = "flac")]
    pub ext: String,
    /// Keep scores in this JSON-lines file, keyed by file size, mtime and the model's sha256,
    /// so an interrupted or repeated run screens only what is new.
    #[arg(long, value_name = "PATH")]
    pub cache: Option<PathBuf>,
    /// Also report metrics per value of these columns (comma-separated, e.g. system,family;
    /// ASVspoof: speaker, attack).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Print one JSON document instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// Write det.png (DET curve) and scores.png (score histogram per class) into DIR.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// minDCF: cost of a miss (a synthetic clip accepted as genuine).
    #[arg(long, value_name = "COST", default_value_t = 1.0)]
    pub c_miss: f64,
    /// minDCF: cost of a false alarm (a genuine clip flagged as synthetic).
    #[arg(long, value_name = "COST", default_value_t = 10.0)]
    pub c_fa: f64,
    /// minDCF: prior probability of a synthetic clip.
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub p_spoof: f64,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// Runs `voxscreen eval`. `threads` is the worker count for screening (0 = all cores).
/// Returns the exit code (0) or a message for a fatal error (bad labels, one-class set, …).
pub fn run(args: &EvalArgs, screener: &Screener, threads: usize) -> Result<i32, String> {
    let format = match args.format {
        FormatArg::Auto => LabelFormat::Auto,
        FormatArg::Csv => LabelFormat::Csv,
        FormatArg::Asvspoof => LabelFormat::Asvspoof,
    };
    let dcf = DcfParams {
        c_miss: args.c_miss,
        c_fa: args.c_fa,
        p_spoof: args.p_spoof,
    };
    dcf.validate()?;
    let label_opts = LabelOptions {
        format,
        root: args.root.clone(),
        ext: args.ext.clone(),
    };
    let labels = eval::load_labels(&args.labels, &label_opts).map_err(|e| e.to_string())?;
    // Fail before screening anything: one-class sets and unknown columns.
    labels.check_both_classes().map_err(|e| e.to_string())?;
    for c in &args.by {
        labels.column_index(c).map_err(|e| e.to_string())?;
    }
    let missing = labels.missing_files();
    if missing.len() == labels.clips.len() {
        return Err(format!(
            "none of the {} files listed in {} exists (first: {}); check the paths{}",
            labels.clips.len(),
            args.labels.display(),
            missing[0].display(),
            if labels.format == LabelFormat::Asvspoof {
                ", --root and --ext"
            } else {
                ""
            }
        ));
    }
    if !missing.is_empty() {
        eprintln!(
            "warning: {} of {} listed files do not exist (first: {}); they count as errors",
            missing.len(),
            labels.clips.len(),
            missing[0].display()
        );
    }

    let model = screener.model_info().clone();
    let mut cache = match &args.cache {
        Some(p) => Some(ScoreCache::open(p, &model.sha256).map_err(|e| e.to_string())?),
        None => None,
    };
    let paths: Vec<PathBuf> = labels.clips.iter().map(|c| c.path.clone()).collect();
    let bar = ProgressBar::hidden();
    let quiet = args.no_progress;
    let mut on_plan = |reused: usize, todo: usize| {
        if !quiet {
            if reused > 0 {
                eprintln!(
                    "{reused} of {} clips scored from the cache, {todo} to screen",
                    reused + todo
                );
            }
            if todo > 0 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
        bar.set_length(todo as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} clips [{elapsed_precise}, ETA {eta}] {per_sec}",
            )
            .expect("valid template"),
        );
    };
    let on_done = |_: &voxscreen::Report| bar.inc(1);
    let mut screen = |chunk: &[PathBuf]| screener.screen_many(chunk, threads, &on_done);
    let workers = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let chunk = MIN_CHUNK.max(16 * workers);
    let (results, summary) =
        eval::screen_with_cache(&paths, cache.as_mut(), chunk, &mut on_plan, &mut screen)
            .map_err(|e| e.to_string())?;
    bar.finish_and_clear();

    let opts = EvalOptions {
        by: args.by.clone(),
        dcf,
    };
    let mut report = eval::evaluate(&labels, &results, &model, &opts).map_err(|e| e.to_string())?;
    if args.cache.is_some() {
        report.cache = Some(summary);
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", eval::render_table(&report));
    }
    if let Some(dir) = &args.plot {
        let sets = eval::score_sets(&labels, &results, args.by.first().map(String::as_str))
            .map_err(|e| e.to_string())?;
        let written = plot::write_plots(dir, &sets, &report)?;
        for p in written {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(0)
}
