//! Keyword prefilter over every rule's keywords: one pass over the input decides which rules run
//! where.
//!
//! Keywords that contain a shorter keyword are dropped, their rules moved to the shorter one (a
//! hit on `api_key` is always a hit on `key`). With no keyword inside another, at most one keyword
//! starts at any position, so a search that looks at every position in turn finds every
//! occurrence.
//!
//! Two searches give the same hits: a [`Table`] of the keywords by their first two bytes, which
//! costs nothing to build and suits the few kilobytes a pre-commit check reads, and Aho-Corasick
//! automata, built on first use once a run has searched enough bytes to earn them back.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Bytes searched with the [`Table`] before the Aho-Corasick NFA is built: building it for
/// hundreds of keywords takes about as long as the table takes to search this much.
const NFA_AFTER: usize = 256 << 10;

/// Bytes searched before the DFA is built. The DFA searches several times faster than the NFA
/// but takes milliseconds to build.
const DFA_AFTER: usize = 4 << 20;

/// Keyword searches plus, for each keyword, the rules it triggers.
pub struct Prefilter {
    table: Table,
    nfa: OnceLock<AhoCorasick>,
    dfa: OnceLock<AhoCorasick>,
    searched: AtomicUsize,
    rules_of: Vec<Vec<usize>>,
}

/// One keyword occurrence: byte span in the input and the keyword that matched.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub keyword: usize,
}

impl Prefilter {
    /// `keywords[i]` lists the keywords of rule `i`. Matching is ASCII case-insensitive.
    pub fn new(keywords: &[&[String]]) -> Prefilter {
        let mut pairs: Vec<(String, usize)> = keywords
            .iter()
            .enumerate()
            .flat_map(|(rule, kws)| kws.iter().map(move |k| (k.to_ascii_lowercase(), rule)))
            .collect();
        pairs.sort();
        pairs.dedup();
        let mut words: Vec<String> = pairs.iter().map(|(w, _)| w.clone()).collect();
        words.dedup();
        // Keep only keywords that contain no other keyword: look for every keyword inside each
        // one with a table of all of them (this runs at every start, the pre-commit hook's
        // included, so it must cost microseconds, not a set lookup per substring).
        let all = Table::new(words.clone());
        let minimal: Vec<String> = words
            .iter()
            .enumerate()
            .filter(|&(i, w)| {
                let w = w.as_bytes();
                !(0..w.len()).any(|at| all.all_at(w, at).any(|j| j != i))
            })
            .map(|(_, w)| w.clone())
            .collect();
        let table = Table::new(minimal);
        let mut rules_of: Vec<Vec<usize>> = vec![Vec::new(); table.words.len()];
        // `pairs` is sorted by word: find each word's minimal keywords once.
        let mut inside: Vec<usize> = Vec::new();
        let mut last: Option<&str> = None;
        for (word, rule) in &pairs {
            if last != Some(word.as_str()) {
                last = Some(word.as_str());
                let w = word.as_bytes();
                inside.clear();
                inside.extend((0..w.len()).flat_map(|at| table.all_at(w, at)));
                inside.sort_unstable();
                inside.dedup();
            }
            for &i in &inside {
                if !rules_of[i].contains(rule) {
                    rules_of[i].push(*rule);
                }
            }
        }
        Prefilter {
            table,
            nfa: OnceLock::new(),
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            rules_of,
        }
    }

    /// The table for the first few hundred kilobytes, then the NFA, then a full DFA: with
    /// hundreds of keywords the NFA (and its prefilters) costs several times more per byte than
    /// one table lookup. `None` means the table.
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(dfa) = self.dfa.get() {
            return Some(dfa);
        }
        let searched = self.searched.fetch_add(len, Ordering::Relaxed) + len;
        if searched < NFA_AFTER {
            return None;
        }
        if searched < DFA_AFTER {
            return Some(
                self.nfa
                    .get_or_init(|| build(&self.table.words, AhoCorasickKind::ContiguousNFA)),
            );
        }
        Some(
            self.dfa
                .get_or_init(|| build(&self.table.words, AhoCorasickKind::DFA)),
        )
    }

    /// Every keyword occurrence in `text`, by start position.
    pub fn hits<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = Hit> + 'a {
        let automaton = self.automaton(text.len());
        let table = &self.table;
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= text.len() {
                return None;
            }
            let (start, end, keyword) = match automaton {
                Some(automaton) => {
                    let m = automaton.find(Input::new(text).range(at..))?;
                    (m.start(), m.end(), m.pattern().as_usize())
                }
                None => table.find(text, at)?,
            };
            at = start + 1;
            Some(Hit {
                start,
                end,
                keyword,
            })
        })
    }

    pub fn rules_of(&self, hit: &Hit) -> &[usize] {
        &self.rules_of[hit.keyword]
    }
}

/// Lowercase keywords (two bytes or more) indexed by their first two bytes: a bit per byte pair
/// that starts some keyword, then the keywords sorted, each first byte's run of them.
struct Table {
    /// Sorted, distinct; the pattern ids of [`Hit::keyword`] are indexes here.
    words: Vec<String>,
    /// Bit `a * 256 + b` is set when some keyword starts with bytes `a`, `b`.
    pairs: Vec<u64>,
    /// `runs[a]..runs[a + 1]`: the keywords starting with byte `a`.
    runs: Vec<u32>,
}

impl Table {
    fn new(mut words: Vec<String>) -> Table {
        words.sort();
        words.dedup();
        debug_assert!(words.iter().all(|w| w.len() >= 2));
        let mut pairs = vec![0u64; 65536 / 64];
        let mut runs = vec![0u32; 257];
        for w in &words {
            let b = w.as_bytes();
            let pair = usize::from(b[0]) << 8 | usize::from(b[1]);
            pairs[pair / 64] |= 1 << (pair % 64);
            runs[usize::from(b[0]) + 1] += 1;
        }
        for i in 1..runs.len() {
            runs[i] += runs[i - 1];
        }
        Table { words, pairs, runs }
    }

    /// The first keyword occurrence starting at or after `from`, as `(start, end, keyword)`.
    /// Exact only for a table whose keywords contain no other keyword (then at most one
    /// keyword starts at a position).
    fn find(&self, text: &[u8], from: usize) -> Option<(usize, usize, usize)> {
        let last = text.len().checked_sub(1)?;
        (from..last).find_map(|at| {
            let i = self.all_at(text, at).next()?;
            Some((at, at + self.words[i].len(), i))
        })
    }

    /// Every keyword that occurs in `text` at `at`, ASCII case-insensitively.
    fn all_at<'a>(&'a self, text: &'a [u8], at: usize) -> impl Iterator<Item = usize> + 'a {
        let (a, b) = match text.get(at..at + 2) {
            Some(&[a, b]) => (a.to_ascii_lowercase(), b.to_ascii_lowercase()),
            _ => (0, 0),
        };
        let pair = usize::from(a) << 8 | usize::from(b);
        let present = text.len() >= at + 2 && self.pairs[pair / 64] & (1 << (pair % 64)) != 0;
        let run = if present {
            // The keywords starting with `a`, then (sorted) the sub-run whose second byte is `b`.
            let (lo, hi) = (
                self.runs[usize::from(a)] as usize,
                self.runs[usize::from(a) + 1] as usize,
            );
            let words = &self.words[lo..hi];
            let from = words.partition_point(|w| w.as_bytes()[1] < b);
            let to = from + words[from..].partition_point(|w| w.as_bytes()[1] == b);
            lo + from..lo + to
        } else {
            0..0
        };
        run.filter(move |&i| {
            let w = self.words[i].as_bytes();
            text.get(at..at + w.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(w))
        })
    }
}

fn build(keywords: &[String], kind: AhoCorasickKind) -> AhoCorasick {
    let builder = |kind| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .kind(kind)
            .build(keywords)
    };
    // A DFA past the size limit falls back to the automatic choice.
    builder(Some(kind))
        .or_else(|_| builder(None))
        .expect("keyword automaton builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_map_to_rules_case_insensitively_and_overlapping() {
        let k0 = vec!["api_key".to_string()];
        let k1 = vec!["key".to_string(), "token".to_string()];
        let k2 = vec!["pi_k".to_string()];
        let pf = Prefilter::new(&[&k0, &k1, &k2]);
        let text = b"API_KEY = 1; Token";
        let got: Vec<(usize, Vec<usize>)> = pf
            .hits(text)
            .map(|h| {
                let mut rules = pf.rules_of(&h).to_vec();
                rules.sort();
                (h.start, rules)
            })
            .collect();
        // `api_key` contains both `key` and `pi_k`: its rule fires on either.
        assert_eq!(got, vec![(1, vec![0, 2]), (4, vec![0, 1]), (13, vec![1])]);
    }

    /// The table and the automata report the same hits, keyword ids included.
    #[test]
    fn table_and_automaton_agree() {
        let words: Vec<String> = ["key", "tok", "secret", "ap", "pass", "pwd", "xo\u{e9}"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let table = Table::new(words.clone());
        let ac = build(&table.words, AhoCorasickKind::ContiguousNFA);
        let text = "ApI_KEY=1 tokEN secreT pas PASSWORD pwdKEY xo\u{e9} XO\u{c9} k".as_bytes();
        let mut from_table = Vec::new();
        let mut at = 0;
        while let Some(hit) = table.find(text, at) {
            from_table.push(hit);
            at = hit.0 + 1;
        }
        let mut from_ac = Vec::new();
        let mut at = 0;
        while let Some(m) = ac.find(Input::new(text).range(at..)) {
            from_ac.push((m.start(), m.end(), m.pattern().as_usize()));
            at = m.start() + 1;
        }
        assert_eq!(from_table, from_ac);
        assert_eq!(from_table.len(), 8);
    }

    #[test]
    fn long_inputs_switch_to_the_automaton_with_the_same_hits() {
        let k0 = vec!["api_key".to_string()];
        let k1 = vec!["key".to_string(), "token".to_string()];
        let pf = Prefilter::new(&[&k0, &k1]);
        let text = "x api_KEY token ".repeat(20_000);
        let small: Vec<(usize, usize)> = pf
            .hits(&text.as_bytes()[..64])
            .map(|h| (h.start, h.keyword))
            .collect();
        let big: Vec<(usize, usize)> = pf
            .hits(text.as_bytes())
            .take(small.len())
            .map(|h| (h.start, h.keyword))
            .collect();
        assert!(pf.nfa.get().is_some());
        assert_eq!(small, big);
    }
}
