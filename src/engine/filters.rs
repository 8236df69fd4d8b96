//! Post-regex stages that turn a regex match into a finding or drop it: placeholders, inline allow
//! markers and the user's allow patterns. Each is a small function with its own table test.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use regex::bytes::RegexSet;
use std::sync::LazyLock;

/// Markers that, anywhere on a line, keep it from being reported. Other tools' markers are
/// honoured so that a repository can switch to keygate without re-annotating.
pub const ALLOW_MARKERS: &[&str] = &[
    "keygate:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

static ALLOW_MARKER_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(ALLOW_MARKERS)
        .expect("markers build")
});

/// Whether `line` carries an inline allow marker.
pub fn has_allow_marker(line: &[u8]) -> bool {
    ALLOW_MARKER_AC.is_match(line)
}

/// Words that only appear in documentation values, templates and placeholders.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourapi",
    "yoursecret",
    "yourtoken",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "dummy",
    "sample",
    "replace_me",
    "replaceme",
    "insert_",
    "xxxx",
    "****",
    "...",
    "…",
    "goes-here",
    "goes_here",
    "goeshere",
    "unique phrase",
    "12345678",
    "abcdefgh",
    "abcd1234",
    "not_a_real",
    "notarealkey",
    "fake_",
    "_fake",
    // Vendor default passwords and words that stand in for a key behind a valid prefix.
    "minioadmin",
    "minio123",
    "helloworld",
    "hello_world",
    "hello-world",
    "loremipsum",
    "deadbeef",
    "foobarbaz",
    "qwertyuiop",
];

/// Above this length a value is a key block or a blob rather than a typed placeholder.
const LONG_VALUE: usize = 200;

static PLACEHOLDER_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(PLACEHOLDER_WORDS)
        .expect("placeholder words build")
});

/// Whether a matched secret is a placeholder rather than a key: documentation words, template
/// syntax (`<API_KEY>`, `%(token)s`), masks, or a run of one character that fills a good part of
/// the value (`sk_live_000000…`; a long key block may hold `AAAAAA` by nature). In a long value
/// (a key block), a four-letter mask (`xxxx`) turns up by chance and is ignored.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if crate::rules::published::is_published_example(secret) || is_placeholder_text(secret) {
        return true;
    }
    // Disguised placeholders: the same words once the value is percent-, base64- or hex-decoded,
    // or read with its leetspeak folded (`d3adb33f`, `ch4ng3m3`); and a run of the alphabet or
    // of the digits behind a valid prefix (`sk_live_abcdefghijkl…`).
    let long = secret.len() > LONG_VALUE;
    !long
        && (has_sequence(secret)
            || normalised(secret).iter().any(|(n, decoded)| {
                PLACEHOLDER_AC.is_match(n) || *decoded && has_template_marker(n)
            }))
}

/// The readings of `secret` that a placeholder may hide behind: percent-decoded, base64- or
/// hex-decoded (when that gives printable text), and leetspeak folded to letters (`false`: not a
/// decoding, so case-bearing template checks do not apply).
fn normalised(secret: &[u8]) -> Vec<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    let printable = |d: &[u8]| d.len() >= 6 && d.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if secret.contains(&b'%') {
        let mut d = Vec::with_capacity(secret.len());
        let mut i = 0;
        while i < secret.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                secret[i],
                secret.get(i + 1).and_then(|&b| hex(b)),
                secret.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (b'%', Some(h), Some(l)) => {
                    d.push((h * 16 + l) as u8);
                    i += 3;
                }
                (b, _, _) => {
                    d.push(b);
                    i += 1;
                }
            }
        }
        out.push((d, true));
    }
    let b64: Vec<u8> = secret
        .iter()
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    if let Some(d) = crate::rules::validators::base64_decode(&b64).filter(|d| printable(d)) {
        out.push((d, true));
    }
    if secret.len() >= 12
        && secret.len().is_multiple_of(2)
        && secret.iter().all(u8::is_ascii_hexdigit)
    {
        let d: Vec<u8> = secret
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0))
            .collect();
        if printable(&d) {
            out.push((d, true));
        }
    }
    if secret.iter().any(u8::is_ascii_digit) {
        for one in [b'l', b'i'] {
            out.push((
                secret
                    .iter()
                    .map(|&b| match b {
                        b'0' => b'o',
                        b'1' => one,
                        b'3' => b'e',
                        b'4' | b'@' => b'a',
                        b'5' | b'$' => b's',
                        b'7' => b't',
                        b => b.to_ascii_lowercase(),
                    })
                    .collect(),
                false,
            ));
        }
    }
    out
}

/// A run of at least `SEQUENCE` consecutive letters or digits in alphabet order, either way
/// (`abcdefg`, `6543210`): typed, never drawn at random. Also in the letters alone, when digits
/// are interleaved (`A1B2C3D4E5F6G7H8I9J0`), with a longer run asked for there; not in the digits
/// alone, where a long hex value holds runs by chance.
fn has_sequence(secret: &[u8]) -> bool {
    const SEQUENCE: usize = 7;
    const LETTERS: usize = 8;
    let letters = secret.iter().copied().filter(u8::is_ascii_alphabetic);
    longest_run(secret.iter().copied()) >= SEQUENCE || longest_run(letters) >= LETTERS
}

/// The longest run of consecutive letters or digits in alphabet order, either way.
fn longest_run(bytes: impl Iterator<Item = u8>) -> usize {
    let (mut up, mut down, mut best) = (1, 1, 1);
    let mut prev: Option<u8> = None;
    for b in bytes.map(|b| b.to_ascii_lowercase()) {
        if let Some(a) = prev {
            let same_class = a.is_ascii_lowercase() && b.is_ascii_lowercase()
                || a.is_ascii_digit() && b.is_ascii_digit();
            up = if same_class && b == a.wrapping_add(1) {
                up + 1
            } else {
                1
            };
            down = if same_class && b == a.wrapping_sub(1) {
                down + 1
            } else {
                1
            };
            best = best.max(up).max(down);
        }
        prev = Some(b);
    }
    best
}

/// The words, template markers and one-character runs of [`is_placeholder`], on the value as
/// written.
fn is_placeholder_text(secret: &[u8]) -> bool {
    let long = secret.len() > LONG_VALUE;
    let chance = |word: &[u8]| word.len() <= 4 && word.iter().all(u8::is_ascii_alphanumeric);
    if PLACEHOLDER_AC
        .find_overlapping_iter(secret)
        .any(|m| !long || !chance(&secret[m.range()]))
        || has_template_marker(secret)
    {
        return true;
    }
    let min_run = 6.max(secret.len() / 4);
    let mut run = 1;
    for pair in secret.windows(2) {
        if pair[0] == pair[1] && pair[0].is_ascii_alphanumeric() {
            run += 1;
            if run >= min_run {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// `<your-key>`, `<API_KEY>`, `%(token)s`: a name in angle brackets or a Python format field.
/// Random punctuation (`<AYg>` in a WordPress salt) is not a name: it mixes cases.
fn has_template_marker(secret: &[u8]) -> bool {
    let is_name = |inner: &[u8]| {
        inner.len() >= 3
            && inner
                .iter()
                .all(|b| matches!(b, b'a'..=b'z' | b'_' | b'-' | b' ' | b'.' | b'0'..=b'9'))
            || inner.len() >= 2
                && inner
                    .iter()
                    .all(|b| matches!(b, b'A'..=b'Z' | b'_' | b'-' | b'0'..=b'9'))
    };
    let enclosed = |open: &[u8], close: u8| {
        let mut rest = secret;
        while let Some(i) = rest.windows(open.len()).position(|w| w == open) {
            rest = &rest[i + open.len()..];
            if let Some(j) = rest.iter().position(|&b| b == close) {
                if is_name(&rest[..j]) {
                    return true;
                }
            }
        }
        false
    };
    // `${API_KEY}`, `{{ secrets.TOKEN }}`: template syntax around an expression; a random salt
    // may hold `{{` without one.
    let expression = |inner: &[u8]| {
        !inner.is_empty()
            && inner.iter().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(b, b'_' | b'.' | b':' | b'-' | b' ' | b'|' | b'\'' | b'"')
            })
    };
    let templated = |open: &[u8]| {
        let mut rest = secret;
        while let Some(i) = rest.windows(open.len()).position(|w| w == open) {
            rest = &rest[i + open.len()..];
            let end = rest.iter().position(|&b| b == b'}').unwrap_or(rest.len());
            if expression(&rest[..end]) {
                return true;
            }
        }
        false
    };
    // `[FILTERED]`, `[REDACTED]`: a log filter's mask, the whole value.
    let mask = secret.len() > 2
        && secret.starts_with(b"[")
        && secret.ends_with(b"]")
        && is_name(&secret[1..secret.len() - 1]);
    secret.starts_with(b"<") && secret.ends_with(b">")
        || mask
        || enclosed(b"<", b'>')
        || enclosed(b"%(", b')')
        || templated(b"${")
        || templated(b"{{")
}

/// The user's allow list: regexes that, matching a secret, drop it, and stopwords that, contained
/// in a secret, drop it.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    regexes: Option<RegexSet>,
    stopwords: Option<AhoCorasick>,
}

impl Allowlist {
    pub fn new(regexes: &[String], stopwords: &[String]) -> Result<Allowlist, regex::Error> {
        Ok(Allowlist {
            regexes: if regexes.is_empty() {
                None
            } else {
                Some(RegexSet::new(regexes)?)
            },
            stopwords: if stopwords.is_empty() {
                None
            } else {
                Some(
                    AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .build(stopwords)
                        .expect("stopwords are literals"),
                )
            },
        })
    }

    /// Whether the secret (or its line) is allowed by the user's config.
    pub fn allows(&self, secret: &[u8], line: &[u8]) -> bool {
        self.regexes
            .as_ref()
            .is_some_and(|set| set.is_match(secret) || set.is_match(line))
            || self
                .stopwords
                .as_ref()
                .is_some_and(|ac| ac.is_match(secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_markers_table() {
        let cases: &[(&str, bool)] = &[
            ("key = 'abc' # keygate:allow", true),
            ("key = 'abc' // gitleaks:allow", true),
            ("key = 'abc'  # pragma: allowlist secret", true),
            ("key = 'abc' # KEYGATE:ALLOW", true),
            ("key = 'abc' # keygate", false),
            ("key = 'abc'", false),
        ];
        for (line, want) in cases {
            assert_eq!(has_allow_marker(line.as_bytes()), *want, "{line}");
        }
    }

    #[test]
    fn placeholder_table() {
        // Built at run time, so that keygate's check of its own repository finds nothing here.
        let real_key = ["sk_", "live_Qm7pX2vK9rT4wB8nL3cF6hJ1"].concat();
        let cases: &[(&str, bool)] = &[
            ("your_api_key_here", true),
            ("<API_KEY>", true),
            ("xxxxxxxxxxxxxxxxxxxx", true),
            ("${MIGOSMTP_API_KEY}", true),
            ("{{ secrets.TOKEN }}", true),
            ("changeme", true),
            ("AKIAIOSFODNN7EXAMPLE", true),
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true),
            ("sk_live_000000000000000000", true),
            ("sk-****************", true),
            ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", true),
            ("acme-api-key-goes-here", true),
            ("<your-password>", true),
            ("%(db_password)s", true),
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                true,
            ),
            (
                "dfO]8^^e#?2!6bpP{[>u]N>U4pP]-;%^Pqp>]^)RKBX<AYg>yr;IAi",
                false,
            ),
            ("x%(7zzni3&df=#db6", false),
            ("${DB_PASSWORD}", true),
            ("${DB_PASSWORD:-local}", true),
            ("{{vault_db_password}}", true),
            (
                "~FY=ldz{KpNn+Nv;QX4?O2%rw&r;Eiea]W7sK5E9+[h{{Mw~X8;XBUn)%*fr5O%.",
                false,
            ),
            (
                &format!("MIIEp{}xxxx{}", "Ab9+".repeat(60), "Qz7/".repeat(60)),
                false,
            ),
            (&format!("MIIEp{}{}", "Ab9+".repeat(60), "EXAMPLEKEY"), true),
            (
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
                false,
            ),
            ("q8Ff3kZp0LmXw2RtY7uVbN4c", false),
            ("ghp_R4nd0mL00kingT0kenValue9xQ", false),
            // Disguised placeholders.
            ("your%5Fapi%5Fkey%5Fhere", true),
            ("eW91cl9hcGlfa2V5X2hlcmU=", true),
            ("796f75725f6170695f6b6579", true),
            ("d3adb33fd3adb33f", true),
            ("ch4ng3m3pl3as3", true),
            ("sk_live_abcdefghijklmnopqrstuvwx", true),
            ("tok_0123456789Qx7Lm2", true),
            ("glpat-helloworld12345678", true),
            ("minio123", true),
            ("ABC-DEF1234ghIkl-zyx57W2v1u123ew11", true),
            ("A1B2C3D4E5F6G7H8I9J0", true),
            ("[FILTERED]", true),
            // Real-looking values stay secrets.
            (real_key.as_str(), false),
            ("7d3f0a9c1b2e4d5f6a7b8c9d0e1f2a3b", false),
            ("c2stbGl2ZS1RbTdwWDJ2SzlyVDR3Qjhu", false),
            ("x9[Qm7pX2vK]9rT4wB8nL3", false),
            ("A1B2C3x7Qm9pR4tL2wZ8", false),
        ];
        for (secret, want) in cases {
            assert_eq!(is_placeholder(secret.as_bytes()), *want, "{secret}");
        }
    }

    #[test]
    fn allowlist_table() {
        let allow = Allowlist::new(&["^test_".into()], &["internal".into()]).unwrap();
        assert!(allow.allows(b"test_abc", b""));
        assert!(allow.allows(b"xyzINTERNALabc", b""));
        assert!(!allow.allows(b"abc_test_", b""));
        assert!(!Allowlist::default().allows(b"anything", b"anything"));
    }
}
