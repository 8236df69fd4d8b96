//! Aho-Corasick over every rule's keywords: one pass over the input decides which rules run where.
//!
//! Keywords that contain a shorter keyword are dropped, their rules moved to the shorter one (a
//! hit on `api_key` is always a hit on `key`). With no keyword inside another, at most one keyword
//! starts at any position, so a fast leftmost search restarted one byte after each hit finds every
//! occurrence, without the slower overlapping search.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

/// Keyword automaton plus, for each keyword, the rules it triggers.
pub struct Prefilter {
    automaton: AhoCorasick,
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
        // Keep only keywords that contain no other keyword. (A plain window comparison: for
        // keywords this short, `str::contains` spends more building its searcher than searching,
        // and this runs at every start, the pre-commit hook's included.)
        let contains = |hay: &str, needle: &str| {
            !needle.is_empty()
                && needle.len() < hay.len()
                && hay
                    .as_bytes()
                    .windows(needle.len())
                    .any(|w| w == needle.as_bytes())
        };
        let minimal: Vec<String> = words
            .iter()
            .filter(|w| !words.iter().any(|o| contains(w, o)))
            .cloned()
            .collect();
        let mut rules_of: Vec<Vec<usize>> = vec![Vec::new(); minimal.len()];
        // `pairs` is sorted by word: find each word's minimal keywords once.
        let mut inside: Vec<usize> = Vec::new();
        let mut last: Option<&str> = None;
        for (word, rule) in &pairs {
            if last != Some(word.as_str()) {
                last = Some(word.as_str());
                inside.clear();
                inside.extend(
                    minimal
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| *m == word || contains(word, m))
                        .map(|(i, _)| i),
                );
            }
            for &i in &inside {
                if !rules_of[i].contains(rule) {
                    rules_of[i].push(*rule);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            // A full DFA: with hundreds of keywords the NFA (and its prefilters) costs several
            // times more per byte than one table lookup.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&minimal)
            .or_else(|_| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&minimal)
            })
            .expect("keyword automaton builds");
        Prefilter {
            automaton,
            rules_of,
        }
    }

    /// Every keyword occurrence in `text`, by start position.
    pub fn hits<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = Hit> + 'a {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= text.len() {
                return None;
            }
            let m = self.automaton.find(Input::new(text).range(at..))?;
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
