//! Secret generators, one per provider, from each provider's documented format (prefix, length,
//! alphabet, checksum). The sources are the providers' own documentation pages on token formats
//! (GitHub "behind GitHub's new authentication token formats", GitLab "token prefixes", Stripe
//! "API keys", Slack "token types", Doppler "API authentication", Vault "tokens", npm/PyPI token
//! docs, ...), never keygate's rule files.

use super::Family;
use crate::common::rng::{
    base64, Rng, ALNUM, B64, B64URL, BASE32, HEX, LETTERS, LOWER_ALNUM, UPPER_ALNUM,
};

/// A generated secret and the names a developer would give it.
pub struct Secret {
    pub provider: &'static str,
    pub family: Family,
    /// The text that goes into the code (a token, a URL with a password, a connection string).
    pub value: String,
    /// Typical variable names, as word lists.
    pub names: &'static [&'static [&'static str]],
    /// The value is recognisable on its own (prefix, URL shape), so it may appear without a
    /// secret-like name next to it: as a call argument, in a header, on a command line.
    pub bare: bool,
}

struct Provider {
    id: &'static str,
    family: Family,
    names: &'static [&'static [&'static str]],
    bare: bool,
    make: fn(&Rng) -> String,
}

/// GitHub and npm: prefix, 30 random base62 characters, then the CRC32 of the random part in
/// base62 (6 characters, left-padded with 0).
fn crc_token(rng: &Rng, prefix: &str) -> String {
    let random = rng.alnum(30);
    let crc = keygate::rules::validators::base62(u64::from(crc32fast::hash(random.as_bytes())), 6);
    format!("{prefix}{random}{crc}")
}

/// A PyPI API token: `pypi-` and a base64url (unpadded) macaroon in the v2 binary format whose
/// location is `pypi.org`, identified by a UUID, with one first-party caveat and a 32-byte
/// signature.
fn pypi_token(rng: &Rng) -> String {
    fn field(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
        out.push(kind);
        let mut n = data.len();
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out.extend_from_slice(data);
    }
    let mut m = vec![2u8];
    field(&mut m, 1, b"pypi.org");
    field(&mut m, 2, rng.uuid().as_bytes());
    m.push(0);
    let caveat = format!(
        "{{\"version\":1,\"permissions\":{{\"projects\":[\"{}\"]}}}}",
        rng.string(8, "abcdefghijklmnopqrstuvwxyz")
    );
    field(&mut m, 2, caveat.as_bytes());
    m.push(0);
    m.push(0);
    let sig = rng.bytes(32);
    field(&mut m, 6, &sig);
    format!("pypi-{}", base64(&m, true))
}

fn jwt(rng: &Rng, payload: &str) -> String {
    format!(
        "{}.{}.{}",
        base64(br#"{"alg":"HS256","typ":"JWT"}"#, true),
        base64(payload.as_bytes(), true),
        rng.string(43, B64URL)
    )
}

pub fn password(rng: &Rng) -> String {
    match rng.below(10) {
        0..=5 => rng.alnum(rng.range(16, 28)),
        6..=8 => {
            let mut p = rng.alnum(rng.range(14, 22));
            for _ in 0..rng.range(2, 4) {
                let at = rng.below(p.len());
                p.insert(at, *rng.pick(&['-', '_', '.', '~', '!']));
            }
            p
        }
        _ => format!(
            "{}{}{}{}",
            rng.pick(&["Velvet", "Orbit", "Cobalt", "Harbor", "Quartz", "Maple", "Falcon"]),
            rng.pick(&["-", "_", "."]),
            rng.pick(&["Tundra", "Lantern", "Prism", "Walnut", "Meadow", "Cipher"]),
            rng.range(1000, 99999)
        ),
    }
}

fn host(rng: &Rng) -> String {
    let name = rng.pick(&["db", "pg-main", "mysql01", "orders-db", "analytics", "core"]);
    match rng.below(3) {
        0 => format!("{name}.internal"),
        1 => format!(
            "{name}.{}.eu-west-1.rds.amazonaws.com",
            rng.string(12, LOWER_ALNUM)
        ),
        _ => format!("{name}.prod.acme-corp.net"),
    }
}

fn user(rng: &Rng) -> &'static str {
    const USERS: [&str; 7] = [
        "app",
        "admin",
        "billing_svc",
        "api",
        "reporting",
        "etl_user",
        "svc_orders",
    ];
    USERS[rng.below(USERS.len())]
}

fn db(rng: &Rng) -> &'static str {
    const DBS: [&str; 6] = [
        "app",
        "orders",
        "billing",
        "analytics",
        "users",
        "inventory",
    ];
    DBS[rng.below(DBS.len())]
}

fn json_b64(rng: &Rng, json: String) -> String {
    let _ = rng;
    base64(json.as_bytes(), false)
        .trim_end_matches('=')
        .to_string()
}

fn providers() -> Vec<Provider> {
    use Family::*;
    macro_rules! p {
        ($id:expr, $family:expr, $bare:expr, [$($name:expr),+ $(,)?], $make:expr) => {
            Provider { id: $id, family: $family, bare: $bare, names: &[$($name),+], make: $make }
        };
    }
    vec![
        // Cloud
        p!(
            "aws-access-key-id",
            Cloud,
            true,
            [&["aws", "access", "key", "id"], &["aws", "access", "key"]],
            |r| format!("AKIA{}", r.string(16, BASE32))
        ),
        p!(
            "aws-temporary-key-id",
            Cloud,
            true,
            [&["aws", "access", "key", "id"]],
            |r| format!("ASIA{}", r.string(16, BASE32))
        ),
        p!(
            "aws-secret-access-key",
            Cloud,
            false,
            [
                &["aws", "secret", "access", "key"],
                &["aws", "secret", "key"],
                &["secret", "access", "key"]
            ],
            |r| r.string(40, B64)
        ),
        p!(
            "gcp-api-key",
            Cloud,
            true,
            [
                &["google", "api", "key"],
                &["google", "maps", "api", "key"],
                &["gcp", "api", "key"]
            ],
            |r| format!("AIza{}", r.string(35, B64URL))
        ),
        p!(
            "google-oauth-client-secret",
            Cloud,
            true,
            [
                &["google", "client", "secret"],
                &["oauth", "client", "secret"]
            ],
            |r| format!("GOCSPX-{}", r.string(28, B64URL))
        ),
        p!(
            "azure-storage-connection-string",
            Cloud,
            true,
            [
                &["azure", "storage", "connection", "string"],
                &["storage", "connection"]
            ],
            |r| {
                format!("DefaultEndpointsProtocol=https;AccountName={}{};AccountKey={}==;EndpointSuffix=core.windows.net",
                r.pick(&["acmeprod", "stdata", "billingblob"]), r.range(1, 99), r.string(86, B64))
            }
        ),
        p!(
            "azure-ad-client-secret",
            Cloud,
            false,
            [&["azure", "client", "secret"], &["aad", "client", "secret"]],
            |r| format!(
                "{}{}Q~{}",
                r.string(3, ALNUM),
                r.range(0, 9),
                r.string(
                    34,
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-"
                )
            )
        ),
        p!(
            "digitalocean-token",
            Cloud,
            true,
            [&["digitalocean", "token"], &["do", "api", "token"]],
            |r| format!("{}_v1_{}", r.pick(&["dop", "doo", "dor"]), r.hex(64))
        ),
        p!(
            "heroku-api-key",
            Cloud,
            true,
            [&["heroku", "api", "key"]],
            |r| format!("HRKU-AA{}", r.string(58, B64URL))
        ),
        p!(
            "heroku-legacy-api-key",
            Cloud,
            false,
            [&["heroku", "api", "key"]],
            |r| r.uuid()
        ),
        p!(
            "cloudflare-api-token",
            Cloud,
            false,
            [&["cloudflare", "api", "token"], &["cf", "api", "token"]],
            |r| r.string(40, B64URL)
        ),
        p!(
            "cloudflare-global-api-key",
            Cloud,
            false,
            [&["cloudflare", "api", "key"]],
            |r| r.hex(37)
        ),
        p!(
            "fly-api-token",
            Cloud,
            true,
            [&["fly", "api", "token"]],
            |r| format!("fo1_{}", r.string(43, B64URL))
        ),
        p!("vercel-token", Cloud, false, [&["vercel", "token"]], |r| r
            .alnum(24)),
        p!(
            "netlify-token",
            Cloud,
            true,
            [&["netlify", "auth", "token"]],
            |r| format!("nfp_{}", r.alnum(36))
        ),
        p!(
            "supabase-access-token",
            Cloud,
            true,
            [&["supabase", "access", "token"]],
            |r| format!("sbp_{}", r.hex(40))
        ),
        p!(
            "supabase-service-role-key",
            Cloud,
            false,
            [
                &["supabase", "service", "role", "key"],
                &["supabase", "service", "key"]
            ],
            |r| {
                let reference = r.string(20, "abcdefghijklmnopqrstuvwxyz");
                jwt(
                    r,
                    &format!(
                        r#"{{"iss":"supabase","ref":"{reference}","role":"service_role","iat":1716{},"exp":2031{}}}"#,
                        r.range(100000, 999999),
                        r.range(100000, 999999)
                    ),
                )
            }
        ),
        p!(
            "alibaba-access-key-id",
            Cloud,
            true,
            [
                &["alibaba", "access", "key", "id"],
                &["aliyun", "access", "key"]
            ],
            |r| format!("LTAI{}", r.alnum(20))
        ),
        p!(
            "tencent-secret-id",
            Cloud,
            true,
            [&["tencent", "secret", "id"]],
            |r| format!("AKID{}", r.alnum(32))
        ),
        p!("linode-token", Cloud, false, [&["linode", "token"]], |r| r
            .hex(64)),
        p!("hetzner-token", Cloud, false, [&["hcloud", "token"]], |r| r
            .alnum(64)),
        p!(
            "mapbox-secret-token",
            Cloud,
            true,
            [&["mapbox", "secret", "token"]],
            |r| {
                let payload = format!(
                    r#"{{"u":"{}","a":"{}"}}"#,
                    r.pick(&["acme", "mapsteam", "geo-ops"]),
                    r.string(24, LOWER_ALNUM)
                );
                format!(
                    "sk.{}.{}",
                    base64(payload.as_bytes(), true),
                    r.string(22, B64URL)
                )
            }
        ),
        // Code hosting and CI
        p!(
            "github-token",
            CodeHosting,
            true,
            [&["github", "token"], &["gh", "token"], &["github", "pat"]],
            |r| {
                let prefix = *r.pick(&["ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]);
                crc_token(r, prefix)
            }
        ),
        p!(
            "github-fine-grained-pat",
            CodeHosting,
            true,
            [&["github", "token"], &["gh", "pat"]],
            |r| format!("github_pat_{}_{}", r.alnum(22), r.alnum(59))
        ),
        p!(
            "gitlab-token",
            CodeHosting,
            true,
            [
                &["gitlab", "token"],
                &["gitlab", "private", "token"],
                &["ci", "job", "token"]
            ],
            |r| match r.below(5) {
                0 => format!("gldt-{}", r.string(20, B64URL)),
                1 => format!("glrt-{}", r.string(20, B64URL)),
                2 => format!("glptt-{}", r.hex(40)),
                3 => format!("GR1348941{}", r.string(20, B64URL)),
                _ => format!("glpat-{}", r.string(20, B64URL)),
            }
        ),
        p!(
            "bitbucket-app-password",
            CodeHosting,
            true,
            [&["bitbucket", "app", "password"]],
            |r| format!("ATBB{}", r.alnum(32))
        ),
        p!(
            "atlassian-api-token",
            CodeHosting,
            true,
            [
                &["jira", "api", "token"],
                &["atlassian", "api", "token"],
                &["confluence", "token"]
            ],
            |r| format!(
                "ATATT3xFfGF0{}={}",
                r.string(170, B64URL),
                r.string(8, "0123456789ABCDEF")
            )
        ),
        p!(
            "circleci-token",
            CodeHosting,
            true,
            [&["circleci", "token"], &["circle", "token"]],
            |r| format!("CCIPAT_{}_{}", r.alnum(22), r.hex(40))
        ),
        p!(
            "buildkite-token",
            CodeHosting,
            true,
            [&["buildkite", "api", "token"]],
            |r| format!("bkua_{}", r.hex(40))
        ),
        p!(
            "terraform-cloud-token",
            CodeHosting,
            true,
            [&["tfe", "token"], &["tf", "api", "token"]],
            |r| format!("{}.atlasv1.{}", r.alnum(14), r.alnum(67))
        ),
        p!(
            "azure-devops-pat",
            CodeHosting,
            false,
            [&["azure", "devops", "pat"], &["ado", "token"]],
            |r| r.string(52, "abcdefghijklmnopqrstuvwxyz234567")
        ),
        p!(
            "sonarqube-token",
            CodeHosting,
            true,
            [&["sonar", "token"]],
            |r| format!("{}_{}", r.pick(&["squ", "sqp", "sqa"]), r.hex(40))
        ),
        p!(
            "codecov-token",
            CodeHosting,
            false,
            [&["codecov", "token"]],
            |r| r.uuid()
        ),
        p!(
            "travis-token",
            CodeHosting,
            false,
            [&["travis", "token"], &["travis", "api", "token"]],
            |r| r.alnum(22)
        ),
        p!(
            "jenkins-api-token",
            CodeHosting,
            false,
            [&["jenkins", "api", "token"], &["jenkins", "token"]],
            |r| format!("11{}", r.hex(32))
        ),
        // Payment
        p!(
            "stripe-secret-key",
            Payment,
            true,
            [
                &["stripe", "secret", "key"],
                &["stripe", "api", "key"],
                &["stripe", "key"]
            ],
            |r| {
                let len = *r.pick(&[24usize, 99]);
                format!("sk_live_{}", r.alnum(len))
            }
        ),
        p!(
            "stripe-test-secret-key",
            Payment,
            true,
            [&["stripe", "secret", "key"], &["stripe", "test", "key"]],
            |r| {
                let len = *r.pick(&[24usize, 99]);
                format!("sk_test_{}", r.alnum(len))
            }
        ),
        p!(
            "stripe-restricted-key",
            Payment,
            true,
            [&["stripe", "restricted", "key"], &["stripe", "api", "key"]],
            |r| format!("rk_live_{}", r.alnum(99))
        ),
        p!(
            "stripe-webhook-secret",
            Payment,
            true,
            [
                &["stripe", "webhook", "secret"],
                &["webhook", "signing", "secret"]
            ],
            |r| format!("whsec_{}", r.alnum(32))
        ),
        p!(
            "square-access-token",
            Payment,
            true,
            [&["square", "access", "token"]],
            |r| format!("EAAA{}", r.string(60, B64URL))
        ),
        p!(
            "square-oauth-secret",
            Payment,
            true,
            [&["square", "application", "secret"]],
            |r| format!("sq0csp-{}", r.string(43, B64URL))
        ),
        p!(
            "braintree-access-token",
            Payment,
            true,
            [
                &["braintree", "access", "token"],
                &["paypal", "access", "token"]
            ],
            |r| format!(
                "access_token$production${}${}",
                r.string(16, LOWER_ALNUM),
                r.hex(32)
            )
        ),
        p!(
            "paypal-client-secret",
            Payment,
            false,
            [&["paypal", "client", "secret"]],
            |r| format!("E{}", r.string(79, B64URL))
        ),
        p!(
            "shopify-token",
            Payment,
            true,
            [
                &["shopify", "access", "token"],
                &["shopify", "api", "secret"]
            ],
            |r| format!(
                "{}_{}",
                r.pick(&["shpat", "shpss", "shpca", "shppa"]),
                r.hex(32)
            )
        ),
        p!(
            "flutterwave-secret-key",
            Payment,
            true,
            [&["flutterwave", "secret", "key"], &["flw", "secret", "key"]],
            |r| format!("FLWSECK-{}-X", r.hex(32))
        ),
        p!(
            "paystack-secret-key",
            Payment,
            true,
            [&["paystack", "secret", "key"]],
            |r| format!("sk_live_{}", r.hex(40))
        ),
        p!(
            "razorpay-key-secret",
            Payment,
            false,
            [&["razorpay", "key", "secret"]],
            |r| r.alnum(24)
        ),
        p!(
            "plaid-secret",
            Payment,
            false,
            [&["plaid", "secret"]],
            |r| r.hex(30)
        ),
        p!(
            "gocardless-access-token",
            Payment,
            true,
            [&["gocardless", "access", "token"]],
            |r| format!("live_{}", r.string(40, B64URL))
        ),
        // Messaging and email
        p!(
            "sendgrid-api-key",
            Messaging,
            true,
            [&["sendgrid", "api", "key"]],
            |r| format!("SG.{}.{}", r.string(22, B64URL), r.string(43, B64URL))
        ),
        p!(
            "mailgun-api-key",
            Messaging,
            true,
            [&["mailgun", "api", "key"]],
            |r| format!("key-{}", r.hex(32))
        ),
        p!(
            "mailgun-private-key",
            Messaging,
            false,
            [&["mailgun", "api", "key"], &["mailgun", "private", "key"]],
            |r| format!("{}-{}-{}", r.hex(32), r.hex(8), r.hex(8))
        ),
        p!(
            "postmark-server-token",
            Messaging,
            false,
            [
                &["postmark", "server", "token"],
                &["postmark", "api", "token"]
            ],
            |r| r.uuid()
        ),
        p!(
            "mailchimp-api-key",
            Messaging,
            true,
            [&["mailchimp", "api", "key"]],
            |r| format!("{}-us{}", r.hex(32), r.range(1, 21))
        ),
        p!(
            "twilio-auth-token",
            Messaging,
            false,
            [&["twilio", "auth", "token"]],
            |r| r.hex(32)
        ),
        p!(
            "twilio-api-secret",
            Messaging,
            false,
            [&["twilio", "api", "secret"]],
            |r| r.alnum(32)
        ),
        p!(
            "vonage-api-secret",
            Messaging,
            false,
            [&["vonage", "api", "secret"], &["nexmo", "api", "secret"]],
            |r| r.alnum(16)
        ),
        p!(
            "telegram-bot-token",
            Messaging,
            true,
            [&["telegram", "bot", "token"], &["tg", "bot", "token"]],
            |r| format!(
                "{}:AA{}",
                r.range(100_000_000, 9_999_999_999),
                r.string(33, B64URL)
            )
        ),
        p!(
            "discord-bot-token",
            Messaging,
            true,
            [&["discord", "bot", "token"], &["discord", "token"]],
            |r| {
                let id = format!(
                    "{}",
                    r.range(100_000_000_000_000_000, 1_400_000_000_000_000_000)
                );
                format!(
                    "{}.{}.{}",
                    base64(id.as_bytes(), true),
                    r.string(6, B64URL),
                    r.string(38, B64URL)
                )
            }
        ),
        p!(
            "discord-webhook-url",
            Messaging,
            true,
            [&["discord", "webhook", "url"]],
            |r| format!(
                "https://discord.com/api/webhooks/{}/{}",
                r.range(100_000_000_000_000_000, 1_400_000_000_000_000_000),
                r.string(68, B64URL)
            )
        ),
        p!(
            "slack-token",
            Messaging,
            true,
            [&["slack", "bot", "token"], &["slack", "token"]],
            |r| match r.below(3) {
                0 => format!(
                    "xoxp-{}-{}-{}-{}",
                    r.range(1_000_000_000, 9_999_999_999),
                    r.range(1_000_000_000, 9_999_999_999),
                    r.range(1_000_000_000_000, 9_999_999_999_999),
                    r.hex(32)
                ),
                1 => format!(
                    "xapp-1-A{}-{}-{}",
                    r.string(10, UPPER_ALNUM),
                    r.range(1_000_000_000_000, 9_999_999_999_999),
                    r.hex(64)
                ),
                _ => format!(
                    "xoxb-{}-{}-{}",
                    r.range(1_000_000_000, 9_999_999_999),
                    r.range(1_000_000_000_000, 9_999_999_999_999),
                    r.alnum(24)
                ),
            }
        ),
        p!(
            "slack-webhook-url",
            Messaging,
            true,
            [&["slack", "webhook", "url"], &["slack", "webhook"]],
            |r| format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                r.string(10, UPPER_ALNUM),
                r.string(10, UPPER_ALNUM),
                r.alnum(24)
            )
        ),
        p!(
            "brevo-api-key",
            Messaging,
            true,
            [&["brevo", "api", "key"], &["sendinblue", "api", "key"]],
            |r| format!("xkeysib-{}-{}", r.hex(64), r.alnum(16))
        ),
        p!(
            "teams-webhook-url",
            Messaging,
            true,
            [&["teams", "webhook", "url"]],
            |r| format!(
                "https://acmecorp.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}",
                r.uuid(),
                r.uuid(),
                r.hex(32),
                r.uuid()
            )
        ),
        p!(
            "sparkpost-api-key",
            Messaging,
            false,
            [&["sparkpost", "api", "key"]],
            |r| r.hex(40)
        ),
        p!(
            "pusher-app-secret",
            Messaging,
            false,
            [&["pusher", "app", "secret"], &["pusher", "secret"]],
            |r| r.hex(20)
        ),
        // AI APIs
        p!(
            "openai-api-key",
            Ai,
            true,
            [&["openai", "api", "key"], &["openai", "key"]],
            |r| match r.below(4) {
                0 => format!(
                    "sk-svcacct-{}T3BlbkFJ{}",
                    r.string(74, B64URL),
                    r.string(74, B64URL)
                ),
                1 => format!("sk-{}T3BlbkFJ{}", r.alnum(20), r.alnum(20)),
                _ => format!(
                    "sk-proj-{}T3BlbkFJ{}",
                    r.string(74, B64URL),
                    r.string(74, B64URL)
                ),
            }
        ),
        p!(
            "anthropic-api-key",
            Ai,
            true,
            [&["anthropic", "api", "key"], &["claude", "api", "key"]],
            |r| format!("sk-ant-api03-{}AA", r.string(93, B64URL))
        ),
        p!(
            "huggingface-token",
            Ai,
            true,
            [
                &["hf", "token"],
                &["huggingface", "token"],
                &["hugging", "face", "hub", "token"]
            ],
            |r| format!("hf_{}", r.string(34, LETTERS))
        ),
        p!(
            "groq-api-key",
            Ai,
            true,
            [&["groq", "api", "key"]],
            |r| format!("gsk_{}", r.alnum(52))
        ),
        p!(
            "replicate-api-token",
            Ai,
            true,
            [&["replicate", "api", "token"]],
            |r| format!("r8_{}", r.alnum(37))
        ),
        p!(
            "perplexity-api-key",
            Ai,
            true,
            [&["perplexity", "api", "key"], &["pplx", "api", "key"]],
            |r| format!("pplx-{}", r.alnum(48))
        ),
        p!(
            "xai-api-key",
            Ai,
            true,
            [&["xai", "api", "key"], &["grok", "api", "key"]],
            |r| format!("xai-{}", r.alnum(80))
        ),
        p!(
            "openrouter-api-key",
            Ai,
            true,
            [&["openrouter", "api", "key"]],
            |r| format!("sk-or-v1-{}", r.hex(64))
        ),
        p!(
            "cohere-api-key",
            Ai,
            false,
            [&["cohere", "api", "key"], &["co", "api", "key"]],
            |r| r.alnum(40)
        ),
        p!(
            "mistral-api-key",
            Ai,
            false,
            [&["mistral", "api", "key"]],
            |r| r.alnum(32)
        ),
        p!(
            "gemini-api-key",
            Ai,
            true,
            [&["gemini", "api", "key"], &["google", "ai", "api", "key"]],
            |r| format!("AIza{}", r.string(35, B64URL))
        ),
        p!(
            "langsmith-api-key",
            Ai,
            true,
            [&["langsmith", "api", "key"], &["langchain", "api", "key"]],
            |r| format!("lsv2_{}_{}_{}", r.pick(&["pt", "sk"]), r.hex(32), r.hex(10))
        ),
        p!(
            "deepseek-api-key",
            Ai,
            false,
            [&["deepseek", "api", "key"]],
            |r| format!("sk-{}", r.hex(32))
        ),
        p!(
            "elevenlabs-api-key",
            Ai,
            false,
            [&["elevenlabs", "api", "key"], &["xi", "api", "key"]],
            |r| format!("sk_{}", r.hex(48))
        ),
        p!(
            "together-api-key",
            Ai,
            false,
            [&["together", "api", "key"]],
            |r| r.hex(64)
        ),
        // Databases and URLs with credentials
        p!(
            "postgres-url",
            Database,
            true,
            [
                &["database", "url"],
                &["db", "url"],
                &["postgres", "url"],
                &["sqlalchemy", "database", "uri"]
            ],
            |r| format!(
                "{}://{}:{}@{}:5432/{}",
                r.pick(&["postgres", "postgresql", "postgresql+psycopg2"]),
                user(r),
                password(r),
                host(r),
                db(r)
            )
        ),
        p!(
            "mysql-url",
            Database,
            true,
            [&["database", "url"], &["mysql", "url"]],
            |r| format!(
                "mysql://{}:{}@{}:3306/{}",
                user(r),
                password(r),
                host(r),
                db(r)
            )
        ),
        p!(
            "mongodb-url",
            Database,
            true,
            [&["mongodb", "uri"], &["mongo", "url"]],
            |r| format!(
                "mongodb+srv://{}:{}@cluster0.{}.mongodb.net/{}?retryWrites=true&w=majority",
                user(r),
                password(r),
                r.string(5, LOWER_ALNUM),
                db(r)
            )
        ),
        p!(
            "redis-url",
            Database,
            true,
            [&["redis", "url"], &["cache", "url"]],
            |r| format!(
                "{}://{}:{}@{}:6379/0",
                r.pick(&["redis", "rediss"]),
                r.pick(&["default", ""]),
                password(r),
                host(r)
            )
        ),
        p!(
            "amqp-url",
            Database,
            true,
            [
                &["amqp", "url"],
                &["celery", "broker", "url"],
                &["rabbitmq", "url"]
            ],
            |r| format!(
                "{}://{}:{}@{}/{}",
                r.pick(&["amqp", "amqps"]),
                user(r),
                password(r),
                host(r),
                r.pick(&["jobs", "events", "%2F"])
            )
        ),
        p!(
            "mssql-connection-string",
            Database,
            true,
            [&["connection", "string"], &["sql", "connection"]],
            |r| {
                format!("Server=tcp:{}.database.windows.net,1433;Initial Catalog={};User ID={};Password={};Encrypt=True;", r.pick(&["acme-sql", "billing-prod"]), db(r), user(r), password(r))
            }
        ),
        p!(
            "jdbc-url",
            Database,
            true,
            [&["jdbc", "url"], &["datasource", "url"]],
            |r| format!(
                "jdbc:mysql://{}:3306/{}?user={}&password={}",
                host(r),
                db(r),
                user(r),
                password(r)
            )
        ),
        p!(
            "basic-auth-url",
            Database,
            true,
            [
                &["repository", "url"],
                &["nexus", "url"],
                &["registry", "url"]
            ],
            |r| format!(
                "https://{}:{}@{}/repository/{}/",
                r.pick(&["deploy", "ci-bot", "publisher"]),
                password(r),
                r.pick(&[
                    "nexus.acme-corp.net",
                    "artifacts.internal",
                    "repo.example-corp.io"
                ]),
                r.pick(&["maven-releases", "pypi-internal", "npm-private"])
            )
        ),
        p!(
            "database-password",
            Database,
            false,
            [
                &["db", "password"],
                &["database", "password"],
                &["postgres", "password"],
                &["mysql", "root", "password"],
                &["db", "pass"]
            ],
            password
        ),
        // Package registries
        p!(
            "npm-token",
            Registry,
            true,
            [&["npm", "token"], &["npm", "auth", "token"]],
            |r| crc_token(r, "npm_")
        ),
        p!(
            "pypi-token",
            Registry,
            true,
            [
                &["pypi", "token"],
                &["pypi", "api", "token"],
                &["twine", "password"]
            ],
            pypi_token
        ),
        p!(
            "rubygems-api-key",
            Registry,
            true,
            [&["gem", "host", "api", "key"], &["rubygems", "api", "key"]],
            |r| format!("rubygems_{}", r.hex(48))
        ),
        p!(
            "nuget-api-key",
            Registry,
            true,
            [&["nuget", "api", "key"]],
            |r| format!("oy2{}", r.string(43, LOWER_ALNUM))
        ),
        p!(
            "dockerhub-token",
            Registry,
            true,
            [
                &["docker", "hub", "token"],
                &["dockerhub", "token"],
                &["docker", "password"]
            ],
            |r| format!("dckr_pat_{}", r.string(27, B64URL))
        ),
        p!(
            "crates-io-token",
            Registry,
            true,
            [&["cargo", "registry", "token"], &["crates", "io", "token"]],
            |r| format!("cio{}", r.alnum(32))
        ),
        p!(
            "artifactory-api-key",
            Registry,
            true,
            [&["artifactory", "api", "key"], &["jfrog", "api", "key"]],
            |r| format!("AKCp{}", r.alnum(69))
        ),
        p!(
            "artifactory-reference-token",
            Registry,
            true,
            [&["jfrog", "access", "token"], &["artifactory", "token"]],
            |r| format!("cmVmdGtuOjAxOj{}", r.alnum(50))
        ),
        p!(
            "clojars-token",
            Registry,
            true,
            [&["clojars", "token"], &["clojars", "password"]],
            |r| format!("CLOJARS_{}", r.hex(60))
        ),
        p!(
            "ossrh-password",
            Registry,
            false,
            [
                &["ossrh", "password"],
                &["sonatype", "password"],
                &["maven", "password"]
            ],
            password
        ),
        // Observability
        p!(
            "datadog-api-key",
            Observability,
            false,
            [&["dd", "api", "key"], &["datadog", "api", "key"]],
            |r| r.hex(32)
        ),
        p!(
            "datadog-app-key",
            Observability,
            false,
            [
                &["dd", "app", "key"],
                &["datadog", "app", "key"],
                &["datadog", "application", "key"]
            ],
            |r| r.hex(40)
        ),
        p!(
            "newrelic-user-key",
            Observability,
            true,
            [&["new", "relic", "api", "key"], &["newrelic", "api", "key"]],
            |r| format!("NRAK-{}", r.string(27, UPPER_ALNUM))
        ),
        p!(
            "newrelic-license-key",
            Observability,
            true,
            [
                &["new", "relic", "license", "key"],
                &["nr", "license", "key"]
            ],
            |r| format!("{}NRAL", r.hex(36))
        ),
        p!(
            "newrelic-insert-key",
            Observability,
            true,
            [&["new", "relic", "insert", "key"]],
            |r| format!("NRII-{}", r.string(32, B64URL))
        ),
        p!(
            "sentry-user-token",
            Observability,
            true,
            [&["sentry", "auth", "token"]],
            |r| format!("sntryu_{}", r.hex(64))
        ),
        p!(
            "sentry-org-token",
            Observability,
            true,
            [&["sentry", "auth", "token"]],
            |r| {
                let payload = format!(
                    r#"{{"iat":1716{},"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"{}"}}"#,
                    r.range(100000, 999999),
                    r.pick(&["acme", "globex", "initech"])
                );
                format!("sntrys_{}_{}", json_b64(r, payload), r.string(43, B64))
            }
        ),
        p!(
            "grafana-cloud-token",
            Observability,
            true,
            [&["grafana", "cloud", "token"], &["grafana", "api", "key"]],
            |r| {
                let payload = format!(
                    r#"{{"o":"{}","n":"stack-{}-deploy","k":"{}","m":{{"r":"prod-eu-west-2"}}}}"#,
                    r.range(100000, 999999),
                    r.range(100000, 999999),
                    r.alnum(24)
                );
                format!("glc_{}", json_b64(r, payload))
            }
        ),
        p!(
            "grafana-service-account-token",
            Observability,
            true,
            [
                &["grafana", "token"],
                &["grafana", "service", "account", "token"]
            ],
            |r| format!("glsa_{}_{}", r.alnum(32), r.hex(8))
        ),
        p!(
            "dynatrace-token",
            Observability,
            true,
            [&["dynatrace", "api", "token"], &["dt", "api", "token"]],
            |r| format!(
                "dt0c01.{}.{}",
                r.string(24, UPPER_ALNUM),
                r.string(64, UPPER_ALNUM)
            )
        ),
        p!(
            "splunk-hec-token",
            Observability,
            false,
            [&["splunk", "hec", "token"], &["splunk", "token"]],
            |r| r.uuid().to_ascii_uppercase()
        ),
        p!(
            "honeycomb-api-key",
            Observability,
            false,
            [&["honeycomb", "api", "key"], &["honeycomb", "write", "key"]],
            |r| r.hex(32)
        ),
        p!(
            "pagerduty-routing-key",
            Observability,
            false,
            [
                &["pagerduty", "routing", "key"],
                &["pagerduty", "integration", "key"]
            ],
            |r| r.hex(32)
        ),
        p!(
            "rollbar-access-token",
            Observability,
            false,
            [&["rollbar", "access", "token"]],
            |r| r.hex(32)
        ),
        p!(
            "logtail-source-token",
            Observability,
            false,
            [&["logtail", "source", "token"], &["betterstack", "token"]],
            |r| r.alnum(24)
        ),
        // Secret managers
        p!(
            "vault-service-token",
            SecretManager,
            true,
            [&["vault", "token"]],
            |r| format!("hvs.CAESI{}", r.string(86, B64URL))
        ),
        p!(
            "vault-batch-token",
            SecretManager,
            true,
            [&["vault", "token"]],
            |r| format!("hvb.AAAAAQ{}", r.string(130, B64URL))
        ),
        p!(
            "vault-legacy-token",
            SecretManager,
            false,
            [&["vault", "token"]],
            |r| format!("s.{}", r.alnum(24))
        ),
        p!(
            "doppler-token",
            SecretManager,
            true,
            [&["doppler", "token"]],
            |r| match r.below(3) {
                0 => format!("dp.pt.{}", r.alnum(43)),
                1 => format!("dp.sa.{}", r.alnum(43)),
                _ => format!("dp.st.{}.{}", r.pick(&["prd", "dev", "stg"]), r.alnum(40)),
            }
        ),
        p!(
            "1password-service-account-token",
            SecretManager,
            true,
            [&["op", "service", "account", "token"]],
            |r| {
                let payload = format!(
                    r#"{{"signInAddress":"acme.1password.com","userAuth":{{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":650000,"salt":"{}"}},"email":"{}@1passwordserviceaccounts.com","srpX":"{}","muk":{{"alg":"A256GCM","ext":true,"k":"{}","key_ops":["encrypt","decrypt"],"kty":"oct","kid":"mp"}},"secretKey":"A3-{}","deviceUuid":"{}"}}"#,
                    r.string(22, B64URL),
                    r.string(13, LOWER_ALNUM),
                    r.hex(64),
                    r.string(43, B64URL),
                    r.string(26, UPPER_ALNUM),
                    r.string(26, LOWER_ALNUM)
                );
                format!("ops_{}", json_b64(r, payload))
            }
        ),
        p!(
            "1password-secret-key",
            SecretManager,
            true,
            [&["op", "secret", "key"], &["onepassword", "secret", "key"]],
            |r| format!(
                "A3-{}-{}-{}-{}-{}-{}",
                r.string(6, UPPER_ALNUM),
                r.string(6, UPPER_ALNUM),
                r.string(5, UPPER_ALNUM),
                r.string(5, UPPER_ALNUM),
                r.string(5, UPPER_ALNUM),
                r.string(5, UPPER_ALNUM)
            )
        ),
        p!(
            "infisical-service-token",
            SecretManager,
            true,
            [&["infisical", "token"]],
            |r| format!("st.{}.{}.{}", r.hex(24), r.hex(32), r.hex(32))
        ),
        p!(
            "bitwarden-access-token",
            SecretManager,
            true,
            [&["bws", "access", "token"]],
            |r| format!("0.{}.{}:{}==", r.uuid(), r.alnum(30), r.string(22, B64))
        ),
        p!(
            "pulumi-access-token",
            SecretManager,
            true,
            [&["pulumi", "access", "token"]],
            |r| format!("pul-{}", r.hex(40))
        ),
        p!(
            "age-secret-key",
            SecretManager,
            true,
            [&["sops", "age", "key"], &["age", "secret", "key"]],
            |r| format!(
                "AGE-SECRET-KEY-1{}",
                r.string(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")
            )
        ),
        p!(
            "vault-unseal-key",
            SecretManager,
            false,
            [&["vault", "unseal", "key"]],
            |r| format!("{}=", r.string(43, B64))
        ),
        p!(
            "akeyless-access-key",
            SecretManager,
            false,
            [&["akeyless", "access", "key"]],
            |r| format!("{}=", r.string(43, B64))
        ),
        p!(
            "conjur-api-key",
            SecretManager,
            false,
            [&["conjur", "authn", "api", "key"]],
            |r| r.string(55, LOWER_ALNUM)
        ),
        // Generic assignments: in-house services, framework secrets, passwords.
        p!(
            "generic-api-key",
            Generic,
            false,
            [
                &["api", "key"],
                &["apikey"],
                &["api", "token"],
                &["access", "token"],
                &["auth", "token"],
                &["client", "secret"],
                &["secret", "key"],
                &["app", "secret"],
                &["internal", "api", "key"],
                &["partner", "api", "key"],
                &["service", "token"],
                &["bearer", "token"],
                &["consumer", "secret"]
            ],
            |r| match r.below(5) {
                0 => r.hex(*r.pick(&[32usize, 40, 64])),
                1 => base64(&r.bytes(32), false),
                2 => r.string(43, B64URL),
                _ => r.alnum(r.range(24, 48)),
            }
        ),
        p!(
            "generic-password",
            Generic,
            false,
            [
                &["password"],
                &["passwd"],
                &["admin", "password"],
                &["smtp", "password"],
                &["ldap", "bind", "password"],
                &["service", "password"],
                &["keystore", "password"]
            ],
            password
        ),
        p!(
            "generic-signing-secret",
            Generic,
            false,
            [
                &["jwt", "secret"],
                &["session", "secret"],
                &["signing", "key"],
                &["encryption", "key"],
                &["hmac", "secret"],
                &["webhook", "secret"],
                &["cookie", "secret"]
            ],
            |r| match r.below(3) {
                0 => r.hex(64),
                1 => base64(&r.bytes(48), false),
                _ => r.string(40, ALNUM),
            }
        ),
        p!(
            "django-secret-key",
            Generic,
            false,
            [&["secret", "key"]],
            |r| format!(
                "django-insecure-{}",
                r.string(50, "abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)")
            )
        ),
        p!(
            "rails-secret-key-base",
            Generic,
            false,
            [&["secret", "key", "base"]],
            |r| r.hex(128)
        ),
        p!(
            "laravel-app-key",
            Generic,
            false,
            [&["app", "key"]],
            |r| format!("base64:{}", base64(&r.bytes(32), false))
        ),
    ]
}

/// A fresh secret of the provider `id`.
pub fn by_id(rng: &Rng, id: &str) -> Secret {
    let all = providers();
    let p = all
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no provider {id}"));
    Secret {
        provider: p.id,
        family: p.family,
        value: (p.make)(rng),
        names: p.names,
        bare: p.bare,
    }
}

/// The providers of a family, by id (for tests and reports).
pub fn provider_ids(family: Family) -> Vec<&'static str> {
    providers()
        .into_iter()
        .filter(|p| p.family == family)
        .map(|p| p.id)
        .collect()
}

/// How common a provider's keys are in real repositories, relative to the others of its
/// family (1 unless listed): by how widely the service is used, never by how easy the key is
/// to detect.
fn popularity(id: &str) -> usize {
    match id {
        "aws-access-key-id"
        | "aws-secret-access-key"
        | "github-token"
        | "stripe-secret-key"
        | "openai-api-key"
        | "postgres-url"
        | "npm-token"
        | "generic-api-key" => 3,
        "gcp-api-key"
        | "gitlab-token"
        | "slack-token"
        | "sendgrid-api-key"
        | "twilio-auth-token"
        | "anthropic-api-key"
        | "mysql-url"
        | "mongodb-url"
        | "redis-url"
        | "pypi-token"
        | "datadog-api-key"
        | "sentry-user-token"
        | "vault-service-token"
        | "doppler-token"
        | "generic-password"
        | "generic-signing-secret" => 2,
        _ => 1,
    }
}

/// A fresh secret of `family` (not `PrivateKey` or `MigoTelnxo`, which have their own makers).
pub fn secret(rng: &Rng, family: Family) -> Secret {
    let all = providers();
    // Each provider appears as often as its weight: widely used services more than niche ones.
    let of_family: Vec<&Provider> = all
        .iter()
        .filter(|p| p.family == family)
        .flat_map(|p| std::iter::repeat_n(p, popularity(p.id)))
        .collect();
    assert!(!of_family.is_empty(), "no providers for {family:?}");
    let p = *rng.pick(&of_family);
    Secret {
        provider: p.id,
        family: p.family,
        value: (p.make)(rng),
        names: p.names,
        bare: p.bare,
    }
}

/// The names a MigoSMTP or Telnxo key gets, and a value. The providers publish no key format, so
/// values are the shapes seen in their SDK samples (`mk_live_`/`mk_test_`, `KEY…_…`) or bare
/// random strings; detection rests on the name.
pub fn migo_telnxo(rng: &Rng) -> Secret {
    if rng.chance(0.55) {
        Secret {
            provider: "migosmtp-api-key",
            family: Family::MigoTelnxo,
            value: match rng.below(4) {
                0 => rng.alnum(40),
                1 => format!("mk_test_{}", rng.alnum(32)),
                _ => format!("mk_live_{}", rng.alnum(32)),
            },
            names: if rng.chance(0.85) {
                &[&["migosmtp", "api", "key"]]
            } else {
                &[
                    &["migo", "smtp", "api", "key"],
                    &["migosmtp", "key"],
                    &["migosmtp", "api", "token"],
                ]
            },
            bare: false,
        }
    } else {
        Secret {
            provider: "telnxo-api-key",
            family: Family::MigoTelnxo,
            value: if rng.chance(0.6) {
                format!("KEY{}_{}", rng.string(26, UPPER_ALNUM), rng.alnum(22))
            } else {
                rng.alnum(32)
            },
            names: if rng.chance(0.85) {
                &[&["telnxo", "api", "key"]]
            } else {
                &[&["telnxo", "key"], &["telnxo", "api", "token"]]
            },
            bare: false,
        }
    }
}

/// A private key block, as lines, and its kind. The bytes are structurally valid where a
/// scanner could check them: DER keys carry their real outer SEQUENCE header and length,
/// OpenSSH keys are a well-formed `openssh-key-v1` container (matching check integers), and PGP
/// armor carries a correct CRC-24. Callers that need one line join the lines with `\n`.
pub fn private_key_block(rng: &Rng) -> (&'static str, Vec<String>) {
    let (kind, label) = match rng.below(7) {
        0 => ("rsa-private-key", "RSA PRIVATE KEY"),
        1 => ("pkcs8-private-key", "PRIVATE KEY"),
        2 => ("ec-private-key", "EC PRIVATE KEY"),
        3 => ("openssh-private-key", "OPENSSH PRIVATE KEY"),
        4 => ("encrypted-private-key", "ENCRYPTED PRIVATE KEY"),
        5 => ("dsa-private-key", "DSA PRIVATE KEY"),
        _ => ("pgp-private-key", "PGP PRIVATE KEY BLOCK"),
    };
    let (der, width) = match kind {
        "rsa-private-key" => (der(rng, &RSA_PKCS1_HEAD, 1192), 64),
        "pkcs8-private-key" => (pkcs8_der(rng), 64),
        "ec-private-key" => {
            let mut d = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
            d.extend(rng.bytes(32));
            d.extend([
                0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
            ]);
            d.extend([0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]);
            d.extend(rng.bytes(64));
            (d, 64)
        }
        "openssh-private-key" => (openssh_ed25519(rng), 70),
        "encrypted-private-key" => (der(rng, &ENCRYPTED_PKCS8_HEAD, 1315), 64),
        "dsa-private-key" => (
            der(
                rng,
                &[
                    0x30, 0x82, 0x01, 0xbb, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00,
                ],
                447,
            ),
            64,
        ),
        _ => {
            // An old-format secret-key packet (tag 5) of 920 bytes: version 4, creation time.
            let mut d = vec![0x95, 0x03, 0x98, 0x04, 0x65];
            d.extend(rng.bytes(922 - d.len() + 1));
            (d, 64)
        }
    };
    let body = base64(&der, false);
    let mut lines = vec![format!("-----BEGIN {label}-----")];
    if kind == "pgp-private-key" {
        lines.push(String::new());
    }
    for chunk in body.as_bytes().chunks(width) {
        lines.push(String::from_utf8(chunk.to_vec()).expect("base64 is ASCII"));
    }
    if kind == "pgp-private-key" {
        let crc = crc24(&der);
        lines.push(format!("={}", base64(&crc.to_be_bytes()[1..], false)));
    }
    lines.push(format!("-----END {label}-----"));
    (kind, lines)
}

const RSA_PKCS1_HEAD: [u8; 12] = [
    0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
];
const PKCS8_RSA_HEAD: [u8; 38] = [
    0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
    0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x82, 0x04, 0xa7, 0x30, 0x82, 0x04, 0xa3, 0x02, 0x01,
    0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
];
const ENCRYPTED_PKCS8_HEAD: [u8; 36] = [
    0x30, 0x82, 0x05, 0x1f, 0x30, 0x49, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05,
    0x0d, 0x30, 0x3c, 0x30, 0x1b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c,
    0x30, 0x0e, 0x04, 0x08,
];

/// `head` followed by random bytes up to `total` bytes (the length the header declares).
fn der(rng: &Rng, head: &[u8], total: usize) -> Vec<u8> {
    let mut d = head.to_vec();
    d.extend(rng.bytes(total - head.len()));
    d
}

/// An unencrypted PKCS#8 RSA-2048 private key, DER.
pub fn pkcs8_der(rng: &Rng) -> Vec<u8> {
    der(rng, &PKCS8_RSA_HEAD, 1217)
}

/// An unencrypted PKCS#1 RSA-2048 private key, DER.
pub fn rsa_der(rng: &Rng) -> Vec<u8> {
    der(rng, &RSA_PKCS1_HEAD, 1192)
}

fn ssh_string(out: &mut Vec<u8>, data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
}

/// An unencrypted `openssh-key-v1` Ed25519 private key (PROTOCOL.key).
fn openssh_ed25519(rng: &Rng) -> Vec<u8> {
    let public = rng.bytes(32);
    let mut public_blob = Vec::new();
    ssh_string(&mut public_blob, b"ssh-ed25519");
    ssh_string(&mut public_blob, &public);
    let check = rng.bytes(4);
    let mut private = Vec::new();
    private.extend(&check);
    private.extend(&check);
    ssh_string(&mut private, b"ssh-ed25519");
    ssh_string(&mut private, &public);
    let mut secret = rng.bytes(32);
    secret.extend(&public);
    ssh_string(&mut private, &secret);
    ssh_string(&mut private, b"deploy@ci");
    let mut pad = 1u8;
    while private.len() % 8 != 0 {
        private.push(pad);
        pad += 1;
    }
    let mut out = b"openssh-key-v1\0".to_vec();
    ssh_string(&mut out, b"none");
    ssh_string(&mut out, b"none");
    ssh_string(&mut out, b"");
    out.extend(1u32.to_be_bytes());
    ssh_string(&mut out, &public_blob);
    ssh_string(&mut out, &private);
    out
}

/// The OpenPGP armor checksum (RFC 4880, 6.1).
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0xB7_04CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// A PuTTY private key file (format 3), unencrypted, with a correct `Private-MAC` (HMAC-SHA-256
/// with an empty key over the key's fields).
pub fn putty_key(rng: &Rng) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let comment = format!(
        "eddsa-key-2024{:02}{:02}",
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let mut public = Vec::new();
    ssh_string(&mut public, b"ssh-ed25519");
    ssh_string(&mut public, &rng.bytes(32));
    let mut private = Vec::new();
    ssh_string(&mut private, &rng.bytes(32));
    let mut mac_data = Vec::new();
    ssh_string(&mut mac_data, b"ssh-ed25519");
    ssh_string(&mut mac_data, b"none");
    ssh_string(&mut mac_data, comment.as_bytes());
    ssh_string(&mut mac_data, &public);
    ssh_string(&mut mac_data, &private);
    // HMAC with an empty key: the key block is all zeros.
    let inner = Sha256::new()
        .chain_update([0x36u8; 64])
        .chain_update(&mac_data)
        .finalize();
    let mac = Sha256::new()
        .chain_update([0x5cu8; 64])
        .chain_update(inner)
        .finalize();
    let mac: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    let public_b64 = base64(&public, false);
    let public_lines: Vec<String> = public_b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).expect("ascii"))
        .collect();
    let mut lines = vec![
        "PuTTY-User-Key-File-3: ssh-ed25519".to_string(),
        "Encryption: none".to_string(),
        format!("Comment: {comment}"),
        format!("Public-Lines: {}", public_lines.len()),
    ];
    lines.extend(public_lines);
    lines.push("Private-Lines: 1".to_string());
    lines.push(base64(&private, false));
    lines.push(format!("Private-MAC: {mac}"));
    lines
}

pub fn b64_lines(rng: &Rng, len: usize) -> String {
    rng.string(len, B64)
}

pub const HEX_DIGITS: &str = HEX;

/// An npm automation token with a valid checksum.
pub fn secret_npm(rng: &Rng) -> String {
    crc_token(rng, "npm_")
}

/// A PyPI API token.
pub fn secret_pypi(rng: &Rng) -> String {
    pypi_token(rng)
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc24_matches_the_openpgp_check_value() {
        assert_eq!(super::crc24(b"123456789"), 0x21_CF02);
    }

    #[test]
    fn openssh_keys_are_well_formed() {
        let key = super::openssh_ed25519(&super::Rng::new(1));
        assert!(key.starts_with(b"openssh-key-v1\0\0\0\0\x04none"));
        // Magic, cipher, kdf, kdf options, key count, public blob (4 + 51), private length:
        // the private section starts with two equal check integers.
        let private = &key[15 + 8 + 8 + 4 + 4 + 55 + 4..];
        assert_eq!(private.len() % 8, 0);
        assert_eq!(private[..4], private[4..8]);
    }
}
