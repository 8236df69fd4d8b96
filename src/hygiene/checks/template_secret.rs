//! `env-template-secret`: a template that is (or would be) committed holds a value that a rule
//! matches or that looks like a real key rather than a placeholder.
//!
//! On a working tree the templates are the tracked ones and the untracked ones Git would not
//! ignore, read from disk; in staged mode the tracked ones, read from the index.

use crate::engine::filters::has_allow_marker;
use crate::finding::{Category, Finding, Secret};
use crate::hygiene::context::{EnvCheck, EnvFile, RepoContext};
use crate::hygiene::parse;
use crate::hygiene::patterns::Kind;

pub const ID: &str = crate::rules::env::TEMPLATE_SECRET;

pub struct TemplateSecret;

impl EnvCheck for TemplateSecret {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        let mut out = Vec::new();
        for file in ctx.files.iter().filter(|f| f.kind == Kind::Template) {
            let committed = if ctx.staged.is_some() {
                file.tracked
            } else {
                file.tracked || (file.on_disk && !file.ignored)
            };
            if committed {
                check_template(ctx, file, &mut out);
            }
        }
        out
    }
}

fn check_template(ctx: &RepoContext, file: &EnvFile, out: &mut Vec<Finding>) {
    let (Some(text), Some(parsed)) = (file.content(), file.parsed.as_ref()) else {
        return;
    };
    let name = &file.display;
    let matches = ctx.scanner.scan(text);
    let mut lines_with_match = Vec::new();
    for m in &matches {
        lines_with_match.push(m.line);
        let var = parsed.vars.iter().rev().find(|v| v.line <= m.line);
        let what = var.map_or_else(
            || "a value".to_string(),
            |v| format!("the value of {}", v.name),
        );
        let rule = ctx.scanner.rule(m.rule);
        out.push(finding(
            ctx,
            name,
            m.line,
            m.column,
            &m.secret,
            format!(
                "the template {name} holds a real key: {what} is matched by rule {} ({})",
                rule.id(),
                rule.spec.description
            ),
        ));
    }
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    for var in &parsed.vars {
        let Some(value) = &var.value else { continue };
        if lines_with_match.contains(&var.line)
            || !parse::looks_like_key(&var.name, value.expose())
            || lines
                .get(var.line as usize - 1)
                .is_some_and(|l| has_allow_marker(l))
        {
            continue;
        }
        out.push(finding(
            ctx,
            name,
            var.line,
            var.value_column.unwrap_or(var.column),
            value,
            format!(
                "the template {name} holds a value of {} that looks like a real key, not a \
                 placeholder",
                var.name
            ),
        ));
    }
}

fn finding(
    ctx: &RepoContext,
    file: &str,
    line: u64,
    column: u64,
    secret: &Secret,
    message: String,
) -> Finding {
    Finding {
        rule_id: ID.to_string(),
        category: Category::Env,
        severity: crate::rules::env::default_severity(ID),
        file: file.to_string(),
        line: Some(line),
        column: Some(column),
        commit: None,
        redacted: Some(secret.redacted()),
        fingerprint: ctx.fingerprints.secret(ID, file, secret),
        message: format!("{message}; replace it with a placeholder such as `your-key-here`"),
        remedy: "Keep the real value in your untracked .env file, and revoke and rotate the key: \
                 a template is committed and shared."
            .to_string(),
        provenance: None,
    }
}
