//! The accuracy benchmark's corpus generator (`tests/common/corpus/`): its labels must be
//! self-consistent, whatever keygate scores on it (the score lives in `cargo bench --bench
//! accuracy`). See: issue 7.

use std::collections::{HashMap, HashSet};

use crate::common::corpus::{self, Corpus, Family};
use crate::common::seed;

/// The corpus seed: a new corpus every run (the bench fixes its own, `--seed`), replayed with
/// `KEYGATE_TEST_SEED`.
fn corpus_seed() -> u64 {
    seed::derive("accuracy corpus")
}

fn corpus() -> Corpus {
    corpus::generate(corpus_seed(), 320)
}

#[test]
fn corpus_meets_the_issue_minimums() {
    let c = corpus();
    assert!(c.files.len() >= 300, "{} files", c.files.len());
    let secrets = c.secrets().count();
    let negatives = c.negatives().count();
    assert!(secrets >= 500, "{secrets} secret lines");
    assert!(negatives >= 800, "{negatives} hard-negative lines");
    for (family, (s, _)) in c.per_family() {
        assert!(s >= 30, "family {} has only {s} secrets", family.name());
    }
    // MigoSMTP and Telnxo both appear, in many file types.
    let migo: HashSet<&str> = c
        .secrets()
        .filter(|l| l.family == Family::MigoTelnxo)
        .map(|l| l.file.rsplit('.').next().unwrap_or(""))
        .collect();
    assert!(migo.len() >= 10, "MigoSMTP/Telnxo keys in only {migo:?}");
    let kinds: HashSet<&str> = c.negatives().map(|l| l.kind).collect();
    for kind in [
        "env-read",
        "templating",
        "placeholder",
        "empty-value",
        "lockfile-integrity",
        "go-sum",
        "cargo-lock-checksum",
        "uuid",
        "commit-id",
        "data-uri",
        "public-key",
        "certificate",
        "test-vector",
        "base64-blob",
        "css-colour",
        "identifier",
    ] {
        assert!(kinds.contains(kind), "no hard negative of kind {kind}");
    }
}

#[test]
fn labels_point_at_their_text() {
    let c = corpus();
    let files: HashMap<&str, &corpus::File> =
        c.files.iter().map(|f| (f.path.as_str(), f)).collect();
    assert_eq!(files.len(), c.files.len(), "file paths are unique");
    let mut lines_seen = HashSet::new();
    for label in &c.labels {
        let file = files[label.file.as_str()];
        assert!(
            label.line >= 1 && label.line <= label.end_line && label.end_line <= file.lines.len(),
            "{label:?}"
        );
        let text = &file.lines[label.line - 1];
        assert!(
            text.contains(&label.needle),
            "{}:{} does not hold the labelled text ({})",
            label.file,
            label.line,
            label.kind
        );
        for line in label.line..=label.end_line {
            assert!(
                lines_seen.insert((label.file.clone(), line)),
                "{}:{line} is labelled twice",
                label.file
            );
        }
    }
}

#[test]
fn written_files_match_the_labels() {
    let c = corpus::generate(corpus_seed(), 40);
    let dir = tempfile::tempdir().unwrap();
    c.write(dir.path()).unwrap();
    for label in &c.labels {
        let text = std::fs::read_to_string(dir.path().join(&label.file)).unwrap();
        let line = text.lines().nth(label.line - 1).unwrap();
        assert!(
            line.contains(&label.needle),
            "{}:{}",
            label.file,
            label.line
        );
    }
}

#[test]
fn corpus_is_seeded() {
    let a = corpus::generate(corpus_seed(), 40);
    let b = corpus::generate(corpus_seed(), 40);
    let other = corpus::generate(corpus_seed().wrapping_add(1), 40);
    let texts = |c: &Corpus| c.files.iter().map(|f| f.text()).collect::<Vec<_>>();
    assert_eq!(texts(&a), texts(&b));
    assert_ne!(texts(&a), texts(&other));
}

#[test]
fn secrets_are_distinct_and_checksums_valid() {
    let c = corpus();
    let secrets: Vec<&corpus::Label> = c.secrets().collect();
    let unique: HashSet<&str> = secrets.iter().map(|l| l.needle.as_str()).collect();
    // Block secrets share their BEGIN line as needle; every other secret is unique.
    let blocks = secrets
        .iter()
        .filter(|l| l.needle.starts_with("-----BEGIN") || l.needle.starts_with("PuTTY"))
        .count();
    assert!(unique.len() + blocks >= secrets.len(), "duplicate secrets");
    let validator = keygate::rules::validators::Validator::Crc32Base62;
    let mut checked = 0;
    for label in &secrets {
        for token in label
            .needle
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        {
            let prefixed = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]
                .iter()
                .any(|p| token.starts_with(p));
            if prefixed && token.len() == 40 {
                assert!(
                    validator.check(token.as_bytes()),
                    "{}:{} checksum",
                    label.file,
                    label.line
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "only {checked} checksummed tokens");
    // No secret value leaks into a line labelled as a negative.
    let files: HashMap<&str, &corpus::File> =
        c.files.iter().map(|f| (f.path.as_str(), f)).collect();
    for neg in c.negatives() {
        let text = &files[neg.file.as_str()].lines[neg.line - 1];
        for s in &secrets {
            if s.needle.len() >= 16 && !s.needle.starts_with("-----BEGIN") {
                assert!(!text.contains(&s.needle), "{}:{}", neg.file, neg.line);
            }
        }
    }
}

/// The corpus takes every provider's key shape from the catalog's examples (`corpus/shapes.rs`):
/// every single-line built-in rule gives it at least one, every example can be filled with new
/// secrets that the engine finds in the example's own line, and the weights name real rules.
#[test]
fn every_catalog_rule_lends_the_corpus_its_shape() {
    use crate::common::corpus::shapes;
    let providers: HashSet<&str> = shapes::providers().into_iter().map(|(id, _)| id).collect();
    for spec in keygate::rules::builtin_specs() {
        assert_eq!(
            providers.contains(spec.id.as_ref()),
            !spec.multiline,
            "{}: a single-line rule gives the corpus a shape; multi-line ones (private keys) are \
             built by corpus/keys.rs",
            spec.id
        );
    }
    for (id, _) in shapes::POPULAR {
        assert!(
            providers.contains(id),
            "POPULAR names {id}, which is not a catalog rule"
        );
    }
    for id in shapes::IN_THEIR_OWN_FILES {
        assert!(
            providers.contains(id),
            "IN_THEIR_OWN_FILES names {id}, not a catalog rule"
        );
    }
    let rng = crate::common::rng::Rng::new(seed::derive("shapes"));
    for (id, [all, tail, verbatim]) in shapes::fallbacks(&rng, 5) {
        assert!(
            all + tail > verbatim,
            "{id}: most draws fell back to the example's own secret ({all} {tail} {verbatim})"
        );
    }
}
