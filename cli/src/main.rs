//! `voxscreen`: screen audio and video files for synthetic speech from the command line.
//! A thin layer over the `voxscreen` library: argument parsing, file discovery and output.

mod eval_cmd;
mod output;
mod plot;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use voxscreen::{Limits, Report, Screener};

/// Exit status: every file was screened (whatever the verdicts).
const EXIT_OK: u8 = 0;
/// Exit status: at least one file could not be screened.
const EXIT_FILE_ERROR: u8 = 1;
/// Exit status: the command line was wrong.
const EXIT_USAGE: u8 = 2;
/// Exit status: the model or ONNX Runtime failed to load.
const EXIT_MODEL: u8 = 3;

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
  likely_synthetic more often than clean ones, and synthetic speech is missed more often).

COVERAGE
  The shipped model learned genuine speech in English (much of it Mandarin-accented), Arabic,
  French, Italian, Spanish, Russian, German and Hebrew, against formant synthesis (espeak-ng),
  diphone and HMM voices (Festival), vocoder re-synthesis (WORLD, Griffin-Lim, LPC), two
  neural vocoders (LPCNet and a small NSF-HiFi-GAN trained by the project) and one neural TTS
  (Kokoro). It does NOT recognise modern neural TTS and vocoders in general (at chance on a
  real-world set of them), nor voice conversion; languages absent from training (e.g. Korean,
  Japanese) are weaker still. See models/README.md for its
  measured error rates, including on genuine speech.

EXIT STATUS
  0 all files screened, 1 at least one file could not be screened, 2 usage error,
  3 the model or ONNX Runtime failed to load.";

#[derive(Parser)]
#[command(
    name = "voxscreen",
    version,
    about = "Screen audio clips for synthetic speech (deepfake audio)",
    after_help = VERDICT_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Screen files, folders (recursively) or `-` (standard input).
    #[command(after_help = VERDICT_HELP)]
    Screen(ScreenArgs),
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
    fn screener(&self) -> Result<Screener, ExitCode> {
        let loaded = match &self.model {
            Some(path) => Screener::from_path(path),
            None => Screener::from_default(),
        };
        match loaded {
            Ok(s) => Ok(s.with_limits(self.limits())),
            Err(e) => {
                eprintln!("voxscreen: {e}");
                Err(ExitCode::from(EXIT_MODEL))
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
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    model: ModelArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Screen(args) => screen(&args),
        Command::Eval(args) => {
            let screener = match args.model.screener() {
                Ok(s) => s,
                Err(code) => return code,
            };
            match eval_cmd::run(&args.eval, &screener, args.model.threads) {
                Ok(code) => ExitCode::from(code as u8),
                Err(msg) => {
                    eprintln!("voxscreen: {msg}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
    }
}

fn screen(args: &ScreenArgs) -> ExitCode {
    let targets = match collect_targets(&args.paths) {
        Ok(t) if t.is_empty() => {
            eprintln!("voxscreen: no media files found in the given paths");
            return ExitCode::from(EXIT_USAGE);
        }
        Ok(t) => t,
        Err(msg) => {
            eprintln!("voxscreen: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let screener = match args.model.screener() {
        Ok(s) => s,
        Err(code) => return code,
    };
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
    let progress = progress_bar(targets.len() as u64, args.no_progress);
    let mut any_error = false;
    let mut files = Vec::new();
    for target in &targets {
        match target {
            Target::Stdin => {
                let report = screen_stdin(&screener);
                any_error |= report.error.is_some();
                writer.write(&report);
                progress.inc(1);
            }
            Target::File(path) => files.push(path.clone()),
        }
    }
    // Screen in chunks so output starts early and stays in input order.
    for chunk in files.chunks(256) {
        let reports = screener.screen_many(chunk, args.model.threads, &|_| progress.inc(1));
        for report in &reports {
            any_error |= report.error.is_some();
            writer.write(report);
        }
    }
    progress.finish_and_clear();
    writer.finish();
    ExitCode::from(if any_error { EXIT_FILE_ERROR } else { EXIT_OK })
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
