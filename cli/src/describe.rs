//! Plain-language descriptions of a model's coverage and measured error rates, read from its
//! manifest (`coverage` and `evaluation` blocks). Shared by `--help` and the HTML reports so
//! both say the same thing, and neither hard-codes a number.

use voxscreen::model::{Coverage, EvaluationSet, Manifest, Rates};

/// English name of an ISO 639-1 language code, or the code itself when it is not listed.
pub fn language_name(code: &str) -> String {
    let name = match code {
        "ar" => "Arabic",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "fa" => "Persian",
        "fr" => "French",
        "he" => "Hebrew",
        "hi" => "Hindi",
        "it" => "Italian",
        "ja" => "Japanese",
        "ko" => "Korean",
        "nl" => "Dutch",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "tr" => "Turkish",
        "uk" => "Ukrainian",
        "zh" => "Chinese",
        _ => return code.to_string(),
    };
    name.to_string()
}

/// A rate in [0, 1] as a percentage with one decimal (`4.5%`), or `n/a`.
pub fn pct(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => format!("{:.1}%", 100.0 * r),
        _ => "n/a".to_string(),
    }
}

/// The languages of the genuine training speech, by name, comma-separated.
pub fn languages(coverage: &Coverage) -> String {
    coverage
        .genuine_languages
        .iter()
        .map(|c| language_name(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sentence with a set's headline rates, e.g. "On demo-public (real-world material: 243
/// genuine and 958 synthetic clips) it flagged 4.5% of genuine clips as likely_synthetic,
/// missed 80.5% of synthetic clips (caught 7.7%); EER 46.7% (50% is chance)".
pub fn rates_sentence(set: &EvaluationSet) -> String {
    let kind = if set.real_world {
        "real-world material"
    } else {
        "material like its training data"
    };
    format!(
        "On {} ({kind}: {} genuine and {} synthetic clips) it flagged {} of genuine clips as \
         likely_synthetic and missed {} of synthetic clips (caught {}); equal error rate {} \
         (50% is chance)",
        set.set,
        set.rates.genuine_clips,
        set.rates.synthetic_clips,
        pct(set.rates.genuine_false_positive_rate),
        pct(set.rates.miss_rate),
        pct(set.rates.synthetic_caught),
        pct(set.rates.eer),
    )
}

/// The evaluation sets, real-world sets first (the rates that matter for casework).
pub fn sets_real_world_first(manifest: &Manifest) -> Vec<&EvaluationSet> {
    let mut sets: Vec<&EvaluationSet> = manifest.evaluation.iter().collect();
    sets.sort_by_key(|s| !s.real_world);
    sets
}

/// Whether a rate block has anything to show.
pub fn has_rates(rates: &Rates) -> bool {
    rates.genuine_clips + rates.synthetic_clips > 0
}

/// Wraps `text` to lines of at most `width` characters, each starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        let fits = line.len() == indent.len() || line.len() + 1 + word.len() <= width;
        if !fits {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        lines.push(line);
    }
    lines.join("\n")
}

/// The COVERAGE paragraph of `--help`, from the manifest's `coverage` and `evaluation` blocks.
pub fn coverage_help(manifest: &Manifest) -> String {
    let mut out = format!(
        "COVERAGE (from the manifest of the shipped model, {} {})\n",
        manifest.name, manifest.version
    );
    let mut para = |text: String| {
        out.push_str(&wrap(&text, 96, "  "));
        out.push('\n');
    };
    match &manifest.coverage {
        Some(c) => {
            para(format!(
                "It learned genuine speech in {} ({}), against {}.",
                languages(c),
                c.genuine_sources,
                c.generator_families.join("; ")
            ));
            if !c.not_covered.is_empty() {
                para(format!("It does NOT cover {}.", c.not_covered));
            }
        }
        None => para("The manifest does not say what the model covers.".to_string()),
    }
    let sets = sets_real_world_first(manifest);
    if sets.is_empty() {
        para("The manifest holds no measured error rates.".to_string());
    }
    for set in sets {
        if has_rates(&set.rates) {
            para(format!("{}.", rates_sentence(set)));
        }
    }
    para("See models/README.md (the model card) for how these were measured.".to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_width_and_words() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let wrapped = wrap(text, 20, "  ");
        assert!(wrapped
            .lines()
            .all(|l| l.len() <= 20 && l.starts_with("  ")));
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn shipped_manifest_numbers_reach_the_help() {
        let m = voxscreen::model::shipped_manifest().unwrap();
        let help = coverage_help(&m);
        let set = &m.evaluation[0];
        assert!(help.contains(&pct(set.rates.eer)), "{help}");
        assert!(help.contains(&set.set));
        assert!(help.contains("English"));
    }

    #[test]
    fn percentages() {
        assert_eq!(pct(Some(0.04526)), "4.5%");
        assert_eq!(pct(None), "n/a");
        assert_eq!(pct(Some(f64::NAN)), "n/a");
    }
}
