//! Aho-Corasick over every rule's keywords: one pass over the input decides which rules run where.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Keyword automaton plus, for each keyword, the rules it triggers.
pub struct Prefilter {
    automaton: AhoCorasick,
    rules_of: Vec<Vec<usize>>,
}

/// One keyword occurrence: byte span in the input and the rules that it wakes up.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub keyword: usize,
}

impl Prefilter {
    /// `keywords[i]` lists the keywords of rule `i`. Matching is ASCII case-insensitive.
    pub fn new(keywords: &[&[String]]) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<usize>> = Vec::new();
        for (rule, kws) in keywords.iter().enumerate() {
            for kw in kws.iter() {
                let kw = kw.to_ascii_lowercase();
                let idx = match words.iter().position(|w| *w == kw) {
                    Some(i) => i,
                    None => {
                        words.push(kw);
                        rules_of.push(Vec::new());
                        words.len() - 1
                    }
                };
                if !rules_of[idx].contains(&rule) {
                    rules_of[idx].push(rule);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // A full DFA: with hundreds of keywords the NFA (and its prefilters) costs several
            // times more per byte than one table lookup.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .expect("keyword automaton builds");
        Prefilter {
            automaton,
            rules_of,
        }
    }

    /// Every keyword occurrence in `text`, overlapping ones included.
    pub fn hits<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = Hit> + 'a {
        self.automaton.find_overlapping_iter(text).map(|m| Hit {
            start: m.start(),
            end: m.end(),
            keyword: m.pattern().as_usize(),
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
        let pf = Prefilter::new(&[&k0, &k1]);
        let text = b"API_KEY = 1; Token";
        let mut got: Vec<(usize, Vec<usize>)> = pf
            .hits(text)
            .map(|h| (h.start, pf.rules_of(&h).to_vec()))
            .collect();
        got.sort();
        assert_eq!(got, vec![(0, vec![0]), (4, vec![1]), (13, vec![1])]);
    }
}
