//! What a check reports: findings, their severity and category, and the redacted secret.

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Block,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warn => "warn",
            Severity::Block => "block",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Secret,
    Env,
}

/// A secret as found in the input. It has no way to show itself whole: `Debug` redacts, and the
/// only way out is [`Secret::redacted`] or a keyed fingerprint.
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: &[u8]) -> Self {
        Secret(bytes.to_vec())
    }

    pub fn redacted(&self) -> Redacted {
        Redacted::of(&self.0)
    }

    /// Raw bytes, for matching and fingerprinting inside the library only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

/// The redacted form of a secret: at most a few characters at each end, never the whole value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Redacted(String);

impl Redacted {
    /// Keeps at most 4 characters at each end, and at most a quarter of the secret on each side,
    /// so that short secrets show less (and a secret under 4 characters shows nothing).
    pub fn of(secret: &[u8]) -> Self {
        let text = String::from_utf8_lossy(secret);
        let chars: Vec<char> = text.chars().collect();
        let keep = (chars.len() / 4).min(4);
        let head: String = chars[..keep].iter().collect();
        let tail: String = chars[chars.len() - keep..].iter().collect();
        Redacted(format!("{head}…{tail}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Redacted {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Where in a history a finding was introduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub commit: String,
    pub author: String,
    pub date: String,
    /// How many other commits of the walk still hold the secret (at any path).
    pub later_commits: u64,
    /// Whether the secret is still in `HEAD`'s tree.
    pub present_at_head: bool,
}

/// One reported problem. Field names and order follow the SPEC's JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub commit: Option<String>,
    pub redacted: Option<Redacted>,
    pub fingerprint: String,
    pub message: String,
    /// What to do instead; shown by the human report.
    #[serde(skip)]
    pub remedy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl Finding {
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Block
    }
}

/// Fingerprints identify a finding without its location in the file, so they survive edits
/// elsewhere in the file, and are keyed hashes so that they cannot be reversed into the secret by
/// trying candidate values without the key.
#[derive(Clone)]
pub struct Fingerprinter {
    key: [u8; 32],
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Fingerprinter::with_key(b"keygate fingerprint v1")
    }
}

impl Fingerprinter {
    pub fn with_key(key: &[u8]) -> Self {
        Fingerprinter {
            key: Sha256::digest(key).into(),
        }
    }

    /// Fingerprint of a secret found by `rule_id` in `file`.
    pub fn secret(&self, rule_id: &str, file: &str, secret: &Secret) -> String {
        self.hash(&[rule_id.as_bytes(), file.as_bytes(), secret.expose()])
    }

    /// Fingerprint of a finding about a whole file (no secret involved).
    pub fn file(&self, rule_id: &str, file: &str) -> String {
        self.hash(&[rule_id.as_bytes(), file.as_bytes()])
    }

    fn hash(&self, parts: &[&[u8]]) -> String {
        // HMAC-style: the key both before and after the data.
        let mut inner = Sha256::new();
        inner.update(self.key);
        for part in parts {
            inner.update((part.len() as u64).to_le_bytes());
            inner.update(part);
        }
        let mut outer = Sha256::new();
        outer.update(self.key);
        outer.update(inner.finalize());
        let digest = outer.finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_at_most_four_chars_each_end() {
        let cases: &[(&str, &str)] = &[
            ("AKIAIOSFODNN7EXAMPLE", "AKIA…MPLE"),
            ("abcdefgh", "ab…gh"),
            ("abc", "…"),
            ("", "…"),
            ("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "ghp_…wxyz"),
            ("ééééééééé", "éé…éé"),
        ];
        for (secret, want) in cases {
            assert_eq!(Redacted::of(secret.as_bytes()).as_str(), *want, "{secret}");
        }
    }

    #[test]
    fn fingerprints_depend_on_rule_file_and_secret_but_hold_none_of_it() {
        let fp = Fingerprinter::default();
        let s = Secret::new(b"supersecretvalue123");
        let a = fp.secret("r", "f", &s);
        assert_eq!(a, fp.secret("r", "f", &s));
        assert_ne!(a, fp.secret("r2", "f", &s));
        assert_ne!(a, fp.secret("r", "g", &s));
        assert_ne!(a, Fingerprinter::with_key(b"other").secret("r", "f", &s));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("supersecret"));
    }
}
