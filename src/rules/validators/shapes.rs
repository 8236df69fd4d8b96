//! Shape checks that keep the generic rules quiet on what is not a secret: identifiers, dotted
//! paths and words joined by separators, UUIDs, integrity hashes, file names, common passwords,
//! templates, base64 prose, and the examples that specifications print. The password, JWT and
//! basic-auth validators are built from them.

use super::checksums::base64_decode;
use super::digests::is_dummy_digest;

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
    ".html", ".env", ".toml", ".xml", ".der", ".jks", ".png", ".svg", ".enc",
];

const HASH_PREFIXES: &[&str] = &["sha1-", "sha256-", "sha384-", "sha512-", "md5-", "sha256:"];

/// Tokens that providers publish for browsers and apps: public by design (Mapbox `pk.eyJ…`,
/// Stripe publishable keys).
const PUBLIC_PREFIXES: &[&str] = &["pk.eyj", "pk_live_", "pk_test_"];

pub(super) fn generic_secret(s: &[u8]) -> bool {
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

pub(super) fn password(s: &[u8]) -> bool {
    match percent_decoded(s) {
        // A URL's password is percent-encoded: judge what it stands for (`pa%24%24word`), an
        // encoded space included.
        Some(decoded) => judge_password(&decoded, true),
        None => judge_password(s, false),
    }
}

fn judge_password(s: &[u8], decoded: bool) -> bool {
    let lower = s.to_ascii_lowercase();
    // `Secrets.fetch(dbPw)`: a call captured as a value.
    if s.contains(&b')')
        && s.windows(2)
            .any(|w| (w[0].is_ascii_alphanumeric() || w[0] == b'_') && w[1] == b'(')
    {
        return false;
    }
    if PUBLIC_PREFIXES
        .iter()
        .any(|p| lower.starts_with(p.as_bytes()))
    {
        return false;
    }
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
        .any(|b| !decoded && b.is_ascii_whitespace() || b.is_ascii_control())
        && classes.iter().filter(|&&c| c).count() >= 2
        && !matches!(
            s.first(),
            Some(b'$' | b'%' | b'{' | b':' | b'@' | b'?' | b'/')
        )
        && !is_query_text(s)
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
        && !is_lowercase_words(s)
        && !is_dummy_digest(s)
        && !known_example(s)
}

/// `s` with its `%XX` escapes decoded, when it holds any (`None` otherwise).
fn percent_decoded(s: &[u8]) -> Option<Vec<u8>> {
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let mut any = false;
    while i < s.len() {
        match (s[i], hex(s.get(i + 1)), hex(s.get(i + 2))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                any = true;
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    any.then_some(out)
}

/// `&collection=a`: the query of a URL captured where its password would be.
fn is_query_text(s: &[u8]) -> bool {
    let name = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    matches!(s.first(), Some(b'&' | b'?'))
        && s.get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && s[1..]
            .iter()
            .position(|&b| b == b'=')
            .is_some_and(|eq| s[1..1 + eq].iter().all(name))
}

/// `pass#pass`, `one+two?`, `changed!`: lower-case words and numbers between punctuation or
/// spaces, typed by a person for a test; a generated password mixes cases or letters and digits
/// within a run.
fn is_lowercase_words(s: &[u8]) -> bool {
    let mut parts = s
        .split(|b| b.is_ascii_punctuation() || b.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
        .peekable();
    parts.peek().is_some()
        && s.iter().any(u8::is_ascii_lowercase)
        && parts.all(|p| p.iter().all(u8::is_ascii_lowercase) || p.iter().all(u8::is_ascii_digit))
}

/// A value that specifications and tutorials print as an example (`rules::published`).
fn known_example(s: &[u8]) -> bool {
    crate::rules::published::is_published_example(s)
}

pub(super) fn jwt(s: &[u8]) -> bool {
    let parts: Vec<&[u8]> = s.split(|&b| b == b'.').collect();
    let object = |part: &[u8]| base64_decode(part).filter(|json| json.first() == Some(&b'{'));
    parts.len() == 3
        && object(parts[0]).is_some_and(|h| h.windows(5).any(|w| w == b"\"alg\""))
        && object(parts[1]).is_some_and(|p| !is_public_payload(&p))
        && !known_example(s)
}

/// A payload that a provider hands to browsers by design: Supabase's `anon` role key.
fn is_public_payload(payload: &[u8]) -> bool {
    let compact: Vec<u8> = payload
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    compact.windows(13).any(|w| w == b"\"role\":\"anon\"")
}

/// Base64 of a sentence (`bm90IGEgcmVhbCBwYXNzd29yZA==` is "not a real password"): documentation.
fn encodes_prose(s: &[u8]) -> bool {
    s.len() >= 12
        && base64_decode(s).is_some_and(|plain| {
            plain.contains(&b' ') && plain.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
        })
}

pub(super) fn basic_auth(s: &[u8]) -> bool {
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

/// A literal that is not a name: not an identifier and not words joined by separators.
pub(super) fn not_a_name(s: &[u8]) -> bool {
    !is_identifier_path(s) && !is_word_chain(s)
}

#[cfg(test)]
mod tests {
    use super::super::checksums::tests::b64url;
    use super::*;

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
            ("Kx9mQ2_development.yml.enc", false),
        ];
        for (secret, want) in cases {
            assert_eq!(generic_secret(secret.as_bytes()), *want, "{secret}");
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
            // URL-encoded and typed test values, query text, digests of dummies.
            ("pa%24%24word", false),
            ("pass%23pass", false),
            ("one+two%3F", false),
            ("bar%3Dbar", false),
            ("nota%hex", false),
            ("changed!", false),
            ("&collection=a", false),
            ("&Xk9mQ2vR7tLw", true),
            ("Xk9m%20Qz7vR2", true),
            ("pass%20pass", false),
            ("0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33", false),
            ("2OeTBpYfNa0%21uXPp", true),
            ("v%Z_ufeaq2X9*B", true),
            ("qtat1v9st79vm3tek!o", true),
        ];
        for (secret, want) in cases {
            assert_eq!(password(secret.as_bytes()), *want, "{secret}");
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
        let anon = format!(
            "{header}.{}.Zx81nQp2LmT6vR4wYk9bHs3dFg7jK0cV5aEuXiOy1",
            b64url(br#"{"iss":"supabase","role": "anon"}"#)
        );
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&sample, false),
            (&not_json, false),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", false),
            (&anon, false),
        ];
        for (secret, want) in cases {
            assert_eq!(jwt(secret.as_bytes()), *want, "{secret}");
        }
    }

    #[test]
    fn known_examples_are_not_secrets() {
        assert!(!generic_secret(b"2YotnFZFEjr1zCsicMWpAA"));
        assert!(!basic_auth(b"czZCaGRSa3F0MzpnWDFmQmF0M2JW"));
        assert!(!password(b"gX1fBat3bV"));
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
        assert!(not_a_name(b"mk_live_3f9Kq2LxV8pR7tZ1wYb4N6cD"));
        assert!(not_a_name(b"KEY01H8Zq4rT2vN9pLx6WcB3kYd7"));
        assert!(!not_a_name(b"migosmtp-api-key"));
        assert!(!not_a_name(b"PasswordResetTokenExpirationHandlerFactory"));
    }

    #[test]
    fn basic_auth_table() {
        // "deploy:Xk29!qLm7"
        assert!(basic_auth(b"ZGVwbG95OlhrMjkhcUxtNw=="));
        // "user:password"
        assert!(!basic_auth(b"dXNlcjpwYXNzd29yZA=="));
        // "hello"
        assert!(!basic_auth(b"aGVsbG8="));
    }
}
