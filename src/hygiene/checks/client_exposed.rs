//! `env-client-exposed`: a secret-looking variable whose prefix makes bundlers inline it into
//! client-side code (`NEXT_PUBLIC_MIGOSMTP_API_KEY`), where every visitor can read it. Severity
//! `warn` unless the config raises it. Names of public-by-design values (publishable, anon, site
//! keys) and Stripe-style publishable values (`pk_live_…`, `pk_test_…`) are not reported.

use crate::finding::{Category, Finding};
use crate::hygiene::context::{EnvCheck, RepoContext};
use crate::hygiene::parse;

pub const ID: &str = crate::rules::env::CLIENT_EXPOSED;

pub struct ClientExposed;

impl EnvCheck for ClientExposed {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        let mut out = Vec::new();
        for file in &ctx.files {
            let Some(parsed) = &file.parsed else { continue };
            for var in &parsed.vars {
                let Some(prefix) = client_prefix(&ctx.patterns.client_prefixes, &var.name) else {
                    continue;
                };
                let rest = &var.name[prefix.len()..];
                let publishable = var.value.as_ref().is_some_and(|v| {
                    v.expose().starts_with(b"pk_live_") || v.expose().starts_with(b"pk_test_")
                });
                if !parse::is_secret_name(rest) || publishable {
                    continue;
                }
                let file_name = &file.display;
                out.push(Finding {
                    rule_id: ID.to_string(),
                    category: Category::Env,
                    severity: crate::rules::env::default_severity(ID),
                    file: file_name.clone(),
                    line: Some(var.line),
                    column: Some(var.column),
                    commit: None,
                    redacted: None,
                    fingerprint: ctx
                        .fingerprints
                        .file(ID, &format!("{file_name}\0{}", var.name)),
                    message: format!(
                        "{} looks like a secret, but the prefix {prefix} makes bundlers inline it \
                         into client-side code; rename it to `{rest}` and use it on the server only",
                        var.name
                    ),
                    remedy: "Read the key in server code (an API route, a backend proxy) and send \
                             the browser only results; if it was shipped to clients, rotate it."
                        .to_string(),
                    provenance: None,
                });
            }
        }
        out
    }
}

/// The longest configured prefix `name` starts with (ASCII case-insensitive).
fn client_prefix<'p>(prefixes: &'p [String], name: &str) -> Option<&'p str> {
    prefixes
        .iter()
        .filter(|p| {
            name.len() > p.len()
                && name.is_char_boundary(p.len())
                && name[..p.len()].eq_ignore_ascii_case(p)
        })
        .max_by_key(|p| p.len())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_table() {
        let prefixes: Vec<String> = crate::hygiene::patterns::DEFAULT_CLIENT_PREFIXES
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cases: &[(&str, Option<&str>)] = &[
            ("NEXT_PUBLIC_MIGOSMTP_API_KEY", Some("NEXT_PUBLIC_")),
            ("NUXT_PUBLIC_TOKEN", Some("NUXT_PUBLIC_")),
            ("PUBLIC_TOKEN", Some("PUBLIC_")),
            ("VITE_SECRET", Some("VITE_")),
            ("MIGOSMTP_API_KEY", None),
            ("VITE_", None),
        ];
        for (name, want) in cases {
            assert_eq!(client_prefix(&prefixes, name), *want, "{name}");
        }
    }
}
