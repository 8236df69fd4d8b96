//! Validators named from the catalog: a match that fails its rule's validator is not reported.
//! Some are provider checksums (GitHub and npm CRC32, PyPI macaroon structure); others are shape
//! checks that keep the generic rules quiet on identifiers, templates and hashes.

/// A named validator, referenced by a rule's `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub's `gh[pousr]_` tokens and npm's `npm_` tokens: the last 6 characters are the CRC32
    /// of the 30 random characters before them, in base62 (`0-9A-Za-z`), left-padded with `0`.
    Crc32Base62,
    /// PyPI API tokens: `pypi-` and a base64url macaroon (version 2 binary format) whose location
    /// is `pypi.org` or `test.pypi.org`, which carries an identifier and ends with a 32-byte
    /// signature.
    PypiMacaroon,
    /// A value assigned to a secret-like name: letters and digits, and not a UUID, an integrity
    /// hash, a path, a file name or an identifier.
    GenericSecret,
    /// A password literal: two character classes, not a common placeholder, template or
    /// identifier.
    Password,
    /// Base64 of `user:password` (HTTP basic auth, Docker `auth`).
    BasicAuth,
    /// A JSON Web Token: three base64url parts whose header and payload are JSON objects, the
    /// header naming its `alg`; not the jwt.io sample.
    Jwt,
    /// A literal that is not a name: not an identifier (`MigosmtpApiKeyHandler`) and not words
    /// joined by separators (`migosmtp-api-key`). For named-provider rules, whose keys have no
    /// fixed shape.
    NotAName,
}

impl Validator {
    pub fn by_name(name: &str) -> Option<Validator> {
        Some(match name {
            "crc32-base62" => Validator::Crc32Base62,
            "pypi-macaroon" => Validator::PypiMacaroon,
            "generic-secret" => Validator::GenericSecret,
            "password" => Validator::Password,
            "basic-auth" => Validator::BasicAuth,
            "jwt" => Validator::Jwt,
            "not-a-name" => Validator::NotAName,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Validator::Crc32Base62 => "crc32-base62",
            Validator::PypiMacaroon => "pypi-macaroon",
            Validator::GenericSecret => "generic-secret",
            Validator::Password => "password",
            Validator::BasicAuth => "basic-auth",
            Validator::Jwt => "jwt",
            Validator::NotAName => "not-a-name",
        }
    }

    /// Whether `secret` passes the check.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Crc32Base62 => crc32_base62(secret),
            Validator::PypiMacaroon => pypi_macaroon(secret),
            Validator::GenericSecret => generic_secret(secret),
            Validator::Password => password(secret),
            Validator::BasicAuth => basic_auth(secret),
            Validator::Jwt => jwt(secret),
            Validator::NotAName => !is_identifier_path(secret) && !is_word_chain(secret),
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

/// Decodes standard or URL-safe base64, with or without padding; `None` on any other byte.
pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or(text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn pypi_macaroon(secret: &[u8]) -> bool {
    let Some(body) = secret.strip_prefix(b"pypi-") else {
        return false;
    };
    base64_decode(body).is_some_and(|m| macaroon_v2(&m))
}

/// Walks a version 2 binary macaroon: header fields (location 1, identifier 2), an end of
/// section, caveat sections, an end of caveats, then the signature field (6) of 32 bytes.
fn macaroon_v2(m: &[u8]) -> bool {
    fn varint(m: &[u8], pos: &mut usize) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..35).step_by(7) {
            let b = *m.get(*pos)?;
            *pos += 1;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    // A field: its type and data, or `None` at an end of section (type 0).
    fn field<'a>(m: &'a [u8], pos: &mut usize) -> Option<Option<(u8, &'a [u8])>> {
        let kind = *m.get(*pos)?;
        *pos += 1;
        if kind == 0 {
            return Some(None);
        }
        let len = varint(m, pos)?;
        let data = m.get(*pos..pos.checked_add(len)?)?;
        *pos += len;
        Some(Some((kind, data)))
    }
    let mut pos = 1;
    if m.first() != Some(&2) {
        return false;
    }
    let (mut location, mut identifier) = (None, false);
    loop {
        match field(m, &mut pos) {
            Some(Some((1, data))) => location = Some(data),
            Some(Some((2, data))) => identifier = !data.is_empty(),
            Some(Some(_)) => {}
            Some(None) => break,
            None => return false,
        }
    }
    if !identifier || !matches!(location, Some(b"pypi.org") | Some(b"test.pypi.org")) {
        return false;
    }
    // Caveat sections, each ended by an end of section; an empty section ends the caveats.
    loop {
        let mut empty = true;
        loop {
            match field(m, &mut pos) {
                Some(Some(_)) => empty = false,
                Some(None) => break,
                None => return false,
            }
        }
        if empty {
            break;
        }
    }
    matches!(field(m, &mut pos), Some(Some((6, sig))) if sig.len() == 32) && pos == m.len()
}

/// `a.b_c.d`: a dotted path of identifiers (`settings.SECRET_KEY`), not a value. Without a dot,
/// a name has no digits. Either way its parts read as words (`PasswordResetHandler`, `DB_PASSWORD`),
/// which a random run of letters (`lXPLOSjuIIWlKJLHXvdIDN`) does not.
fn is_identifier_path(s: &[u8]) -> bool {
    s.split(|&b| b == b'.').all(|part| {
        part.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
            && reads_as_words(part)
    }) && (s.contains(&b'.') || !s.iter().any(u8::is_ascii_digit))
        && !s.windows(3).any(|w| w.iter().all(u8::is_ascii_digit))
}

/// Whether the letters of a name have the case pattern of words: one case, or camel case whose
/// lower-case runs (after the first) are at least two letters and whose capitals are at most
/// five in a row (`XMLHttpRequest`).
fn reads_as_words(s: &[u8]) -> bool {
    let letters: Vec<u8> = s.iter().copied().filter(u8::is_ascii_alphabetic).collect();
    if letters.iter().all(u8::is_ascii_uppercase) || letters.iter().all(u8::is_ascii_lowercase) {
        return true;
    }
    let runs = letters.chunk_by(|a, b| a.is_ascii_uppercase() == b.is_ascii_uppercase());
    runs.enumerate().all(|(i, run)| {
        if run[0].is_ascii_uppercase() {
            run.len() <= 5
        } else {
            i == 0 || run.len() >= 2
        }
    })
}

/// `my-app-secret-v2`, `db_password_prod`: words joined by separators.
fn is_word_chain(s: &[u8]) -> bool {
    let parts: Vec<&[u8]> = s.split(|&b| matches!(b, b'-' | b'_' | b'.')).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.len() <= 3
                || p.iter().all(u8::is_ascii_lowercase)
                || p.iter().all(u8::is_ascii_uppercase)
                || p.iter().all(u8::is_ascii_digit)
        })
}

/// `/etc/ssl/private/server.pem`: a path whose parts read as names. Base64 may start with `/` too
/// (`/ZwBWLqHB7bvAkpZ…`), but its parts are random.
fn is_absolute_path(s: &[u8]) -> bool {
    s.starts_with(b"/")
        && s.split(|&b| b == b'/').all(|part| {
            part.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                && reads_as_words(part)
        })
}

fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

const FILE_SUFFIXES: &[&str] = &[
    ".json", ".pem", ".key", ".txt", ".yaml", ".yml", ".p12", ".pfx", ".crt", ".cer", ".js", ".py",
    ".html", ".env", ".toml", ".xml", ".der", ".jks", ".png", ".svg",
];

const HASH_PREFIXES: &[&str] = &["sha1-", "sha256-", "sha384-", "sha512-", "md5-", "sha256:"];

/// Tokens that providers publish for browsers and apps: public by design (Mapbox `pk.eyJ…`,
/// Stripe publishable keys).
const PUBLIC_PREFIXES: &[&str] = &["pk.eyj", "pk_live_", "pk_test_"];

fn generic_secret(s: &[u8]) -> bool {
    let lower = s.to_ascii_lowercase();
    s.iter().any(u8::is_ascii_alphabetic)
        && s.iter().any(u8::is_ascii_digit)
        && !is_uuid(s)
        && !is_identifier_path(s)
        && !is_word_chain(s)
        && !is_absolute_path(s)
        && !s.starts_with(b"./")
        && !s.windows(3).any(|w| w == b"://")
        && !s.starts_with(b"//")
        && !HASH_PREFIXES
            .iter()
            .any(|p| lower.starts_with(p.as_bytes()))
        && !PUBLIC_PREFIXES
            .iter()
            .any(|p| lower.starts_with(p.as_bytes()))
        && !FILE_SUFFIXES.iter().any(|x| lower.ends_with(x.as_bytes()))
        && !encodes_prose(s)
        && !known_example(s)
}

/// Passwords that documentation and local development use; never worth blocking a commit.
const COMMON_PASSWORDS: &[&str] = &[
    "admin",
    "administrator",
    "changeit",
    "default",
    "foobar",
    "guest",
    "letmein",
    "mysql",
    "none",
    "null",
    "postgres",
    "qwerty",
    "redis",
    "root",
    "rabbitmq",
    "secret",
    "test",
    "testing",
    "user",
    "username",
    "pass",
    "pwd",
    "hunter",
    "welcome",
    "abc",
    "letmein",
];

fn password(s: &[u8]) -> bool {
    let lower = s.to_ascii_lowercase();
    let classes = [
        s.iter().any(u8::is_ascii_lowercase),
        s.iter().any(u8::is_ascii_uppercase),
        s.iter().any(u8::is_ascii_digit),
        s.iter().any(|b| b.is_ascii_punctuation()),
    ];
    let letters: Vec<u8> = lower
        .iter()
        .copied()
        .filter(u8::is_ascii_alphabetic)
        .collect();
    // Leetspeak folded away, so that `P@ssw0rd` reads as `password`.
    let folded: Vec<u8> = lower
        .iter()
        .filter_map(|&b| match b {
            b'0' => Some(b'o'),
            b'1' => Some(b'l'),
            b'3' => Some(b'e'),
            b'4' | b'@' => Some(b'a'),
            b'5' | b'$' => Some(b's'),
            b'7' => Some(b't'),
            b'a'..=b'z' => Some(b),
            _ => None,
        })
        .collect();
    // `kadmin/server`: a path or a name, not a password.
    let path_like = s.contains(&b'/')
        && (!s.iter().any(u8::is_ascii_digit)
            || s.iter()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'/' | b'_' | b'.' | b'-')));
    !s.iter()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        && classes.iter().filter(|&&c| c).count() >= 2
        && !matches!(
            s.first(),
            Some(b'$' | b'%' | b'{' | b':' | b'@' | b'?' | b'/')
        )
        && s != b"~"
        && !s.starts_with(b"~/")
        && !path_like
        && !s.windows(3).any(|w| w == b"://")
        && !encodes_prose(s)
        && !folded.windows(5).any(|w| w == b"passw")
        && !COMMON_PASSWORDS.iter().any(|p| {
            // `secret123`, `admin!`, `pass%5B`: a common word with a few digits or symbols.
            let p = p.as_bytes();
            folded == p || (letters.starts_with(p) && letters.len() <= p.len() + 2)
        })
        && !lower.windows(3).any(|w| w == b"foo")
        && !is_identifier_path(s)
        && !is_word_chain(s)
        && !known_example(s)
}

/// Values that specifications and tutorials print as examples (RFC 6749, RFC 5849, RFC 7617,
/// jwt.io); they appear in many codebases' docs and tests and are never live.
const KNOWN_EXAMPLES: &[&str] = &[
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "gX1fBat3bV",
    "mF_9.B5f-4.1JqM",
    "8xLOxBtZp8",
    "0685bd9184jfhq22",
    "ad180jjd733klru7",
    "kd94hf93k423kf44",
    "hh5s93j4hdidpola",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "45ghiukldjahdnhzdauz",
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

fn known_example(s: &[u8]) -> bool {
    KNOWN_EXAMPLES
        .iter()
        .any(|e| s.windows(e.len()).any(|w| w == e.as_bytes()))
}

fn jwt(s: &[u8]) -> bool {
    let parts: Vec<&[u8]> = s.split(|&b| b == b'.').collect();
    let object = |part: &[u8]| base64_decode(part).filter(|json| json.first() == Some(&b'{'));
    parts.len() == 3
        && object(parts[0]).is_some_and(|h| h.windows(5).any(|w| w == b"\"alg\""))
        && object(parts[1]).is_some()
        && !known_example(s)
}

/// Base64 of a sentence (`bm90IGEgcmVhbCBwYXNzd29yZA==` is "not a real password"): documentation.
fn encodes_prose(s: &[u8]) -> bool {
    s.len() >= 12
        && base64_decode(s).is_some_and(|plain| {
            plain.contains(&b' ') && plain.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
        })
}

fn basic_auth(s: &[u8]) -> bool {
    !known_example(s)
        && base64_decode(s).is_some_and(|plain| {
            let Some(colon) = plain.iter().position(|&b| b == b':') else {
                return false;
            };
            colon > 0
                && colon + 1 < plain.len()
                && plain.iter().all(|b| b.is_ascii_graphic())
                && password(&plain[colon + 1..])
        })
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

    #[test]
    fn base64_table() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(base64_decode(b"a b").is_none());
    }

    fn b64url(data: &[u8]) -> String {
        const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHA[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    fn macaroon(location: &[u8], signature_len: u8) -> Vec<u8> {
        let mut m = vec![2, 1, location.len() as u8];
        m.extend_from_slice(location);
        m.extend_from_slice(&[2, 4, b'i', b'd', b'0', b'1', 0]);
        m.extend_from_slice(&[2, 3, b'c', b'a', b'v', 0, 0]);
        m.extend_from_slice(&[6, signature_len]);
        m.extend(std::iter::repeat_n(7u8, usize::from(signature_len)));
        m
    }

    #[test]
    fn pypi_macaroon_table() {
        let good = format!("pypi-{}", b64url(&macaroon(b"pypi.org", 32)));
        let test = format!("pypi-{}", b64url(&macaroon(b"test.pypi.org", 32)));
        let other = format!("pypi-{}", b64url(&macaroon(b"evil.org", 32)));
        let short_sig = format!("pypi-{}", b64url(&macaroon(b"pypi.org", 31)));
        let cut = &good[..good.len() - 10];
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&test, true),
            (&other, false),
            (&short_sig, false),
            (cut, false),
            ("pypi-AgEIcHlwaS5vcmc", false),
        ];
        for (secret, want) in cases {
            assert_eq!(
                Validator::PypiMacaroon.check(secret.as_bytes()),
                *want,
                "{secret}"
            );
        }
    }

    #[test]
    fn generic_secret_table() {
        let cases: &[(&str, bool)] = &[
            ("q8Ff3kZp0LmXw2RtY7uVbN4c", true),
            ("Zk3pQ9rT1vX7wY2bN5mC8dF4gH6j", true),
            ("7d3f0a9c1b2e4d5f6a7b8c9d0e1f2a3b", true),
            ("c3f1e0a2-5b6d-4e7f-8a9b-0c1d2e3f4a5b", false),
            ("sha512-Qm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", false),
            ("settings.SECRET_KEY", false),
            ("my-app-secret-v2", false),
            ("DB_PASSWORD_PROD", false),
            ("/etc/keys/server2.pem", false),
            ("certs/server2024.pem", false),
            ("abcdefghijklmnopqrstuvwxyz", false),
            ("VGhpcyBpcyBub3QgYSByZWFsIHNlY3JldA==", false),
        ];
        for (secret, want) in cases {
            assert_eq!(
                Validator::GenericSecret.check(secret.as_bytes()),
                *want,
                "{secret}"
            );
        }
    }

    #[test]
    fn password_table() {
        let cases: &[(&str, bool)] = &[
            ("Tr0ub4dor&3", true),
            ("qW7vn3Lp", true),
            ("hunter42", false),
            ("x9!kQ2mz", true),
            ("password", false),
            ("Password123", false),
            ("postgres", false),
            ("P@ssw0rd", false),
            ("$DB_PASSWORD", false),
            ("%(password)s", false),
            ("{password}", false),
            (":password", false),
            ("db_password", false),
            ("settings.DB_PASS", false),
            ("two words", false),
            ("secret123", false),
            ("admin2024!", false),
            ("pass%5B%7F", false),
            ("foo(b%5Dc", false),
            ("/Users/maciej", false),
            ("kadmin/server", false),
            ("https://login.acme.io/oauth2/token", false),
            ("bm90IG15IHJlYWwgcGFzc3dvcmQ=", false),
        ];
        for (secret, want) in cases {
            assert_eq!(
                Validator::Password.check(secret.as_bytes()),
                *want,
                "{secret}"
            );
        }
    }

    #[test]
    fn jwt_table() {
        let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = b64url(br#"{"sub":"42","role":"admin"}"#);
        let good = format!("{header}.{payload}.Zx81nQp2LmT6vR4wYk9bHs3dFg7jK0cV5aEuXiOy1");
        let sample = format!("{header}.{payload}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
        let not_json = format!(
            "{}.{payload}.Zx81nQp2LmT6vR4wYk9bHs3dFg7jK0cV5aEuXiOy1",
            b64url(b"hello")
        );
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&sample, false),
            (&not_json, false),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", false),
        ];
        for (secret, want) in cases {
            assert_eq!(Validator::Jwt.check(secret.as_bytes()), *want, "{secret}");
        }
    }

    #[test]
    fn known_examples_are_not_secrets() {
        assert!(!Validator::GenericSecret.check(b"2YotnFZFEjr1zCsicMWpAA"));
        assert!(!Validator::BasicAuth.check(b"czZCaGRSa3F0MzpnWDFmQmF0M2JW"));
        assert!(!Validator::Password.check(b"gX1fBat3bV"));
    }

    #[test]
    fn absolute_paths_are_not_secrets() {
        assert!(is_absolute_path(b"/etc/ssl/private/server-2024.pem"));
        assert!(!is_absolute_path(
            b"/ZwBWLqHB7bvAkpZUeBqWthSbNYF/QG7lXWAwACUZDuVvKW8m7ncvTr8Ti6ITjgo"
        ));
    }

    #[test]
    fn not_a_name_table() {
        assert!(Validator::NotAName.check(b"mk_live_3f9Kq2LxV8pR7tZ1wYb4N6cD"));
        assert!(Validator::NotAName.check(b"KEY01H8Zq4rT2vN9pLx6WcB3kYd7"));
        assert!(!Validator::NotAName.check(b"migosmtp-api-key"));
        assert!(!Validator::NotAName.check(b"PasswordResetTokenExpirationHandlerFactory"));
    }

    #[test]
    fn basic_auth_table() {
        // "deploy:Xk29!qLm7"
        assert!(Validator::BasicAuth.check(b"ZGVwbG95OlhrMjkhcUxtNw=="));
        // "user:password"
        assert!(!Validator::BasicAuth.check(b"dXNlcjpwYXNzd29yZA=="));
        // "hello"
        assert!(!Validator::BasicAuth.check(b"aGVsbG8="));
    }
}
