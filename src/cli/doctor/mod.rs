//! `keygate doctor`: the repository's key-safety posture against the ten rules a provider gives
//! its users (SPEC, "The ten rules"), one line per check a local tool can make, each with what to
//! do about it. A failed check makes the exit code 1; a warning never does. No value of any secret
//! is printed or stored: shared keys and rotation ages are compared by keyed hash.

mod client;
mod env_files;
mod hooks;
mod manager;
mod model;
mod tracked;
mod values;

use super::check::{self, Context};
use super::scan_config::{Outcome, ScanConfig, Target};
use crate::error::{Error, Result};
use crate::finding::{Category, Finding};
use crate::git::Repo;
use crate::hygiene::context::RepoContext;
use crate::report::Color;
use clap::Args;
use model::{list, Status, Verdict};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DoctorFormat,
    /// Use FILE instead of `.keygate.toml` at the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keys unchanged for more than DAYS are due for rotation.
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub rotation_days: u32,
    /// Globs of files that ship to browsers (replaces the defaults: public/**, static/**,
    /// src/components/**, components/**, **/*.client.*).
    #[arg(long = "client-files", value_name = "GLOB")]
    pub client_files: Vec<String>,
    /// Skip the audit of the whole history (faster; the history checks then only look at today).
    #[arg(long)]
    pub no_history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DoctorFormat {
    Human,
    Json,
}

pub fn run(args: DoctorArgs, cwd: &Path) -> Result<Outcome> {
    let repo = Repo::require(
        cwd,
        "; `keygate doctor` checks a Git repository: run it inside one",
    )?;
    let checks = diagnose(&repo, &args, cwd)?;
    let text = match args.format {
        DoctorFormat::Json => {
            let count = |s| checks.iter().filter(|c| c.status == s).count();
            let doc = serde_json::json!({
                "version": 1,
                "checks": checks,
                "summary": { "pass": count(Status::Pass), "warn": count(Status::Warn), "fail": count(Status::Fail) },
            });
            serde_json::to_string_pretty(&doc).expect("doctor report serializes") + "\n"
        }
        DoctorFormat::Human => human(&repo, &checks),
    };
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::io("<stdout>", e));
        }
        _ => {}
    }
    Ok(if checks.iter().any(|c| c.status == Status::Fail) {
        Outcome::Blocked
    } else {
        Outcome::Clean
    })
}

/// Every check, in the order of the ten rules.
fn diagnose(repo: &Repo, args: &DoctorArgs, cwd: &Path) -> Result<Vec<Verdict>> {
    let client_files = if args.client_files.is_empty() {
        client::DEFAULT_CLIENT_FILES
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        args.client_files.clone()
    };
    let client_files = client::globs(&client_files)?;
    let cfg = ScanConfig {
        color: Color::Never,
        config: args.config.clone(),
        ..ScanConfig::new(Target::Worktree, cwd.to_path_buf())
    };
    let ctx = Context::new(&cfg)?;
    let worktree = scan(&cfg, &ctx)?;
    let history = if args.no_history {
        None
    } else {
        let cfg = ScanConfig {
            target: Target::History {
                tips: crate::git::Tips::All,
                since: Vec::new(),
            },
            ..cfg.clone()
        };
        Some(scan(&cfg, &ctx)?)
    };
    let env = RepoContext::new(repo, &ctx.config, &ctx.scanner, &ctx.fingerprints, None)?;
    // What the config excludes from scanning is not the project's own code either.
    let excludes = ctx.config.excludes()?;
    let mut tracked = tracked::read(repo)?;
    tracked.retain(|f| !excludes.is_match(&f.display));
    let values = values::check(repo, &env, args.rotation_days, values::today())?;
    let mut checks = vec![
        hooks::check(repo)?,
        hard_coded(&worktree, history.as_deref()),
        env_files::kept_out(repo, &env, &worktree)?,
        env_files::templates(&env, &worktree),
        values.shared,
        values.rotation,
        client::check(&env, &tracked, &client_files, &worktree),
        env_files::dormant(&env, &tracked),
        manager::check(&tracked),
    ];
    checks.sort_by_key(|c| c.rule);
    Ok(checks)
}

/// The findings of one check, after the config and the baseline, as `keygate check` reports them.
fn scan(cfg: &ScanConfig, ctx: &Context) -> Result<Vec<Finding>> {
    let (mut report, errors) = check::scan(cfg, ctx)?;
    if let Some(first) = errors.first() {
        return Err(Error::Unreadable {
            count: errors.len(),
            first: first.clone(),
        });
    }
    check::apply_config(&ctx.config, &mut report);
    ctx.baseline.apply(&mut report);
    Ok(report.findings)
}

/// Rule 1: no key in the working tree, and none in the history.
fn hard_coded(worktree: &[Finding], history: Option<&[Finding]>) -> Verdict {
    const ID: &str = "no-hard-coded-keys";
    let secrets = |findings: &[Finding]| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.category == Category::Secret && f.is_blocking())
            .map(|f| format!("{} at {}:{}", f.rule_id, f.file, f.line.unwrap_or(0)))
            .collect()
    };
    let now = secrets(worktree);
    let past: Vec<String> = history
        .map(|h| {
            h.iter()
                .filter(|f| f.category == Category::Secret && f.is_blocking())
                .map(|f| {
                    let commit = f.commit.as_deref().map_or("", |c| &c[..c.len().min(8)]);
                    format!("{} in {} ({commit})", f.rule_id, f.file)
                })
                .collect()
        })
        .unwrap_or_default();
    if now.is_empty() && past.is_empty() {
        let scope = if history.is_some() {
            "the working tree and every commit"
        } else {
            "the working tree (history not audited: --no-history)"
        };
        return Verdict::pass(ID, 1, format!("no hard-coded key in {scope}"));
    }
    let mut message = Vec::new();
    if !now.is_empty() {
        message.push(format!("in the working tree: {}", list(&now)));
    }
    if !past.is_empty() {
        message.push(format!("in the history: {}", list(&past)));
    }
    let fix = if past.is_empty() {
        "move each key to a gitignored .env file and read it from the environment (`keygate check` \
         shows each one); rotate any key that was shared"
            .to_string()
    } else {
        INCIDENT_CHECKLIST.to_string()
    };
    Verdict::fail(ID, 1, message.join("; "), fix)
}

/// What to do about a key that was committed, in the order of the SPEC's compromise checklist.
const INCIDENT_CHECKLIST: &str = "a committed key is compromised for good, even if a later \
    commit removed it: 1. revoke it at the provider (dashboard → API Keys → Revoke); 2. generate \
    a replacement and update every application using it; 3. review the provider's API logs for \
    the exposure window, from the commit's date; 4. assess the damage (delivery reports, \
    suppression lists); 5. notify affected parties; 6. contact the provider's support; 7. audit \
    the whole codebase and history (`keygate check --history --all`), then rewrite history if \
    needed";

fn human(repo: &Repo, checks: &[Verdict]) -> String {
    let mut out = format!("keygate doctor: {}\n", repo.root().display());
    let width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in checks {
        out += &format!(
            "{:<4}  rule {:>2}  {:<width$}  {}\n",
            c.status.label(),
            c.rule,
            c.id,
            c.message
        );
        if !c.fix.is_empty() {
            out += &format!("{:<4}  {:>7}  {:<width$}  fix: {}\n", "", "", "", c.fix);
        }
    }
    let count = |s| checks.iter().filter(|c| c.status == s).count();
    out += &format!(
        "keygate doctor: {} pass, {} warn, {} fail{}\n",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        if count(Status::Fail) > 0 {
            " (exit 1)"
        } else {
            ""
        }
    );
    out +=
        "Rules 5 (minimum scope) and 8 (monitor usage) are set at the provider: check each key's \
            scope and usage alerts in its dashboard.\n";
    out
}
