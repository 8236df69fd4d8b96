//! Validators named from the catalog: a match that fails its rule's validator is not reported.
//! Some are provider checksums (GitHub and npm CRC32, PyPI macaroon structure; `checksums.rs`);
//! others are shape checks that keep the generic rules quiet on identifiers, templates and hashes
//! (`shapes.rs`), among them digests of dummy passwords (`digests.rs`). This file holds the enum and the one table of the names rules give them.

mod checksums;
mod digests;
mod shapes;

pub use checksums::{base62, base64_decode};

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

/// Every validator with the name rules give it: the one table that [`Validator::by_name`],
/// [`Validator::name`] and [`Validator::all`] read.
const NAMES: &[(Validator, &str)] = &[
    (Validator::Crc32Base62, "crc32-base62"),
    (Validator::PypiMacaroon, "pypi-macaroon"),
    (Validator::GenericSecret, "generic-secret"),
    (Validator::Password, "password"),
    (Validator::BasicAuth, "basic-auth"),
    (Validator::Jwt, "jwt"),
    (Validator::NotAName, "not-a-name"),
];

impl Validator {
    pub fn by_name(name: &str) -> Option<Validator> {
        NAMES.iter().find(|(_, n)| *n == name).map(|&(v, _)| v)
    }

    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(v, _)| *v == self)
            .map(|&(_, n)| n)
            .expect("every validator is in NAMES")
    }

    /// Every validator, in table order.
    pub fn all() -> impl Iterator<Item = Validator> {
        NAMES.iter().map(|&(v, _)| v)
    }

    /// Whether `secret` passes the check.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Crc32Base62 => checksums::crc32_base62(secret),
            Validator::PypiMacaroon => checksums::pypi_macaroon(secret),
            Validator::GenericSecret => shapes::generic_secret(secret),
            Validator::Password => shapes::password(secret),
            Validator::BasicAuth => shapes::basic_auth(secret),
            Validator::Jwt => shapes::jwt(secret),
            Validator::NotAName => shapes::not_a_name(secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name leads to its validator and back, and names are unique.
    #[test]
    fn names_round_trip() {
        for v in Validator::all() {
            assert_eq!(Validator::by_name(v.name()), Some(v), "{}", v.name());
        }
        assert_eq!(
            Validator::by_name("crc32-base62"),
            Some(Validator::Crc32Base62)
        );
        assert_eq!(Validator::by_name("no-such-validator"), None);
    }
}
