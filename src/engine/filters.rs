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
    "${",
    "{{",
    "}}",
    "%(",
    "<",
    ">",
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
];

static PLACEHOLDER_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(PLACEHOLDER_WORDS)
        .expect("placeholder words build")
});

/// Whether a matched secret is a placeholder rather than a key: documentation words, template
/// syntax, masks, or a long run of one character (`sk_live_000000…`).
pub fn is_placeholder(secret: &[u8]) -> bool {
    if PLACEHOLDER_AC.is_match(secret) {
        return true;
    }
    let mut run = 1;
    for pair in secret.windows(2) {
        if pair[0] == pair[1] && pair[0].is_ascii_alphanumeric() {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
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
