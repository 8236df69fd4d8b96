//! Keyword sets for the prefilter, in plain `std` so that build.rs compiles this same file to
//! minimise the built-in catalog's keywords at build time (see `rules::builtin_prefilter`).
//!
//! Keywords that contain a shorter keyword are dropped, their rules moved to the shorter one (a
//! hit on `api_key` is always a hit on `key`). With no keyword inside another, at most one keyword
//! starts at any position.

/// The keywords that contain no other keyword, sorted, and for each the rules it triggers:
/// `keywords[i]` lists the keywords of rule `i`; matching is ASCII case-insensitive.
pub fn minimal(keywords: &[&[String]]) -> (Vec<String>, Vec<Vec<usize>>) {
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
    // one with a table of all of them, rather than a set lookup per substring.
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
    (table.words, rules_of)
}

/// Lowercase keywords (two bytes or more) indexed by their first two bytes: a bit per byte pair
/// that starts some keyword, and for each such pair (in order) its run of the sorted keywords.
pub struct Table {
    /// Sorted, distinct; the prefilter's keyword ids are indexes here.
    pub words: Vec<String>,
    /// Bit `a * 256 + b` is set when some keyword starts with bytes `a`, `b`.
    pairs: Vec<u64>,
    /// How many bits of `pairs` are set before each of its words: a set bit's rank.
    ranks: Vec<u32>,
    /// The keywords starting with the `k`th pair set: `runs[k]..runs[k + 1]`.
    runs: Vec<u32>,
}

impl Table {
    pub fn new(mut words: Vec<String>) -> Table {
        words.sort();
        words.dedup();
        debug_assert!(words.iter().all(|w| w.len() >= 2));
        let pair_of = |w: &String| {
            let b = w.as_bytes();
            usize::from(b[0]) << 8 | usize::from(b[1])
        };
        let mut pairs = vec![0u64; 65536 / 64];
        // Sorted words: each pair's keywords are consecutive, and the pairs come in order.
        let mut runs: Vec<u32> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let pair = pair_of(w);
            if pairs[pair / 64] & (1 << (pair % 64)) == 0 {
                pairs[pair / 64] |= 1 << (pair % 64);
                runs.push(i as u32);
            }
        }
        runs.push(words.len() as u32);
        let mut ranks = Vec::with_capacity(pairs.len());
        let mut set = 0u32;
        for word in &pairs {
            ranks.push(set);
            set += word.count_ones();
        }
        Table {
            words,
            pairs,
            ranks,
            runs,
        }
    }

    /// The first keyword occurrence starting at or after `from`, as `(start, end, keyword)`.
    /// Exact only for a table whose keywords contain no other keyword (then at most one
    /// keyword starts at a position).
    pub fn find(&self, text: &[u8], from: usize) -> Option<(usize, usize, usize)> {
        let last = text.len().checked_sub(1)?;
        (from..last).find_map(|at| {
            let i = self.all_at(text, at).next()?;
            Some((at, at + self.words[i].len(), i))
        })
    }

    /// Every keyword that occurs in `text` at `at`, ASCII case-insensitively.
    pub fn all_at<'a>(&'a self, text: &'a [u8], at: usize) -> impl Iterator<Item = usize> + 'a {
        let (a, b) = match text.get(at..at + 2) {
            Some(&[a, b]) => (a.to_ascii_lowercase(), b.to_ascii_lowercase()),
            _ => (0, 0),
        };
        let pair = usize::from(a) << 8 | usize::from(b);
        let bits = self.pairs[pair / 64];
        let bit = 1u64 << (pair % 64);
        let run = if text.len() >= at + 2 && bits & bit != 0 {
            let k = (self.ranks[pair / 64] + (bits & (bit - 1)).count_ones()) as usize;
            self.runs[k] as usize..self.runs[k + 1] as usize
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
