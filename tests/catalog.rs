//! Walks the whole built-in catalog through the real engine: every example found with the span of
//! its secret group, no near miss found, metadata complete.

use crate::common::{checksummed_token, fake, ALNUM};
use keygate::engine::examples::check_examples;
use keygate::rules::{builtin_specs, compile_all};

#[test]
fn every_builtin_rule_passes_its_examples_through_the_engine() {
    let rules = compile_all(&[]).expect("built-in catalog compiles");
    let problems = check_examples(&rules, 0..rules.len());
    assert!(
        problems.is_empty(),
        "catalog problems:\n{}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_builtin_rule_compiles_with_one_secret_group() {
    for spec in builtin_specs() {
        if let Err(e) = keygate::rules::Rule::compile(spec.clone()) {
            panic!("{e}");
        }
    }
}

#[test]
fn every_builtin_rule_has_complete_metadata() {
    let mut ids = std::collections::HashSet::new();
    for spec in builtin_specs() {
        assert!(ids.insert(spec.id.clone()), "duplicate id {}", spec.id);
        assert!(!spec.description.is_empty(), "{}: no description", spec.id);
        assert!(!spec.remedy.is_empty(), "{}: no remedy", spec.id);
        assert!(!spec.examples.is_empty(), "{}: no example", spec.id);
        assert!(
            !spec.negative_examples.is_empty(),
            "{}: no near miss",
            spec.id
        );
        assert!(!spec.family.is_empty(), "{}: no family", spec.id);
    }
}

#[test]
fn a_broken_example_is_reported_with_the_rule_id_and_index() {
    let toml = r#"
[[rules]]
id = "acme-token"
description = "ACME token"
pattern = 'acme_(?P<secret>[a-z0-9]{20})\b'
keywords = ["acme_"]
examples = ["t = acme_q8f3kzp0lmxw2rty7uvb", "nothing to see here"]
negative_examples = ["t = acme_short", "t = acme_9f3kzp0lmxw2rty7uvbq"]
remedy = "rotate"
"#;
    let spec = keygate::rules::parse_rule_file("custom.toml", toml).unwrap();
    let mut rules = compile_all(&[]).unwrap();
    rules.push(keygate::rules::Rule::compile(spec[0].clone()).unwrap());
    let n = rules.len();
    let problems: Vec<String> = check_examples(&rules, n - 1..n)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        vec![
            "rule acme-token: example 1 does not match the pattern".to_string(),
            "rule acme-token: negative example 1 is reported".to_string(),
        ]
    );
}

/// The whole built-in catalog behind one scanner, as `keygate check` runs it.
fn scanner() -> keygate::Scanner {
    keygate::Scanner::new(compile_all(&[]).unwrap(), Default::default())
}

/// `(rule id, 1-based column)` of every finding in `text`.
fn found(scanner: &keygate::Scanner, text: &str) -> Vec<(String, u64)> {
    scanner
        .scan(text.as_bytes())
        .iter()
        .map(|m| (scanner.rule(m.rule).id().to_string(), m.column))
        .collect()
}

#[test]
fn the_catalog_covers_at_least_150_providers() {
    let specific = builtin_specs().iter().filter(|s| !s.generic).count();
    assert!(specific >= 150, "only {specific} provider rules");
}

#[test]
fn every_builtin_rule_documents_its_source_and_reads_as_a_noun_phrase() {
    for spec in builtin_specs() {
        assert!(!spec.references.is_empty(), "{}: no reference", spec.id);
        assert!(
            spec.references.iter().all(|r| r.starts_with("https://")),
            "{}: references must be https URLs",
            spec.id
        );
        let d = &spec.description;
        assert!(
            !d.ends_with('.') && !d.contains("hard-coded") && d.len() < 80,
            "{}: description should be a short noun phrase: {d}",
            spec.id
        );
        assert!(
            spec.examples.len() >= 2 && spec.negative_examples.len() >= 2,
            "{}: needs at least two examples and two near misses",
            spec.id
        );
    }
}

#[test]
fn generic_rules_are_marked_generic_so_that_provider_rules_win() {
    for spec in builtin_specs() {
        if spec.id.starts_with("generic-") || spec.id == "url-credentials" {
            assert!(spec.generic, "{} should be generic", spec.id);
        }
    }
}

#[test]
fn keywords_are_specific_enough_for_the_prefilter() {
    // Keywords decide where regexes run; words this common would run a rule on most lines.
    const TOO_COMMON: &[&str] = &[
        "key", "api", "id", "pat", "sk", "st.", "ac", "the", "data", "user", "http", "com",
    ];
    for spec in builtin_specs() {
        for kw in &spec.keywords {
            assert!(
                (kw.len() >= 3 || kw.bytes().any(|b| !b.is_ascii_alphanumeric()))
                    && !TOO_COMMON.contains(&kw.to_ascii_lowercase().as_str()),
                "{}: keyword `{kw}` is too common",
                spec.id
            );
        }
    }
}

#[test]
fn provider_tokens_with_a_checksum_are_reported_only_when_it_holds() {
    let scanner = scanner();
    for (prefix, rule) in [
        ("ghp_", "github-personal-access-token"),
        ("gho_", "github-oauth-access-token"),
        ("ghs_", "github-server-to-server-token"),
        ("npm_", "npm-access-token"),
    ] {
        let good = checksummed_token(prefix);
        assert_eq!(
            found(&scanner, &format!("x = '{good}'")),
            [(rule.into(), 6)]
        );
        let mut bad = good.clone();
        let last = if bad.ends_with('A') { "B" } else { "A" };
        bad.replace_range(bad.len() - 1.., last);
        assert!(
            found(&scanner, &format!("x = '{bad}'")).is_empty(),
            "{prefix} token with a broken checksum"
        );
    }
}

#[test]
fn generic_rules_find_secret_assignments_in_every_common_format() {
    let scanner = scanner();
    let value = fake("", 28, ALNUM);
    let password = format!("{}!{}", fake("", 8, ALNUM), fake("", 4, "0123456789"));
    let cases: Vec<(String, &str)> = vec![
        (format!("api_key = \"{value}\""), "generic-api-key"),
        (
            format!("\"client_secret\": \"{value}\","),
            "generic-api-key",
        ),
        (format!("  authToken: '{value}'"), "generic-api-key"),
        (
            format!("$config['api_secret'] = '{value}';"),
            "generic-api-key",
        ),
        (
            format!("private static final String API_KEY = \"{value}\";"),
            "generic-api-key",
        ),
        (
            format!("const apiKey: string = \"{value}\";"),
            "generic-api-key",
        ),
        (format!("apiKey := \"{value}\""), "generic-api-key"),
        (
            format!("let api_key: &str = \"{value}\";"),
            "generic-api-key",
        ),
        (format!("API_KEY={value}"), "generic-secret-unquoted"),
        (
            format!("export CLIENT_SECRET={value}"),
            "generic-secret-unquoted",
        ),
        (format!("app.jwt.secret={value}"), "generic-secret-unquoted"),
        (format!("  auth_token: {value}"), "generic-secret-unquoted"),
        (format!("password = \"{password}\""), "generic-password"),
        (format!("\"password\": \"{password}\""), "generic-password"),
        (
            format!("DB_PASSWORD={password}"),
            "generic-password-unquoted",
        ),
        (
            format!("spring.datasource.password={password}"),
            "generic-password-unquoted",
        ),
        (
            format!("Authorization: Bearer {value}"),
            "generic-bearer-token",
        ),
        (
            format!("DATABASE_URL=postgres://app:{password}@db.internal:5432/app"),
            "postgres-connection-string",
        ),
        (
            format!("remote = https://deploy:{value}@git.acme.io/app.git"),
            "url-credentials",
        ),
    ];
    for (line, rule) in cases {
        let got = found(&scanner, &line);
        let column = line.find(
            if rule.contains("password") || rule.contains("connection") {
                &password
            } else {
                &value
            },
        );
        assert_eq!(
            got,
            [(rule.to_string(), column.unwrap() as u64 + 1)],
            "line: {line}"
        );
    }
}

#[test]
fn generic_rules_stay_quiet_on_what_is_not_a_secret() {
    let scanner = scanner();
    let quiet = [
        // Reading from the environment or a secret store.
        r#"api_key = os.environ["API_KEY"]"#,
        r#"api_key = os.getenv("API_KEY", "")"#,
        "const apiKey = process.env.API_KEY;",
        "$key = getenv('API_KEY');",
        r#"key := os.Getenv("API_KEY")"#,
        "API_KEY = ENV.fetch('API_KEY')",
        "password = getpass.getpass()",
        "API_KEY=$(cat /run/secrets/api_key)",
        // Templating.
        "API_KEY=${API_KEY}",
        r#""api_key": "${API_KEY}""#,
        "api_key: \"{{ secrets.API_KEY }}\"",
        "password = \"%(db_password)s\"",
        "password = \"#{ENV['DB_PASSWORD']}\"",
        "  password: \"{{ db_password }}\"",
        // Placeholders and empty values.
        "api_key = \"\"",
        "password = \"\"",
        "API_KEY=your_api_key_here",
        "api_key = \"<YOUR_API_KEY>\"",
        "token = \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
        "password = \"changeme\"",
        "password = \"password123\"",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        // Identifiers, names, paths, UUIDs and hashes.
        "SECRET_KEY = settings.DJANGO_SECRET_KEY_VALUE",
        "secret_name = \"prod/payments/stripe-webhook\"",
        "tokenizer = \"bert-base-multilingual-cased\"",
        "private_key = \"certs/server-2024.pem\"",
        "client_secret = \"3f2b8c1e-4d5a-4b6c-9e7f-1a2b3c4d5e6f\"",
        r#""integrity": "sha512-Q2hlY2tzdW1zQXJlTm90U2VjcmV0czEyMw9kZXBlbmRlbmN5bG9ja2ZpbGVoYXNoZXNhcmVwdWJsaWM0MjQyNDI0MjQy==""#,
        "token_url = \"https://auth.acme.io/oauth/token\"",
        "password_reset_url = \"https://acme.io/reset\"",
        "password_min_length: 12",
        "if password == \"\":",
        "The client sends a bearer token obtained from the authorization server.",
        "https://user:password@example.com/path",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
    ];
    for line in quiet {
        assert_eq!(found(&scanner, line), [], "line: {line}");
    }
}

/// The rule table of docs/rules.md, generated from the catalog.
fn rule_table() -> String {
    let mut out = String::from("| id | family | what it finds |\n|---|---|---|\n");
    for spec in builtin_specs() {
        out += &format!(
            "| `{}` | {} | {} |\n",
            spec.id, spec.family, spec.description
        );
    }
    out
}

/// docs/rules.md lists every built-in rule between two markers; a stale table fails here.
/// `KEYGATE_BLESS=1 cargo test rule_table` rewrites it.
#[test]
fn readme_rule_table_is_generated_from_the_catalog() {
    const START: &str = "<!-- rules:start (generated by tests/catalog.rs) -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (a, b) = match (readme.find(START), readme.find(END)) {
        (Some(a), Some(b)) => (a + START.len(), b),
        _ => panic!("docs/rules.md lacks the rule table markers"),
    };
    let want = rule_table();
    if readme[a..b] != want {
        if std::env::var_os("KEYGATE_BLESS").is_some() {
            std::fs::write(path, format!("{}{want}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("the rule table in docs/rules.md is stale: run KEYGATE_BLESS=1 cargo test rule_table");
        }
    }
}
