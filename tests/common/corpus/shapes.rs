//! Secrets in the shapes of the rule catalog's own examples (`keygate::rules::builtin_specs()`),
//! so that the corpus holds no second description of any provider's key format to drift from
//! `src/rules/builtin`.
//!
//! Every example of a rule is a line the rule must match. Taken apart, it gives a value (what the
//! line assigns or passes: a token, a URL with a password, a connection string), the secret inside
//! it (the rule's secret group), and, where the line is a plain assignment, the name the secret
//! goes by. A fresh secret keeps the example's shape: each letter or digit is replaced by a random
//! one of the same class (hex stays hex, base32 stays base32), the characters the pattern needs
//! (prefixes, separators) are kept, and a CRC32 checksum is recomputed. It is used only once the
//! real engine finds it in the example's own line; a shape no draw can fill (a structured token
//! such as a macaroon) gets random characters in a shorter tail, and the example's own secret as
//! a last resort.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use keygate::rules::validators::{base64_decode, Validator};
use keygate::rules::{builtin_specs, compile_all, Rule, RuleSpec};
use keygate::Scanner;

use super::Family;
use crate::common::rng::{base64, Rng};
use crate::common::with_crc32_base62;

/// A generated secret and the names a developer would give it.
#[derive(Debug, Clone)]
pub struct Secret {
    /// The rule whose example gave the shape.
    pub provider: &'static str,
    pub family: Family,
    /// The text that goes into the code: the example's value with a fresh secret in it.
    pub value: String,
    /// The fresh secret alone (the rule's secret group).
    pub secret: String,
    /// The names the catalog's examples give it (else its rule id's words), as word lists.
    pub names: &'static [Vec<String>],
    /// The value is recognisable on its own (its rule's pattern matches it with no name next to
    /// it), so it may appear bare: as a call argument, in a header, on a command line.
    pub bare: bool,
}

impl Secret {
    /// One of its names, as words.
    pub fn words(&self, rng: &Rng) -> Vec<&'static str> {
        rng.pick(self.names).iter().map(String::as_str).collect()
    }
}

/// A fresh secret of `family`: a rule of the family (weighted by how common its keys are), one of
/// its examples, and a new secret in that example's shape.
pub fn secret(rng: &Rng, family: Family) -> Secret {
    let catalog = catalog();
    let of_family: Vec<&Provider> = catalog
        .providers
        .iter()
        .filter(|p| p.family == family && !IN_THEIR_OWN_FILES.contains(&p.id))
        .flat_map(|p| std::iter::repeat_n(p, popularity(p.id)))
        .collect();
    assert!(!of_family.is_empty(), "no catalog rule for {family:?}");
    rng.pick(&of_family).fresh(rng, &catalog.scanner)
}

/// A fresh secret in the shape of one of the examples of rule `id`.
pub fn by_id(rng: &Rng, id: &str) -> Secret {
    let catalog = catalog();
    catalog
        .providers
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no usable examples for rule {id}"))
        .fresh(rng, &catalog.scanner)
}

/// The ids of the rules the corpus draws secrets from, with their family.
pub fn providers() -> Vec<(&'static str, Family)> {
    catalog()
        .providers
        .iter()
        .map(|p| (p.id, p.family))
        .collect()
}

/// For each rule, how `rounds` draws for each of its examples went: `[every free character new,
/// only a tail new, the example's own secret]`.
pub fn fallbacks(rng: &Rng, rounds: usize) -> HashMap<&'static str, [usize; 3]> {
    let catalog = catalog();
    let mut out = HashMap::new();
    for p in &catalog.providers {
        for shape in &p.shapes {
            for _ in 0..rounds {
                let (_, how) = p.draw(shape, rng, &catalog.scanner);
                out.entry(p.id).or_insert([0; 3])[how] += 1;
            }
        }
    }
    out
}

/// Rules whose secrets mean something in one kind of file only (`.docker/config.json`, `.npmrc`,
/// a kubeconfig, `wp-config.php`): the corpus writes them there (`files.rs`), never in ordinary
/// code. Every id here must be a catalog rule (checked by `tests/accuracy.rs`).
pub const IN_THEIR_OWN_FILES: &[&str] = &[
    "docker-config-auth",
    "npmrc-basic-auth",
    "kubeconfig-client-key",
    "wordpress-salt",
    // Keys named on a neighbouring line or handed to a client: `forms.rs` writes them.
    "migosmtp-api-key-nearby",
    "migosmtp-client-key",
    "telnxo-api-key-nearby",
    "telnxo-client-key",
    "generic-secret-nearby",
    "generic-terraform-variable-default",
    "generic-api-key-header",
    "generic-authorization-token",
    // Call and command-line forms whose value means nothing assigned to a name.
    "generic-curl-user-key",
    "generic-login-password",
    "generic-cli-password",
    "twilio-client-auth-token",
];

/// How common a rule's keys are in real repositories, relative to the others of its family (1
/// unless listed): by how widely the service is used, never by how easy the key is to detect.
/// Every id here must be a catalog rule (checked by `tests/accuracy.rs`).
pub const POPULAR: &[(&str, usize)] = &[
    ("aws-access-key-id", 3),
    ("aws-secret-access-key", 3),
    ("github-personal-access-token", 3),
    ("stripe-secret-key", 3),
    ("openai-api-key", 3),
    ("postgres-connection-string", 3),
    ("npm-access-token", 3),
    ("generic-api-key", 3),
    ("gcp-api-key", 2),
    ("gitlab-personal-access-token", 2),
    ("slack-bot-token", 2),
    ("sendgrid-api-key", 2),
    ("twilio-auth-token", 2),
    ("anthropic-api-key", 2),
    ("mysql-connection-string", 2),
    ("mongodb-connection-string", 2),
    ("redis-connection-string", 2),
    ("pypi-upload-token", 2),
    ("datadog-api-key", 2),
    ("sentry-user-token", 2),
    ("vault-service-token", 2),
    ("doppler-token", 2),
    ("generic-password", 2),
];

fn popularity(id: &str) -> usize {
    POPULAR
        .iter()
        .find(|(p, _)| *p == id)
        .map_or(1, |&(_, weight)| weight)
}

/// A rule with the examples the corpus can use.
struct Provider {
    id: &'static str,
    /// The rule's index in the scanner.
    index: usize,
    family: Family,
    validator: Option<Validator>,
    names: Vec<Vec<String>>,
    shapes: Vec<Shape>,
}

/// One example of a rule, taken apart.
struct Shape {
    example: &'static str,
    /// Where the value, and the secret inside it, stand in the example.
    value: Range<usize>,
    secret: Range<usize>,
    /// For each byte of the secret, the alphabet a new one is drawn from; `None` where the
    /// pattern needs this very character.
    slots: Vec<Option<&'static str>>,
    bare: bool,
}

struct Catalog {
    scanner: Scanner,
    providers: Vec<Provider>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let scanner = Scanner::new(
            compile_all(&[]).expect("the built-in catalog compiles"),
            Default::default(),
        );
        let providers = builtin_specs()
            .iter()
            .enumerate()
            // Multi-line rules are private key blocks and `.netrc` entries: `keys.rs` builds the
            // blocks, and the special files hold the rest.
            .filter(|(_, spec)| !spec.multiline)
            .filter_map(|(index, spec)| {
                assert_eq!(
                    scanner.rule(index).id(),
                    spec.id,
                    "the scanner keeps the catalog's order"
                );
                Provider::new(index, spec, &scanner)
            })
            .collect();
        Catalog { scanner, providers }
    })
}

impl Provider {
    fn new(index: usize, spec: &'static RuleSpec, scanner: &Scanner) -> Option<Provider> {
        let rule = scanner.rule(index);
        let mut names: Vec<Vec<String>> = Vec::new();
        let mut shapes = Vec::new();
        for example in spec.examples.iter() {
            let example: &'static str = example;
            let Some(secret) = secret_span(rule, example.as_bytes()) else {
                continue;
            };
            let Some(value) = value_span(example, &secret) else {
                continue;
            };
            if let Some(words) = name_before(&example[..value.start]) {
                if !names.contains(&words) {
                    names.push(words);
                }
            }
            let alone = format!("connect(\"{}\")", &example[value.clone()]);
            let bare = secret_span(rule, alone.as_bytes()).is_some();
            let found = |candidate: &str| {
                let candidate = match rule.validator {
                    Some(Validator::Crc32Base62) => recompute_crc32(candidate),
                    _ => candidate.to_string(),
                };
                finds(scanner, index, example, &secret, &candidate)
            };
            shapes.push(Shape {
                example,
                slots: slots(found, example, &secret),
                value,
                secret,
                bare,
            });
        }
        if shapes.is_empty() {
            return None;
        }
        if names.is_empty() {
            // The rule id's words (without the catalog's `generic-` prefix).
            let id = spec.id.strip_prefix("generic-").unwrap_or(&spec.id);
            names.push(id.split('-').map(str::to_string).collect());
        }
        Some(Provider {
            id: &spec.id,
            index,
            family: Family::of_catalog(&spec.family),
            validator: rule.validator,
            names,
            shapes,
        })
    }

    fn fresh(&'static self, rng: &Rng, scanner: &Scanner) -> Secret {
        let shape = rng.pick(&self.shapes);
        let (secret, _) = self.draw(shape, rng, scanner);
        let e = shape.example;
        Secret {
            provider: self.id,
            family: self.family,
            value: format!(
                "{}{secret}{}",
                &e[shape.value.start..shape.secret.start],
                &e[shape.secret.end..shape.value.end]
            ),
            secret,
            names: &self.names,
            bare: shape.bare,
        }
    }

    /// A new secret for `shape` that the engine finds in the example's line, and how it was
    /// made: 0 every free character drawn, 1 only a tail, 2 the example's own secret.
    fn draw(&self, shape: &Shape, rng: &Rng, scanner: &Scanner) -> (String, usize) {
        let original = &shape.example[shape.secret.clone()];
        if self.validator == Some(Validator::BasicAuth) {
            // Base64 of `user:password`: a new pair in the shape of the decoded one.
            for _ in 0..8 {
                if let Some(secret) = basic_auth(original, rng) {
                    if finds(scanner, self.index, shape.example, &shape.secret, &secret) {
                        return (secret, 0);
                    }
                }
            }
        }
        let n = shape.slots.len();
        for (how, from) in [(0, 0), (1, n / 2), (1, n * 3 / 4), (1, n * 7 / 8)] {
            for _ in 0..8 {
                let mut secret: Vec<u8> = original.bytes().collect();
                for (i, slot) in shape.slots.iter().enumerate().skip(from) {
                    if let Some(alphabet) = slot {
                        secret[i] = alphabet.as_bytes()[rng.below(alphabet.len())];
                    }
                }
                let mut secret = String::from_utf8(secret).expect("ASCII replaces ASCII");
                if self.validator == Some(Validator::Crc32Base62) {
                    secret = recompute_crc32(&secret);
                }
                if secret != original
                    && finds(scanner, self.index, shape.example, &shape.secret, &secret)
                {
                    return (secret, how);
                }
            }
        }
        (original.to_string(), 2)
    }
}

/// Whether the engine reports rule `index` at the secret of `example` once `secret` replaces it.
fn finds(scanner: &Scanner, index: usize, example: &str, at: &Range<usize>, secret: &str) -> bool {
    let line = format!("{}{secret}{}", &example[..at.start], &example[at.end..]);
    scanner
        .scan(line.as_bytes())
        .iter()
        .any(|m| m.rule == index && m.offset == at.start)
}

/// The span of the rule's secret group in `text`.
fn secret_span(rule: &Rule, text: &[u8]) -> Option<Range<usize>> {
    rule.regex().first_secret(text)
}

/// `user:password` in base64, decoded, reshaped character by character, and encoded again (with
/// padding where the original has it).
fn basic_auth(original: &str, rng: &Rng) -> Option<String> {
    let decoded = String::from_utf8(base64_decode(original.as_bytes())?).ok()?;
    let fresh: String = decoded
        .bytes()
        .map(|b| {
            let alphabet = match b {
                b'a'..=b'z' => LOWER,
                b'A'..=b'Z' => UPPER,
                b'0'..=b'9' => DIGITS,
                _ => return b as char,
            };
            alphabet.as_bytes()[rng.below(alphabet.len())] as char
        })
        .collect();
    let encoded = base64(fresh.as_bytes(), false);
    Some(if original.ends_with('=') {
        encoded
    } else {
        encoded.trim_end_matches('=').to_string()
    })
}

/// GitHub and npm tokens end with the CRC32 of the characters between the last `_` and it.
fn recompute_crc32(token: &str) -> String {
    let underscore = token.rfind('_').expect("a crc32-base62 token has a prefix");
    let (prefix, body) = token.split_at(underscore + 1);
    with_crc32_base62(prefix, &body[..body.len().saturating_sub(6)])
}

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";

/// Which characters of the secret may change, and to what. A character is kept where the engine
/// stops finding the secret when it alone changes (a prefix, a keyword, a separator, the
/// structure of a token), and where a backslash escapes it (`\n` inside a JSON string). The
/// others are drawn from the alphabet their run of free characters shows: hex where its letters
/// are all `a`-`f`, base32 digits where its digits are all `2`-`7`.
fn slots(
    found: impl Fn(&str) -> bool,
    example: &str,
    secret: &Range<usize>,
) -> Vec<Option<&'static str>> {
    let bytes = &example.as_bytes()[secret.clone()];
    let escaped =
        |i: usize| i + secret.start > 0 && example.as_bytes()[i + secret.start - 1] == b'\\';
    let free: Vec<bool> = (0..bytes.len())
        .map(|i| {
            if !bytes[i].is_ascii_alphanumeric() || escaped(i) {
                return false;
            }
            let mut probe = bytes.to_vec();
            probe[i] = neighbour(bytes[i]);
            found(std::str::from_utf8(&probe).expect("ASCII replaces ASCII"))
        })
        .collect();
    let mut slots = vec![None; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        if !free[i] {
            i += 1;
            continue;
        }
        let run = i..(i..bytes.len()).find(|&j| !free[j]).unwrap_or(bytes.len());
        let chars = &bytes[run.clone()];
        // The narrower alphabet when every character of its class in the run is in it.
        let narrow = |class: fn(&u8) -> bool, narrow: &'static str, wide: &'static str| {
            let all_in = chars
                .iter()
                .filter(|b| class(b))
                .all(|b| narrow.as_bytes().contains(b));
            if all_in {
                narrow
            } else {
                wide
            }
        };
        let lower = narrow(u8::is_ascii_lowercase, "abcdef", LOWER);
        let upper = narrow(u8::is_ascii_uppercase, "ABCDEF", UPPER);
        let digits: Vec<u8> = chars.iter().copied().filter(u8::is_ascii_digit).collect();
        let digits = if digits.len() >= 4 && digits.iter().all(|d| (b'2'..=b'7').contains(d)) {
            "234567"
        } else {
            DIGITS
        };
        for j in run.clone() {
            slots[j] = Some(match bytes[j] {
                b'a'..=b'z' => lower,
                b'A'..=b'Z' => upper,
                _ => digits,
            });
        }
        i = run.end;
    }
    slots
}

/// Another character that any alphabet holding `b` (hex, base32, base62) also holds, to test
/// whether the pattern needs `b` itself.
fn neighbour(b: u8) -> u8 {
    let within = |lo: u8, hi: u8| lo + (b - lo + 1) % (hi - lo + 1);
    match b {
        b'a'..=b'f' => within(b'a', b'f'),
        b'g'..=b'z' => within(b'g', b'z'),
        b'A'..=b'F' => within(b'A', b'F'),
        b'G'..=b'Z' => within(b'G', b'Z'),
        b'2'..=b'7' => within(b'2', b'7'),
        b'0' | b'1' => b'1' - (b - b'0'),
        _ => b'8' + b'9' - b,
    }
}

/// The value holding the secret: the quoted string around it, or else the run of non-blank
/// characters around it without a leading `NAME=`. `None` when that value holds a quote (an
/// example quoting code inside a string), which no language's literal could hold as it is.
fn value_span(example: &str, secret: &Range<usize>) -> Option<Range<usize>> {
    let bytes = example.as_bytes();
    let is_quote =
        |i: usize| matches!(bytes[i], b'"' | b'\'' | b'`') && (i == 0 || bytes[i - 1] != b'\\');
    let quoted = (0..secret.start)
        .rev()
        .find(|&i| is_quote(i))
        .and_then(|open| {
            (secret.end..bytes.len())
                .find(|&i| bytes[i] == bytes[open] && is_quote(i))
                .map(|close| open + 1..close)
        });
    let value = quoted.unwrap_or_else(|| {
        let stop = |b: u8| b.is_ascii_whitespace() || b == b'<' || b == b'>';
        let mut start = (0..secret.start)
            .rev()
            .find(|&i| stop(bytes[i]))
            .map_or(0, |i| i + 1);
        let end = (secret.end..bytes.len())
            .find(|&i| stop(bytes[i]))
            .unwrap_or(bytes.len());
        // `NAME=value` and `--flag=value`, but not the `Key=value;` pairs of a connection string.
        if let Some(eq) = example[start..secret.start].find('=') {
            let name = example[start..start + eq].trim_start_matches('-');
            if is_name(name) && !example[start + eq..secret.start].contains(';') {
                start += eq + 1;
            }
        }
        start..end
    });
    let text = &example[value.clone()];
    (!text.contains(['"', '\'', '`'])).then_some(value)
}

fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// The name in `prefix` when the example is a plain assignment of the value to it (`NAME=`,
/// `export NAME="`, `name: '`, `"name": "`, `ENV NAME `), split into lowercase words.
fn name_before(prefix: &str) -> Option<Vec<String>> {
    let mut rest = prefix.trim_start();
    let dockerfile = rest.starts_with("ENV ");
    for keyword in ["export ", "ENV ", "const ", "let ", "var ", "$"] {
        if let Some(after) = rest.strip_prefix(keyword) {
            rest = after.trim_start();
        }
    }
    let rest = rest.trim_end_matches(['"', '\'', '`']).trim_end();
    let assigned = [":=", "=>", "=", ":"]
        .iter()
        .find_map(|op| rest.strip_suffix(op));
    // Without an operator, only Dockerfile's `ENV NAME value` assigns (`echo TOKEN` does not).
    let rest = assigned.or(dockerfile.then_some(rest))?.trim_end();
    let name = rest.trim_matches(['"', '\'']);
    is_name(name).then(|| words(name))
}

/// `MIGOSMTP_API_KEY`, `migosmtpApiKey`, `MigoSMTPAPIKey`, `app.jwt-secret` as lowercase words.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if "_.-".contains(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        let starts_word = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(char::is_ascii_lowercase)
                    && chars[i - 1].is_ascii_uppercase());
        if starts_word && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_split_into_words() {
        for (name, want) in [
            ("MIGOSMTP_API_KEY", "migosmtp api key"),
            ("migosmtpApiKey", "migosmtp api key"),
            ("MigoSMTPAPIKey", "migo smtpapi key"),
            ("app.jwt-secret", "app jwt secret"),
            ("AWS_SECRET_ACCESS_KEY", "aws secret access key"),
        ] {
            assert_eq!(super::words(name).join(" "), want, "{name}");
        }
    }

    #[test]
    fn assignments_name_their_value() {
        for (prefix, want) in [
            ("OPENAI_API_KEY=", Some("openai api key")),
            ("export SECRET_KEY=\"", Some("secret key")),
            ("  \"SecretAccessKey\": \"", Some("secret access key")),
            ("ENV INFISICAL_TOKEN ", Some("infisical token")),
            ("deepgram_key: \"", Some("deepgram key")),
            ("client = OpenAI(api_key=\"", None),
            ("echo ", None),
            ("Authorization: Bearer ", None),
        ] {
            assert_eq!(
                super::name_before(prefix).map(|w| w.join(" ")).as_deref(),
                want,
                "{prefix:?}"
            );
        }
    }
}
