//! `keygate rules`: every rule with its id, description, keywords and whether it is enabled.

use super::Outcome;
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
    let config = Config::discover(args.config.as_deref(), repo.as_ref().map(Repo::root))?;
    let rules = crate::rules::from_config(&config)?;
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
    rows.extend(crate::hygiene::RULE_IDS.iter().map(|&id| {
        let severity = crate::hygiene::severity(&config, id);
        RuleRow {
            id,
            description: crate::hygiene::description(id),
            family: "env",
            keywords: &[],
            enabled: severity.is_some(),
            severity: severity.unwrap_or_else(|| crate::hygiene::default_severity(id)),
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
                text += &format!("{:width$}  {:5}  {}\n", r.id, state, r.description);
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
