//! The lines a new version of a file brings: the lines of `new` that `old` holds nowhere, gathered
//! into one text so that a history audit scans what each version adds instead of every version
//! whole.
//!
//! This is exact for line-bound rules, whose matches depend on nothing but their own line: a line
//! that `old` also holds has the same matches there. Lines need not be aligned as in a diff, which
//! makes the comparison cheap: the common first and last lines are skipped with `memcmp`, and the
//! lines in between are looked up in a set of `old`'s lines.

use crate::bytes::{common_prefix, common_suffix};
use crate::engine::Match;
use memchr::{memchr, memchr_iter, memrchr};
use std::collections::HashSet;

/// Lines shorter than this are taken as new without a look-up.
const SHORT: usize = 8;

/// The novel lines of a version, joined (each ends with `\n`), and where each run of them sits in
/// the version.
#[derive(Debug, Default)]
pub struct NovelLines {
    pub text: Vec<u8>,
    runs: Vec<Run>,
}

/// Consecutive novel lines: copied to `text` at `text_start` (line `text_line`) from `offset`
/// (line `line`) of the version.
#[derive(Debug)]
struct Run {
    text_start: usize,
    text_line: u64,
    offset: usize,
    line: u64,
}

impl NovelLines {
    /// The lines of `new` that are not lines of `old`.
    pub fn between(old: &[u8], new: &[u8]) -> NovelLines {
        // Whole lines shared at the start: up to the last newline inside the common prefix.
        let common = common_prefix(old, new);
        let head = if common == new.len() && (common == old.len() || old[common] == b'\n') {
            common
        } else {
            memrchr(b'\n', &new[..common]).map_or(0, |i| i + 1)
        };
        // Whole lines shared at the end, not reaching into the shared start.
        let room = (new.len() - head).min(old.len() - head);
        let common_end = common_suffix(&old[old.len() - room..], &new[new.len() - room..]);
        // The shared end starts inside a line: the tail is the whole lines after its first
        // newline, which sits at the same place from the end in both versions.
        let from = new.len() - common_end;
        let tail_start = memchr(b'\n', &new[from..]).map_or(new.len(), |i| from + i + 1);
        let middle_new = &new[head..tail_start];
        if middle_new.is_empty() {
            return NovelLines::default();
        }
        let middle_old = &old[head..old.len() - (new.len() - tail_start)];
        // Short lines are not looked up: they are scanned as new, which costs less than
        // hashing every brace and blank line of both versions.
        let mut known: HashSet<&[u8], foldhash::fast::FixedState> =
            HashSet::with_capacity_and_hasher(
                memchr_iter(b'\n', middle_old).count() + 1,
                Default::default(),
            );
        known.extend(lines(middle_old).filter(|l| l.len() >= SHORT));

        let mut out = NovelLines::default();
        let first = 1 + memchr_iter(b'\n', &new[..head]).count() as u64;
        let mut text_line = 1u64;
        let mut offset = head;
        let mut open = false;
        for (line, l) in (first..).zip(lines(middle_new)) {
            if l.len() >= SHORT && known.contains(l) {
                open = false;
            } else {
                if !open {
                    out.runs.push(Run {
                        text_start: out.text.len(),
                        text_line,
                        offset,
                        line,
                    });
                    open = true;
                }
                out.text.extend_from_slice(l);
                out.text.push(b'\n');
                text_line += 1;
            }
            offset += l.len() + 1;
        }
        out
    }

    /// Moves a match found in `text` to its place in the version.
    pub fn relocate(&self, mut m: Match) -> Match {
        let run = match self.runs.binary_search_by(|r| r.text_start.cmp(&m.offset)) {
            Ok(i) => &self.runs[i],
            Err(i) => &self.runs[i - 1],
        };
        m.offset = run.offset + (m.offset - run.text_start);
        m.line = run.line + (m.line - run.text_line);
        m
    }
}

/// The lines of `text` without their `\n`; a final `\n` does not start another line.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(line, text)` of each novel line, read back through the runs.
    fn novel(old: &str, new: &str) -> Vec<(u64, String)> {
        let n = NovelLines::between(old.as_bytes(), new.as_bytes());
        let mut out = Vec::new();
        for (k, l) in lines(&n.text).enumerate() {
            let start = lines(&n.text).take(k).map(|l| l.len() + 1).sum::<usize>();
            let run = match n.runs.binary_search_by(|r| r.text_start.cmp(&start)) {
                Ok(i) => &n.runs[i],
                Err(i) => &n.runs[i - 1],
            };
            let line = run.line + (k as u64 + 1 - run.text_line);
            let offset = run.offset + (start - run.text_start);
            assert_eq!(
                &new.as_bytes()[offset..offset + l.len()],
                l,
                "offset of {line}"
            );
            out.push((line, String::from_utf8(l.to_vec()).unwrap()));
        }
        out
    }

    fn owned(v: &[(u64, &str)]) -> Vec<(u64, String)> {
        v.iter().map(|&(n, s)| (n, s.to_string())).collect()
    }

    #[test]
    fn only_lines_the_old_version_lacks() {
        assert!(novel("a\nb\nc\n", "a\nb\nc\n").is_empty());
        assert_eq!(
            novel("a\nb\n", "a\nb\nc\nd\n"),
            owned(&[(3, "c"), (4, "d")])
        );
        assert_eq!(novel("a\nb\nc\n", "a\nX\nc\n"), owned(&[(2, "X")]));
        assert_eq!(novel("", "a\nb"), owned(&[(1, "a"), (2, "b")]));
        assert!(novel("a\nb\n", "").is_empty());
        // Moved lines are not new; short ones are scanned again rather than looked up.
        assert!(novel(
            "alpha---\nbravo---\ncharlie-\n",
            "charlie-\nalpha---\nbravo---\n"
        )
        .is_empty());
        assert_eq!(
            novel("a\nb\nc\n", "c\na\nb\n"),
            owned(&[(1, "c"), (2, "a"), (3, "b")])
        );
        // Edits at both ends.
        assert_eq!(
            novel("a\nbravo---\ncharlie-\nd\n", "A\nbravo---\ncharlie-\nD\n"),
            owned(&[(1, "A"), (4, "D")])
        );
    }

    #[test]
    fn part_of_an_old_line_is_not_that_line() {
        let s = "SECRET_VALUE";
        let n = |old: String, new: String| novel(&old, &new);
        assert_eq!(
            n(format!("k\nx{s}\n"), format!("k\n{s}\n")),
            owned(&[(2, s)])
        );
        assert_eq!(n(format!("k\n{s}x"), format!("k\n{s}")), owned(&[(2, s)]));
        let longer = format!("{s}x");
        assert_eq!(
            n(format!("k\n{s}"), format!("k\n{longer}")),
            owned(&[(2, &longer)])
        );
        assert_eq!(
            n(format!("{s}\nk\n"), "SECRET_V\nk\n".into()),
            owned(&[(1, "SECRET_V")])
        );
        // A missing final newline does not make a line new.
        assert!(n(format!("k\n{s}\n"), format!("k\n{s}")).is_empty());
    }

    #[test]
    fn random_edits_report_every_new_line_where_it_is() {
        // A small deterministic generator: texts over a tiny alphabet collide often.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..4000 {
            let mut text = |max: u64| -> String {
                let len = next(max);
                (0..len)
                    .map(|_| ['a', 'b', '\n'][next(3) as usize])
                    .collect()
            };
            // Long shared starts and ends take the block-wise comparison.
            let (start, end) = (text(300), text(300));
            let (old, new) = (text(14), text(14));
            let (old, new) = (start.clone() + &old + &end, start + &new + &end);
            let got = novel(&old, &new);
            let old_lines: HashSet<&[u8]> = lines(old.as_bytes()).collect();
            let all: Vec<(u64, String)> = new
                .split_inclusive('\n')
                .map(|l| l.trim_end_matches('\n').to_string())
                .enumerate()
                .map(|(i, l)| (i as u64 + 1, l))
                .collect();
            for (line, l) in &all {
                if !old_lines.contains(l.as_bytes()) {
                    assert!(
                        got.contains(&(*line, l.clone())),
                        "{old:?} -> {new:?}: {line}"
                    );
                }
            }
            for g in &got {
                assert!(all.contains(g), "{old:?} -> {new:?}: {g:?}");
            }
        }
    }
}
