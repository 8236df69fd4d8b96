//! Aho-Corasick over every rule's keywords: one pass over the input decides which rules run where.
//!
//! Keywords that contain a shorter keyword are dropped, their rules moved to the shorter one (a
//! hit on `api_key` is always a hit on `key`). With no keyword inside another, at most one keyword
//! starts at any position, so a fast leftmost search restarted one byte after each hit finds every
//! occurrence, without the slower overlapping search.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Bytes searched with the cheap-to-build NFA before the DFA is built. The DFA searches several
/// times faster but takes milliseconds to build, which a pre-commit hook checking a few staged
/// lines never earns back.
const DFA_AFTER: usize = 4 << 20;

/// Keyword automata plus, for each keyword, the rules it triggers.
pub struct Prefilter {
    keywords: Vec<String>,
    nfa: AhoCorasick,
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
        // Keep only keywords that contain no other keyword: look every proper substring of each
        // keyword up in a set, which for hundreds of short keywords is far cheaper than comparing
        // every pair (this runs at every start, the pre-commit hook's included).
        let set: std::collections::HashSet<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
        let minimal: Vec<String> = words
            .iter()
            .filter(|w| !proper_substrings(w.as_bytes()).any(|s| set.contains(s)))
            .cloned()
            .collect();
        let mut rules_of: Vec<Vec<usize>> = vec![Vec::new(); minimal.len()];
        // `pairs` is sorted by word: find each word's minimal keywords once.
        let index_of: std::collections::HashMap<&[u8], usize> = minimal
            .iter()
            .enumerate()
            .map(|(i, m)| (m.as_bytes(), i))
            .collect();
        let mut inside: Vec<usize> = Vec::new();
        let mut last: Option<&str> = None;
        for (word, rule) in &pairs {
            if last != Some(word.as_str()) {
                last = Some(word.as_str());
                inside.clear();
                inside.extend(
                    proper_substrings(word.as_bytes())
                        .chain([word.as_bytes()])
                        .filter_map(|s| index_of.get(s).copied()),
                );
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
            nfa: build(&minimal, AhoCorasickKind::ContiguousNFA),
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            keywords: minimal,
            rules_of,
        }
    }

    /// The NFA for the first few megabytes, then a full DFA: with hundreds of keywords the NFA
    /// (and its prefilters) costs several times more per byte than one table lookup.
    fn automaton(&self, len: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        if self.searched.fetch_add(len, Ordering::Relaxed) + len < DFA_AFTER {
            return &self.nfa;
        }
        self.dfa
            .get_or_init(|| build(&self.keywords, AhoCorasickKind::DFA))
    }

    /// Every keyword occurrence in `text`, by start position.
    pub fn hits<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = Hit> + 'a {
        let automaton = self.automaton(text.len());
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= text.len() {
                return None;
            }
            let m = automaton.find(Input::new(text).range(at..))?;
            at = m.start() + 1;
            Some(Hit {
                start: m.start(),
                end: m.end(),
                keyword: m.pattern().as_usize(),
            })
        })
    }

    pub fn rules_of(&self, hit: &Hit) -> &[usize] {
        &self.rules_of[hit.keyword]
    }
}

/// Every substring of `b` shorter than `b` itself.
fn proper_substrings(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    (0..b.len()).flat_map(move |i| {
        (i + 1..=b.len())
            .filter(move |&j| j - i < b.len())
            .map(move |j| &b[i..j])
    })
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
}
