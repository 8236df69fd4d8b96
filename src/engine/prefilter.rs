//! Keyword prefilter over every rule's keywords: one pass over the input decides which rules run
//! where.
//!
//! Keywords that contain a shorter keyword are dropped, their rules moved to the shorter one (a
//! hit on `api_key` is always a hit on `key`). With no keyword inside another, at most one keyword
//! starts at any position, so a search that looks at every position in turn finds every
//! occurrence.
//!
//! A hit on a shorter keyword is a hit on a longer one only where the longer one is in the text
//! around it: before a rule whose own keywords are all longer runs, the hit is checked for one of
//! them (`token` occurs far more often than `bot_token`, and a rule runs where its keywords are).
//!
//! Two searches give the same hits: a `Table` of the keywords by their first two bytes, which
//! costs nothing to build and suits the few kilobytes a pre-commit check reads, and Aho-Corasick
//! automata, built on first use once a run has searched enough bytes to earn them back.

use super::keywords::{self, Table};
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
    /// For each keyword, what each of its rules needs around a hit; made on the keyword's first
    /// hit, from the rules' own keywords.
    triggers: Vec<OnceLock<Vec<Trigger>>>,
}

/// When a hit on a (minimal) keyword runs one rule.
#[derive(Debug)]
struct Trigger {
    rule: usize,
    /// Empty: the keyword is one of the rule's. Else the rule's longer keywords that hold it,
    /// lowercase, each with the offset at which they hold it: one of them must be in the text
    /// at the hit's start less its offset.
    longer: Vec<(usize, Vec<u8>)>,
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
        // The built-in catalog's keywords, minimised at build time (build.rs runs the same
        // `keywords::minimal` over them): every run with the default rules skips the work.
        let (table, rules_of) = match crate::rules::builtin_prefilter(keywords) {
            Some((words, rules_of)) => (
                Table::new(words.iter().map(|w| w.to_string()).collect()),
                rules_of
                    .iter()
                    .map(|rules| rules.iter().map(|&r| usize::from(r)).collect())
                    .collect(),
            ),
            None => {
                let (words, rules_of) = keywords::minimal(keywords);
                (Table::new(words), rules_of)
            }
        };
        Prefilter {
            triggers: (0..table.words.len()).map(|_| OnceLock::new()).collect(),
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

    /// The rules `hit` (in `text`) runs: those one of whose own keywords is there.
    /// `keywords[i]` lists the keywords of rule `i`, as given to [`Prefilter::new`].
    pub fn rules_of<'a>(
        &'a self,
        hit: &Hit,
        text: &'a [u8],
        keywords: impl Fn(usize) -> &'a [String],
    ) -> impl Iterator<Item = usize> + 'a {
        let word = self.table.words[hit.keyword].as_bytes();
        let triggers = self.triggers[hit.keyword].get_or_init(|| {
            self.rules_of[hit.keyword]
                .iter()
                .map(|&rule| Trigger::new(rule, word, keywords(rule)))
                .collect()
        });
        let start = hit.start;
        triggers
            .iter()
            .filter(move |t| {
                t.longer.is_empty()
                    || t.longer.iter().any(|(offset, k)| {
                        start.checked_sub(*offset).is_some_and(|at| {
                            text.get(at..at + k.len())
                                .is_some_and(|t| t.eq_ignore_ascii_case(k))
                        })
                    })
            })
            .map(|t| t.rule)
    }
}

impl Trigger {
    fn new(rule: usize, word: &[u8], keywords: &[String]) -> Trigger {
        let mut longer = Vec::new();
        for k in keywords {
            let k = k.to_ascii_lowercase().into_bytes();
            if k == word {
                return Trigger {
                    rule,
                    longer: Vec::new(),
                };
            }
            for offset in 0..k.len().saturating_sub(word.len()) + 1 {
                if k[offset..].starts_with(word) {
                    longer.push((offset, k.clone()));
                }
            }
        }
        Trigger { rule, longer }
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
        let lists = [&k0, &k1, &k2];
        let got: Vec<(usize, Vec<usize>)> = pf
            .hits(text)
            .map(|h| {
                let mut rules: Vec<usize> = pf.rules_of(&h, text, |r| lists[r]).collect();
                rules.sort();
                (h.start, rules)
            })
            .collect();
        // `api_key` contains both `key` and `pi_k`: its rule fires on either.
        assert_eq!(got, vec![(1, vec![0, 2]), (4, vec![0, 1]), (13, vec![1])]);
    }

    /// A rule whose keywords all hold a shorter one runs only where one of its own is.
    #[test]
    fn a_hit_runs_a_rule_only_where_its_own_keyword_is() {
        let bot = vec!["bot_token".to_string(), "xoxb".to_string()];
        let generic = vec!["token".to_string()];
        let twice = vec!["tokentoken".to_string()];
        let lists = [&bot, &generic, &twice];
        let pf = Prefilter::new(&[&bot, &generic, &twice]);
        let rules_at = |text: &[u8]| -> Vec<(usize, Vec<usize>)> {
            pf.hits(text)
                .map(|h| {
                    let mut rules: Vec<usize> = pf.rules_of(&h, text, |r| lists[r]).collect();
                    rules.sort();
                    (h.start, rules)
                })
                .collect()
        };
        assert_eq!(rules_at(b"auth_token = 1"), vec![(5, vec![1])]);
        assert_eq!(rules_at(b"BOT_TOKEN = 1"), vec![(4, vec![0, 1])]);
        assert_eq!(rules_at(b"token"), vec![(0, vec![1])]);
        // A longer keyword may hold the short one twice: either occurrence finds it.
        assert_eq!(
            rules_at(b"xTokenToken"),
            vec![(1, vec![1, 2]), (6, vec![1, 2])]
        );
        assert_eq!(rules_at(b"xoxb-1"), vec![(0, vec![0])]);
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

    /// build.rs minimises the catalog's keywords with the same code; its output is the one
    /// computed at run time, and it is used only for exactly the catalog's keyword lists.
    #[test]
    fn keywords_minimised_at_build_time_equal_the_run_time_ones() {
        let specs = crate::rules::builtin_specs();
        let lists: Vec<&[String]> = specs.iter().map(|s| s.keywords.as_slice()).collect();
        let (words, rules_of) = keywords::minimal(&lists);
        let (built_words, built_rules_of) = crate::rules::builtin_prefilter(&lists).unwrap();
        assert_eq!(words, built_words);
        let built_rules_of: Vec<Vec<usize>> = built_rules_of
            .iter()
            .map(|r| r.iter().map(|&i| usize::from(i)).collect())
            .collect();
        assert_eq!(rules_of, built_rules_of);
        assert!(crate::rules::builtin_prefilter(&lists[1..]).is_none());
        let mut changed: Vec<Vec<String>> = lists.iter().map(|l| l.to_vec()).collect();
        changed[0].push("another".into());
        let changed: Vec<&[String]> = changed.iter().map(Vec::as_slice).collect();
        assert!(crate::rules::builtin_prefilter(&changed).is_none());
    }
}
