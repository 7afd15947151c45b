//! The shipped model on the example clips (examples/make_examples.sh): sensible verdicts, and the
//! synthetic sentence spliced into a genuine recording is located by the longest run.

use std::path::{Path, PathBuf};

use voxscreen::{Reason, Screener, Verdict};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/clips")
        .join(name)
}

#[test]
fn shipped_model_gives_sensible_verdicts_on_the_examples() {
    let screener = Screener::from_default().expect("shipped model loads");
    let espeak = screener
        .screen_path(&example("synthetic_espeak.wav"))
        .unwrap();
    assert_eq!(espeak.verdict, Some(Verdict::LikelySynthetic));
    for genuine in ["genuine_congrats.flac", "genuine_options.mp3"] {
        let r = screener.screen_path(&example(genuine)).unwrap();
        assert_ne!(r.verdict, Some(Verdict::LikelySynthetic), "{genuine}");
    }
    let short = screener.screen_path(&example("too_short.wav")).unwrap();
    assert_eq!(short.verdict, Some(Verdict::NotApplicable));
    assert_eq!(short.reason, Some(Reason::TooShort));
}

#[test]
fn spliced_synthetic_sentence_is_located() {
    // 12 s of genuine speech, then an espeak-ng sentence (12.0 s to about 19.1 s), then genuine.
    let screener = Screener::from_default().expect("shipped model loads");
    let r = screener
        .screen_path(&example("spliced_genuine_synthetic.flac"))
        .unwrap();
    let run = r.longest_synthetic_run.expect("a synthetic run is found");
    assert!(run.start_s >= 10.0 && run.end_s <= 21.5, "{run:?}");
    assert!(run.seconds >= 3.0, "{run:?}");
    assert_eq!(r.verdict, Some(Verdict::LikelySynthetic));
}
