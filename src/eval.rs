//! Evaluation against labelled clips (`voxscreen eval`): labels and ASVspoof protocol parsing,
//! the resumable score cache, per-group metrics and the text table.
//!
//! The maths lives in [`crate::metrics`]; see there for the score and error conventions
//! (higher score = more synthetic; *miss* = synthetic clip accepted as genuine, *false alarm*
//! = genuine clip flagged as synthetic).
//!
//! Typical flow (what the CLI does):
//! 1. [`load_labels`] reads a CSV (`file,label[,group columns…]`) or an ASVspoof protocol.
//! 2. [`ScoreCache::open`] (optional) and [`screen_with_cache`] screen every file that has no
//!    valid cached score, appending results to the cache as they arrive.
//! 3. [`evaluate`] computes the [`EvalReport`]; [`render_table`] prints it, or serialise it
//!    with serde for `--json`; [`score_sets`] gives the raw scores for plots.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::metrics::{self, DcfParams};
use crate::report::{ModelInfo, Report, Verdict};

/// Ground-truth class of a clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Genuine (bona fide) speech.
    Real,
    /// Synthetic (spoofed) speech.
    Fake,
}

impl Label {
    /// Parses a label, case-insensitively: `real`, `bonafide`, `bona-fide`, `bona_fide`,
    /// `genuine` → [`Label::Real`]; `fake`, `spoof`, `synthetic` → [`Label::Fake`].
    pub fn parse(s: &str) -> Option<Label> {
        match s.trim().to_ascii_lowercase().as_str() {
            "real" | "bonafide" | "bona-fide" | "bona_fide" | "genuine" => Some(Label::Real),
            "fake" | "spoof" | "synthetic" => Some(Label::Fake),
            _ => None,
        }
    }

    /// `real` or `fake`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Label::Real => "real",
            Label::Fake => "fake",
        }
    }
}

/// Layout of the labels file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelFormat {
    /// `.csv` extension or a comma in the first non-empty line → CSV, otherwise ASVspoof.
    #[default]
    Auto,
    /// CSV with a header holding at least `file` (or `path`) and `label`.
    Csv,
    /// ASVspoof protocol: whitespace-separated `speaker file - attack key` lines.
    Asvspoof,
}

/// How to read a labels file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelOptions {
    /// File layout (default: auto-detect).
    pub format: LabelFormat,
    /// ASVspoof only: folder holding the audio files (default: the protocol's folder).
    pub root: Option<PathBuf>,
    /// ASVspoof only: extension appended to the file names (default `flac`; empty for none).
    pub ext: String,
}

impl Default for LabelOptions {
    fn default() -> Self {
        LabelOptions {
            format: LabelFormat::Auto,
            root: None,
            ext: "flac".to_string(),
        }
    }
}

/// One labelled clip.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledClip {
    /// Path of the audio file (resolved against the CSV's folder or the protocol root).
    pub path: PathBuf,
    /// Ground truth.
    pub label: Label,
    /// Values of the grouping columns, in the order of [`LabelSet::columns`].
    pub groups: Vec<String>,
}

/// A parsed labels file.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSet {
    /// The labels file.
    pub source: PathBuf,
    /// Detected layout ([`LabelFormat::Csv`] or [`LabelFormat::Asvspoof`]).
    pub format: LabelFormat,
    /// Grouping columns usable with `--by` (CSV: every column except `file` and `label`;
    /// ASVspoof: `speaker` and `attack`, where bona fide lines get attack `bonafide`).
    pub columns: Vec<String>,
    /// The clips, in file order.
    pub clips: Vec<LabeledClip>,
}

impl LabelSet {
    /// Number of clips of each class: `(real, fake)`.
    pub fn class_counts(&self) -> (usize, usize) {
        let fake = self.clips.iter().filter(|c| c.label == Label::Fake).count();
        (self.clips.len() - fake, fake)
    }

    /// Fails with [`Error::InvalidInput`] unless the set holds at least one clip of each class.
    pub fn check_both_classes(&self) -> Result<()> {
        let (real, fake) = self.class_counts();
        if real == 0 || fake == 0 {
            let (has, n, lacks) = if real == 0 {
                ("fake", fake, "real")
            } else {
                ("real", real, "fake")
            };
            return Err(Error::InvalidInput(format!(
                "{} holds only {has} clips ({n}) and no {lacks} clip: EER, AUC and minDCF need both classes",
                self.source.display()
            )));
        }
        Ok(())
    }

    /// Index of a grouping column, or an [`Error::InvalidInput`] naming the available ones.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns.iter().position(|c| c == name).ok_or_else(|| {
            Error::InvalidInput(format!(
                "no column `{name}` in {} (grouping columns: {})",
                self.source.display(),
                if self.columns.is_empty() {
                    "none".to_string()
                } else {
                    self.columns.join(", ")
                }
            ))
        })
    }

    /// Clips whose file does not exist.
    pub fn missing_files(&self) -> Vec<&Path> {
        self.clips
            .iter()
            .map(|c| c.path.as_path())
            .filter(|p| !p.exists())
            .collect()
    }
}

fn invalid(source: &Path, line: usize, msg: impl std::fmt::Display) -> Error {
    Error::InvalidInput(format!("{}:{line}: {msg}", source.display()))
}

/// Reads a labels file (CSV or ASVspoof protocol). Relative CSV paths are resolved against
/// the CSV's folder. Fails on unreadable files, bad labels, missing columns and empty sets;
/// a set with one class only is accepted here (see [`LabelSet::check_both_classes`]).
pub fn load_labels(path: &Path, opts: &LabelOptions) -> Result<LabelSet> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let format = match opts.format {
        LabelFormat::Auto => {
            let is_csv_ext = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let first = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .unwrap_or("");
            if is_csv_ext || first.contains(',') {
                LabelFormat::Csv
            } else {
                LabelFormat::Asvspoof
            }
        }
        f => f,
    };
    let (columns, clips) = if format == LabelFormat::Csv {
        parse_csv_labels(&text, &base, path)?
    } else {
        let root = opts.root.clone().unwrap_or(base);
        if !root.is_dir() && !root.as_os_str().is_empty() {
            return Err(Error::InvalidInput(format!(
                "audio root {} is not a folder",
                root.display()
            )));
        }
        parse_protocol(&text, &root, &opts.ext, path)?
    };
    if clips.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{} lists no clips",
            path.display()
        )));
    }
    Ok(LabelSet {
        source: path.to_path_buf(),
        format,
        columns,
        clips,
    })
}

/// Splits CSV text into records (RFC 4180: quoted fields, `""` escapes, CRLF), each with the
/// line number it starts on. Blank lines are skipped.
/// CSV records with the line each starts on, or the line and message of a syntax error.
type CsvRecords = std::result::Result<Vec<(usize, Vec<String>)>, (usize, String)>;

fn csv_records(text: &str) -> CsvRecords {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted_field = false;
        loop {
            match chars.next() {
                None => break,
                Some('"') if field.is_empty() && !quoted_field => {
                    quoted_field = true;
                    loop {
                        match chars.next() {
                            None => return Err((start, "unterminated quoted field".into())),
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                field.push(c);
                            }
                        }
                    }
                }
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    quoted_field = false;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    line += 1;
                    break;
                }
                Some(c) => field.push(c),
            }
        }
        fields.push(field);
        let blank = fields.len() == 1 && fields[0].trim().is_empty() && !quoted_field;
        if !blank {
            records.push((start, fields));
        }
    }
    Ok(records)
}

/// Parses a labels CSV: a header with `file` (or `path`) and `label` columns, any other
/// columns being grouping columns. Relative paths are joined to `base`.
pub fn parse_csv_labels(
    text: &str,
    base: &Path,
    source: &Path,
) -> Result<(Vec<String>, Vec<LabeledClip>)> {
    let records = csv_records(text).map_err(|(line, msg)| invalid(source, line, msg))?;
    let mut rows = records.into_iter();
    let (hline, header) = rows
        .next()
        .ok_or_else(|| invalid(source, 1, "empty file: expected a header with `file,label`"))?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let file_col = find(&["file", "path"])
        .ok_or_else(|| invalid(source, hline, "header has no `file` column"))?;
    let label_col =
        find(&["label"]).ok_or_else(|| invalid(source, hline, "header has no `label` column"))?;
    let group_cols: Vec<usize> = (0..header.len())
        .filter(|&i| i != file_col && i != label_col)
        .collect();
    let columns = group_cols.iter().map(|&i| header[i].clone()).collect();
    let mut clips = Vec::new();
    for (line, fields) in rows {
        if fields.len() != header.len() {
            return Err(invalid(
                source,
                line,
                format!("{} fields, the header has {}", fields.len(), header.len()),
            ));
        }
        let file = fields[file_col].trim();
        if file.is_empty() {
            return Err(invalid(source, line, "empty `file`"));
        }
        let label = Label::parse(&fields[label_col]).ok_or_else(|| {
            invalid(
                source,
                line,
                format!(
                    "label `{}` is not real/fake/bonafide/spoof",
                    fields[label_col].trim()
                ),
            )
        })?;
        let file = Path::new(file);
        let path = if file.is_absolute() {
            file.to_path_buf()
        } else {
            base.join(file)
        };
        let groups = group_cols
            .iter()
            .map(|&i| fields[i].trim().to_string())
            .collect();
        clips.push(LabeledClip {
            path,
            label,
            groups,
        });
    }
    Ok((columns, clips))
}

/// Parses an ASVspoof protocol: whitespace-separated lines `speaker file … attack key`, where
/// `key` is the last field equal to `bonafide` or `spoof` (at position 3 or later) and
/// `attack` the field just before it (`-` becomes `bonafide` on bona fide lines). This reads the
/// 2019 layout (`speaker file - attack key`) and the longer 2021/ASVspoof 5 lines alike. Audio
/// paths are `root/<file>.<ext>` (no extension when `ext` is empty). Lines starting with `#`
/// are comments.
pub fn parse_protocol(
    text: &str,
    root: &Path,
    ext: &str,
    source: &Path,
) -> Result<(Vec<String>, Vec<LabeledClip>)> {
    let ext = ext.trim_start_matches('.');
    let mut clips = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() || fields[0].starts_with('#') {
            continue;
        }
        let key = (2..fields.len()).rev().find(|&k| {
            let f = fields[k].to_ascii_lowercase();
            f == "bonafide" || f == "spoof"
        });
        let Some(k) = key else {
            return Err(invalid(
                source,
                i + 1,
                "expected `speaker file - attack key` with key bonafide or spoof (use --format csv for CSV)",
            ));
        };
        let label = if fields[k].eq_ignore_ascii_case("spoof") {
            Label::Fake
        } else {
            Label::Real
        };
        let mut attack = fields[k - 1].to_string();
        if k - 1 < 2 || (attack == "-" && label == Label::Real) {
            attack = if label == Label::Real {
                "bonafide".into()
            } else {
                "-".into()
            };
        }
        let name = if ext.is_empty() {
            fields[1].to_string()
        } else {
            format!("{}.{ext}", fields[1])
        };
        clips.push(LabeledClip {
            path: root.join(name),
            label,
            groups: vec![fields[0].to_string(), attack],
        });
    }
    Ok((vec!["speaker".to_string(), "attack".to_string()], clips))
}

/// What screening one clip gave, as far as the evaluation needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipResult {
    /// The verdict at the model's shipped thresholds; `None` on error.
    pub verdict: Option<Verdict>,
    /// The clip score; `None` unless the clip was judged.
    pub probability_synthetic: Option<f64>,
    /// `error.kind` of the report when the file could not be screened.
    pub error_kind: Option<String>,
}

impl ClipResult {
    /// Keeps what the evaluation needs from a report.
    pub fn from_report(r: &Report) -> ClipResult {
        ClipResult {
            verdict: r.verdict,
            probability_synthetic: r.probability_synthetic,
            error_kind: r.error.as_ref().map(|e| e.kind.clone()),
        }
    }

    /// The score, if the clip has a finite one.
    pub fn score(&self) -> Option<f64> {
        self.probability_synthetic.filter(|p| p.is_finite())
    }

    /// Whether the result depends only on the file and the model, so it may be cached:
    /// errors from reading the file (`io`) or from the model/runtime are retried next run.
    pub fn is_cacheable(&self) -> bool {
        !matches!(self.error_kind.as_deref(), Some("io" | "model" | "runtime"))
    }
}

/// Size and modification time of a file: with the model's sha256 the cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since the Unix epoch (0 if unavailable).
    pub mtime_ns: u64,
}

impl FileStamp {
    /// Reads the stamp of a file; `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let m = std::fs::metadata(path).ok()?;
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos().min(u64::MAX as u128) as u64)
            .unwrap_or(0);
        Some(FileStamp {
            size: m.len(),
            mtime_ns,
        })
    }
}

/// One line of the cache file (JSON lines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Absolute path of the audio file.
    pub path: String,
    /// File size in bytes when screened.
    pub size: u64,
    /// File modification time (ns since the Unix epoch) when screened.
    pub mtime_ns: u64,
    /// sha256 of the model that produced the result.
    pub model_sha256: String,
    /// Verdict (`null` on error).
    pub verdict: Option<Verdict>,
    /// Clip score (`null` unless judged).
    pub probability_synthetic: Option<f64>,
    /// Error kind (`null` unless the file could not be screened).
    pub error_kind: Option<String>,
}

/// Resumable score cache: a JSON-lines file of [`CacheEntry`], appended to as results arrive.
/// An entry is reused only when path, size, mtime and the model's sha256 all match, so a new
/// model or an edited file is always screened again. Malformed lines (e.g. the last line of an
/// interrupted run) are ignored; later lines win over earlier ones for the same path.
#[derive(Debug)]
pub struct ScoreCache {
    path: PathBuf,
    model_sha256: String,
    entries: HashMap<String, CacheEntry>,
    file: File,
}

/// The key under which a clip is cached: its absolute path.
pub fn cache_key(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

impl ScoreCache {
    /// Opens (or creates) the cache file for `model_sha256`.
    pub fn open(path: &Path, model_sha256: &str) -> Result<ScoreCache> {
        let io = |e| Error::Io {
            path: path.display().to_string(),
            source: e,
        };
        let mut entries = HashMap::new();
        let mut needs_newline = false;
        match File::open(path) {
            Ok(f) => {
                let mut reader = BufReader::new(f);
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    if reader.read_until(b'\n', &mut buf).map_err(io)? == 0 {
                        break;
                    }
                    needs_newline = buf.last() != Some(&b'\n');
                    if let Ok(e) = serde_json::from_slice::<CacheEntry>(&buf) {
                        entries.insert(e.path.clone(), e);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        if needs_newline {
            // An interrupted run left half a line: end it so the next entry parses.
            file.write_all(b"\n").map_err(io)?;
        }
        Ok(ScoreCache {
            path: path.to_path_buf(),
            model_sha256: model_sha256.to_string(),
            entries,
            file,
        })
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of entries read or written (for any model).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cached result for `key` when size, mtime and model all match.
    pub fn lookup(&self, key: &str, stamp: FileStamp) -> Option<ClipResult> {
        let e = self.entries.get(key)?;
        (e.size == stamp.size
            && e.mtime_ns == stamp.mtime_ns
            && e.model_sha256 == self.model_sha256)
            .then(|| ClipResult {
                verdict: e.verdict,
                probability_synthetic: e.probability_synthetic,
                error_kind: e.error_kind.clone(),
            })
    }

    /// Appends a result (one line, flushed at once).
    pub fn insert(&mut self, key: &str, stamp: FileStamp, result: &ClipResult) -> Result<()> {
        let entry = CacheEntry {
            path: key.to_string(),
            size: stamp.size,
            mtime_ns: stamp.mtime_ns,
            model_sha256: self.model_sha256.clone(),
            verdict: result.verdict,
            probability_synthetic: result.probability_synthetic,
            error_kind: result.error_kind.clone(),
        };
        let mut line = serde_json::to_vec(&entry).expect("cache entry serialises");
        line.push(b'\n');
        let io = |e| Error::Io {
            path: self.path.display().to_string(),
            source: e,
        };
        self.file.write_all(&line).map_err(io)?;
        self.file.flush().map_err(io)?;
        self.entries.insert(entry.path.clone(), entry);
        Ok(())
    }
}

/// How many clips came from the cache and how many were screened.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CacheSummary {
    /// The cache file, if one was used.
    pub path: Option<String>,
    /// Clips whose result came from the cache.
    pub reused: usize,
    /// Clips screened in this run.
    pub screened: usize,
}

/// Screens every path that has no valid cached result, in chunks of `chunk_size` files passed
/// to `screen` (which must return one report per path, in order), appending each chunk's
/// cacheable results to the cache before the next chunk starts. `on_plan(reused, to_screen)`
/// is called once before screening starts (to size a progress bar). Returns one result per
/// path, in order.
pub fn screen_with_cache(
    paths: &[PathBuf],
    mut cache: Option<&mut ScoreCache>,
    chunk_size: usize,
    on_plan: &mut dyn FnMut(usize, usize),
    screen: &mut dyn FnMut(&[PathBuf]) -> Vec<Report>,
) -> Result<(Vec<ClipResult>, CacheSummary)> {
    let mut results: Vec<Option<ClipResult>> = vec![None; paths.len()];
    let mut todo: Vec<(usize, String, Option<FileStamp>)> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let key = cache_key(p);
        let stamp = FileStamp::of(p);
        match (cache.as_deref(), stamp) {
            (Some(c), Some(s)) => match c.lookup(&key, s) {
                Some(r) => results[i] = Some(r),
                None => todo.push((i, key, stamp)),
            },
            _ => todo.push((i, key, stamp)),
        }
    }
    let summary = CacheSummary {
        path: cache.as_deref().map(|c| c.path().display().to_string()),
        reused: paths.len() - todo.len(),
        screened: todo.len(),
    };
    on_plan(summary.reused, summary.screened);
    for chunk in todo.chunks(chunk_size.max(1)) {
        let chunk_paths: Vec<PathBuf> = chunk.iter().map(|(i, _, _)| paths[*i].clone()).collect();
        let reports = screen(&chunk_paths);
        if reports.len() != chunk_paths.len() {
            return Err(Error::InvalidInput(format!(
                "screener returned {} reports for {} files",
                reports.len(),
                chunk_paths.len()
            )));
        }
        for ((i, key, stamp), report) in chunk.iter().zip(&reports) {
            let r = ClipResult::from_report(report);
            if let (Some(c), Some(s)) = (cache.as_deref_mut(), stamp) {
                if r.is_cacheable() {
                    c.insert(key, *s, &r)?;
                }
            }
            results[*i] = Some(r);
        }
    }
    Ok((
        results
            .into_iter()
            .map(|r| r.expect("every clip has a result"))
            .collect(),
        summary,
    ))
}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvalOptions {
    /// Grouping columns (`--by`): metrics per value of each.
    pub by: Vec<String>,
    /// minDCF costs and prior.
    pub dcf: DcfParams,
}

/// Verdict counts of one class, at the model's shipped thresholds. Every clip lands in
/// exactly one of the five counters (`clips` is their sum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClassStats {
    /// Clips of the class.
    pub clips: usize,
    /// Clips with a clip score (used for EER, AUC and minDCF).
    pub scored: usize,
    /// Verdict `likely_synthetic`.
    pub likely_synthetic: usize,
    /// Verdict `likely_genuine`.
    pub likely_genuine: usize,
    /// Verdict `inconclusive`.
    pub inconclusive: usize,
    /// Verdict `not_applicable` (too short, no speech).
    pub not_applicable: usize,
    /// Not screened (the file could not be read or decoded).
    pub error: usize,
}

impl ClassStats {
    fn add(&mut self, r: &ClipResult) {
        self.clips += 1;
        if r.score().is_some() {
            self.scored += 1;
        }
        match r.verdict {
            Some(Verdict::LikelySynthetic) => self.likely_synthetic += 1,
            Some(Verdict::LikelyGenuine) => self.likely_genuine += 1,
            Some(Verdict::Inconclusive) => self.inconclusive += 1,
            Some(Verdict::NotApplicable) => self.not_applicable += 1,
            None => self.error += 1,
        }
    }
}

/// Which clips a group's metrics compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoredAgainst {
    /// The group's own real and fake clips.
    Group,
    /// The group holds fake clips only: they are compared with all real clips of the set.
    AllReal,
    /// The group holds real clips only: they are compared with all fake clips of the set.
    AllFake,
}

impl ScoredAgainst {
    /// `group`, `all_real` or `all_fake`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ScoredAgainst::Group => "group",
            ScoredAgainst::AllReal => "all_real",
            ScoredAgainst::AllFake => "all_fake",
        }
    }
}

/// Metrics of the whole set or of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMetrics {
    /// Grouping column; `null` for the whole set.
    pub column: Option<String>,
    /// Value of the grouping column; `null` for the whole set.
    pub value: Option<String>,
    /// Which clips are compared (a one-class group borrows the other class from the whole set).
    pub scored_against: ScoredAgainst,
    /// Real clips compared (the whole set's when `scored_against` is `all_real`).
    pub real: ClassStats,
    /// Fake clips compared (the whole set's when `scored_against` is `all_fake`).
    pub fake: ClassStats,
    /// Equal error rate (ROC convex hull), a fraction; `null` when a class has no score.
    pub eer: Option<f64>,
    /// Threshold on `probability_synthetic` at the EER.
    pub eer_threshold: Option<f64>,
    /// ROC AUC (ties count one half).
    pub auc: Option<f64>,
    /// Minimum normalised DCF.
    pub min_dcf: Option<f64>,
    /// Threshold on `probability_synthetic` at the minimum DCF.
    pub min_dcf_threshold: Option<f64>,
    /// Real clips with verdict `likely_synthetic` / all real clips.
    pub false_positive_rate: Option<f64>,
    /// Fake clips with verdict `likely_genuine` / all fake clips.
    pub miss_rate: Option<f64>,
}

impl GroupMetrics {
    /// `all` for the whole set, else `column=value`.
    pub fn name(&self) -> String {
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => format!("{c}={v}"),
            _ => "all".to_string(),
        }
    }
}

/// The result of `voxscreen eval` (serialised as one JSON document by `--json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// voxscreen version.
    pub tool_version: String,
    /// The labels file.
    pub labels: String,
    /// `csv` or `asvspoof`.
    pub label_format: LabelFormat,
    /// The model evaluated.
    pub model: ModelInfo,
    /// The clip score used for EER, AUC and minDCF (always `probability_synthetic`).
    pub score: String,
    /// minDCF costs and prior (miss = fake accepted as genuine, fa = real flagged).
    pub dcf_params: DcfParams,
    /// Cache use; `null` without `--cache`.
    pub cache: Option<CacheSummary>,
    /// Metrics of the whole set.
    pub overall: GroupMetrics,
    /// Metrics per value of each `--by` column, column by column, values sorted.
    pub groups: Vec<GroupMetrics>,
    /// Count of clips per error kind (files that could not be screened).
    pub errors: BTreeMap<String, usize>,
}

/// Scores of the two classes of one group (for plots).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreSet {
    /// `all` or `column=value`.
    pub name: String,
    /// Which clips are compared.
    pub scored_against: ScoredAgainst,
    /// Scores of the real clips compared.
    pub real: Vec<f64>,
    /// Scores of the fake clips compared.
    pub fake: Vec<f64>,
}

/// Members of each value of a column, values sorted.
fn group_members(labels: &LabelSet, col: usize) -> BTreeMap<&str, Vec<usize>> {
    let mut m: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in labels.clips.iter().enumerate() {
        m.entry(c.groups[col].as_str()).or_default().push(i);
    }
    m
}

/// Splits clip indices by class, borrowing the whole set's other class for one-class groups.
fn split_members(labels: &LabelSet, members: &[usize]) -> (Vec<usize>, Vec<usize>, ScoredAgainst) {
    let of = |idx: &mut dyn Iterator<Item = usize>, l: Label| -> Vec<usize> {
        idx.filter(|&i| labels.clips[i].label == l).collect()
    };
    let real = of(&mut members.iter().copied(), Label::Real);
    let fake = of(&mut members.iter().copied(), Label::Fake);
    if real.is_empty() {
        (
            of(&mut (0..labels.clips.len()), Label::Real),
            fake,
            ScoredAgainst::AllReal,
        )
    } else if fake.is_empty() {
        (
            real,
            of(&mut (0..labels.clips.len()), Label::Fake),
            ScoredAgainst::AllFake,
        )
    } else {
        (real, fake, ScoredAgainst::Group)
    }
}

fn scores(results: &[ClipResult], idx: &[usize]) -> Vec<f64> {
    idx.iter().filter_map(|&i| results[i].score()).collect()
}

fn metrics_of(
    results: &[ClipResult],
    real: &[usize],
    fake: &[usize],
    against: ScoredAgainst,
    column: Option<String>,
    value: Option<String>,
    dcf: &DcfParams,
) -> GroupMetrics {
    let (mut rs, mut fs) = (ClassStats::default(), ClassStats::default());
    real.iter().for_each(|&i| rs.add(&results[i]));
    fake.iter().for_each(|&i| fs.add(&results[i]));
    let (r, f) = (scores(results, real), scores(results, fake));
    let e = metrics::eer(&r, &f);
    let d = metrics::min_dcf(&r, &f, dcf);
    let rate = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
    GroupMetrics {
        column,
        value,
        scored_against: against,
        real: rs,
        fake: fs,
        eer: e.map(|e| e.eer),
        eer_threshold: e.map(|e| e.threshold),
        auc: metrics::roc_auc(&r, &f),
        min_dcf: d.map(|d| d.0),
        min_dcf_threshold: d.map(|d| d.1),
        false_positive_rate: rate(rs.likely_synthetic, rs.clips),
        miss_rate: rate(fs.likely_genuine, fs.clips),
    }
}

/// Computes the report: overall metrics and, for each `--by` column, metrics per value.
/// `results[i]` belongs to `labels.clips[i]`. Fails with [`Error::InvalidInput`] when the
/// whole set holds one class only, a `--by` column does not exist, the DCF parameters are
/// invalid or the lengths differ. One-class groups are compared with all clips of the other
/// class (see [`ScoredAgainst`]).
pub fn evaluate(
    labels: &LabelSet,
    results: &[ClipResult],
    model: &ModelInfo,
    opts: &EvalOptions,
) -> Result<EvalReport> {
    labels.check_both_classes()?;
    opts.dcf.validate().map_err(Error::InvalidInput)?;
    if results.len() != labels.clips.len() {
        return Err(Error::InvalidInput(format!(
            "{} results for {} clips",
            results.len(),
            labels.clips.len()
        )));
    }
    let cols = opts
        .by
        .iter()
        .map(|c| labels.column_index(c))
        .collect::<Result<Vec<_>>>()?;
    let all: Vec<usize> = (0..labels.clips.len()).collect();
    let (r, f, _) = split_members(labels, &all);
    let overall = metrics_of(results, &r, &f, ScoredAgainst::Group, None, None, &opts.dcf);
    let mut groups = Vec::new();
    for (name, &col) in opts.by.iter().zip(&cols) {
        for (value, members) in group_members(labels, col) {
            let (r, f, against) = split_members(labels, &members);
            groups.push(metrics_of(
                results,
                &r,
                &f,
                against,
                Some(name.clone()),
                Some(value.to_string()),
                &opts.dcf,
            ));
        }
    }
    let mut errors = BTreeMap::new();
    for k in results.iter().filter_map(|r| r.error_kind.as_ref()) {
        *errors.entry(k.clone()).or_insert(0) += 1;
    }
    Ok(EvalReport {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        labels: labels.source.display().to_string(),
        label_format: labels.format,
        model: model.clone(),
        score: "probability_synthetic".to_string(),
        dcf_params: opts.dcf,
        cache: None,
        overall,
        groups,
        errors,
    })
}

/// Scores per group for plots: the whole set first (`all`), then one set per value of
/// `column` when given (one-class groups borrow the other class as in [`evaluate`]).
pub fn score_sets(
    labels: &LabelSet,
    results: &[ClipResult],
    column: Option<&str>,
) -> Result<Vec<ScoreSet>> {
    labels.check_both_classes()?;
    let all: Vec<usize> = (0..labels.clips.len()).collect();
    let (r, f, _) = split_members(labels, &all);
    let mut sets = vec![ScoreSet {
        name: "all".into(),
        scored_against: ScoredAgainst::Group,
        real: scores(results, &r),
        fake: scores(results, &f),
    }];
    if let Some(name) = column {
        let col = labels.column_index(name)?;
        for (value, members) in group_members(labels, col) {
            let (r, f, against) = split_members(labels, &members);
            sets.push(ScoreSet {
                name: format!("{name}={value}"),
                scored_against: against,
                real: scores(results, &r),
                fake: scores(results, &f),
            });
        }
    }
    Ok(sets)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.2}%", 100.0 * v))
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

/// Left-aligns the first `left` columns, right-aligns the rest, two spaces apart.
fn layout(rows: &[Vec<String>], left: usize) -> String {
    let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..ncol)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            if c < left {
                line.push_str(&format!("{cell:<w$}", w = width[c]));
            } else {
                line.push_str(&format!("{cell:>w$}", w = width[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders the report as plain-text tables (see the crate README for an example).
pub fn render_table(report: &EvalReport) -> String {
    let o = &report.overall;
    let mut out = String::new();
    out.push_str(&format!(
        "voxscreen eval: {} clips ({} real, {} fake) from {}\n",
        o.real.clips + o.fake.clips,
        o.real.clips,
        o.fake.clips,
        report.labels
    ));
    let sha = &report.model.sha256;
    out.push_str(&format!(
        "model: {} {} (sha256 {})\n",
        report.model.name,
        report.model.version,
        &sha[..sha.len().min(12)]
    ));
    if let Some(c) = &report.cache {
        out.push_str(&format!(
            "cache: {} ({} reused, {} screened)\n",
            c.path.as_deref().unwrap_or("-"),
            c.reused,
            c.screened
        ));
    }
    let p = &report.dcf_params;
    out.push_str(&format!(
        "minDCF: C_miss={} C_fa={} P_spoof={} (miss = fake accepted as genuine, fa = real flagged as synthetic)\n",
        p.c_miss, p.c_fa, p.p_spoof
    ));
    if !report.errors.is_empty() {
        let list: Vec<String> = report
            .errors
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out.push_str(&format!("not screened: {}\n", list.join(", ")));
    }
    let all: Vec<&GroupMetrics> = std::iter::once(o).chain(&report.groups).collect();

    out.push_str(&format!(
        "\nScores ({}; n = clips with a score / clips)\n",
        report.score
    ));
    let mut rows = vec![[
        "group",
        "scored_against",
        "n real",
        "n fake",
        "EER",
        "EER thr",
        "AUC",
        "minDCF",
        "DCF thr",
    ]
    .map(String::from)
    .to_vec()];
    for g in &all {
        rows.push(vec![
            g.name(),
            g.scored_against.as_str().to_string(),
            format!("{}/{}", g.real.scored, g.real.clips),
            format!("{}/{}", g.fake.scored, g.fake.clips),
            pct(g.eer),
            num(g.eer_threshold),
            num(g.auc),
            num(g.min_dcf),
            num(g.min_dcf_threshold),
        ]);
    }
    out.push_str(&layout(&rows, 2));

    out.push_str("\nVerdicts at the model's thresholds (FPR = real flagged likely_synthetic; miss = fake judged likely_genuine)\n");
    let mut rows = vec![[
        "group",
        "class",
        "clips",
        "synthetic",
        "genuine",
        "inconclusive",
        "n/a",
        "error",
        "rate",
    ]
    .map(String::from)
    .to_vec()];
    for g in &all {
        for (label, s, rate) in [
            (
                "real",
                &g.real,
                format!("FPR {}", pct(g.false_positive_rate)),
            ),
            ("fake", &g.fake, format!("miss {}", pct(g.miss_rate))),
        ] {
            let borrowed = matches!(
                (label, g.scored_against),
                ("real", ScoredAgainst::AllReal) | ("fake", ScoredAgainst::AllFake)
            );
            let name = if label == "real" {
                g.name()
            } else {
                String::new()
            };
            let class = if borrowed {
                format!("{label} (all)")
            } else {
                label.to_string()
            };
            rows.push(vec![
                name,
                class,
                s.clips.to_string(),
                s.likely_synthetic.to_string(),
                s.likely_genuine.to_string(),
                s.inconclusive.to_string(),
                s.not_applicable.to_string(),
                s.error.to_string(),
                rate,
            ]);
        }
    }
    out.push_str(&layout(&rows, 2));
    out
}

/// Everything [`run`] needs besides the screener and the labels file.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// How to read the labels.
    pub labels: LabelOptions,
    /// Grouping columns and minDCF parameters.
    pub eval: EvalOptions,
    /// Score cache file (JSON lines), if any.
    pub cache: Option<PathBuf>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

/// What [`run`] produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The labels as read.
    pub labels: LabelSet,
    /// One result per labelled clip, in label order.
    pub results: Vec<ClipResult>,
    /// The metrics.
    pub report: EvalReport,
}

/// Reads the labels and checks them before anything is screened: both classes present, every
/// grouping column in `by` exists, at least one listed file exists.
pub fn load_checked_labels(
    labels_path: &Path,
    opts: &LabelOptions,
    by: &[String],
) -> Result<LabelSet> {
    let labels = load_labels(labels_path, opts)?;
    labels.check_both_classes()?;
    for column in by {
        labels.column_index(column)?;
    }
    let missing = labels.missing_files();
    if missing.len() == labels.clips.len() {
        return Err(Error::InvalidInput(format!(
            "none of the {} files listed in {} exists (first: {}); check the paths",
            labels.clips.len(),
            labels_path.display(),
            missing[0].display(),
        )));
    }
    Ok(labels)
}

/// The whole evaluation (`voxscreen eval`, `voxscreen.evaluate`): reads the labels, checks them
/// before screening anything (both classes present, grouping columns exist, at least one file
/// exists), screens every file not in the cache on all cores, and computes the report.
/// `on_plan(reused, to_screen)` is called once before screening; `on_done` after each file.
pub fn run(
    screener: &crate::Screener,
    labels_path: &Path,
    opts: &RunOptions,
    on_plan: &mut dyn FnMut(usize, usize),
    on_done: &(dyn Fn(&Report) + Sync),
) -> Result<RunOutput> {
    let labels = load_checked_labels(labels_path, &opts.labels, &opts.eval.by)?;
    let model = screener.model_info().clone();
    let mut cache = match &opts.cache {
        Some(p) => Some(ScoreCache::open(p, &model.sha256)?),
        None => None,
    };
    let paths: Vec<PathBuf> = labels.clips.iter().map(|c| c.path.clone()).collect();
    let workers = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut screen = |chunk: &[PathBuf]| screener.screen_many(chunk, opts.threads, on_done);
    let (results, summary) = screen_with_cache(
        &paths,
        cache.as_mut(),
        (16 * workers).max(64),
        on_plan,
        &mut screen,
    )?;
    let mut report = evaluate(&labels, &results, &model, &opts.eval)?;
    if opts.cache.is_some() {
        report.cache = Some(summary);
    }
    Ok(RunOutput {
        labels,
        results,
        report,
    })
}
