//! Known values: exact strings to find wherever they occur, whatever their shape (a comment, a
//! test, a JSON blob), as one Aho-Corasick automaton beside the rules. Hygiene gives it the values
//! of the repository's local, untracked `.env` files (`env-value-leak`); a match is a finding that
//! names the variable and its file, never the value.
//!
//! The values live in memory only, inside [`Secret`]s and the automaton: this type has no `Debug`
//! that shows them, and nothing here prints, logs, caches or writes them.

use super::char_count;
use super::filters::has_allow_marker;
use crate::finding::{Category, Finding, Fingerprinter, Secret, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::{memchr, memchr_iter, memrchr};

/// The rule id of a known value found in a text.
pub const ID: &str = crate::rules::env::VALUE_LEAK;

/// Values longer than this are not matched: a reader that cuts a stream into overlapping chunks
/// must see every match whole (the input layer checks its overlap against it). No key is as long.
pub const MAX_LEN: usize = 16 << 10;

/// One value to look for, and where it comes from.
pub struct KnownValue {
    /// The variable that holds it.
    pub name: String,
    /// The file it comes from, as findings name files.
    pub file: String,
    pub value: Secret,
}

/// Known values, as one matcher.
pub struct KnownValues {
    vars: Vec<KnownValue>,
    matcher: Option<AhoCorasick>,
    severity: Severity,
}

impl std::fmt::Debug for KnownValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KnownValues({} values)", self.vars.len())
    }
}

impl Default for KnownValues {
    fn default() -> Self {
        KnownValues::new(Vec::new(), Severity::Block)
    }
}

/// One known value found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leak {
    /// Byte offset in the text.
    pub offset: usize,
    /// 1-based line and character column in the text.
    pub line: u64,
    pub column: u64,
    /// Which value (see [`KnownValues::name`] and [`KnownValues::source`]).
    pub var: usize,
}

impl KnownValues {
    /// A matcher for `values`, reported at `severity`. Empty values and values over [`MAX_LEN`]
    /// are dropped, and a value held by several variables is named after the first.
    pub fn new(values: Vec<KnownValue>, severity: Severity) -> KnownValues {
        let mut vars: Vec<KnownValue> = Vec::new();
        for value in values {
            let bytes = value.value.expose();
            if !bytes.is_empty()
                && bytes.len() <= MAX_LEN
                && !vars.iter().any(|v| v.value.expose() == bytes)
            {
                vars.push(value);
            }
        }
        let matcher = (!vars.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(vars.iter().map(|v| v.value.expose()))
                .expect("literal patterns build")
        });
        KnownValues {
            vars,
            matcher,
            severity,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// The variable name of value `var`.
    pub fn name(&self, var: usize) -> &str {
        &self.vars[var].name
    }

    /// The `.env` file value `var` comes from.
    pub fn source(&self, var: usize) -> &str {
        &self.vars[var].file
    }

    /// Every known local secret in `text`, in order; lines carrying an inline allow marker
    /// (`keygate:allow`, ...) are skipped.
    pub fn scan(&self, text: &[u8]) -> Vec<Leak> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let (mut line, mut line_start, mut counted) = (1u64, 0usize, 0usize);
        let mut allowed: Option<(usize, bool)> = None; // (line start, marked)
        for m in matcher.find_iter(text) {
            let before = &text[counted..m.start()];
            let newlines = memchr_iter(b'\n', before).count();
            if newlines > 0 {
                line += newlines as u64;
                line_start = memrchr(b'\n', before).map_or(0, |i| counted + i + 1);
            }
            counted = m.start();
            let marked = match allowed {
                Some((start, marked)) if start == line_start => marked,
                _ => {
                    let end =
                        memchr(b'\n', &text[line_start..]).map_or(text.len(), |i| line_start + i);
                    let marked = has_allow_marker(&text[line_start..end]);
                    allowed = Some((line_start, marked));
                    marked
                }
            };
            if marked {
                continue;
            }
            out.push(Leak {
                offset: m.start(),
                line,
                column: char_count(&text[line_start..m.start()]) + 1,
                var: m.pattern().as_usize(),
            });
        }
        out
    }

    /// The finding for `leak` in `file`, with the config's severity.
    pub fn finding(&self, leak: &Leak, file: &str, fingerprints: &Fingerprinter) -> Finding {
        let var = &self.vars[leak.var];
        Finding {
            rule_id: ID.to_string(),
            category: Category::Secret,
            severity: self.severity,
            file: file.to_string(),
            line: Some(leak.line),
            column: Some(leak.column),
            commit: None,
            redacted: Some(var.value.redacted()),
            fingerprint: fingerprints.secret(ID, file, &var.value),
            message: format!(
                "the value of {} from {} is copied here; remove it and read {} from the \
                 environment instead",
                var.name, var.file, var.name
            ),
            remedy: format!(
                "A known local secret must stay in {} only. If this value was ever committed or \
                 shared, revoke and rotate it.",
                var.file
            ),
            provenance: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "tk_9fQ2mZx7LpR4vW8nB3cY6tHs";

    fn values() -> KnownValues {
        let value = |name: &str, v: &str| KnownValue {
            name: name.into(),
            file: ".env".into(),
            value: Secret::new(v.as_bytes()),
        };
        KnownValues::new(
            vec![
                value("TELNXO_API_KEY", KEY),
                value("OLD_TELNXO_API_KEY", KEY),
                value("EMPTY", ""),
            ],
            Severity::Block,
        )
    }

    #[test]
    fn duplicates_and_empty_values_are_dropped_and_debug_shows_none() {
        let v = values();
        assert_eq!(v.len(), 1);
        assert_eq!(v.name(0), "TELNXO_API_KEY");
        assert_eq!(v.source(0), ".env");
        assert!(!format!("{v:?}").contains(KEY));
        assert!(KnownValues::default().scan(KEY.as_bytes()).is_empty());
    }

    #[test]
    fn finds_values_anywhere_with_line_and_column() {
        let v = values();
        let text =
            format!("a\n// é old key: {KEY}\n{{\"k\":\"x{KEY}y\"}}\nkeep {KEY} # keygate:allow\n");
        let leaks = v.scan(text.as_bytes());
        let at: Vec<(u64, u64)> = leaks.iter().map(|l| (l.line, l.column)).collect();
        assert_eq!(at, vec![(2, 15), (3, 8)]);
        let finding = v.finding(&leaks[0], "src/a.js", &Fingerprinter::default());
        assert!(finding.message.contains("TELNXO_API_KEY from .env"));
        let json = serde_json::to_string(&finding).unwrap();
        assert!(!json.contains(KEY));
    }
}
