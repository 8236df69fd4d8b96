//! The scanner: text in, matches out. It composes prefilter → regex → filters and does no I/O,
//! printing or colouring.

mod decoded;
pub(crate) mod entropy;
pub mod examples;
pub(crate) mod filters;
mod keywords;
pub(crate) mod known;
mod locality;
mod prefilter;

use crate::finding::{Category, Finding, Fingerprinter, Secret};
use crate::rules::Rule;
use filters::Allowlist;
pub use locality::{Evidence, Locality};
use memchr::{memchr, memrchr};
use prefilter::Prefilter;
use std::sync::OnceLock;

/// How far before and after a keyword a line-bound rule looks; bounds the regex work per keyword
/// on minified files whose single line is megabytes long.
const LOOK_BEHIND: usize = 512;
const LOOK_AHEAD: usize = 1024;
/// How far before and after its keyword's line a rule with `context_lines` looks, at most.
const CONTEXT_BYTES: usize = 1024;
/// The lines on each side of a match that its rule's `reject_nearby` reads.
const NEARBY_LINES: usize = 3;
/// How far after its keyword a multi-line rule (a private key block) looks.
const MULTILINE_AHEAD: usize = 64 * 1024;

/// A secret found in a text, located by byte offset and by 1-based line and character column.
#[derive(Debug)]
pub struct Match {
    pub rule: usize,
    pub offset: usize,
    pub line: u64,
    pub column: u64,
    pub secret: Secret,
}

/// The compiled, enabled rules behind one keyword prefilter.
pub struct Scanner {
    rules: Vec<Rule>,
    prefilter: Prefilter,
    allow: Allowlist,
    /// See [`Scanner::locality`].
    locality: OnceLock<Locality>,
}

struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
}

impl Scanner {
    /// Keeps the enabled rules of `rules`.
    pub fn new(rules: Vec<Rule>, allow: Allowlist) -> Scanner {
        let rules: Vec<Rule> = rules.into_iter().filter(|r| r.enabled).collect();
        let keywords: Vec<&[String]> = rules.iter().map(|r| r.spec.keywords.as_slice()).collect();
        let prefilter = Prefilter::new(&keywords);
        Scanner {
            rules,
            prefilter,
            allow,
            locality: OnceLock::new(),
        }
    }

    /// What decides whether a text's matches each depend on their own line, built on first use.
    pub fn locality(&self) -> &Locality {
        self.locality.get_or_init(|| Locality::new(&self.rules))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// Every secret in `text`, in order of position. Lines and columns are relative to `text`.
    pub fn scan(&self, text: &[u8]) -> Vec<Match> {
        let candidates = self.candidates(text);
        let found = self.locate(text, candidates);
        self.with_decoded(text, found)
    }

    /// `found` plus the secrets of values that `text` holds encoded (the base64 `data:` of
    /// Kubernetes `Secret` manifests): each value is decoded into `KEY=value`, scanned with the
    /// same rules, and a secret found in it is reported at the encoded value, in place of any
    /// match on the encoded text itself.
    fn with_decoded(&self, text: &[u8], mut found: Vec<Match>) -> Vec<Match> {
        if !decoded::may_hold_k8s_secret(text) {
            return found;
        }
        let mut added = false;
        for e in decoded::k8s_secret_values(text) {
            let inner = self.locate(&e.text, self.candidates(&e.text));
            let Some(m) = inner.into_iter().find(|m| m.offset >= e.value_at) else {
                continue;
            };
            let line_start = memrchr(b'\n', &text[..e.start]).map_or(0, |i| i + 1);
            let line_end = memchr(b'\n', &text[e.end..]).map_or(text.len(), |i| e.end + i);
            let line_text = &text[line_start..line_end];
            if filters::has_allow_marker(line_text)
                || self.allow.allows(m.secret.expose(), line_text)
            {
                continue;
            }
            found.retain(|f| f.offset < e.start || f.offset >= e.end);
            found.push(Match {
                rule: m.rule,
                offset: e.start,
                line: memchr::memchr_iter(b'\n', &text[..e.start]).count() as u64 + 1,
                column: char_count(&text[line_start..e.start]) + 1,
                secret: m.secret,
            });
            added = true;
        }
        if added {
            found.sort_by_key(|m| m.offset);
        }
        found
    }

    /// [`Scanner::scan`] for a caller that wants only the secrets touching some lines (the lines
    /// a staged change adds): `wanted(first, last)` says whether any of the 1-based lines
    /// `first..=last` is wanted. Regexes run only on the keyword windows of wanted lines and on
    /// the windows overlapping those (whose matches could take precedence over theirs), so a
    /// rule whose keyword occurs only elsewhere is not even compiled. Every match of `scan` on a
    /// wanted line is returned, with the same line and column; others may be too.
    pub fn scan_lines(&self, text: &[u8], wanted: impl Fn(u64, u64) -> bool) -> Vec<Match> {
        let mut windows = self.windows(text);
        keep_wanted(&mut windows, text, wanted);
        let candidates = self.candidates_in(text, windows);
        let found = self.locate(text, candidates);
        self.with_decoded(text, found)
    }

    /// Compiles the regexes that [`Scanner::scan_lines`] with the same arguments runs, in the
    /// reverse of the order it runs them: a second thread calling this while the first scans
    /// shares the work (a regex being compiled by one thread is waited for by the other).
    pub fn compile_for_lines(&self, text: &[u8], wanted: impl Fn(u64, u64) -> bool) {
        let mut windows = self.windows(text);
        keep_wanted(&mut windows, text, wanted);
        for (rule, start, end) in windows.into_iter().rev() {
            let rule = &self.rules[rule];
            if rule.may_match(&text[start..end]) {
                rule.regex();
            }
        }
    }

    /// Regex matches that pass the rule's own checks (length, entropy, checksum, placeholder).
    fn candidates(&self, text: &[u8]) -> Vec<Candidate> {
        self.candidates_in(text, self.windows(text))
    }

    /// [`Scanner::candidates`] within `windows` (from [`Scanner::windows`]).
    fn candidates_in(&self, text: &[u8], windows: Vec<(usize, usize, usize)>) -> Vec<Candidate> {
        let mut found = Vec::new();
        for (index, start, end) in windows {
            let rule = &self.rules[index];
            if !rule.may_match(&text[start..end]) {
                continue;
            }
            for group in rule.regex().secrets(&text[start..end]) {
                if let Some(reject) = rule.reject_before() {
                    let at = start + group.start;
                    let line = memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
                    if reject.is_match(&text[line.max(at.saturating_sub(LOOK_BEHIND))..at]) {
                        continue;
                    }
                }
                let nearby = rule.reject_nearby();
                if !nearby.is_empty() {
                    let (s, e) = line_window(text, start + group.start, start + group.end);
                    let (s, e) = context_window(text, s, e, NEARBY_LINES);
                    if nearby.iter().all(|r| r.is_match(&text[s..e])) {
                        continue;
                    }
                }
                if self.accepts(rule, &text[start + group.start..start + group.end]) {
                    found.push(Candidate {
                        rule: index,
                        start: start + group.start,
                        end: start + group.end,
                    });
                }
            }
        }
        self.resolve_overlaps(found)
    }

    /// The `(rule, start, end)` windows of text that each rule's regex must search: the line
    /// around each of its keywords (bounded on long lines), or the next 64 KiB for multi-line
    /// rules. Hits arrive in order, so each rule keeps one open window that the next hit extends
    /// or closes: no byte is searched twice by a rule, and nothing needs sorting.
    fn windows(&self, text: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut open: Vec<Option<(usize, usize)>> = vec![None; self.rules.len()];
        let mut out = Vec::new();
        // The last line window computed, reused while hits stay inside that line.
        let mut line: Option<(usize, usize)> = None;
        for hit in self.prefilter.hits(text) {
            let (start, line_end) = match line {
                Some((s, e)) if hit.end <= e && is_line(text, s, e) => (s, e),
                _ => {
                    let w = line_window(text, hit.start, hit.end);
                    line = Some(w);
                    w
                }
            };
            let keywords = |rule: usize| self.rules[rule].spec.keywords.as_slice();
            for rule in self.prefilter.rules_of(&hit, text, keywords) {
                let spec = &self.rules[rule].spec;
                let (start, end) = if spec.multiline {
                    (start, text.len().min(hit.end + MULTILINE_AHEAD))
                } else if spec.context_lines > 0 {
                    context_window(text, start, line_end, spec.context_lines)
                } else {
                    (start, line_end)
                };
                match &mut open[rule] {
                    Some((_, e)) if start <= *e => *e = (*e).max(end),
                    slot => {
                        if let Some((s, e)) = slot.replace((start, end)) {
                            out.push((rule, s, e));
                        }
                    }
                }
            }
        }
        out.extend(
            open.into_iter()
                .enumerate()
                .filter_map(|(rule, w)| w.map(|(s, e)| (rule, s, e))),
        );
        out
    }

    fn accepts(&self, rule: &Rule, secret: &[u8]) -> bool {
        let spec = &rule.spec;
        secret.len() >= spec.min_length.unwrap_or(1)
            && spec
                .min_entropy
                .is_none_or(|min| entropy::shannon(secret) >= entropy::threshold(secret, min))
            && rule.validator.is_none_or(|v| v.check(secret))
            && !filters::is_placeholder(secret)
    }

    /// The same secret found by several rules is reported once: a specific rule wins over a
    /// generic one, and among equals the first in catalog order.
    fn resolve_overlaps(&self, mut found: Vec<Candidate>) -> Vec<Candidate> {
        found.sort_unstable_by_key(|c| (c.start, c.rule));
        let generic = |c: &Candidate| self.rules[c.rule].spec.generic;
        let mut keep = vec![true; found.len()];
        for i in 0..found.len() {
            for j in i + 1..found.len() {
                if found[j].start >= found[i].end {
                    break;
                }
                let (a, b) = (&found[i], &found[j]);
                match (generic(a), generic(b)) {
                    (true, false) => keep[i] = false,
                    (false, true) => keep[j] = false,
                    _ if a.start == b.start && a.end == b.end => keep[j] = false,
                    _ => {}
                }
            }
        }
        found
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect()
    }

    /// Adds line and column to each candidate and applies the line-level filters. Candidates come
    /// sorted by offset, so lines and columns are counted incrementally: one pass over the text even
    /// when a megabyte-long line holds many matches.
    fn locate(&self, text: &[u8], candidates: Vec<Candidate>) -> Vec<Match> {
        let mut out = Vec::with_capacity(candidates.len());
        let mut line = 1u64;
        let (mut line_start, mut line_info) = (0usize, None::<(usize, bool)>);
        let (mut col_offset, mut column) = (0usize, 1u64);
        for c in candidates {
            let newlines = memchr::memchr_iter(b'\n', &text[col_offset..c.start]).count();
            if newlines > 0 {
                line += newlines as u64;
                line_start =
                    memrchr(b'\n', &text[col_offset..c.start]).map_or(0, |i| col_offset + i + 1);
                line_info = None;
                col_offset = line_start;
                column = 1;
            }
            column += char_count(&text[col_offset..c.start]);
            col_offset = c.start;
            let (end, marked) = *line_info.get_or_insert_with(|| {
                let end = memchr(b'\n', &text[c.start..]).map_or(text.len(), |i| c.start + i);
                (end, filters::has_allow_marker(&text[line_start..end]))
            });
            let secret = &text[c.start..c.end];
            if marked || self.allow.allows(secret, &text[line_start..end]) {
                continue;
            }
            out.push(Match {
                rule: c.rule,
                offset: c.start,
                line,
                column,
                secret: Secret::new(secret),
            });
        }
        out
    }

    /// The finding for a match in `file`.
    pub fn finding(&self, m: &Match, file: &str, fingerprints: &Fingerprinter) -> Finding {
        let rule = &self.rules[m.rule];
        Finding {
            rule_id: rule.spec.id.to_string(),
            category: Category::Secret,
            severity: rule.severity,
            file: file.to_string(),
            line: Some(m.line),
            column: Some(m.column),
            commit: None,
            redacted: Some(m.secret.redacted()),
            fingerprint: fingerprints.secret(&rule.spec.id, file, &m.secret),
            message: format!("{} hard-coded in source", rule.spec.description),
            remedy: rule.spec.remedy.to_string(),
            provenance: None,
        }
    }
}

/// Keeps the `(rule, start, end)` windows that lie in a group of overlapping (or touching)
/// windows spanning a line that `wanted` accepts. A candidate can only displace another whose
/// bytes it overlaps (see `resolve_overlaps`), so the matches of wanted lines are those a scan of
/// every window finds.
fn keep_wanted(
    windows: &mut Vec<(usize, usize, usize)>,
    text: &[u8],
    wanted: impl Fn(u64, u64) -> bool,
) {
    if windows.is_empty() {
        return;
    }
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text).collect();
    // The 1-based line holding byte `at`.
    let line_of = |at: usize| newlines.partition_point(|&n| n < at) as u64 + 1;
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_unstable_by_key(|&i| windows[i].1);
    let mut keep = vec![false; windows.len()];
    let mut group: Vec<usize> = Vec::new();
    let (mut lo, mut hi) = (0, 0);
    let mut close = |group: &mut Vec<usize>, lo: usize, hi: usize| {
        if wanted(line_of(lo), line_of(hi.saturating_sub(1).max(lo))) {
            for &i in group.iter() {
                keep[i] = true;
            }
        }
        group.clear();
    };
    for i in order {
        let (_, start, end) = windows[i];
        if !group.is_empty() && start > hi {
            close(&mut group, lo, hi);
        }
        if group.is_empty() {
            (lo, hi) = (start, end);
        } else {
            hi = hi.max(end);
        }
        group.push(i);
    }
    close(&mut group, lo, hi);
    let mut keep = keep.into_iter();
    windows.retain(|_| keep.next().unwrap_or(false));
}

/// The line around `start..end`, at most `LOOK_BEHIND` bytes before and `LOOK_AHEAD` after.
fn line_window(text: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo = start.saturating_sub(LOOK_BEHIND);
    let line_start = memrchr(b'\n', &text[lo..start]).map_or(lo, |i| lo + i + 1);
    let hi = text.len().min(end + LOOK_AHEAD);
    let line_end = memchr(b'\n', &text[end..hi]).map_or(hi, |i| end + i);
    (line_start, line_end)
}

/// The window of a rule with `context_lines = n` around the keyword's line `start..end`: `n`
/// lines before and after it, at most `CONTEXT_BYTES` bytes on each side.
fn context_window(text: &[u8], start: usize, end: usize, n: usize) -> (usize, usize) {
    let lo = start.saturating_sub(CONTEXT_BYTES);
    let mut from = start;
    for _ in 0..n {
        if from <= lo {
            break;
        }
        // `from - 1` is the newline ending the previous line (or a clipped line's byte).
        from = memrchr(b'\n', &text[lo..from - 1]).map_or(lo, |i| lo + i + 1);
    }
    let hi = text.len().min(end + CONTEXT_BYTES);
    let mut to = end;
    for _ in 0..n {
        if to >= hi {
            break;
        }
        to = memchr(b'\n', &text[to + 1..hi]).map_or(hi, |i| to + 1 + i);
    }
    (from, to)
}

/// Whether `start..end` is a whole line, not one clipped on a long line.
fn is_line(text: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || text[start - 1] == b'\n') && (end == text.len() || text[end] == b'\n')
}

/// Characters (not bytes) in `bytes`: UTF-8 continuation bytes do not start a character.
pub fn char_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

#[cfg(test)]
mod tests;
