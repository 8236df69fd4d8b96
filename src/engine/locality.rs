//! Whether every match in a text depends on its own line only. Then a line has the same matches
//! wherever it is, and a history audit may scan just the lines a version adds to its base.
//!
//! A match reads other lines only through a rule that does: a multi-line rule (a private key
//! block), one with `context_lines`, one with `reject_nearby`; and Kubernetes `Secret` manifests,
//! whose values are decoded. Each gives a *group* of conditions that all hold in any text where
//! it can act: a keyword of the rule occurs (its regex only runs near one), and so do one of the
//! literals its every match starts with and each literal its every match holds; for
//! `reject_nearby`, the same of each of its regexes (all of them must match to drop a match). Every condition is a literal without a line break, so it
//! holds in a version only where it holds in its base or in the lines it adds: the
//! [`Evidence`] of the two, combined, answers for the version without reading it.

use super::decoded;
use crate::rules::Rule;
use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Which of the [`Locality`]'s literals (and fallback regexes) occur in a text. The first 64
/// are kept inline: a history audit keeps one per version, most with a few bits set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    low: u64,
    high: Vec<u64>,
}

impl Evidence {
    fn set(&mut self, bit: usize) {
        match bit.checked_sub(64) {
            None => self.low |= 1 << bit,
            Some(high) => {
                let word = high / 64;
                if self.high.len() <= word {
                    self.high.resize(word + 1, 0);
                }
                self.high[word] |= 1 << (high % 64);
            }
        }
    }

    fn has(&self, bit: usize) -> bool {
        match bit.checked_sub(64) {
            None => self.low & (1 << bit) != 0,
            Some(high) => self
                .high
                .get(high / 64)
                .is_some_and(|w| w & (1 << (high % 64)) != 0),
        }
    }

    /// What occurs in one text or the other: a superset of what occurs in any text made of lines
    /// of the two.
    pub fn union(&self, other: &Evidence) -> Evidence {
        let (long, short) = match self.high.len() >= other.high.len() {
            true => (self, other),
            false => (other, self),
        };
        let mut out = long.clone();
        out.low |= short.low;
        for (w, o) in out.high.iter_mut().zip(&short.high) {
            *w |= o;
        }
        out
    }
}

/// A literal whose occurrence is a condition.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    text: Vec<u8>,
    ignore_case: bool,
}

impl Word {
    /// Whether `bytes` are this word.
    fn is(&self, bytes: &[u8]) -> bool {
        match self.ignore_case {
            true => bytes.eq_ignore_ascii_case(&self.text),
            false => bytes == self.text,
        }
    }

    fn at(&self, text: &[u8], start: usize) -> bool {
        text.get(start..start + self.text.len())
            .is_some_and(|t| self.is(t))
    }
}

/// The conditions under which a rule's matches may read other lines.
pub struct Locality {
    /// Bits `0..words.len()`.
    words: Vec<Word>,
    /// Any word, ignoring case: one vectorised pass over a text finds where words start.
    search: Option<Regex>,
    /// Bits from `words.len()` on: `reject_nearby` regexes no literal could be derived from,
    /// asked as they are.
    fallback: Vec<Regex>,
    /// A group is complete when each of its conditions (any one of these bits) holds.
    groups: Vec<Vec<Vec<usize>>>,
}

/// One condition of a group: any of these words occurs, or (for a `reject_nearby` regex no
/// literal could be derived from) the rule's own compiled regex matches.
#[derive(Debug)]
enum Condition {
    Words(Vec<Word>),
    Regex(Regex),
}

impl PartialEq for Condition {
    fn eq(&self, other: &Condition) -> bool {
        match (self, other) {
            (Condition::Words(a), Condition::Words(b)) => a == b,
            (Condition::Regex(a), Condition::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

impl Locality {
    pub fn new(rules: &[Rule]) -> Locality {
        let mut groups: Vec<Vec<Condition>> = Vec::new();
        let literals = |pattern: &str| -> Vec<Condition> {
            let Some((hir, ignore_case)) = parsed(pattern) else {
                return Vec::new();
            };
            let prefixes = prefix_literals(&hir, ignore_case).map(Condition::Words);
            let required = required_literals(&hir, ignore_case).into_iter();
            prefixes
                .into_iter()
                .chain(required.map(|w| Condition::Words(vec![w])))
                .collect()
        };
        for rule in rules {
            let spec = &rule.spec;
            if spec.multiline || spec.context_lines > 0 {
                let keywords = spec.keywords.iter().map(|k| Word {
                    text: k.as_bytes().to_vec(),
                    ignore_case: true,
                });
                let mut group = vec![Condition::Words(keywords.collect())];
                group.extend(literals(&spec.pattern));
                groups.push(group);
            }
            if !spec.reject_nearby.is_empty() {
                let mut group = Vec::new();
                for (pattern, regex) in spec.reject_nearby.iter().zip(rule.reject_nearby()) {
                    let derived = literals(pattern);
                    match derived.is_empty() {
                        true => group.push(Condition::Regex(regex.clone())),
                        false => group.extend(derived),
                    }
                }
                groups.push(group);
            }
        }
        groups.push(vec![Condition::Words(vec![Word {
            text: decoded::K8S_SECRET_MARKER.to_vec(),
            ignore_case: false,
        }])]);

        // Words first, then regexes, each numbered once however many conditions name it.
        let groups: Vec<Vec<Condition>> = groups.into_iter().map(minimal).collect();
        let mut words: Vec<Word> = Vec::new();
        let mut fallback: Vec<Regex> = Vec::new();
        for condition in groups.iter().flatten() {
            match condition {
                Condition::Words(list) => list.iter().for_each(|w| {
                    if !words.contains(w) {
                        words.push(w.clone())
                    }
                }),
                Condition::Regex(r) => {
                    if !fallback.iter().any(|f| f.as_str() == r.as_str()) {
                        fallback.push(r.clone())
                    }
                }
            }
        }
        let bit = |condition: &Condition| -> Vec<usize> {
            match condition {
                Condition::Words(list) => list
                    .iter()
                    .filter_map(|w| words.iter().position(|x| x == w))
                    .collect(),
                Condition::Regex(r) => fallback
                    .iter()
                    .position(|f| f.as_str() == r.as_str())
                    .map(|i| words.len() + i)
                    .into_iter()
                    .collect(),
            }
        };
        let groups = groups
            .iter()
            .map(|group| group.iter().map(bit).collect())
            .collect();
        let search = (!words.is_empty()).then(|| {
            let any: Vec<String> = words
                .iter()
                .map(|w| regex::escape(&String::from_utf8_lossy(&w.text)))
                .collect();
            RegexBuilder::new(&any.join("|"))
                .case_insensitive(true)
                .unicode(false)
                .build()
                .expect("escaped literals compile")
        });
        Locality {
            words,
            search,
            fallback,
            groups,
        }
    }

    /// Which literals occur in `text`.
    pub fn evidence(&self, text: &[u8]) -> Evidence {
        let mut found = Evidence::default();
        if let Some(search) = &self.search {
            // Each position where some word starts is found in turn (the search resumes one
            // byte on), and every word is tried there: words may overlap or share a start.
            let mut at = 0;
            while let Some(m) = search.find_at(text, at) {
                for (bit, word) in self.words.iter().enumerate() {
                    if word.at(text, m.start()) {
                        found.set(bit);
                    }
                }
                at = m.start() + 1;
            }
        }
        for (i, regex) in self.fallback.iter().enumerate() {
            if regex.is_match(text) {
                found.set(self.words.len() + i);
            }
        }
        found
    }

    /// Whether no group is complete in `evidence`: then no match depends on another line.
    pub fn is_local(&self, evidence: &Evidence) -> bool {
        !self.groups.iter().any(|group| {
            group
                .iter()
                .all(|condition| condition.iter().any(|&bit| evidence.has(bit)))
        })
    }
}

/// Whether every occurrence of `a` is one of `b`: `b` is in it, with case where `b` keeps it.
fn implies(a: &Word, b: &Word) -> bool {
    if a.ignore_case && !b.ignore_case {
        return false;
    }
    a.text.windows(b.text.len()).any(|w| b.is(w))
}

/// `group` with the same meaning and fewer words: a word that implies another of its condition
/// adds nothing to it, and a condition that another implies (each of whose words implies one of
/// it) adds nothing to the group. A condition left with no word would never hold: it is dropped,
/// which only makes the group complete more often.
fn minimal(group: Vec<Condition>) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for condition in group {
        let condition = match condition {
            Condition::Words(list) => {
                let mut kept: Vec<Word> = Vec::new();
                for (i, w) in list.iter().enumerate() {
                    let redundant = list
                        .iter()
                        .enumerate()
                        .any(|(j, v)| j != i && implies(w, v) && (!implies(v, w) || j < i));
                    if !redundant {
                        kept.push(w.clone());
                    }
                }
                if kept.is_empty() {
                    continue;
                }
                Condition::Words(kept)
            }
            regex => regex,
        };
        if !out.contains(&condition) {
            out.push(condition);
        }
    }
    let implied_by = |a: &Condition, b: &Condition| match (a, b) {
        (Condition::Words(a), Condition::Words(b)) => {
            a.iter().all(|w| b.iter().any(|v| implies(w, v)))
        }
        _ => false,
    };
    let mut i = 0;
    while i < out.len() {
        let redundant = (0..out.len()).any(|j| j != i && implied_by(&out[j], &out[i]));
        match redundant {
            true => {
                out.remove(i);
            }
            false => i += 1,
        }
    }
    out
}

/// The literals every match of `pattern` starts with, cut at the first line break, when there are
/// a few and each is at least three bytes. A pattern that ignores case gives words that do.
fn prefix_literals(hir: &Hir, ignore_case: bool) -> Option<Vec<Word>> {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let mut out: Vec<Word> = Vec::new();
    for literal in seq.literals()? {
        let bytes = literal.as_bytes();
        let line = &bytes[..memchr::memchr2(b'\n', b'\r', bytes).unwrap_or(bytes.len())];
        if line.len() < 3 {
            return None;
        }
        let word = Word {
            text: line.to_vec(),
            ignore_case,
        };
        if !out.contains(&word) {
            out.push(word);
        }
    }
    // Leftover case classes (`(?i:...)` inside) show as variants: one word that ignores case
    // stands for them all.
    let mut lower: Vec<Vec<u8>> = out.iter().map(|w| w.text.to_ascii_lowercase()).collect();
    lower.sort();
    lower.dedup();
    if lower.len() < out.len() {
        out = lower
            .into_iter()
            .map(|text| Word {
                text,
                ignore_case: true,
            })
            .collect();
    }
    (!out.is_empty() && out.len() <= 16).then_some(out)
}

/// The literals that occur in every match of `pattern`, split at line breaks, each of at least
/// three bytes: those of a sequence and of what it repeats at least once, but not of one branch of
/// an alternation.
fn required_literals(hir: &Hir, ignore_case: bool) -> Vec<Word> {
    fn walk(hir: &Hir, out: &mut Vec<Vec<u8>>) {
        match hir.kind() {
            HirKind::Literal(lit) => out.push(lit.0.to_vec()),
            HirKind::Capture(cap) => walk(&cap.sub, out),
            HirKind::Repetition(rep) if rep.min > 0 => walk(&rep.sub, out),
            HirKind::Concat(parts) => parts.iter().for_each(|p| walk(p, out)),
            _ => {}
        }
    }
    let mut literals = Vec::new();
    walk(hir, &mut literals);
    let mut out: Vec<Word> = Vec::new();
    for piece in literals
        .iter()
        .flat_map(|l| l.split(|&b| b == b'\n' || b == b'\r'))
    {
        let word = Word {
            text: piece.to_vec(),
            ignore_case,
        };
        if piece.len() >= 3 && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// `pattern` parsed as the rules compile it, and whether it ignores case. Case variants would
/// multiply the literals past any limit: the literals are taken from the pattern as if it kept
/// case, and the words made of them ignore it.
fn parsed(pattern: &str) -> Option<(Hir, bool)> {
    let (pattern, ignore_case) = without_leading_ignore_case(pattern);
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&pattern)
        .ok()?;
    Some((hir, ignore_case))
}

/// `pattern` without the `i` of its leading flags group (`(?i)`, `(?mi)`), and whether it had one.
fn without_leading_ignore_case(pattern: &str) -> (String, bool) {
    if let Some(rest) = pattern.strip_prefix("(?") {
        if let Some(end) = rest.find(')') {
            let flags = &rest[..end];
            if flags.bytes().all(|b| b.is_ascii_alphabetic()) && flags.contains('i') {
                let kept: String = flags.chars().filter(|&c| c != 'i').collect();
                let tail = &rest[end + 1..];
                return match kept.is_empty() {
                    true => (tail.to_string(), true),
                    false => (format!("(?{kept}){tail}"), true),
                };
            }
        }
    }
    (pattern.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word as text, `(?i)` before those that ignore case.
    fn words(literals: &[Word]) -> Vec<String> {
        literals
            .iter()
            .map(|w| {
                let flag = if w.ignore_case { "(?i)" } else { "" };
                format!("{flag}{}", String::from_utf8_lossy(&w.text))
            })
            .collect()
    }

    fn prefixes(pattern: &str) -> Option<Vec<Word>> {
        let (hir, ignore_case) = parsed(pattern).unwrap();
        prefix_literals(&hir, ignore_case)
    }

    fn required(pattern: &str) -> Vec<Word> {
        let (hir, ignore_case) = parsed(pattern).unwrap();
        required_literals(&hir, ignore_case)
    }

    /// The words of a condition made of `literals`, once minimal.
    fn condition(literals: Vec<Word>) -> Vec<String> {
        match &minimal(vec![Condition::Words(literals)])[..] {
            [Condition::Words(list)] => words(list),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn prefixes_are_cut_at_line_breaks_and_keep_case_unless_the_pattern_ignores_it() {
        let pem = r"-----BEGIN RSA PRIVATE KEY-----(?:\r?\n|\\n)(?P<secret>[A-Z]+)";
        let pem = condition(prefixes(pem).unwrap());
        assert_eq!(pem, ["-----BEGIN RSA PRIVATE KEY-----"]);
        let signature = prefixes(r#"(?i)\bsignature\b["']*\s*="#).unwrap();
        assert_eq!(condition(signature), ["(?i)signature"]);
        let netrc = prefixes(r"(?mi)\bmachine[ \t]+\S+").unwrap();
        assert_eq!(condition(netrc), ["(?i)machine\t", "(?i)machine "]);
        let inner = prefixes(r"(?i:ab)cd").unwrap();
        assert_eq!(condition(inner), ["(?i)abcd"]);
        let netrc = r"(?i)\bmachine[ \t]+\S+\s+(?:login[ \t]+\S+\s+)?password[ \t]+(?P<secret>\S+)";
        assert_eq!(words(&required(netrc)), ["(?i)machine", "(?i)password"]);
        let block = r"-----BEGIN X-----\r?\n(?P<secret>[A-Z\n]+)\n-----END X-----";
        assert_eq!(
            words(&required(block)),
            ["-----BEGIN X-----", "-----END X-----"]
        );
        assert!(required(r"(?:abcd|efgh)x?y*").is_empty());
        // No literal, or one too short to be worth a search.
        assert!(prefixes(r"[a-z]+=").is_none());
        assert!(prefixes(r"(?:x|yz)[0-9]").is_none());
    }

    #[test]
    fn a_group_is_complete_only_when_each_of_its_conditions_holds() {
        let rules = crate::rules::compile_all(&[]).unwrap();
        let locality = Locality::new(&rules);
        let local = |text: &str| locality.is_local(&locality.evidence(text.as_bytes()));
        // `reject_nearby` of the generic rule needs both siblings; either alone is local.
        assert!(local("let signature = sign(body);\n"));
        assert!(local("\"timestamp\": 1661621710,\n"));
        assert!(!local("\"timestamp\": 1,\n\"signature\": \"ef\"\n"));
        // A private key block needs its keyword and its exact opening line, case kept.
        assert!(local("// the private key is read from the agent\n"));
        assert!(local("-----begin rsa private key-----\n"));
        assert!(local("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert!(!local(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"
        ));
        // `.netrc`: `machine` and `password` both.
        assert!(local("the machine running the build\n"));
        assert!(!local("machine example.com\npassword hunter22\n"));
        // Words that overlap are each seen.
        assert!(!local(
            "x-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----"
        ));
        assert!(!local("kind: Secret\n"));
        assert!(local("kind: secret\n"));
        // Evidence from two texts answers for any text made of their lines.
        let (a, b) = ("\"timestamp\": 1,\n", "\"signature\": \"ef\"\n");
        let both = locality
            .evidence(a.as_bytes())
            .union(&locality.evidence(b.as_bytes()));
        assert!(!locality.is_local(&both));
        assert!(locality.is_local(&locality.evidence(a.as_bytes())));
    }

    /// A custom rule's `reject_nearby` regex that gives no literal is asked of each text as it is,
    /// as one more condition of its group.
    #[test]
    fn a_reject_nearby_regex_without_literals_is_asked_as_it_is() {
        let rules = crate::rules::compile_all(&[]).unwrap();
        let generic = rules.iter().find(|r| r.id() == "generic-api-key").unwrap();
        let mut spec = generic.spec.clone();
        spec.reject_nearby = vec![r"[0-9]{4}-[0-9]{2}".into(), r"(?i)\bsignature\b".into()];
        let rule = Rule::compile(spec).unwrap();
        let locality = Locality::new(std::slice::from_ref(&rule));
        assert_eq!(locality.fallback.len(), 1);
        let local = |text: &str| locality.is_local(&locality.evidence(text.as_bytes()));
        assert!(local("signature\n"));
        assert!(local("released 2024-05\n"));
        assert!(!local("released 2024-05\nsignature\n"));
    }
}
