//! Hard negatives: lines that look like secrets to a careless scanner but are not. Each is what
//! real repositories hold: reading a key from the environment, templating, placeholders,
//! references to configuration, identifiers that merely name a secret, ids, digests, published
//! test vectors, public keys and public identifiers, data URIs.

use super::langs::Lang;
use super::{spell, Case, Family, Item};
use crate::common::rng::{base64, Rng, B64, B64URL, HEX, LOWER_ALNUM};

/// Names of secrets, with the family a scanner would attribute them to.
fn secret_name(rng: &Rng) -> (Family, &'static [&'static str]) {
    const NAMES: &[(Family, &[&str])] = &[
        (Family::MigoTelnxo, &["migosmtp", "api", "key"]),
        (Family::MigoTelnxo, &["migosmtp", "api", "key"]),
        (Family::MigoTelnxo, &["telnxo", "api", "key"]),
        (Family::MigoTelnxo, &["telnxo", "api", "key"]),
        (Family::Cloud, &["aws", "secret", "access", "key"]),
        (Family::Cloud, &["cloudflare", "api", "token"]),
        (Family::CodeHosting, &["github", "token"]),
        (Family::CodeHosting, &["gitlab", "token"]),
        (Family::Payment, &["stripe", "secret", "key"]),
        (Family::Payment, &["paypal", "client", "secret"]),
        (Family::Messaging, &["sendgrid", "api", "key"]),
        (Family::Messaging, &["slack", "bot", "token"]),
        (Family::Messaging, &["twilio", "auth", "token"]),
        (Family::Ai, &["openai", "api", "key"]),
        (Family::Ai, &["anthropic", "api", "key"]),
        (Family::Database, &["db", "password"]),
        (Family::Database, &["database", "url"]),
        (Family::Registry, &["npm", "token"]),
        (Family::Registry, &["pypi", "token"]),
        (Family::Observability, &["datadog", "api", "key"]),
        (Family::Observability, &["sentry", "auth", "token"]),
        (Family::SecretManager, &["vault", "token"]),
        (Family::SecretManager, &["doppler", "token"]),
        (Family::Generic, &["api", "key"]),
        (Family::Generic, &["client", "secret"]),
        (Family::Generic, &["password"]),
        (Family::Generic, &["jwt", "secret"]),
        (Family::Generic, &["access", "token"]),
    ];
    *rng.pick(NAMES)
}

fn item(family: Family, kind: &'static str, needle: impl Into<String>) -> Item {
    Item {
        family,
        kind,
        secret: false,
        needle: needle.into(),
    }
}

/// Placeholder values a developer writes instead of a key, for the name `words`.
fn placeholder(rng: &Rng, family: Family, words: &[&str]) -> String {
    let upper = spell(words, Case::UpperSnake);
    let x = |n: usize| "x".repeat(n);
    let generic = [
        "your-api-key-here".to_string(),
        format!("<{upper}>"),
        format!("<your-{}>", spell(words, Case::Kebab)),
        "changeme".to_string(),
        "CHANGE_ME".to_string(),
        "REPLACE_ME".to_string(),
        "TODO".to_string(),
        x(32),
        "********".to_string(),
        format!("your_{}_here", spell(words, Case::Snake)),
        "dummy".to_string(),
        "test".to_string(),
        "secret".to_string(),
        "example".to_string(),
        "...".to_string(),
        "REDACTED".to_string(),
        "insert-key-here".to_string(),
        format!("{}-goes-here", spell(words, Case::Kebab)),
    ];
    // Provider-shaped placeholders: the documented prefix followed by filler.
    let shaped: Vec<String> = match family {
        Family::Payment => vec![
            format!("sk_live_{}", x(24)),
            format!("sk_test_{}", "0".repeat(24)),
        ],
        Family::CodeHosting => vec![format!("ghp_{}", x(36)), format!("glpat-{}", x(20))],
        Family::Cloud => vec![
            format!("AKIA{}", "X".repeat(16)),
            format!("AKIA{}", "IOSFODNN7EXAMPLE"),
        ],
        Family::Ai => vec![
            format!("sk-{}", "..."),
            format!("sk-proj-{}", x(40)),
            "sk-your-key".to_string(),
        ],
        Family::Messaging => vec![
            format!("SG.{}.{}", x(22), x(43)),
            "xoxb-your-bot-token".to_string(),
        ],
        Family::Registry => vec![format!("npm_{}", x(36))],
        Family::SecretManager => vec![format!("hvs.{}", x(24)), "dp.st.xxxx".to_string()],
        Family::MigoTelnxo => vec![
            format!("mk_live_{}", x(32)),
            format!("mk_test_{}", "X".repeat(32)),
            "KEYXXXXXXXXXXXXXXXXXXXXXXXX".to_string(),
        ],
        _ => vec![],
    };
    if !shaped.is_empty() && rng.chance(0.4) {
        rng.pick(&shaped).clone()
    } else {
        rng.pick(&generic).clone()
    }
}

fn template(rng: &Rng, words: &[&str]) -> String {
    let upper = spell(words, Case::UpperSnake);
    let snake = spell(words, Case::Snake);
    let camel = spell(words, Case::Camel);
    match rng.below(12) {
        0 => format!("${{{upper}}}"),
        1 => format!("{{{{ secrets.{upper} }}}}"),
        2 => format!("%({snake})s"),
        3 => format!("{{{{ .Values.{camel} }}}}"),
        4 => format!("<%= ENV[\"{upper}\"] %>"),
        5 => format!("#{{{upper}}}"),
        6 => format!("$({upper})"),
        7 => format!("${{env:{upper}}}"),
        8 => format!("{{{{ env \"{upper}\" }}}}"),
        9 => format!("@{upper}@"),
        10 => format!("${{{{ secrets.{upper} }}}}"),
        _ => format!("{{{{{snake}}}}}"),
    }
}

fn reference(rng: &Rng, lang: Lang, words: &[&str]) -> String {
    let upper = spell(words, Case::UpperSnake);
    let snake = spell(words, Case::Snake);
    let camel = spell(words, Case::Camel);
    let pascal = spell(words, Case::Pascal);
    let dotted = spell(words, Case::Dotted);
    match lang {
        Lang::Python => rng
            .pick(&[
                format!("settings.{upper}"),
                format!("config[\"{snake}\"]"),
                format!("self.{snake}"),
                format!("kwargs.get(\"{snake}\")"),
                format!(
                    "secrets_client.get_secret_value(SecretId=\"prod/{snake}\")[\"SecretString\"]"
                ),
            ])
            .clone(),
        Lang::JavaScript | Lang::TypeScript => rng
            .pick(&[
                format!("config.{camel}"),
                format!("await getSecret(\"{}\")", spell(words, Case::Kebab)),
                format!("options.{camel} ?? defaults.{camel}"),
            ])
            .clone(),
        Lang::Go => rng
            .pick(&[
                format!("cfg.{pascal}"),
                format!("viper.GetString(\"{dotted}\")"),
            ])
            .clone(),
        Lang::Java => rng
            .pick(&[
                format!("config.getProperty(\"{dotted}\")"),
                format!("secrets.get(\"{snake}\")"),
            ])
            .clone(),
        Lang::CSharp => format!("configuration[\"{pascal}\"]"),
        Lang::Ruby => rng
            .pick(&[
                format!("Rails.application.credentials.{snake}"),
                format!("Settings.{snake}"),
            ])
            .clone(),
        Lang::Php => rng
            .pick(&[
                format!("config('services.{snake}')"),
                format!("$this->{camel}"),
            ])
            .clone(),
        Lang::Rust => format!("settings.{snake}.clone()"),
        Lang::Terraform => rng
            .pick(&[
                format!("var.{snake}"),
                "random_password.db.result".to_string(),
                format!("data.aws_ssm_parameter.{snake}.value"),
            ])
            .clone(),
        _ => template(rng, words),
    }
}

fn type_decl(rng: &Rng, lang: Lang, words: &[&str]) -> Option<String> {
    let snake = spell(words, Case::Snake);
    let camel = spell(words, Case::Camel);
    let pascal = spell(words, Case::Pascal);
    Some(match lang {
        Lang::Python => rng
            .pick(&[
                format!("    {snake}: str"),
                format!("def connect(host: str, {snake}: str | None = None) -> Client:"),
            ])
            .clone(),
        Lang::JavaScript | Lang::TypeScript => format!("  {camel}?: string;"),
        Lang::Go => format!("\t{pascal} string `json:\"{snake}\" yaml:\"{snake}\"`"),
        Lang::Java => format!("    private String {camel};"),
        Lang::CSharp => format!("        public string {pascal} {{ get; set; }}"),
        Lang::Ruby => format!("  attr_reader :{snake}"),
        Lang::Php => format!("    private string ${camel};"),
        Lang::Rust => format!("    pub {snake}: String,"),
        _ => return None,
    })
}

/// Constants that name a secret, long identifiers, and secret-named settings that are not
/// secrets.
fn identifier(rng: &Rng, lang: Lang, words: &[&str]) -> String {
    let upper = spell(words, Case::UpperSnake);
    let snake = spell(words, Case::Snake);
    let values: [(&[&str], String); 8] = [
        (&["env", "var"], upper.clone()),
        (&["header", "name"], "X-Api-Key".to_string()),
        (&["token", "type"], "Bearer".to_string()),
        (&["secret", "name"], spell(words, Case::Kebab)),
        (&["password", "field"], "password".to_string()),
        (&["settings", "key"], format!("{snake}_setting_name")),
        (
            &["handler"],
            "PasswordResetTokenExpirationHandlerFactory".to_string(),
        ),
        (
            &["message"],
            "Your access token has expired, please sign in again".to_string(),
        ),
    ];
    let (suffix, value) = rng.pick(&values).clone();
    let mut name: Vec<&str> = words.to_vec();
    name.extend_from_slice(suffix);
    lang.assign(rng, &name, &value)
}

/// Secret-named settings whose value is a number or a flag.
fn scalar(rng: &Rng, lang: Lang) -> String {
    let options: [(&[&str], &str); 6] = [
        (&["token", "ttl", "seconds"], "3600"),
        (&["password", "min", "length"], "12"),
        (&["api", "key", "rotation", "days"], "90"),
        (&["secret", "cache", "enabled"], "true"),
        (&["max", "token", "age"], "86400"),
        (&["use", "secret", "manager"], "false"),
    ];
    let (words, value) = *rng.pick(&options);
    match lang {
        Lang::Python | Lang::Ruby => format!("{} = {value}", spell(words, Case::UpperSnake)),
        Lang::JavaScript | Lang::TypeScript => {
            format!("const {} = {value};", spell(words, Case::Camel))
        }
        Lang::Go => format!("const {} = {value}", spell(words, Case::Camel)),
        Lang::Java => format!(
            "    private static final int {} = {value};",
            spell(words, Case::UpperSnake)
        ),
        Lang::Yaml => format!("  {}: {value}", spell(words, Case::Snake)),
        _ => lang.assign(rng, words, value),
    }
}

/// Published test vectors (FIPS, RFC 4231, RFC 8032, jwt.io) and digests of well-known inputs.
fn test_vector(rng: &Rng, lang: Lang) -> (String, String) {
    const VECTORS: &[(&[&str], &str)] = &[
        (
            &["expected", "digest"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            &["abc", "sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (&["empty", "md5"], "d41d8cd98f00b204e9800998ecf8427e"),
        (&["abc", "sha1"], "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (
            &["hmac", "expected"],
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            &["rfc4231", "case1", "mac"],
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (&["aes", "test", "key"], "000102030405060708090a0b0c0d0e0f"),
        (
            &["fips197", "ciphertext"],
            "69c4e0d86a7b0430d8cdb78070b4c55a",
        ),
        (
            &["rfc8032", "secret", "key"],
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        ),
        (
            &["rfc8032", "public", "key"],
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        ),
    ];
    if rng.chance(0.15) {
        // The jwt.io example token, rebuilt from its published parts.
        let jwt = format!(
            "{}.{}.{}",
            base64(br#"{"alg":"HS256","typ":"JWT"}"#, true),
            base64(
                br#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
                true
            ),
            JWT_IO_TAIL
        );
        return (lang.assign(rng, &["jwt", "io", "example"], &jwt), jwt);
    }
    let (words, value) = *rng.pick(VECTORS);
    (lang.assign(rng, words, value), value.to_string())
}

/// The last part of the jwt.io example token (HS256 over its header and payload with the key
/// `your-256-bit-secret`).
const JWT_IO_TAIL: &str = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/// One hard-negative line for a file in `lang`.
pub fn line(rng: &Rng, lang: Lang) -> (String, Item) {
    let (family, words) = secret_name(rng);
    loop {
        match rng.below(20) {
            0..=3 => {
                let line = lang.env_read(rng, words);
                return (line.clone(), item(family, "env-read", line.trim()));
            }
            4..=5 => {
                let value = template(rng, words);
                return (
                    lang.assign(rng, words, &value),
                    item(family, "templating", value),
                );
            }
            6..=8 => {
                let value = placeholder(rng, family, words);
                return (
                    lang.assign(rng, words, &value),
                    item(family, "placeholder", value),
                );
            }
            9 => {
                let line = match lang {
                    Lang::Python => format!("{} = \"\"", spell(words, Case::Snake)),
                    Lang::Go => format!("\t{} := \"\"", spell(words, Case::Camel)),
                    _ if lang.is_code() => lang.assign(rng, words, ""),
                    _ => lang.assign(rng, words, ""),
                };
                return (line.clone(), item(family, "empty-value", line.trim()));
            }
            10..=11 if lang.is_code() || lang == Lang::Terraform => {
                let expr = reference(rng, lang, words);
                return (
                    lang.assign_expr(rng, words, &expr),
                    item(family, "reference", expr),
                );
            }
            12 => {
                if let Some(line) = type_decl(rng, lang, words) {
                    return (line.clone(), item(family, "declaration", line.trim()));
                }
            }
            13 => {
                let line = identifier(rng, lang, words);
                return (
                    line.clone(),
                    item(Family::Generic, "identifier", line.trim()),
                );
            }
            14 => {
                let line = scalar(rng, lang);
                return (
                    line.clone(),
                    item(Family::Generic, "secret-named-scalar", line.trim()),
                );
            }
            15 => {
                let (line, needle) = test_vector(rng, lang);
                return (line, item(Family::Generic, "test-vector", needle));
            }
            16 => return ids(rng, lang),
            17 => return public(rng, lang),
            18 => return urls(rng, lang),
            19 => {
                let blob = blob(rng);
                return match rng.below(5) {
                    0 | 1 => {
                        const BLOB_NAMES: [&[&str]; 4] = [
                            &["fixture", "payload"],
                            &["icon"],
                            &["avatar", "placeholder"],
                            &["font", "data"],
                        ];
                        let words = BLOB_NAMES[rng.below(BLOB_NAMES.len())];
                        (
                            lang.assign(rng, words, &blob),
                            item(Family::Generic, "base64-blob", blob),
                        )
                    }
                    2 | 3 => {
                        let mime = rng.pick(&[
                            "image/png",
                            "image/svg+xml",
                            "font/woff2",
                            "application/json",
                        ]);
                        let uri = format!("data:{mime};base64,{blob}");
                        let line = if matches!(lang, Lang::JavaScript | Lang::TypeScript)
                            && rng.chance(0.3)
                        {
                            format!("//# sourceMappingURL=data:application/json;charset=utf-8;base64,{blob}")
                        } else {
                            lang.assign(rng, &["logo", "src"], &uri)
                        };
                        let needle = line.trim().to_string();
                        (line, item(Family::Generic, "data-uri", needle))
                    }
                    _ => {
                        let colour = format!("#{}", rng.string(*rng.pick(&[6usize, 8]), HEX));
                        const COLOUR_NAMES: [&[&str]; 4] = [
                            &["primary", "color"],
                            &["accent"],
                            &["brand", "background"],
                            &["border", "colour"],
                        ];
                        let words = COLOUR_NAMES[rng.below(COLOUR_NAMES.len())];
                        (
                            lang.assign(rng, words, &colour),
                            item(Family::Generic, "css-colour", colour),
                        )
                    }
                };
            }
            _ => {}
        }
    }
}

/// A base64 blob that is data, not a credential: an icon, a serialized fixture.
pub fn blob(rng: &Rng) -> String {
    match rng.below(3) {
        0 => format!("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9h{}", rng.string(rng.range(80, 300), B64)),
        1 => base64(format!("{{\"id\":{},\"status\":\"shipped\",\"items\":[{{\"sku\":\"SKU-{}\",\"qty\":{}}}],\"note\":\"{}\"}}", rng.range(1, 99999), rng.range(1000, 9999), rng.range(1, 9), rng.string(40, LOWER_ALNUM)).as_bytes(), false),
        _ => format!("PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAyNCAyNCI+{}", rng.string(rng.range(60, 200), B64)),
    }
}

/// Identifiers and digests: UUIDs, commit ids, trace ids, object ids, image digests.
fn ids(rng: &Rng, lang: Lang) -> (String, Item) {
    let (words, value, kind, family): (&[&str], String, &'static str, Family) = match rng.below(9) {
        0 => (&["tenant", "id"], rng.uuid(), "uuid", Family::Cloud),
        1 => (&["subscription", "id"], rng.uuid(), "uuid", Family::Cloud),
        2 => (&["client", "id"], rng.uuid(), "uuid", Family::Cloud),
        3 => (&["request", "id"], rng.uuid(), "uuid", Family::Generic),
        4 => (
            &["git", "sha"],
            rng.hex(40),
            "commit-id",
            Family::CodeHosting,
        ),
        5 => (
            &["base", "commit"],
            rng.hex(40),
            "commit-id",
            Family::CodeHosting,
        ),
        6 => (
            &["trace", "id"],
            rng.hex(32),
            "hex-id",
            Family::Observability,
        ),
        7 => (
            &["image", "digest"],
            format!("sha256:{}", rng.hex(64)),
            "digest",
            Family::Generic,
        ),
        _ => (&["object", "id"], rng.hex(24), "hex-id", Family::Generic),
    };
    (lang.assign(rng, words, &value), item(family, kind, value))
}

/// Public keys and public identifiers that sit next to secrets in real configuration.
fn public(rng: &Rng, lang: Lang) -> (String, Item) {
    let (words, value, kind, family): (&[&str], String, &'static str, Family) = match rng.below(8) {
        0 => (
            &["stripe", "publishable", "key"],
            format!("pk_live_{}", rng.alnum(99)),
            "public-key",
            Family::Payment,
        ),
        1 => (
            &["stripe", "publishable", "key"],
            format!("pk_test_{}", rng.alnum(24)),
            "public-key",
            Family::Payment,
        ),
        2 => (
            &["mapbox", "access", "token"],
            format!(
                "pk.{}.{}",
                base64(
                    format!(
                        "{{\"u\":\"acme\",\"a\":\"{}\"}}",
                        rng.string(24, LOWER_ALNUM)
                    )
                    .as_bytes(),
                    true
                ),
                rng.string(22, B64URL)
            ),
            "public-key",
            Family::Cloud,
        ),
        3 => (
            &["sentry", "dsn"],
            format!(
                "https://{}@o{}.ingest.sentry.io/{}",
                rng.hex(32),
                rng.range(100000, 999999),
                rng.range(1000000, 9999999)
            ),
            "public-dsn",
            Family::Observability,
        ),
        4 => (
            &["twilio", "account", "sid"],
            format!("AC{}", rng.hex(32)),
            "public-identifier",
            Family::Messaging,
        ),
        5 => (
            &["google", "client", "id"],
            format!(
                "{}-{}.apps.googleusercontent.com",
                rng.range(100000000000, 999999999999),
                rng.string(32, LOWER_ALNUM)
            ),
            "public-identifier",
            Family::Cloud,
        ),
        6 => (
            &["algolia", "search", "key"],
            rng.hex(32),
            "public-identifier",
            Family::Generic,
        ),
        _ => (
            &["ssh", "public", "key"],
            format!(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} deploy@ci",
                rng.string(43, B64)
            ),
            "public-key",
            Family::PrivateKey,
        ),
    };
    (lang.assign(rng, words, &value), item(family, kind, value))
}

/// URLs without a secret: no password, a templated one, or a local development default.
fn urls(rng: &Rng, lang: Lang) -> (String, Item) {
    let (words, value, kind): (&[&str], String, &'static str) = match rng.below(8) {
        0 => (
            &["database", "url"],
            "postgres://postgres:postgres@localhost:5432/app_test".to_string(),
            "local-default-credentials",
        ),
        1 => (
            &["broker", "url"],
            "amqp://guest:guest@localhost:5672//".to_string(),
            "local-default-credentials",
        ),
        2 => (
            &["database", "url"],
            "postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app".to_string(),
            "templating",
        ),
        3 => (
            &["redis", "url"],
            format!(
                "redis://{}:6379/0",
                rng.pick(&["localhost", "redis", "cache.internal"])
            ),
            "url-without-password",
        ),
        4 => (
            &["mongo", "url"],
            "mongodb://mongo:27017/app".to_string(),
            "url-without-password",
        ),
        5 => (
            &["repo", "url"],
            format!(
                "https://github.com/acme/{}.git",
                rng.pick(&["billing", "web", "infra"])
            ),
            "url-without-password",
        ),
        6 => (
            &["database", "url"],
            "mysql://user:password@127.0.0.1:3306/app_dev".to_string(),
            "placeholder",
        ),
        _ => (
            &["jdbc", "url"],
            format!(
                "jdbc:postgresql://{}:5432/app",
                rng.pick(&["db", "localhost"])
            ),
            "url-without-password",
        ),
    };
    (
        lang.assign(rng, words, &value),
        item(Family::Database, kind, value),
    )
}

/// A random-looking word that is a CSS colour, in a stylesheet line.
pub fn css_line(rng: &Rng) -> (String, Item) {
    let colour = format!("#{}", rng.string(*rng.pick(&[3usize, 6, 8]), HEX));
    let prop = rng.pick(&[
        "color",
        "background-color",
        "border-color",
        "--brand-primary",
        "--accent",
        "fill",
    ]);
    (
        format!("  {prop}: {colour};"),
        item(Family::Generic, "css-colour", colour),
    )
}
