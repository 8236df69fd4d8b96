//! Digests of dummy passwords: a security fixture stores `sha1("foo")` as a user's encoded
//! password, a config the SHA-256 of `secret`. Such a value is a hash of a word every example
//! uses, not a credential. The digests are computed once from the word list (no table of hex
//! strings to keep in step).

use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Words that examples and fixtures hash as a user's password.
const DUMMY_WORDS: &[&str] = &[
    "foo", "bar", "baz", "foobar", "test", "testing", "password", "secret", "admin", "user",
    "pass", "root", "guest", "demo", "changeme", "123456", "12345678", "qwerty", "letmein",
];

static DUMMY_DIGESTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    DUMMY_WORDS
        .iter()
        .flat_map(|w| [hex(&sha1(w.as_bytes())), hex(&Sha256::digest(w.as_bytes()))])
        .collect()
});

/// Whether `s` is the hex SHA-1 or SHA-256 of a dummy password (either case).
pub(super) fn is_dummy_digest(s: &[u8]) -> bool {
    matches!(s.len(), 40 | 64)
        && s.iter().all(u8::is_ascii_hexdigit)
        && DUMMY_DIGESTS.contains(&String::from_utf8_lossy(s).to_ascii_lowercase())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-1 (FIPS 180-4): only ever run on the short words above, never on input.
fn sha1(message: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for block in data.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_the_fips_vectors() {
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn dummy_digest_table() {
        let foo_sha1 = hex(&sha1(b"foo"));
        let cases: &[(&str, bool)] = &[
            (&foo_sha1, true),
            (&foo_sha1.to_ascii_uppercase(), true),
            (&hex(&Sha256::digest(b"secret")), true),
            // A digest of anything else, or a value of another length, is not a dummy.
            (&hex(&sha1(b"Qm7pX2vK9rT4wB8n")), false),
            (&foo_sha1[..32], false),
        ];
        for (value, want) in cases {
            assert_eq!(is_dummy_digest(value.as_bytes()), *want, "{value}");
        }
    }
}
