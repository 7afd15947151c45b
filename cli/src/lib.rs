//! The `voxscreen` command line as a library: [`run`] parses an argument list and runs it,
//! returning the exit status. The binary (`src/main.rs`) and the Python package's `voxscreen`
//! command both call it, so they are one implementation. [`html`] renders the per-clip HTML
//! reports of `voxscreen report` and of the Python package's `Result.to_html()`.

mod describe;
mod eval_cmd;
pub mod html;
mod output;
mod plot;
mod report_dir;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use voxscreen::{Limits, Report, Screener};

/// Exit status: every file was screened (whatever the verdicts).
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one file could not be screened (or a report could not be written).
pub const EXIT_FILE_ERROR: i32 = 1;
/// Exit status: the command line was wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit status: the model or ONNX Runtime failed to load.
pub const EXIT_MODEL: i32 = 3;

/// Files given in a folder are screened when their extension is one of these.
const MEDIA_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "mp2", "m4a", "m4b", "mp4", "m4v", "mov", "aac", "ogg", "oga",
    "opus", "webm", "mkv", "mka", "aif", "aiff", "aifc", "caf", "3gp", "amr", "wma", "ac3", "alac",
];

const VERDICT_HELP: &str = "\
VERDICTS
  likely_synthetic  the clip probability reaches the model's synthetic threshold, or a run of
                    windows above it lasts long enough (a spliced fake sentence); see the
                    timeline and longest_synthetic_run for where.
  likely_genuine    the clip probability is at or below the genuine threshold. This is NOT proof
                    that the recording is authentic: it only means this model found no sign of
                    the generators it knows.
  inconclusive      between the two thresholds: the model cannot tell.
  not_applicable    the audio decoded but cannot be judged: reason too_short (less than 1 s of
                    speech) or no_speech.
  (error)           the file could not be decoded or broke a limit; it gets no verdict.
FLAGS weaken a verdict: narrowband (telephone band, <= 4 kHz), clipped, low_level, lossy_codec,
  noisy (speech less than 20 dB above the noise floor: genuine noisy recordings are called
  likely_synthetic more often than clean ones, and synthetic speech is missed more often).";

const EXIT_HELP: &str = "\
EXIT STATUS
  0 all files screened, 1 at least one file could not be screened (or a report could not be
  written), 2 usage error, 3 the model or ONNX Runtime failed to load.";

/// The text after every command's help: verdicts, the shipped model's coverage and measured
/// error rates (read from its manifest), exit statuses.
fn after_help() -> String {
    let coverage = match voxscreen::model::shipped_manifest() {
        Ok(m) => describe::coverage_help(&m),
        Err(e) => format!("COVERAGE\n  unknown: the shipped manifest cannot be read ({e})\n"),
    };
    format!("{VERDICT_HELP}\n\n{coverage}\n{EXIT_HELP}")
}

#[derive(Parser)]
#[command(
    name = "voxscreen",
    version,
    about = "Screen audio clips for synthetic speech (deepfake audio)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Screen files, folders (recursively) or `-` (standard input).
    Screen(ScreenArgs),
    /// Screen files and write one self-contained HTML report per file, plus index.html.
    Report(ReportArgs),
    /// Evaluate the model on labelled clips: EER, ROC AUC, minDCF and error rates.
    Eval(EvalCmdArgs),
}

#[derive(Args)]
struct EvalCmdArgs {
    #[command(flatten)]
    eval: eval_cmd::EvalArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// Options shared by every command that screens audio.
#[derive(Args)]
struct ModelArgs {
    /// Model manifest (.json) or .onnx to use instead of the shipped model.
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Longest clip accepted, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().max_duration_s)]
    max_duration: f64,
    /// Most channels accepted.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_channels)]
    max_channels: u32,
    /// Highest sample rate accepted, in Hz.
    #[arg(long, value_name = "HZ", default_value_t = Limits::default().max_sample_rate)]
    max_sample_rate: u32,
    /// Largest file accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_size)]
    max_file_size: u64,
}

impl ModelArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_duration_s: self.max_duration,
            max_channels: self.max_channels,
            max_sample_rate: self.max_sample_rate,
            max_file_size: self.max_file_size,
        }
    }

    /// Loads the screener, or explains what failed and returns the exit status.
    fn screener(&self) -> Result<Screener, i32> {
        let loaded = match &self.model {
            Some(path) => Screener::from_path(path),
            None => Screener::from_default(),
        };
        match loaded {
            Ok(s) => Ok(s.with_limits(self.limits())),
            Err(e) => {
                eprintln!("voxscreen: {e}");
                Err(EXIT_MODEL)
            }
        }
    }
}

#[derive(Args)]
struct ScreenArgs {
    /// Audio or video files, folders (searched recursively for media files), or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write JSON Lines: one report object per file.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Write CSV: one row per file.
    #[arg(long)]
    csv: bool,
    /// In the table, also print each file's per-window timeline.
    #[arg(long)]
    timeline: bool,
    /// Also write one HTML report per file and index.html into DIR (as `voxscreen report`).
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Args)]
struct ReportArgs {
    /// Audio or video files, folders (searched recursively for media files), or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Folder to write the reports into (created if needed): NNNN-<name>-<sha256>.html per
    /// file and index.html.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    model: ModelArgs,
}

/// The command-line definition, with the after-help text built from the shipped manifest.
fn command() -> clap::Command {
    let text = after_help();
    let mut cmd = Cli::command().after_help(text.clone());
    for name in ["screen", "report"] {
        cmd = cmd.mut_subcommand(name, |s| s.after_help(text.clone()));
    }
    cmd
}

/// Runs the command line `args` (the first item is the program name, as in
/// [`std::env::args_os`]) and returns the exit status: 0 every file screened, 1 some file
/// failed, 2 usage, 3 the model or ONNX Runtime failed to load. Never exits the process.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and exit 0.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let code = match cli.command {
        Command::Screen(args) => screen(&args),
        Command::Report(args) => report(&args),
        Command::Eval(args) => match args.model.screener() {
            Err(code) => code,
            Ok(screener) => match eval_cmd::run(&args.eval, &screener, args.model.threads) {
                Ok(code) => code,
                Err(msg) => {
                    eprintln!("voxscreen: {msg}");
                    EXIT_USAGE
                }
            },
        },
    };
    // The Python package calls this in-process: nothing flushes stdout at exit there.
    let _ = std::io::stdout().flush();
    code
}

fn screen(args: &ScreenArgs) -> i32 {
    let format = if args.json {
        output::Format::JsonLines
    } else if args.csv {
        output::Format::Csv
    } else {
        output::Format::Table {
            timeline: args.timeline,
        }
    };
    let mut writer = output::Writer::new(format);
    let code = screen_paths(
        &args.paths,
        &args.model,
        args.no_progress,
        args.report.as_deref(),
        &mut |report| writer.write(report),
    );
    writer.finish();
    code
}

fn report(args: &ReportArgs) -> i32 {
    screen_paths(
        &args.paths,
        &args.model,
        args.no_progress,
        Some(&args.out),
        &mut |_| {},
    )
}

/// Screens `paths` in input order, hands each report to `on_report` and, with `report_dir`,
/// writes its HTML page there (and index.html at the end). Returns the exit status.
fn screen_paths(
    paths: &[PathBuf],
    model: &ModelArgs,
    no_progress: bool,
    report_dir: Option<&Path>,
    on_report: &mut dyn FnMut(&Report),
) -> i32 {
    let targets = match collect_targets(paths) {
        Ok(t) if t.is_empty() => {
            eprintln!("voxscreen: no media files found in the given paths");
            return EXIT_USAGE;
        }
        Ok(t) => t,
        Err(msg) => {
            eprintln!("voxscreen: {msg}");
            return EXIT_USAGE;
        }
    };
    let screener = match model.screener() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut pages = match report_dir {
        None => None,
        Some(dir) => match report_dir::ReportDir::create(dir, screener.manifest()) {
            Ok(d) => Some(d),
            Err(msg) => {
                eprintln!("voxscreen: {msg}");
                return EXIT_FILE_ERROR;
            }
        },
    };
    let progress = progress_bar(targets.len() as u64, no_progress);
    let mut any_error = false;
    let mut write_failed = false;
    let mut handle = |report: &Report| {
        any_error |= report.error.is_some();
        on_report(report);
        if let Some(dir) = pages.as_mut() {
            if let Err(msg) = dir.write(report) {
                eprintln!("voxscreen: {msg}");
                write_failed = true;
            }
        }
    };
    let mut files = Vec::new();
    for target in &targets {
        match target {
            Target::Stdin => {
                handle(&screen_stdin(&screener));
                progress.inc(1);
            }
            Target::File(path) => files.push(path.clone()),
        }
    }
    // Screen in chunks so output starts early and stays in input order.
    for chunk in files.chunks(256) {
        let reports = screener.screen_many(chunk, model.threads, &|_| progress.inc(1));
        for report in &reports {
            handle(report);
        }
    }
    progress.finish_and_clear();
    if let Some(dir) = pages {
        match dir.finish() {
            Ok(index) => eprintln!("voxscreen: wrote {}", index.display()),
            Err(msg) => {
                eprintln!("voxscreen: {msg}");
                write_failed = true;
            }
        }
    }
    if any_error || write_failed {
        EXIT_FILE_ERROR
    } else {
        EXIT_OK
    }
}

fn screen_stdin(screener: &Screener) -> Report {
    let limit = screener.limits().max_file_size;
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes);
    let result = match read {
        Err(source) => Err(voxscreen::Error::Io {
            path: "-".into(),
            source,
        }),
        Ok(_) if bytes.len() as u64 > limit => Err(voxscreen::Error::LimitExceeded(format!(
            "standard input is larger than the limit of {limit} bytes"
        ))),
        Ok(_) => screener.screen_bytes(&bytes, Some("-")),
    };
    result.unwrap_or_else(|e| screener.error_report(Some("-".into()), &e))
}

fn progress_bar(len: u64, disabled: bool) -> ProgressBar {
    if disabled || len < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// One thing to screen.
enum Target {
    Stdin,
    File(PathBuf),
}

/// Expands folders recursively (media files only, sorted); files named explicitly are always
/// screened. A path that does not exist is a usage error.
fn collect_targets(paths: &[PathBuf]) -> Result<Vec<Target>, String> {
    let mut targets = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            found.sort();
            targets.extend(found.into_iter().map(Target::File));
        } else if path.exists() {
            targets.push(Target::File(path.clone()));
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(targets)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_media(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_media(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MEDIA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
