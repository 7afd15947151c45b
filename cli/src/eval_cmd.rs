//! `voxscreen eval LABELS`: screen a labelled set and report EER, AUC, minDCF and the error
//! rates at the model's shipped thresholds. The logic lives in `voxscreen::eval`; this module
//! only wires arguments, progress bar, output and plots.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use voxscreen::eval::{self, EvalOptions, LabelFormat, LabelOptions, RunOptions};
use voxscreen::metrics::DcfParams;
use voxscreen::Screener;

use crate::plot;

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
    let opts = RunOptions {
        labels: LabelOptions {
            format,
            root: args.root.clone(),
            ext: args.ext.clone(),
        },
        eval: EvalOptions {
            by: args.by.clone(),
            dcf,
        },
        cache: args.cache.clone(),
        threads,
    };
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
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {pos}/{len} clips [{elapsed_precise}, ETA {eta}] {per_sec}",
        ) {
            bar.set_style(style);
        }
    };
    let on_done = |_: &voxscreen::Report| bar.inc(1);
    let out = eval::run(screener, &args.labels, &opts, &mut on_plan, &on_done)
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let report = out.report;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", eval::render_table(&report));
    }
    if let Some(dir) = &args.plot {
        let sets = eval::score_sets(
            &out.labels,
            &out.results,
            args.by.first().map(String::as_str),
        )
        .map_err(|e| e.to_string())?;
        let written = plot::write_plots(dir, &sets, &report)?;
        for p in written {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(0)
}
