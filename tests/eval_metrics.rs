//! Evaluation maths and `voxscreen eval` library logic, checked against values computed by hand.

use std::path::{Path, PathBuf};

use voxscreen::eval::{
    evaluate, load_labels, parse_protocol, render_table, score_sets, screen_with_cache, ClipResult,
    EvalOptions, Label, LabelFormat, LabelOptions, ScoreCache, ScoredAgainst,
};
use voxscreen::metrics::{det_points, eer, min_dcf, probit, roc_auc, DcfParams};
use voxscreen::report::{ErrorInfo, ModelInfo, Report, Verdict};
use voxscreen::Error;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// real = [0.1, 0.2, 0.3], fake = [0.25, 0.35, 0.4]. Descending: 0.4F 0.35F 0.3R 0.25F 0.2R 0.1R.
// Operating points (P_fa, P_miss): (0,1) (0,2/3) (0,1/3) (1/3,1/3) (1/3,0) (2/3,0) (1,0).
// Convex hull: (0,1) (0,1/3) (1/3,0) (1,0); the diagonal crosses the segment
// (0,1/3)@0.35 -> (1/3,0)@0.25 half-way: EER = 1/6, threshold 0.30.
const REAL: [f64; 3] = [0.1, 0.2, 0.3];
const FAKE: [f64; 3] = [0.25, 0.35, 0.4];

#[test]
fn eer_uses_the_convex_hull() {
    let e = eer(&REAL, &FAKE).unwrap();
    assert!(close(e.eer, 1.0 / 6.0), "{e:?}");
    assert!(close(e.threshold, 0.30), "{e:?}");
    // Order of the inputs does not matter.
    let e2 = eer(&[0.3, 0.1, 0.2], &[0.4, 0.25, 0.35]).unwrap();
    assert_eq!(e, e2);
}

#[test]
fn auc_counts_pairs() {
    // 0.25 beats 2 reals, 0.35 and 0.4 beat all 3: 8 of 9 pairs.
    assert!(close(roc_auc(&REAL, &FAKE).unwrap(), 8.0 / 9.0));
}

#[test]
fn min_dcf_default_and_symmetric_costs() {
    // Defaults: normaliser min(0.05*1, 0.95*10) = 0.05, so DCF = P_miss + 190 P_fa;
    // best is (0, 1/3) at threshold 0.35.
    let p = DcfParams::default();
    assert_eq!((p.c_miss, p.c_fa, p.p_spoof), (1.0, 10.0, 0.05));
    let (d, t) = min_dcf(&REAL, &FAKE, &p).unwrap();
    assert!(close(d, 1.0 / 3.0) && close(t, 0.35), "{d} {t}");
    // C_miss = C_fa = 1, P_spoof = 0.5: DCF = P_miss + P_fa, minimum 1/3, first (highest) at 0.35.
    let sym = DcfParams {
        c_miss: 1.0,
        c_fa: 1.0,
        p_spoof: 0.5,
    };
    let (d, t) = min_dcf(&REAL, &FAKE, &sym).unwrap();
    assert!(close(d, 1.0 / 3.0) && close(t, 0.35), "{d} {t}");
    // Cheap false alarms: normaliser min(0.5*1, 0.5*0.1) = 0.05, DCF = 10 P_miss + P_fa;
    // minimum 1/3 at (1/3, 0), threshold 0.25.
    let cheap_fa = DcfParams {
        c_miss: 1.0,
        c_fa: 0.1,
        p_spoof: 0.5,
    };
    let (d, t) = min_dcf(&REAL, &FAKE, &cheap_fa).unwrap();
    assert!(close(d, 1.0 / 3.0) && close(t, 0.25), "{d} {t}");
    assert!(DcfParams {
        c_miss: 1.0,
        c_fa: 1.0,
        p_spoof: 1.0
    }
    .validate()
    .is_err());
    assert!(DcfParams {
        c_miss: 0.0,
        c_fa: 1.0,
        p_spoof: 0.5
    }
    .validate()
    .is_err());
}

#[test]
fn ties_move_together() {
    // real = [0.2, 0.5], fake = [0.5, 0.8]: points (0,1) (0,1/2) (1/2,0) (1,0) — the tie at 0.5
    // is one diagonal step. EER 1/4 half-way between thresholds 0.8 and 0.5 → 0.65.
    let (r, f) = ([0.2, 0.5], [0.5, 0.8]);
    let pts = det_points(&r, &f).unwrap();
    let xy: Vec<(f64, f64)> = pts.iter().map(|p| (p.p_fa, p.p_miss)).collect();
    assert_eq!(xy, vec![(0.0, 1.0), (0.0, 0.5), (0.5, 0.0), (1.0, 0.0)]);
    assert!(pts[0].threshold > 0.8 && pts[1].threshold == 0.8 && pts[2].threshold == 0.5);
    let e = eer(&r, &f).unwrap();
    assert!(close(e.eer, 0.25) && close(e.threshold, 0.65), "{e:?}");
    // AUC: 0.5 vs 0.2 → 1, 0.5 vs 0.5 → 1/2, 0.8 vs both → 2: 3.5 / 4.
    assert!(close(roc_auc(&r, &f).unwrap(), 0.875));
    // Everything tied: chance.
    let e = eer(&[0.5, 0.5], &[0.5]).unwrap();
    assert!(close(e.eer, 0.5));
    assert!(close(roc_auc(&[0.5, 0.5], &[0.5]).unwrap(), 0.5));
}

#[test]
fn separable_reversed_and_empty() {
    let e = eer(&[0.1, 0.2], &[0.8, 0.9]).unwrap();
    assert!(close(e.eer, 0.0) && close(e.threshold, 0.8), "{e:?}");
    assert!(close(roc_auc(&[0.1, 0.2], &[0.8, 0.9]).unwrap(), 1.0));
    // A detector that is always wrong: the convex hull is the chance diagonal.
    let e = eer(&[0.8, 0.9], &[0.1, 0.2]).unwrap();
    assert!(close(e.eer, 0.5), "{e:?}");
    assert!(close(roc_auc(&[0.8, 0.9], &[0.1, 0.2]).unwrap(), 0.0));
    assert!(eer(&[], &[0.5]).is_none());
    assert!(roc_auc(&[0.5], &[]).is_none());
    assert!(min_dcf(&[], &[], &DcfParams::default()).is_none());
    assert!(det_points(&[0.1], &[]).is_none());
}

#[test]
fn probit_values() {
    assert!(probit(0.5).abs() < 1e-9);
    assert!((probit(0.975) - 1.959963984540054).abs() < 1e-8);
    assert!((probit(0.001) + 3.090232306167813).abs() < 1e-8);
    assert!(probit(0.0) == f64::NEG_INFINITY && probit(1.0) == f64::INFINITY);
}

// ---------------------------------------------------------------- labels, cache, report

fn model(sha: &str) -> ModelInfo {
    ModelInfo {
        name: "test".into(),
        version: "1".into(),
        sha256: sha.into(),
    }
}

fn report(path: &Path, verdict: Option<Verdict>, p: Option<f64>, err: Option<&str>) -> Report {
    Report {
        schema_version: voxscreen::report::SCHEMA_VERSION,
        path: Some(path.display().to_string()),
        sha256: None,
        size_bytes: None,
        verdict,
        probability_synthetic: p,
        reason: None,
        flags: vec![],
        longest_synthetic_run: None,
        audio: None,
        model: model("m1"),
        tool_version: "0".into(),
        timeline: vec![],
        envelope: None,
        error: err.map(|k| ErrorInfo {
            kind: k.into(),
            message: "x".into(),
        }),
    }
}

/// Fake screener: the score is read from the file's content ("0.7", "na", "err").
fn fake_screen(paths: &[PathBuf]) -> Vec<Report> {
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_else(|_| "missing".into());
            match text.trim() {
                "missing" => report(p, None, None, Some("io")),
                "err" => report(p, None, None, Some("decode")),
                "na" => report(p, Some(Verdict::NotApplicable), None, None),
                s => {
                    let v: f64 = s.parse().unwrap();
                    let verdict = if v >= 0.8 {
                        Verdict::LikelySynthetic
                    } else if v <= 0.2 {
                        Verdict::LikelyGenuine
                    } else {
                        Verdict::Inconclusive
                    };
                    report(p, Some(verdict), Some(v), None)
                }
            }
        })
        .collect()
}

/// Writes clips and a labels CSV: (file, label, system, content).
fn write_set(dir: &Path, rows: &[(&str, &str, &str, &str)]) -> PathBuf {
    let mut csv = String::from("file,label,system\n");
    for (f, l, s, content) in rows {
        std::fs::create_dir_all(dir.join("audio")).unwrap();
        std::fs::write(dir.join("audio").join(f), content).unwrap();
        csv.push_str(&format!("audio/{f},{l},{s}\n"));
    }
    let p = dir.join("labels.csv");
    std::fs::write(&p, csv).unwrap();
    p
}

// real: 0.1 0.2 0.3 (+ one not_applicable), fake A: 0.25 0.4, fake B: 0.35 (+ one decode error).
const SET: &[(&str, &str, &str, &str)] = &[
    ("r1.wav", "real", "human", "0.1"),
    ("r2.wav", "bonafide", "human", "0.2"),
    ("r3.wav", "REAL", "human", "0.3"),
    ("r4.wav", "real", "human", "na"),
    ("a1.wav", "fake", "A", "0.25"),
    ("a2.wav", "spoof", "A", "0.9"),
    ("b1.wav", "fake", "B", "0.35"),
    ("b2.wav", "fake", "B", "err"),
];

fn run(
    labels_path: &Path,
    cache: Option<&mut ScoreCache>,
) -> (Vec<ClipResult>, voxscreen::eval::CacheSummary) {
    let labels = load_labels(labels_path, &LabelOptions::default()).unwrap();
    let paths: Vec<PathBuf> = labels.clips.iter().map(|c| c.path.clone()).collect();
    let mut planned = None;
    let out = screen_with_cache(
        &paths,
        cache,
        3,
        &mut |a, b| planned = Some((a, b)),
        &mut |p| fake_screen(p),
    )
    .unwrap();
    assert_eq!(planned, Some((out.1.reused, out.1.screened)));
    out
}

#[test]
fn report_counts_groups_and_one_class_groups() {
    let dir = tempfile::tempdir().unwrap();
    let lp = write_set(dir.path(), SET);
    let labels = load_labels(&lp, &LabelOptions::default()).unwrap();
    assert_eq!(labels.format, LabelFormat::Csv);
    assert_eq!(labels.columns, vec!["system"]);
    assert_eq!(labels.class_counts(), (4, 4));
    assert_eq!(labels.clips[0].path, dir.path().join("audio/r1.wav"));
    assert_eq!(labels.clips[1].label, Label::Real);
    let (results, _) = run(&lp, None);
    let opts = EvalOptions {
        by: vec!["system".into()],
        dcf: DcfParams::default(),
    };
    let rep = evaluate(&labels, &results, &model("m1"), &opts).unwrap();

    // Overall: real scores 0.1 0.2 0.3, fake scores 0.25 0.9 0.35 → same ranks as REAL/FAKE.
    let o = &rep.overall;
    assert_eq!(
        (o.real.clips, o.real.scored, o.fake.clips, o.fake.scored),
        (4, 3, 4, 3)
    );
    assert!(close(o.eer.unwrap(), 1.0 / 6.0) && close(o.eer_threshold.unwrap(), 0.3));
    assert!(close(o.auc.unwrap(), 8.0 / 9.0));
    // Verdicts: real 0.1 0.2 genuine, 0.3 inconclusive, na; fake 0.25 0.35 inconclusive, 0.9 synthetic, error.
    assert_eq!(
        (
            o.real.likely_genuine,
            o.real.inconclusive,
            o.real.not_applicable,
            o.real.likely_synthetic
        ),
        (2, 1, 1, 0)
    );
    assert_eq!(
        (
            o.fake.likely_synthetic,
            o.fake.inconclusive,
            o.fake.error,
            o.fake.likely_genuine
        ),
        (1, 2, 1, 0)
    );
    assert_eq!(o.false_positive_rate, Some(0.0));
    assert_eq!(o.miss_rate, Some(0.0));
    assert_eq!(rep.errors.get("decode"), Some(&1));

    // Groups sorted by value: A, B, human.
    let names: Vec<String> = rep.groups.iter().map(|g| g.name()).collect();
    assert_eq!(names, vec!["system=A", "system=B", "system=human"]);
    let a = &rep.groups[0];
    assert_eq!(a.scored_against, ScoredAgainst::AllReal);
    assert_eq!(a.real.clips, 4); // all real clips of the set
    assert_eq!(a.fake.clips, 2);
    // A: fake 0.25 0.9 vs real 0.1 0.2 0.3: AUC (2 + 3) / 6; points (0,1) (0,1/2) (1/3,1/2) (1/3,0)
    // (2/3,0) (1,0); hull (0,1) (0,1/2) (1/3,0): EER where 1/2 - 3x/2 = x → 1/5, threshold
    // 0.9 + (3/5)(0.25 - 0.9) = 0.51.
    assert!(close(a.auc.unwrap(), 5.0 / 6.0));
    assert!(close(a.eer.unwrap(), 0.2), "{:?}", a.eer);
    assert!(
        close(a.eer_threshold.unwrap(), 0.51),
        "{:?}",
        a.eer_threshold
    );
    let b = &rep.groups[1];
    assert_eq!((b.fake.clips, b.fake.scored, b.fake.error), (2, 1, 1));
    let human = &rep.groups[2];
    assert_eq!(human.scored_against, ScoredAgainst::AllFake);
    assert_eq!(human.fake.clips, 4);
    assert_eq!(human.eer, o.eer);

    // Plots get the same sets.
    let sets = score_sets(&labels, &results, Some("system")).unwrap();
    assert_eq!(sets.len(), 4);
    assert_eq!(sets[1].name, "system=A");
    assert_eq!(sets[1].real.len(), 3);

    // JSON and table.
    let json = serde_json::to_value(&rep).unwrap();
    assert_eq!(json["groups"][0]["scored_against"], "all_real");
    assert_eq!(json["overall"]["real"]["not_applicable"], 1);
    assert_eq!(json["dcf_params"]["c_fa"], 10.0);
    let table = render_table(&rep);
    assert!(
        table.contains("system=A") && table.contains("all_real") && table.contains("16.67%"),
        "{table}"
    );
    assert!(table.contains("C_miss=1 C_fa=10 P_spoof=0.05"), "{table}");

    // Unknown --by column: typed error naming the columns.
    let bad = EvalOptions {
        by: vec!["family".into()],
        dcf: DcfParams::default(),
    };
    match evaluate(&labels, &results, &model("m1"), &bad) {
        Err(Error::InvalidInput(m)) => assert!(m.contains("family") && m.contains("system"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_class_set_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let lp = write_set(
        dir.path(),
        &[
            ("a.wav", "fake", "A", "0.5"),
            ("b.wav", "spoof", "B", "0.7"),
        ],
    );
    let labels = load_labels(&lp, &LabelOptions::default()).unwrap();
    match labels.check_both_classes() {
        Err(Error::InvalidInput(m)) => assert!(
            m.contains("only fake clips (2)") && m.contains("no real clip"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    let results = vec![
        ClipResult {
            verdict: None,
            probability_synthetic: None,
            error_kind: None
        };
        2
    ];
    assert!(matches!(
        evaluate(&labels, &results, &model("m"), &EvalOptions::default()),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn bad_labels_are_reported_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.csv");
    std::fs::write(&p, "file,label\na.wav,real\nb.wav,maybe\n").unwrap();
    match load_labels(&p, &LabelOptions::default()) {
        Err(Error::InvalidInput(m)) => assert!(
            m.ends_with("l.csv:3: label `maybe` is not real/fake/bonafide/spoof"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    std::fs::write(&p, "path,kind\na.wav,real\n").unwrap();
    assert!(
        matches!(load_labels(&p, &LabelOptions::default()), Err(Error::InvalidInput(m)) if m.contains("no `label` column"))
    );
    // Quoted fields with commas, CRLF and a BOM.
    std::fs::write(
        &p,
        "\u{feff}file,label,note\r\n\"x, y.wav\",fake,\"a \"\"b\"\"\"\r\n\r\n/abs/z.wav,real,\r\n",
    )
    .unwrap();
    let l = load_labels(&p, &LabelOptions::default()).unwrap();
    assert_eq!(l.clips[0].path, dir.path().join("x, y.wav"));
    assert_eq!(l.clips[0].groups, vec!["a \"b\"".to_string()]);
    assert_eq!(l.clips[1].path, PathBuf::from("/abs/z.wav"));
    assert!(matches!(
        load_labels(&dir.path().join("none.csv"), &LabelOptions::default()),
        Err(Error::Io { .. })
    ));
}

#[test]
fn asvspoof_protocol() {
    let text = "LA_0079 LA_T_1138215 - - bonafide\nLA_0079 LA_T_1271820 - A01 spoof\n\n\
                LA_0009 LA_E_9332881 alaw ita_tx A07 spoof notrim eval\n";
    let (cols, clips) =
        parse_protocol(text, Path::new("/data/flac"), "flac", Path::new("p.txt")).unwrap();
    assert_eq!(cols, vec!["speaker", "attack"]);
    assert_eq!(clips.len(), 3);
    assert_eq!(clips[0].path, PathBuf::from("/data/flac/LA_T_1138215.flac"));
    assert_eq!(
        (clips[0].label, clips[0].groups[1].as_str()),
        (Label::Real, "bonafide")
    );
    assert_eq!(
        (clips[1].label, clips[1].groups[1].as_str()),
        (Label::Fake, "A01")
    );
    assert_eq!(
        (clips[2].groups[0].as_str(), clips[2].groups[1].as_str()),
        ("LA_0009", "A07")
    );
    let (_, clips) = parse_protocol(text, Path::new("r"), ".wav", Path::new("p.txt")).unwrap();
    assert_eq!(clips[0].path, PathBuf::from("r/LA_T_1138215.wav"));
    assert!(
        matches!(parse_protocol("a b c d e\n", Path::new("r"), "flac", Path::new("p.txt")), Err(Error::InvalidInput(m)) if m.starts_with("p.txt:1:"))
    );

    // Auto-detection through load_labels, with --root.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("protocol.txt");
    std::fs::write(&p, text).unwrap();
    let opts = LabelOptions {
        root: Some(dir.path().to_path_buf()),
        ..LabelOptions::default()
    };
    let l = load_labels(&p, &opts).unwrap();
    assert_eq!(l.format, LabelFormat::Asvspoof);
    assert_eq!(l.missing_files().len(), 3);
}

#[test]
fn cache_resumes_and_invalidates() {
    let dir = tempfile::tempdir().unwrap();
    let lp = write_set(dir.path(), SET);
    let cp = dir.path().join("scores.jsonl");

    let mut cache = ScoreCache::open(&cp, "m1").unwrap();
    let (first, s) = run(&lp, Some(&mut cache));
    assert_eq!((s.reused, s.screened), (0, 8));
    assert_eq!(cache.len(), 8);
    drop(cache);

    // Same model, unchanged files: everything reused, identical results.
    let mut cache = ScoreCache::open(&cp, "m1").unwrap();
    let (again, s) = run(&lp, Some(&mut cache));
    assert_eq!((s.reused, s.screened), (8, 0));
    assert_eq!(again, first);
    drop(cache);

    // A changed file (size differs) is screened again, the rest reused.
    std::fs::write(dir.path().join("audio/r1.wav"), "0.15").unwrap();
    let mut cache = ScoreCache::open(&cp, "m1").unwrap();
    let (changed, s) = run(&lp, Some(&mut cache));
    assert_eq!((s.reused, s.screened), (7, 1));
    assert_eq!(changed[0].probability_synthetic, Some(0.15));
    drop(cache);

    // A new model never reuses stale scores.
    let mut cache = ScoreCache::open(&cp, "m2").unwrap();
    let (_, s) = run(&lp, Some(&mut cache));
    assert_eq!((s.reused, s.screened), (0, 8));
    drop(cache);

    // An interrupted run leaves half a line: ignored, and the next entry still parses.
    let mut text = std::fs::read_to_string(&cp).unwrap();
    text.push_str("{\"path\":\"/x\",\"si");
    std::fs::write(&cp, text).unwrap();
    let mut cache = ScoreCache::open(&cp, "m2").unwrap();
    std::fs::write(dir.path().join("audio/r2.wav"), "0.25").unwrap();
    let (_, s) = run(&lp, Some(&mut cache));
    assert_eq!((s.reused, s.screened), (7, 1));
    drop(cache);
    let cache = ScoreCache::open(&cp, "m2").unwrap();
    let (_, s) = {
        let mut c = cache;
        run(&lp, Some(&mut c))
    };
    assert_eq!((s.reused, s.screened), (8, 0));

    // io errors (missing files) are not cached: retried next time.
    std::fs::remove_file(dir.path().join("audio/r3.wav")).unwrap();
    let mut cache = ScoreCache::open(&cp, "m2").unwrap();
    let (res, _) = run(&lp, Some(&mut cache));
    assert_eq!(res[2].error_kind.as_deref(), Some("io"));
    let (_, s) = run(&lp, Some(&mut cache));
    assert_eq!(s.screened, 1);
}
