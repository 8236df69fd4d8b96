//! The baseline: findings a repository has accepted, recorded by `keygate baseline` in the tracked
//! file `.keygate-baseline` at the repository root, so that they stop blocking in every mode.
//!
//! The file holds no secret. Its header carries a random per-repository salt, generated when the
//! file is first written and kept by every update, that keys the fingerprints: a fingerprint is a
//! keyed hash of rule id, file and secret, so it does not change when lines move, it is the same
//! in every clone (the salt is tracked) and in every mode, and it cannot be reversed by hashing
//! candidate short secrets without the salt. Entries are sorted by file, rule id and fingerprint so
//! that diffs stay small and reviewable.

use crate::error::{Error, Result};
use crate::finding::{Finding, Fingerprinter};
use crate::report::Report;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".keygate-baseline";

const HEADER: &str = "\
# keygate baseline: accepted findings that do not block (`keygate baseline` wrote this file).
# One finding per line: fingerprint, rule id, file. A fingerprint is a hash of the rule id, the
# file and the secret, keyed with the salt below: it holds no secret and survives moved lines.
# Review changes to this file like code. `keygate baseline --update` adds the current findings.
";

/// One accepted finding. Only the fingerprint is matched; rule id and file are for people.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub file: String,
    pub rule_id: String,
    pub fingerprint: String,
}

impl Entry {
    pub fn of(finding: &Finding) -> Entry {
        Entry {
            file: finding.file.clone(),
            rule_id: finding.rule_id.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }
}

/// The parsed baseline file; empty (and unsalted) when there is none.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Hex salt keying the fingerprints; `None` when there is no baseline file yet.
    pub salt: Option<String>,
    pub entries: BTreeSet<Entry>,
    /// Where it was read from.
    pub path: Option<PathBuf>,
}

impl Baseline {
    /// Reads `.keygate-baseline` from the repository root; an empty baseline when there is none.
    pub fn load(root: &Path) -> Result<Baseline> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut baseline = Baseline::parse(&path, &text)?;
        baseline.path = Some(path);
        Ok(baseline)
    }

    /// Parses the baseline format; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline> {
        let error = |line: usize, column: usize, message: String| Error::Config {
            path: path.to_path_buf(),
            line,
            column,
            message,
        };
        let mut baseline = Baseline::default();
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (first, after) = split_word(trimmed);
            let (second, rest) = split_word(after);
            if first == "salt" {
                if !is_hex(second, 32..=128) || !rest.is_empty() {
                    return Err(error(
                        line_no,
                        1,
                        "the salt line is `salt <hex>` (regenerate the file with `keygate baseline`)"
                            .into(),
                    ));
                }
                baseline.salt = Some(second.to_string());
                continue;
            }
            if !is_hex(first, 32..=32) {
                return Err(error(
                    line_no,
                    1,
                    "expected `<32-hex-digit fingerprint> <rule id> <file>`".into(),
                ));
            }
            baseline.entries.insert(Entry {
                fingerprint: first.to_string(),
                rule_id: second.to_string(),
                file: rest.to_string(),
            });
        }
        if baseline.salt.is_none() && !baseline.entries.is_empty() {
            return Err(error(
                1,
                1,
                "no `salt` line: the fingerprints cannot be checked (regenerate the file with \
                 `keygate baseline`)"
                    .into(),
            ));
        }
        Ok(baseline)
    }

    /// The fingerprinter for this repository: keyed with the baseline's salt (tracked, so that
    /// teammates' fingerprints match), or, before there is a baseline, with a random key kept in
    /// `state_dir` (`.git/keygate/`, created when missing), or with a fresh random key outside a
    /// repository. Never with a public constant.
    pub fn fingerprinter(&self, state_dir: Option<&Path>) -> Result<Fingerprinter> {
        if let Some(salt) = &self.salt {
            return Ok(Fingerprinter::with_key(
                format!("keygate baseline salt {salt}").as_bytes(),
            ));
        }
        // Without a baseline, fingerprints match nothing, so a state folder that cannot be
        // written (a read-only checkout) only costs their stability between runs. The local key
        // never leaves the machine: no stretching (see `Fingerprinter`).
        Ok(state_dir
            .and_then(|dir| local_key(dir).ok())
            .map_or_else(Fingerprinter::default, |key| Fingerprinter::private(&key)))
    }

    /// A new random salt.
    pub fn new_salt() -> Result<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| {
            Error::io(
                FILE_NAME,
                std::io::Error::other(format!("no randomness for the salt: {e}")),
            )
        })?;
        Ok(bytes.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }))
    }

    /// Drops the findings the baseline lists from `report` (in every mode alike) and notes how
    /// many there were.
    pub fn apply(&self, report: &mut Report) {
        if self.entries.is_empty() {
            return;
        }
        let fingerprints: BTreeSet<&str> = self
            .entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = report.findings.len();
        report.retain(|f| !fingerprints.contains(f.fingerprint.as_str()));
        let hidden = before - report.findings.len();
        if hidden > 0 {
            report.notes.push(format!(
                "{hidden} finding(s) recorded in {FILE_NAME} not shown (accepted, not blocking)"
            ));
        }
    }

    /// The file's text: header, salt, then entries sorted by file, rule id and fingerprint.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        let _ = writeln!(out, "salt {}", self.salt.as_deref().unwrap_or_default());
        for e in &self.entries {
            // Keep one entry on one line whatever the file name holds.
            let file: String = e
                .file
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect();
            let _ = writeln!(out, "{}  {}  {}", e.fingerprint, e.rule_id, file);
        }
        out
    }
}

/// The file in keygate's state folder (`.git/keygate/`) that keeps the fingerprint key used
/// before a baseline exists.
pub const LOCAL_KEY_FILE: &str = "fingerprint-key";

/// The repository's local fingerprint key, from `dir/fingerprint-key`, created (random, mode
/// 0600) when missing.
fn local_key(dir: &Path) -> Result<Vec<u8>> {
    let path = dir.join(LOCAL_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if is_hex(text.trim(), 64..=64) => return Ok(text.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(Error::Usage(format!(
            "{} is not a fingerprint key (64 hex digits); delete it and keygate makes a new one",
            path.display()
        )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path, e)),
    }
    let key = Baseline::new_salt()?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // Written beside, then renamed: two checks at once agree on one key.
    let tmp = dir.join(format!("{LOCAL_KEY_FILE}.{}", std::process::id()));
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(|e| Error::io(&tmp, e))?;
        file.write_all(key.as_bytes())
            .map_err(|e| Error::io(&tmp, e))?;
    }
    // A key another check wrote first wins.
    if let Err(e) = std::fs::hard_link(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(Error::io(&path, e));
        }
        return local_key(dir);
    }
    let _ = std::fs::remove_file(&tmp);
    Ok(key.into_bytes())
}

/// The first whitespace-separated word of `s`, and the rest with leading whitespace removed.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

fn is_hex(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_then_parse_round_trips_sorted() {
        let mut b = Baseline {
            salt: Some("ab".repeat(32)),
            ..Default::default()
        };
        for (file, rule, fp) in [
            ("z.py", "r", "1"),
            ("a b.py", "r2", "2"),
            ("a b.py", "r1", "3"),
        ] {
            b.entries.insert(Entry {
                file: file.into(),
                rule_id: rule.into(),
                fingerprint: fp.repeat(32),
            });
        }
        let text = b.render();
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(body[0], format!("salt {}", "ab".repeat(32)));
        assert!(body[1].ends_with("r1  a b.py"), "{}", body[1]);
        assert!(body[2].ends_with("r2  a b.py"));
        assert!(body[3].ends_with("r  z.py"));
        let parsed = Baseline::parse(Path::new(FILE_NAME), &text).unwrap();
        assert_eq!(parsed.entries, b.entries);
        assert_eq!(parsed.salt, b.salt);
    }

    #[test]
    fn bad_lines_are_errors_with_their_line() {
        let cases: &[(&str, usize)] = &[
            ("salt zz\n", 1),
            (
                "salt 00000000000000000000000000000000\nnot-a-fingerprint r f\n",
                2,
            ),
            ("0123456789abcdef0123456789abcdef r f\n", 1),
        ];
        for (text, want) in cases {
            match Baseline::parse(Path::new(FILE_NAME), text) {
                Err(Error::Config { line, .. }) => assert_eq!(line, *want, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn salt_keys_the_fingerprints() {
        let secret = crate::finding::Secret::new(b"s3cr3tvalue");
        let a = Baseline {
            salt: Some("01".repeat(32)),
            ..Default::default()
        };
        let b = Baseline {
            salt: Some("02".repeat(32)),
            ..Default::default()
        };
        let fp = |b: &Baseline| b.fingerprinter(None).unwrap().secret("r", "f", &secret);
        let fa = fp(&a);
        assert_eq!(fa, fp(&a));
        assert_ne!(fa, fp(&b));
        assert_ne!(fa, fp(&Baseline::default()));
        // Before a baseline, a key kept in the state folder: stable there, random per folder.
        let dir = tempfile::tempdir().unwrap();
        let local = |d: &Path| {
            Baseline::default()
                .fingerprinter(Some(d))
                .unwrap()
                .secret("r", "f", &secret)
        };
        assert_eq!(local(dir.path()), local(dir.path()));
        let other = tempfile::tempdir().unwrap();
        assert_ne!(local(dir.path()), local(other.path()));
        assert_ne!(Baseline::new_salt().unwrap(), Baseline::new_salt().unwrap());
    }
}
