//! Values that specifications, SDK documentation and tutorials print as examples: every scanner
//! knows them, they appear in many codebases' docs and tests, and they are never live. One list,
//! each entry with where it is published; the engine's placeholder filter and the validators both
//! read it.

/// `(value, where it is published)`. A secret containing one of these values is not reported.
pub const PUBLISHED_EXAMPLES: &[(&str, &str)] = &[
    // OAuth 2.0 and 1.0, HTTP Basic.
    ("2YotnFZFEjr1zCsicMWpAA", "RFC 6749 §1.5 access token"),
    ("tGzv3JOkF0XG5Qx2TlKWIA", "RFC 6749 §1.5 refresh token"),
    ("SplxlOBeZQQYbYS6WxSbIA", "RFC 6749 §4.1 authorization code"),
    (
        "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
        "RFC 6749 §2.3.1 client credentials",
    ),
    ("gX1fBat3bV", "RFC 6749 §2.3.1 client secret"),
    ("mF_9.B5f-4.1JqM", "RFC 6750 §2.1 bearer token"),
    ("8xLOxBtZp8", "RFC 6749 §4.2.2 access token"),
    ("0685bd9184jfhq22", "RFC 5849 §1.2 oauth_token"),
    ("ad180jjd733klru7", "RFC 5849 §1.2 oauth_token"),
    ("kd94hf93k423kf44", "RFC 5849 §1.2 client secret"),
    ("hh5s93j4hdidpola", "RFC 5849 §1.2 temporary credentials"),
    ("nnch734d00sl2jdk", "RFC 5849 §1.2 token secret"),
    ("pfkkdhi9sl3r4s00", "RFC 5849 §1.2 token secret"),
    ("45ghiukldjahdnhzdauz", "RFC 5849 §3.1 token"),
    (
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "RFC 7617 §2 Aladdin:open sesame",
    ),
    // JSON Web Tokens.
    (
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "jwt.io debugger sample (HS256)",
    ),
    // Provider documentation.
    ("4eC39HqLyjWDarjtT1zdp7dc", "Stripe API reference test key"),
    ("BQokikJOvBiI2HlWgH4olfQ2", "Stripe API reference test key"),
    (
        "ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        "Telegram Bot API docs (BotFather token)",
    ),
    (
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "Telegram bot tutorial (BotFather token)",
    ),
    // Framework documentation.
    (
        "cf50faa3fe97702ca1ae",
        "Rails API docs, form_tag's authenticity_token example",
    ),
    // Published test vectors (RFC 8032 Ed25519 test 1 secret key, RFC 7748 X25519 test keys).
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "RFC 8032 §7.1 test 1",
    ),
    (
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        "RFC 7748 §6.1 Alice",
    ),
    (
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        "RFC 7748 §6.1 Bob",
    ),
];

/// Whether `secret` contains a published example.
pub fn is_published_example(secret: &[u8]) -> bool {
    PUBLISHED_EXAMPLES
        .iter()
        .any(|(e, _)| secret.windows(e.len()).any(|w| w == e.as_bytes()))
}
