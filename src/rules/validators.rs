//! Checksum validators named from the catalog: a match whose checksum fails is not a token.

/// A named validator, referenced by a rule's `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub's `gh[pousr]_` tokens and npm's `npm_` tokens: the last 6 characters are the CRC32
    /// of the random part, in base62, left-padded with `0`.
    Crc32Base62,
}

impl Validator {
    pub fn by_name(name: &str) -> Option<Validator> {
        match name {
            "crc32-base62" => Some(Validator::Crc32Base62),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Validator::Crc32Base62 => "crc32-base62",
        }
    }

    /// Whether `secret` passes the checksum.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Crc32Base62 => crc32_base62(secret),
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `n` in base62, left-padded with `0` to `width` characters.
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).expect("base62 alphabet is ASCII")
}

fn crc32_base62(secret: &[u8]) -> bool {
    // The random part follows the prefix's underscore; the checksum is its last 6 characters.
    let Some(underscore) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let body = &secret[underscore + 1..];
    if body.len() <= 6 {
        return false;
    }
    let (random, checksum) = body.split_at(body.len() - 6);
    base62(u64::from(crc32fast::hash(random)), 6).as_bytes() == checksum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(prefix: &str, random: &str) -> String {
        format!(
            "{prefix}{random}{}",
            base62(u64::from(crc32fast::hash(random.as_bytes())), 6)
        )
    }

    #[test]
    fn crc32_base62_table() {
        let random = "Abcdefghijklmnopqrstuvwxyz0123";
        let good = token("ghp_", random);
        let mut bad = good.clone();
        bad.replace_range(5..6, "Z");
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&token("npm_", random), true),
            (&bad, false),
            ("ghp_short", false),
            ("no-underscore", false),
        ];
        for (secret, want) in cases {
            assert_eq!(
                Validator::Crc32Base62.check(secret.as_bytes()),
                *want,
                "{secret}"
            );
        }
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
    }
}
