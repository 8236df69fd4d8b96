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
    /// Shows at most 4 characters in all, and never more than a quarter of the secret, split
    /// between its two ends (the start first): a secret under 4 characters shows nothing.
    pub fn of(secret: &[u8]) -> Self {
        let text = String::from_utf8_lossy(secret);
        let chars: Vec<char> = text.chars().collect();
        let (head, tail) = Redacted::shown(chars.len());
        let head: String = chars[..head].iter().collect();
        let tail: String = chars[chars.len() - tail..].iter().collect();
        Redacted(format!("{head}…{tail}"))
    }

    /// How many characters of a secret of `len` characters the redacted form shows at its start
    /// and at its end.
    pub fn shown(len: usize) -> (usize, usize) {
        let total = (len / 4).min(4);
        (total - total / 2, total / 2)
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

/// `text` with its control characters escaped (`\n`, `\u{1b}`, …), for every path and message
/// keygate prints: a file name cannot forge a report line or drive the terminal.
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

/// Rounds of the deliberately slow keyed hash each secret goes through before it is
/// fingerprinted (PBKDF2-HMAC-SHA256): trying one candidate secret costs this many HMACs, and
/// it needs the key. A check has few findings, and each distinct secret is stretched once per
/// process.
pub const SLOW_ROUNDS: u32 = 10_000;

/// Fingerprints identify a finding without its location in the file, so they survive edits
/// elsewhere in the file. They are keyed with a random per-repository key, never a public
/// constant: reversing a fingerprint into a short secret by trying candidates needs the key.
/// The baseline's salt is such a key, but it is committed, so anyone who can read the repository
/// has it: under it ([`Fingerprinter::with_key`]) a secret is first put through [`SLOW_ROUNDS`]
/// of PBKDF2, so that each guess is slow even with the key. A key that never leaves the machine
/// (`.git/keygate/`, or one made for this process: [`Fingerprinter::private`]) needs no stretching:
/// whoever holds it holds the repository's files, and stretching each secret found cost a quarter
/// of a scan that finds one secret per megabyte.
#[derive(Clone)]
pub struct Fingerprinter {
    key: [u8; 32],
    /// Whether secrets are stretched before they are hashed (a key others can read).
    stretch: bool,
    /// Each secret's stretched form, in memory only: a secret found many times is stretched once.
    stretched: std::sync::Arc<std::sync::Mutex<Stretched>>,
}

/// Each secret's stretched form (see [`Fingerprinter::stretch`]).
type Stretched = std::collections::HashMap<Vec<u8>, [u8; 32]>;

impl Default for Fingerprinter {
    /// A fingerprinter with a fresh random key: fingerprints are stable within this process only
    /// (for a check outside a repository, where there is nowhere to keep a key).
    fn default() -> Self {
        Fingerprinter::private(&random_key())
    }
}

/// 32 random bytes; panics when the system has no randomness (nothing safe to fall back to).
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the system's random number generator");
    key
}

impl Fingerprinter {
    /// Fingerprints under a key others may read (the baseline's committed salt): secrets are
    /// stretched.
    pub fn with_key(key: &[u8]) -> Self {
        Fingerprinter {
            key: Sha256::digest(key).into(),
            stretch: true,
            stretched: Default::default(),
        }
    }

    /// Fingerprints under a key that never leaves this machine: secrets are not stretched.
    pub fn private(key: &[u8]) -> Self {
        Fingerprinter {
            stretch: false,
            ..Fingerprinter::with_key(key)
        }
    }

    /// Fingerprint of a secret found by `rule_id` in `file`.
    pub fn secret(&self, rule_id: &str, file: &str, secret: &Secret) -> String {
        if !self.stretch {
            return self.hash(&[rule_id.as_bytes(), file.as_bytes(), secret.expose()]);
        }
        let stretched = self.stretch(secret.expose());
        self.hash(&[rule_id.as_bytes(), file.as_bytes(), &stretched])
    }

    /// Fingerprint of a finding about a whole file (no secret involved).
    pub fn file(&self, rule_id: &str, file: &str) -> String {
        self.hash(&[rule_id.as_bytes(), file.as_bytes()])
    }

    /// The secret through [`SLOW_ROUNDS`] of PBKDF2-HMAC-SHA256 keyed with this key.
    fn stretch(&self, secret: &[u8]) -> [u8; 32] {
        let cache = |f: &mut dyn FnMut(&mut Stretched)| {
            if let Ok(mut map) = self.stretched.lock() {
                f(&mut map);
            }
        };
        let mut found = None;
        cache(&mut |map| found = map.get(secret).copied());
        if let Some(done) = found {
            return done;
        }
        let mut salt = b"keygate fingerprint v2\0".to_vec();
        salt.extend_from_slice(secret);
        let done = pbkdf2_sha256(&self.key, &salt, SLOW_ROUNDS);
        cache(&mut |map| {
            map.insert(secret.to_vec(), done);
        });
        done
    }

    fn hash(&self, parts: &[&[u8]]) -> String {
        let mut data = Vec::new();
        for part in parts {
            data.extend_from_slice(&(part.len() as u64).to_le_bytes());
            data.extend_from_slice(part);
        }
        let digest = Hmac::new(&self.key).mac(&data);
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// HMAC-SHA256 (RFC 2104) with the key's inner and outer pads absorbed once.
struct Hmac {
    inner: Sha256,
    outer: Sha256,
}

impl Hmac {
    fn new(key: &[u8]) -> Hmac {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| {
            let mut h = Sha256::new();
            h.update(block.map(|b| b ^ byte));
            h
        };
        Hmac {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut inner = self.inner.clone();
        inner.update(data);
        let mut outer = self.outer.clone();
        outer.update(inner.finalize());
        outer.finalize().into()
    }
}

/// PBKDF2-HMAC-SHA256 (RFC 8018) with a 32-byte output. Each round after the first is two
/// SHA-256 compressions called directly (the pads' states computed once), so that the cost is the
/// hash's, not this crate's (which tests build without optimisation).
pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 32] {
    use sha2::digest::generic_array::GenericArray;
    let hmac = Hmac::new(password);
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac.mac(&first);
    let mut out = u;
    // The SHA-256 state after one 64-byte block of key ^ pad.
    let pad_state = |byte: u8| {
        let mut block = [0u8; 64];
        let key: [u8; 32] = if password.len() > 64 {
            Sha256::digest(password).into()
        } else {
            [0; 32]
        };
        if password.len() > 64 {
            block[..32].copy_from_slice(&key);
        } else {
            block[..password.len()].copy_from_slice(password);
        }
        let mut state = SHA256_IV;
        sha2::compress256(&mut state, &[GenericArray::from(block.map(|b| b ^ byte))]);
        state
    };
    let (inner, outer) = (pad_state(0x36), pad_state(0x5c));
    // One block holding 32 bytes of message and SHA-256's padding for 96 bytes in all.
    let mut block = GenericArray::from([0u8; 64]);
    block[32] = 0x80;
    block[62..].copy_from_slice(&(96u16 * 8).to_be_bytes());
    let mut state;
    for _ in 1..rounds {
        block[..32].copy_from_slice(&u);
        state = inner;
        sha2::compress256(&mut state, std::slice::from_ref(&block));
        write_words(&state, &mut block[..32]);
        state = outer;
        sha2::compress256(&mut state, std::slice::from_ref(&block));
        write_words(&state, &mut u);
        for i in 0..32 {
            out[i] ^= u[i];
        }
    }
    out
}

/// A SHA-256 state as its 32-byte digest.
fn write_words(state: &[u32; 8], out: &mut [u8]) {
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&state[i].to_be_bytes());
    }
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_at_most_four_chars_and_a_quarter() {
        for len in 0..200 {
            let (head, tail) = Redacted::shown(len);
            assert!(head + tail <= 4 && (head + tail) * 4 <= len, "{len}");
        }
        let cases: &[(&str, &str)] = &[
            ("AKIAIOSFODNN7EXAMPLE", "AK…LE"),
            ("abcdefgh", "a…h"),
            ("abcdefghijk", "a…k"),
            ("abcdefghijkl", "ab…l"),
            ("abc", "…"),
            ("", "…"),
            ("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "gh…yz"),
            ("ééééééééé", "é…é"),
        ];
        for (secret, want) in cases {
            assert_eq!(Redacted::of(secret.as_bytes()).as_str(), *want, "{secret}");
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\nb\u{1b}[2K\tc"), "a\\nb\\u{1b}[2K\\tc");
        assert_eq!(escape_control("plain é"), "plain é");
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
        // Two default fingerprinters have different random keys: no public constant.
        assert_ne!(a, Fingerprinter::default().secret("r", "f", &s));
        // A shared key stretches the secret first, a private one does not: the same key gives
        // other fingerprints, each stable.
        let (shared, private) = (Fingerprinter::with_key(b"k"), Fingerprinter::private(b"k"));
        assert_eq!(shared.secret("r", "f", &s), shared.secret("r", "f", &s));
        assert_eq!(private.secret("r", "f", &s), private.secret("r", "f", &s));
        assert_ne!(shared.secret("r", "f", &s), private.secret("r", "f", &s));
        assert_eq!(private.stretched.lock().unwrap().len(), 0);
        assert_eq!(shared.stretched.lock().unwrap().len(), 1);
    }

    /// RFC 7914 section 11's PBKDF2-HMAC-SHA256 vectors, and the slow hash's cost.
    #[test]
    fn pbkdf2_matches_the_published_vectors() {
        let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(&pbkdf2_sha256(b"passwd", b"salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
        assert_eq!(
            hex(&pbkdf2_sha256(b"Password", b"NaCl", 80000)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        );
        const { assert!(SLOW_ROUNDS >= 10_000) };
    }
}
