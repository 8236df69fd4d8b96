//! Known local secrets (`env-value-leak`): the values of the repository's local, untracked `.env`
//! files that look like real keys become exact-match patterns (one Aho-Corasick automaton) for
//! the text a check scans. A line holding one, whatever its shape (a comment, a test, a JSON
//! blob), is a finding that names the variable and its file, never the value.
//!
//! The values live in memory only, inside [`Secret`]s and the automaton: this type has no
//! `Debug` that shows them, and nothing here prints, logs, caches or writes them.
//!
//! Any input mode can use it: [`LocalValues::scan`] takes text (a whole file, or the lines a
//! staged change adds) and returns positions relative to it; [`LocalValues::finding`] turns one
//! into a [`Finding`].

use super::{parse, Kind, RepoContext};
use crate::engine::{char_count, filters::has_allow_marker};
use crate::finding::{Category, Finding, Fingerprinter, Secret, Severity};
use crate::input::OVERLAP;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::{memchr, memchr_iter, memrchr};

pub const ID: &str = crate::rules::env::VALUE_LEAK;

struct LocalVar {
    name: String,
    /// The `.env` file it comes from, as findings name files.
    file: String,
    value: Secret,
}

/// The known local secrets of a repository, as one matcher.
pub struct LocalValues {
    vars: Vec<LocalVar>,
    matcher: Option<AhoCorasick>,
    severity: Severity,
}

impl std::fmt::Debug for LocalValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalValues({} values)", self.vars.len())
    }
}

/// One known local secret found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leak {
    /// Byte offset in the text.
    pub offset: usize,
    /// 1-based line and character column in the text.
    pub line: u64,
    pub column: u64,
    /// Which value (see [`LocalValues::name`] and [`LocalValues::source`]).
    pub var: usize,
}

impl LocalValues {
    /// Values from `(variable name, .env file, value)`; values that do not look like real keys
    /// are dropped, and a value held by several variables is named after the first.
    pub fn new(candidates: impl IntoIterator<Item = (String, String, Secret)>) -> LocalValues {
        let mut vars: Vec<LocalVar> = Vec::new();
        for (name, file, value) in candidates {
            // A value longer than the overlap of the chunks files are read in could be cut in
            // two; no key is that long.
            if parse::looks_like_key(&name, value.expose())
                && value.expose().len() <= OVERLAP
                && !vars.iter().any(|v| v.value.expose() == value.expose())
            {
                vars.push(LocalVar { name, file, value });
            }
        }
        let matcher = (!vars.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(vars.iter().map(|v| v.value.expose()))
                .expect("literal patterns build")
        });
        LocalValues {
            vars,
            matcher,
            severity: Severity::Block,
        }
    }

    /// The values of the repository's `.env` files that are on disk and not tracked (templates
    /// are not local values), with the config's severity for `env-value-leak`; empty when the
    /// config disables the rule.
    pub fn from_context(ctx: &RepoContext) -> LocalValues {
        let Some(severity) = super::severity(ctx.config, ID) else {
            return LocalValues::new([]);
        };
        // A value a template holds too is a shared default, not a local secret (and when it is a
        // real key, `env-template-secret` reports the template).
        let shared: Vec<&[u8]> = ctx
            .files
            .iter()
            .filter(|f| f.kind == Kind::Template)
            .filter_map(|f| f.parsed.as_ref())
            .flat_map(|p| p.vars.iter().filter_map(|v| v.value.as_ref()))
            .map(Secret::expose)
            .collect();
        let mut candidates = Vec::new();
        for file in &ctx.files {
            if file.kind != Kind::Env || file.tracked || !file.on_disk {
                continue;
            }
            let Some(parsed) = &file.parsed else { continue };
            for var in &parsed.vars {
                if let Some(value) = var.value.as_ref().filter(|v| !shared.contains(&v.expose())) {
                    candidates.push((
                        var.name.clone(),
                        file.display.clone(),
                        Secret::new(value.expose()),
                    ));
                }
            }
        }
        LocalValues {
            severity,
            ..LocalValues::new(candidates)
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

    fn values() -> LocalValues {
        LocalValues::new([
            (
                "TELNXO_API_KEY".into(),
                ".env".into(),
                Secret::new(KEY.as_bytes()),
            ),
            (
                "NODE_ENV".into(),
                ".env".into(),
                Secret::new(b"development"),
            ),
            ("PORT".into(), ".env".into(), Secret::new(b"3000")),
            (
                "API_KEY".into(),
                ".env".into(),
                Secret::new(b"your_api_key_here"),
            ),
        ])
    }

    #[test]
    fn only_real_looking_values_are_kept_and_debug_shows_none() {
        let v = values();
        assert_eq!(v.len(), 1);
        assert_eq!(v.name(0), "TELNXO_API_KEY");
        assert_eq!(v.source(0), ".env");
        assert!(!format!("{v:?}").contains(KEY));
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

    #[test]
    fn chunked_reading_finds_each_value_once_where_a_whole_scan_does() {
        use crate::input::{read_chunks, CHUNK, OVERLAP};
        let v = values();
        // Values on short lines and inside a long line, all around the first chunk's end.
        let mut text = Vec::new();
        while text.len() < CHUNK - OVERLAP {
            text.extend_from_slice(b"filler line with nothing in it\n");
        }
        for i in 0..4000 {
            if i % 7 == 0 {
                text.extend_from_slice(format!("é {KEY} {i}\n").as_bytes());
            } else {
                text.extend_from_slice(b"plain text\n");
            }
        }
        let long_at = text.len();
        text.extend(std::iter::repeat_n(b'y', CHUNK + OVERLAP - long_at - 3));
        text.extend_from_slice(KEY.as_bytes());
        text.extend_from_slice(b"yyy\n");
        text.extend_from_slice(KEY.as_bytes());
        let whole: Vec<(usize, u64, u64)> = v
            .scan(&text)
            .iter()
            .map(|l| (l.offset, l.line, l.column))
            .collect();
        let mut chunked = Vec::new();
        read_chunks(&text[..], |chunk| {
            for l in v.scan(chunk.text) {
                chunked.extend(chunk.place(l.offset, l.line, l.column));
            }
        })
        .unwrap();
        assert!(whole.len() > 500, "{}", whole.len());
        assert_eq!(chunked, whole);
    }
}
