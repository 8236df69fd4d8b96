//! A seeded generator of a realistic, labelled multi-language corpus for the accuracy benchmark
//! (`benches/accuracy.rs`, which links `tests/common/`), checked by `tests/accuracy.rs`.
//!
//! Every line that holds a secret is labelled with its family and provider; every hard negative
//! (what a careless scanner flags: env reads, templating, placeholders, lock-file hashes, public
//! keys, ...) is labelled too. Secrets take their shapes from the rule catalog's own examples
//! (`shapes.rs`), private keys are built as valid containers (`keys.rs`), and every value is
//! generated at run time from the seed (checksums are valid where the provider defines one), so
//! nothing real-looking is committed.

#![allow(dead_code)]

mod files;
pub mod forms;
mod keys;
mod langs;
mod negatives;
pub mod shapes;

use std::collections::BTreeMap;
use std::path::Path;

/// The rule families of issue 7, plus the catalog's SaaS family. Hard negatives carry the family
/// they are most likely to be mistaken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Cloud,
    CodeHosting,
    Payment,
    Messaging,
    Ai,
    Database,
    Registry,
    Observability,
    SecretManager,
    PrivateKey,
    Generic,
    MigoTelnxo,
    Saas,
}

impl Family {
    pub const ALL: [Family; 13] = [
        Family::Cloud,
        Family::CodeHosting,
        Family::Payment,
        Family::Messaging,
        Family::Ai,
        Family::Database,
        Family::Registry,
        Family::Observability,
        Family::SecretManager,
        Family::PrivateKey,
        Family::Generic,
        Family::MigoTelnxo,
        Family::Saas,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Cloud => "cloud",
            Family::CodeHosting => "code-hosting-ci",
            Family::Payment => "payment",
            Family::Messaging => "messaging-email",
            Family::Ai => "ai-apis",
            Family::Database => "database-urls",
            Family::Registry => "package-registries",
            Family::Observability => "observability",
            Family::SecretManager => "secret-managers",
            Family::PrivateKey => "private-keys",
            Family::Generic => "generic",
            Family::MigoTelnxo => "migosmtp-telnxo",
            Family::Saas => "saas",
        }
    }

    /// The family of a rule from catalog file `family` (`src/rules/builtin/<family>.toml`).
    pub fn of_catalog(family: &str) -> Family {
        match family {
            "cloud" => Family::Cloud,
            "code" => Family::CodeHosting,
            "payment" => Family::Payment,
            "messaging" => Family::Messaging,
            "ai" => Family::Ai,
            "databases" => Family::Database,
            "registries" => Family::Registry,
            "observability" => Family::Observability,
            "secrets" => Family::SecretManager,
            "keys" => Family::PrivateKey,
            "generic" => Family::Generic,
            "migosmtp" | "telnxo" => Family::MigoTelnxo,
            "saas" => Family::Saas,
            other => panic!("catalog family {other} has no corpus family: add it to Family"),
        }
    }
}

/// One labelled line (or block of lines, for multi-line private keys).
#[derive(Debug, Clone)]
pub struct Label {
    /// Path relative to the corpus root, `/`-separated.
    pub file: String,
    /// 1-based first line.
    pub line: usize,
    /// 1-based last line (equal to `line` unless the secret spans a block).
    pub end_line: usize,
    pub family: Family,
    /// The provider (`stripe-secret-key`) or the kind of hard negative (`env-read`).
    pub kind: &'static str,
    /// Whether the line holds a secret that a scanner must report.
    pub secret: bool,
    /// Text that appears on line `line`: the secret itself, or the tricky part of a negative.
    pub needle: String,
}

/// A generated file.
#[derive(Debug, Clone)]
pub struct File {
    pub path: String,
    pub lines: Vec<String>,
}

impl File {
    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

#[derive(Debug, Clone)]
pub struct Corpus {
    pub seed: u64,
    pub files: Vec<File>,
    pub labels: Vec<Label>,
}

impl Corpus {
    pub fn secrets(&self) -> impl Iterator<Item = &Label> {
        self.labels.iter().filter(|l| l.secret)
    }

    pub fn negatives(&self) -> impl Iterator<Item = &Label> {
        self.labels.iter().filter(|l| !l.secret)
    }

    pub fn line_count(&self) -> usize {
        self.files.iter().map(|f| f.lines.len()).sum()
    }

    /// `(secrets, negatives)` per family.
    pub fn per_family(&self) -> BTreeMap<Family, (usize, usize)> {
        let mut out: BTreeMap<Family, (usize, usize)> =
            Family::ALL.iter().map(|&f| (f, (0, 0))).collect();
        for label in &self.labels {
            let entry = out.get_mut(&label.family).expect("every family is listed");
            if label.secret {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        out
    }

    /// Writes every file under `dir` (which should be empty and outside any Git repository).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        for file in &self.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("files live in a folder"))?;
            std::fs::write(path, file.text())?;
        }
        Ok(())
    }
}

/// Generates a corpus of about `files` files (at least 300 gives the minimums).
pub fn generate(seed: u64, files: usize) -> Corpus {
    files::generate(seed, files)
}

/// A file under construction: lines plus the labels that point into them.
pub(crate) struct Builder {
    pub path: String,
    pub lines: Vec<String>,
    /// (0-based first line, 0-based last line, family, kind, secret, needle)
    pub labels: Vec<(usize, usize, Family, &'static str, bool, String)>,
}

impl Builder {
    pub fn new(path: impl Into<String>) -> Builder {
        Builder {
            path: path.into(),
            lines: Vec::new(),
            labels: Vec::new(),
        }
    }

    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    pub fn lines<S: Into<String>>(&mut self, lines: impl IntoIterator<Item = S>) {
        for line in lines {
            self.line(line);
        }
    }

    /// Pushes `line` labelled with an item; `needle` must occur in it.
    pub fn labelled(&mut self, line: impl Into<String>, item: &Item) {
        let at = self.lines.len();
        self.line(line);
        self.label_range(at, at, item);
    }

    /// Labels lines `first..=last` (0-based, already pushed) with `item`.
    pub fn label_range(&mut self, first: usize, last: usize, item: &Item) {
        self.labels.push((
            first,
            last,
            item.family,
            item.kind,
            item.secret,
            item.needle.clone(),
        ));
    }

    pub fn blank(&mut self) {
        self.line("");
    }

    pub fn finish(self, labels: &mut Vec<Label>) -> File {
        for (first, last, family, kind, secret, needle) in self.labels {
            labels.push(Label {
                file: self.path.clone(),
                line: first + 1,
                end_line: last + 1,
                family,
                kind,
                secret,
                needle,
            });
        }
        File {
            path: self.path,
            lines: self.lines,
        }
    }
}

/// What a labelled line is about: a secret, or a hard negative.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub family: Family,
    pub kind: &'static str,
    pub secret: bool,
    /// The text that must appear on the labelled line.
    pub needle: String,
}

/// How a variable name is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    UpperSnake,
    Snake,
    Camel,
    Pascal,
    Kebab,
    Dotted,
}

/// Spells the words of a name (`["stripe", "secret", "key"]`) in `case`.
pub(crate) fn spell(words: &[&str], case: Case) -> String {
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match case {
        Case::UpperSnake => words.join("_").to_ascii_uppercase(),
        Case::Snake => words.join("_"),
        Case::Kebab => words.join("-"),
        Case::Dotted => words.join("."),
        Case::Camel => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.to_string() } else { cap(w) })
            .collect(),
        Case::Pascal => words.iter().map(|w| cap(w)).collect(),
    }
}
