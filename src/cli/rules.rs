//! `keygate rules`: every rule with its id, description, keywords and whether it is enabled;
//! `keygate rules --check [FILE]` runs every rule's examples and near misses through the real
//! engine (the custom rules of FILE or of the repository's config, and the built-in catalog).

use super::scan_config::Outcome;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::git::Repo;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: RulesFormat,
    /// Use FILE instead of `.keygate.toml` at the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check that every rule finds its examples and none of its near misses, with the config's
    /// custom rules (FILE, else `--config`, else `.keygate.toml`). Exit 1 when one fails.
    #[arg(long, value_name = "FILE")]
    #[allow(clippy::option_option)]
    pub check: Option<Option<PathBuf>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    description: &'a str,
    family: &'a str,
    keywords: &'a [String],
    enabled: bool,
    severity: crate::finding::Severity,
}

pub fn run(args: RulesArgs, cwd: &Path) -> Result<Outcome> {
    let repo = Repo::discover(cwd)?;
    if let Some(file) = &args.check {
        let file = file.as_deref().or(args.config.as_deref());
        return check(file, repo.as_ref().map(Repo::root));
    }
    let config = Config::discover(args.config.as_deref(), repo.as_ref().map(Repo::root))?;
    let rules = config.compile_rules()?;
    let mut rows: Vec<RuleRow> = rules
        .iter()
        .map(|r| RuleRow {
            id: &r.spec.id,
            description: &r.spec.description,
            family: &r.spec.family,
            keywords: &r.spec.keywords,
            enabled: r.enabled,
            severity: r.severity,
        })
        .collect();
    rows.extend(crate::rules::env::ENV_RULES.iter().map(|rule| {
        let severity = crate::hygiene::severity(&config, rule.id);
        RuleRow {
            id: rule.id,
            description: rule.description,
            family: rule.family,
            keywords: &[],
            enabled: severity.is_some(),
            severity: severity.unwrap_or(rule.severity),
        }
    }));
    let text = match args.format {
        RulesFormat::Json => serde_json::to_string_pretty(&rows).expect("rules serialize") + "\n",
        RulesFormat::Human => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut text = String::new();
            for r in &rows {
                let state = if r.enabled {
                    r.severity.to_string()
                } else {
                    "off".into()
                };
                let keywords = if r.keywords.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", r.keywords.join(", "))
                };
                text += &format!(
                    "{:width$}  {:5}  {}{keywords}\n",
                    r.id, state, r.description
                );
            }
            text + &format!("{} rules\n", rows.len())
        }
    };
    use std::io::Write;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Clean)
}

/// `keygate rules --check`: every problem, each as `file:line:column: message`.
fn check(file: Option<&Path>, root: Option<&Path>) -> Result<Outcome> {
    let config = Config::discover(file, root)?;
    let mut lines: Vec<String> = config
        .rule_problems()?
        .iter()
        .map(|problem| config.rule_error(problem).to_string())
        .collect();
    let builtin = crate::rules::compile_all(&[])?;
    lines.extend(
        crate::engine::examples::check_examples(&builtin, 0..builtin.len())
            .into_iter()
            .map(|p| format!("built-in catalog: {p}")),
    );
    let mut text = String::new();
    for line in &lines {
        text += line;
        text.push('\n');
    }
    text += &if lines.is_empty() {
        format!(
            "keygate: ok: {} custom and {} built-in rule(s) find their examples and none of their near misses\n",
            config.rules.len(),
            builtin.len()
        )
    } else {
        format!("keygate: {} problem(s) with rule examples\n", lines.len())
    };
    use std::io::Write;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(if lines.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Blocked
    })
}
