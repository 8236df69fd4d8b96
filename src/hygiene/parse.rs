//! Reading a `.env` file with `dotenvy` (export prefixes, quotes, multi-line values, comments)
//! into variables with their line numbers, and the heuristics that tell a real-looking key from a
//! placeholder or an ordinary setting.
//!
//! `dotenvy` substitutes `$VAR` and `${VAR}` from the process environment. A value that came out
//! of a substitution is not what the file holds (and may be a secret of the machine running the
//! check), so such values are dropped: a value counts only when the file holds it literally, or
//! when its logical line has no `$` at all (then only escapes like `\n` changed it).

use crate::engine::{entropy, filters};
use crate::finding::Secret;
use memchr::memmem;

/// One variable of a `.env` file. The value lives only in a [`Secret`].
#[derive(Debug)]
pub struct Var {
    pub name: String,
    /// `None` when the value came out of a `$` substitution (not held by the file itself).
    pub value: Option<Secret>,
    /// 1-based line of `NAME=` in the file.
    pub line: u64,
    /// 1-based character column of the name.
    pub column: u64,
    /// 1-based character column of the value on that line, when it is written there verbatim.
    pub value_column: Option<u64>,
}

/// A parsed `.env` file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub vars: Vec<Var>,
    /// 1-based line of the first line `dotenvy` could not parse. The rest of the file is still
    /// read where possible. (`dotenvy`'s own error message quotes the line, which may hold a
    /// secret, so it is never shown.)
    pub error_line: Option<u64>,
}

/// Parses `text` as a `.env` file. Never fails: what cannot be parsed is recorded.
pub fn parse(text: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let lines = line_starts(text);
    let keys: Vec<Option<(&[u8], usize)>> = (0..lines.len())
        .map(|i| key_of(line_at(text, &lines, i)))
        .collect();
    let mut cursor = 0usize; // first line index not yet given to a variable
    let mut iter = dotenvy::from_read_iter(text);
    // A bad line yields one error and the iterator carries on with the next line, except at an
    // unterminated quote, which consumes the rest of the file: bound the loop either way.
    for _ in 0..lines.len() + 1 {
        let Some(item) = iter.next() else { break };
        match item {
            Ok((name, value)) => {
                let found = (cursor..lines.len())
                    .find(|&i| keys[i].is_some_and(|(k, _)| k == name.as_bytes()));
                let Some(index) = found else { continue };
                let line_text = line_at(text, &lines, index);
                let next = (index + 1..lines.len())
                    .find(|&i| keys[i].is_some())
                    .unwrap_or(lines.len());
                let logical = &text[lines[index]..lines.get(next).copied().unwrap_or(text.len())];
                cursor = index + 1;
                let name_at = keys[index].map_or(0, |(_, at)| at);
                let verbatim =
                    !value.is_empty() && memmem::find(logical, value.as_bytes()).is_some();
                let value_column = if value.is_empty() {
                    None
                } else {
                    memmem::find(&line_text[name_at..], value.as_bytes())
                        .map(|at| char_column(line_text, name_at + at))
                };
                let literal = verbatim || !logical.contains(&b'$');
                parsed.vars.push(Var {
                    value: literal.then(|| Secret::new(value.as_bytes())),
                    name,
                    line: index as u64 + 1,
                    column: char_column(line_text, name_at),
                    value_column,
                });
            }
            Err(e) => {
                if parsed.error_line.is_none() {
                    parsed.error_line = Some(error_line(text, &lines, &e, cursor));
                }
            }
        }
    }
    parsed
}

fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
    if starts.last() == Some(&text.len()) && !text.is_empty() {
        starts.pop();
    }
    starts
}

fn line_at<'t>(text: &'t [u8], starts: &[usize], i: usize) -> &'t [u8] {
    let end = starts.get(i + 1).map_or(text.len(), |&e| e - 1);
    let line = &text[starts[i]..end.max(starts[i])];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The name a line assigns (`NAME=`, `export NAME=`), with its byte offset in the line.
fn key_of(line: &[u8]) -> Option<(&[u8], usize)> {
    let mut at = line.iter().position(|b| !b.is_ascii_whitespace())?;
    if line[at..].starts_with(b"export") && line.get(at + 6).is_some_and(u8::is_ascii_whitespace) {
        at += 6;
        at += line[at..].iter().position(|b| !b.is_ascii_whitespace())?;
    }
    let rest = &line[at..];
    if !rest
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return None;
    }
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
        .unwrap_or(rest.len());
    let after = rest[len..].iter().find(|b| !b.is_ascii_whitespace());
    (after == Some(&b'=')).then_some((&rest[..len], at))
}

fn char_column(line: &[u8], byte: usize) -> u64 {
    crate::engine::char_count(&line[..byte.min(line.len())]) + 1
}

/// The line of a parse error. `dotenvy` reports the logical line it failed on; find it in the
/// text, from the last variable on.
fn error_line(text: &[u8], starts: &[usize], err: &dotenvy::Error, cursor: usize) -> u64 {
    let from = starts.get(cursor).copied().unwrap_or(text.len());
    if let dotenvy::Error::LineParse(line, _) = err {
        let needle = line.trim_end_matches(['\n', '\r']);
        if !needle.is_empty() {
            if let Some(at) = memmem::find(&text[from..], needle.as_bytes()) {
                let offset = from + at;
                return starts.partition_point(|&s| s <= offset) as u64;
            }
        }
    }
    // Not found (e.g. not UTF-8): the first line after the last variable that names none.
    cursor as u64 + 1
}

/// Name parts that always make a variable secret-looking.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASS",
    "PRIVATE",
    "CREDENTIAL",
    "CREDENTIALS",
    "SIGNATURE",
    "SALT",
];

/// Name parts that make a variable secret-looking unless a public word goes with them.
const KEY_WORDS: &[&str] = &["KEY", "APIKEY", "KEYS"];

/// Name parts that mark a key as public by design (Stripe publishable keys, Supabase anon keys,
/// reCAPTCHA site keys, the public half of a key pair).
const PUBLIC_WORDS: &[&str] = &["PUBLISHABLE", "ANON", "PUBLIC", "SITE", "PUB"];

/// Whether a variable name says it holds a secret (`MIGOSMTP_API_KEY`, `DB_PASSWORD`,
/// `stripeSecretKey` too: camel case is split). `SUPABASE_ANON_KEY` and
/// `STRIPE_PUBLISHABLE_KEY` are not; `RECAPTCHA_SITE_SECRET` is.
pub fn is_secret_name(name: &str) -> bool {
    let parts = name_parts(name);
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(&p.as_str()));
    has(SECRET_WORDS) || (has(KEY_WORDS) && !has(PUBLIC_WORDS))
}

fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether `value` of variable `name` looks like a real key rather than a placeholder or an
/// ordinary setting. Under a secret-looking name: 12+ characters, no whitespace, not a
/// placeholder, Shannon entropy of at least 3 bits per character. Under any other name the bar
/// is higher (20+ characters, letters and digits, 3.5 bits), so that hosts, bucket names and
/// feature flags are left alone. URLs and paths never count (credentials in URLs are a rule's
/// job).
pub fn looks_like_key(name: &str, value: &[u8]) -> bool {
    let secret_name = is_secret_name(name);
    let (min_len, min_entropy) = if secret_name { (12, 3.0) } else { (20, 3.5) };
    let chars = crate::engine::char_count(value) as usize;
    if chars < min_len || chars > 4096 {
        return false;
    }
    if value.iter().any(u8::is_ascii_whitespace) && !value.starts_with(b"-----BEGIN") {
        return false;
    }
    if filters::is_placeholder(value)
        || memmem::find(value, b"://").is_some()
        || value.starts_with(b"/")
        || value.starts_with(b"./")
        || value.starts_with(b"~")
    {
        return false;
    }
    let mixed = value.iter().any(u8::is_ascii_alphabetic) && value.iter().any(u8::is_ascii_digit);
    if !(secret_name || mixed) {
        return false;
    }
    entropy::shannon(value) >= min_entropy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<(String, Option<String>, u64)> {
        parse(text.as_bytes())
            .vars
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    v.value
                        .as_ref()
                        .map(|s| String::from_utf8_lossy(s.expose()).into_owned()),
                    v.line,
                )
            })
            .collect()
    }

    #[test]
    fn parses_exports_quotes_comments_and_multiline_values() {
        let text = "# comment\nexport A=1\nB = \"two words\" # trailing\nC='x'\n\nD=\"line1\nline2\"\nE=\n";
        assert_eq!(
            vars(text),
            vec![
                ("A".into(), Some("1".into()), 2),
                ("B".into(), Some("two words".into()), 3),
                ("C".into(), Some("x".into()), 4),
                ("D".into(), Some("line1\nline2".into()), 6),
                ("E".into(), Some(String::new()), 8),
            ]
        );
        assert_eq!(parse(text.as_bytes()).error_line, None);
    }

    #[test]
    fn substituted_values_are_not_taken_as_the_files_own() {
        // SAFETY of the test: PATH is always set; its value must not become a "value" here.
        let parsed = parse(b"A=$PATH\nB=\"${PATH}\"\nC='$PATH'\nD=\"a\\nb\"\n");
        let values: Vec<bool> = parsed.vars.iter().map(|v| v.value.is_some()).collect();
        assert_eq!(values, vec![false, false, true, true]);
    }

    #[test]
    fn a_bad_line_is_recorded_and_the_rest_still_parses() {
        let parsed = parse(b"A=1\nthis is not an assignment\nB=2\n");
        assert_eq!(parsed.error_line, Some(2));
        let names: Vec<&str> = parsed.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, vec!["A", "B"]);
        let parsed = parse(b"A=1\nB=\"unterminated\n");
        assert_eq!(parsed.vars.len(), 1);
        assert!(parsed.error_line.is_some());
        assert!(parse(&[b'A', b'=', 0xff, 0xfe, b'\n']).vars.len() <= 1);
    }

    #[test]
    fn secret_name_table() {
        let cases: &[(&str, bool)] = &[
            ("MIGOSMTP_API_KEY", true),
            ("TELNXO_API_KEY", true),
            ("DB_PASSWORD", true),
            ("stripeSecretKey", true),
            ("GITHUB_TOKEN", true),
            ("STRIPE_PUBLISHABLE_KEY", false),
            ("SUPABASE_ANON_KEY", false),
            ("RECAPTCHA_SITE_KEY", false),
            ("RECAPTCHA_SITE_SECRET", true),
            ("AUTH_DOMAIN", false),
            ("PASSPORT_NUMBER_FORMAT", false),
            ("DATABASE_HOST", false),
            ("KEYBOARD_LAYOUT", false),
            ("MONKEY", false),
        ];
        for (name, want) in cases {
            assert_eq!(is_secret_name(name), *want, "{name}");
        }
    }

    #[test]
    fn looks_like_key_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("SERVICE_API_KEY", "live_q8Ff3kZp0LmXw2RtY7uVbN4c", true), // keygate:allow (test data)
            ("API_KEY", "your_api_key_here", false),
            ("API_KEY", "<your key>", false),
            ("API_KEY", "changeme", false),
            ("API_KEY", "", false),
            ("API_KEY", "xxxxxxxxxxxxxxxxxxxxxxxx", false),
            ("DB_PASSWORD", "Tr0ub4dor&3horse", true), // keygate:allow (a test value)
            ("DATABASE_URL", "postgres://u:p@localhost/db", false),
            ("NODE_ENV", "development", false),
            ("PORT", "3000", false),
            ("S3_BUCKET", "my-bucket-prod", false),
            ("SESSION", "a9F3kQ7zLm2Xp8Rt4Vb6Nc1Wd", true),
            ("CONFIG_PATH", "/etc/app/config-2024.yaml.d", false),
        ];
        for (name, value, want) in cases {
            assert_eq!(
                looks_like_key(name, value.as_bytes()),
                *want,
                "{name}={value}"
            );
        }
    }
}
