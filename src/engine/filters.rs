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
    // Keys that providers print in their own documentation.
    "4eC39HqLyjWDarjtT1zdp7dc",
    "BQokikJOvBiI2HlWgH4olfQ2",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // Published test vectors (RFC 8032 Ed25519 test 1 secret key, RFC 7748 X25519 test keys).
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
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
    secret.starts_with(b"<") && secret.ends_with(b">")
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
