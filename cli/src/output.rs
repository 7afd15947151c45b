//! Writing reports as a readable table, JSON Lines or CSV.

use std::collections::BTreeMap;
use std::io::Write;

use voxscreen::report::CSV_COLUMNS;
use voxscreen::Report;

/// How reports are written to standard output.
pub enum Format {
    /// Aligned columns for people, optionally with each file's timeline.
    Table { timeline: bool },
    /// One JSON object per line.
    JsonLines,
    /// One CSV row per file, with a header.
    Csv,
}

/// Writes reports one by one and a summary at the end (table only).
pub struct Writer {
    format: Format,
    csv: Option<csv::Writer<std::io::Stdout>>,
    counts: BTreeMap<String, usize>,
    header_done: bool,
}

impl Writer {
    /// A writer for `format` on standard output.
    pub fn new(format: Format) -> Writer {
        let csv =
            matches!(format, Format::Csv).then(|| csv::Writer::from_writer(std::io::stdout()));
        Writer {
            format,
            csv,
            counts: BTreeMap::new(),
            header_done: false,
        }
    }

    /// Writes one report.
    pub fn write(&mut self, report: &Report) {
        *self.counts.entry(outcome(report)).or_default() += 1;
        match &self.format {
            Format::JsonLines => match serde_json::to_string(report) {
                Ok(line) => println!("{line}"),
                Err(e) => eprintln!("voxscreen: cannot serialise a report: {e}"),
            },
            Format::Csv => self.write_csv(report),
            Format::Table { timeline } => {
                let timeline = *timeline;
                self.write_row(report, timeline);
            }
        }
    }

    /// Flushes output and, for tables, prints the count of each outcome.
    pub fn finish(&mut self) {
        if let Some(w) = self.csv.as_mut() {
            let _ = w.flush();
        }
        if let Format::Table { .. } = self.format {
            let summary: Vec<String> = self
                .counts
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            println!(
                "\n{} file(s): {}",
                self.counts.values().sum::<usize>(),
                summary.join(", ")
            );
        }
        let _ = std::io::stdout().flush();
    }

    fn write_row(&mut self, r: &Report, timeline: bool) {
        if !self.header_done {
            println!(
                "{:<26} {:>7} {:>14}  {:<28} FILE",
                "VERDICT", "P(SYN)", "LONGEST RUN", "FLAGS"
            );
            self.header_done = true;
        }
        let path = r.path.as_deref().unwrap_or("<memory>");
        if let Some(err) = &r.error {
            println!(
                "{:<26} {:>7} {:>14}  {:<28} {path}",
                "error", "-", "-", err.kind
            );
            println!("    {}", err.message);
            return;
        }
        let verdict = match (r.verdict, r.reason) {
            (Some(v), Some(reason)) => format!("{} ({})", v.as_str(), reason.as_str()),
            (Some(v), None) => v.as_str().to_string(),
            (None, _) => "-".into(),
        };
        let p = r
            .probability_synthetic
            .map_or("-".to_string(), |p| format!("{p:.3}"));
        let run = r.longest_synthetic_run.map_or("-".to_string(), |run| {
            format!("{:.0}s@{:.0}-{:.0}", run.seconds, run.start_s, run.end_s)
        });
        let flags: Vec<&str> = r.flags.iter().map(|f| f.as_str()).collect();
        let flags = if flags.is_empty() {
            "-".into()
        } else {
            flags.join(",")
        };
        println!("{verdict:<26} {p:>7} {run:>14}  {flags:<28} {path}");
        if timeline {
            for w in &r.timeline {
                let p = w
                    .probability_synthetic
                    .map_or(if w.speech { "-" } else { "no speech" }.to_string(), |p| {
                        format!("{p:.3}")
                    });
                println!("    {:>8.2}-{:<8.2} {p}", w.start_s, w.end_s);
            }
        }
    }

    fn write_csv(&mut self, r: &Report) {
        let Some(w) = self.csv.as_mut() else { return };
        if !self.header_done {
            let _ = w.write_record(CSV_COLUMNS);
            self.header_done = true;
        }
        let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        let run = r.longest_synthetic_run;
        let audio = r.audio.as_ref();
        let flags: Vec<&str> = r.flags.iter().map(|f| f.as_str()).collect();
        let record = [
            r.path.clone().unwrap_or_default(),
            r.sha256.clone().unwrap_or_default(),
            r.verdict
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            opt(r.probability_synthetic),
            r.reason.map(|v| v.as_str().to_string()).unwrap_or_default(),
            flags.join(";"),
            opt(run.map(|x| x.seconds)),
            opt(run.map(|x| x.start_s)),
            opt(run.map(|x| x.end_s)),
            audio.map(|a| a.codec.clone()).unwrap_or_default(),
            audio.map(|a| a.container.clone()).unwrap_or_default(),
            audio.map(|a| a.sample_rate.to_string()).unwrap_or_default(),
            audio.map(|a| a.channels.to_string()).unwrap_or_default(),
            opt(audio.map(|a| a.duration_s)),
            opt(audio.map(|a| a.effective_bandwidth_hz)),
            r.model.name.clone(),
            r.model.version.clone(),
            r.model.sha256.clone(),
            r.tool_version.clone(),
            r.error.as_ref().map(|e| e.kind.clone()).unwrap_or_default(),
            r.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        ];
        if let Err(e) = w.write_record(&record) {
            eprintln!("voxscreen: cannot write CSV: {e}");
        }
    }
}

fn outcome(r: &Report) -> String {
    match (&r.error, r.verdict) {
        (Some(_), _) => "error".into(),
        (None, Some(v)) => v.as_str().into(),
        (None, None) => "unknown".into(),
    }
}
