//! A rule's compiled regexes: its pattern, which says where the secret is in each match, and the
//! filters (`reject_before`, `reject_nearby`) asked about its matches.
//!
//! Secrets are ASCII, so classes like `\w` and `(?i)` are ASCII-only (no Unicode): smaller
//! automata, faster to build and to run, and `.` matches any byte.
//!
//! The pattern is a `regex-automata` meta regex without a literal prefilter (the `regex` crate
//! always extracts one): the engine runs a pattern only in the windows around its keywords, where
//! a prefilter saves little, while extracting one from a generic rule's case-insensitive
//! alternatives was 40% of its compile time, and compiling the few rules a change needs is most
//! of a pre-commit check.

use regex::bytes::Regex;
use regex_automata::{meta, util::syntax};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the patterns compiled from now on will only search small texts (see
/// [`compile_for_small_inputs`]).
static SMALL_INPUTS: AtomicBool = AtomicBool::new(false);

/// Compiles the patterns from now on for a process that will search only a few small windows (a
/// pre-commit check of a small change): without the lazy DFA, whose reverse automaton is a third
/// of a pattern's compile time, and which pays off only over many windows. Searching a window
/// then takes microseconds more (a backtracker or PikeVM runs instead); the matches are the
/// same.
pub fn compile_for_small_inputs() {
    SMALL_INPUTS.store(true, Ordering::Relaxed);
}

/// A compiled rule pattern and its secret group.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: meta::Regex,
    /// Index of the capture group holding the secret.
    secret_group: usize,
}

impl Pattern {
    /// Compiles `pattern`, whose group `secret` (or else its only group) is the secret.
    pub(super) fn new(pattern: &str) -> Result<Pattern, String> {
        Pattern::build(pattern, SMALL_INPUTS.load(Ordering::Relaxed))
    }

    /// [`Pattern::new`], for small inputs or not (see [`compile_for_small_inputs`]).
    pub(super) fn build(pattern: &str, small_inputs: bool) -> Result<Pattern, String> {
        let regex = meta::Builder::new()
            .configure(
                meta::Config::new()
                    .nfa_size_limit(Some(32 << 20))
                    .auto_prefilter(false)
                    .utf8_empty(false)
                    .hybrid(!small_inputs),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build(pattern)
            .map_err(|e| format!("pattern does not compile: {e}"))?;
        let info = regex.group_info();
        let pid = regex_automata::PatternID::ZERO;
        let secret_group = match info.to_index(pid, "secret") {
            Some(i) => i,
            None if info.group_len(pid) == 2 => 1,
            None => {
                return Err(
                    "pattern needs exactly one capture group, or a group named `secret`".into(),
                )
            }
        };
        Ok(Pattern {
            regex,
            secret_group,
        })
    }

    /// The secret's span in each match in `text`, leftmost first (matches in which the secret
    /// group took no part are skipped).
    pub fn secrets<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = Range<usize>> + 'a {
        self.regex
            .captures_iter(text)
            .filter_map(|caps| caps.get_group(self.secret_group).map(|s| s.range()))
    }

    /// The secret's span in the first match in `text`.
    pub fn first_secret(&self, text: &[u8]) -> Option<Range<usize>> {
        self.secrets(text).next()
    }

    /// Where each match in `text` starts and ends.
    pub fn match_spans<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.regex.find_iter(text).map(|m| (m.start(), m.end()))
    }
}

/// A `reject_before` or `reject_nearby` regex, ASCII-only like the patterns.
pub(super) fn filter(pattern: &str, field: &str) -> Result<Regex, String> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .map_err(|e| format!("{field} does not compile: {e}"))
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    /// A pattern compiled for small inputs finds exactly what the usual one finds, in every
    /// built-in rule's examples and near misses.
    #[test]
    fn patterns_for_small_inputs_find_the_same_secrets() {
        for spec in super::super::builtin_specs() {
            let usual = Pattern::build(&spec.pattern, false).unwrap();
            let small = Pattern::build(&spec.pattern, true).unwrap();
            for text in spec.examples.iter().chain(spec.negative_examples.iter()) {
                let text = text.as_bytes();
                let want: Vec<_> = usual.secrets(text).collect();
                assert_eq!(small.secrets(text).collect::<Vec<_>>(), want, "{}", spec.id);
                let spans: Vec<_> = usual.match_spans(text).collect();
                let got: Vec<_> = small.match_spans(text).collect();
                assert_eq!(got, spans, "{}", spec.id);
            }
        }
    }
}
