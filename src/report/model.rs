//! The [`Report`] every check produces, and the choices of how to write it.

use crate::finding::{Category, Finding, Severity};
use crate::rules::env::EnvRule;
use crate::rules::Rule;
use serde::Serialize;

/// What was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Staged,
    Worktree,
    Paths,
    Stdin,
    History,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: u64,
    pub blocking: u64,
}

/// The result of one check, ready for any reporter.
#[derive(Debug, Clone)]
pub struct Report {
    pub mode: Mode,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Things the user should know that are not findings (e.g. files that could not be read).
    pub notes: Vec<String>,
    /// The rules the check ran, with the severities it ran them at (SARIF describes them).
    pub rules: Vec<RuleInfo>,
    /// Why the check scanned no file, when it scanned none (see [`Report::scanned_nothing`]).
    pub why_empty: Option<String>,
    /// Fingerprints of the findings whose key `HEAD` already holds: committed, so leaked.
    pub committed: Vec<String>,
}

/// What a report says of one rule the check ran.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    pub id: String,
    pub category: Category,
    pub description: String,
    /// What to do instead; empty for the hygiene rules.
    pub remedy: String,
    pub references: Vec<String>,
    /// Where to revoke a leaked key (the provider's page or dashboard path), when known.
    pub revoke: Option<String>,
    /// The catalog file (`aws`, `custom`, …), or `env` / `credential-file` for the hygiene rules.
    pub family: String,
    /// A generic rule (lower precision).
    pub generic: bool,
    pub severity: Severity,
}

impl RuleInfo {
    /// A secret rule, at the severity the check runs it.
    pub fn secret(rule: &Rule) -> RuleInfo {
        let spec = &rule.spec;
        RuleInfo {
            id: spec.id.to_string(),
            category: Category::Secret,
            description: spec.description.to_string(),
            remedy: spec.remedy.to_string(),
            references: spec.references.iter().map(|r| r.to_string()).collect(),
            revoke: spec.revoke.as_deref().map(str::to_string),
            family: spec.family.to_string(),
            generic: spec.generic,
            severity: rule.severity,
        }
    }

    /// A hygiene rule, at `severity`.
    pub fn env(rule: &EnvRule, severity: Severity) -> RuleInfo {
        RuleInfo {
            id: rule.id.to_string(),
            category: Category::Env,
            description: rule.description.to_string(),
            remedy: String::new(),
            references: Vec::new(),
            revoke: None,
            family: rule.family.into(),
            generic: false,
            severity,
        }
    }
}

impl Report {
    /// Builds a report, sorting findings by file, line and column and counting the summary.
    pub fn new(
        mode: Mode,
        mut findings: Vec<Finding>,
        files_scanned: u64,
        bytes_scanned: u64,
    ) -> Report {
        findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule_id).cmp(&(&b.file, b.line, b.column, &b.rule_id))
        });
        let blocking = findings.iter().filter(|f| f.is_blocking()).count() as u64;
        Report {
            mode,
            summary: Summary {
                files_scanned,
                bytes_scanned,
                findings: findings.len() as u64,
                blocking,
            },
            findings,
            notes: Vec::new(),
            rules: Vec::new(),
            why_empty: None,
            committed: Vec::new(),
        }
    }

    /// The check read no file: a human report never calls that "ok".
    pub fn scanned_nothing(&self) -> bool {
        self.summary.files_scanned == 0 && matches!(self.mode, Mode::Paths | Mode::Worktree)
    }

    pub fn is_blocking(&self) -> bool {
        self.summary.blocking > 0
    }

    /// Keeps only the findings for which `keep` holds, and recounts the summary.
    pub fn retain(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.findings.retain(keep);
        self.summary.findings = self.findings.len() as u64;
        self.summary.blocking = self.findings.iter().filter(|f| f.is_blocking()).count() as u64;
    }
}

/// Where the human report may use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Colour when the output is a terminal and `NO_COLOR` is unset.
    Auto,
    Never,
}
