//! The command line: clap structs, and the one conversion from them to the engine-facing
//! [`ScanConfig`], so that nothing past this module knows about argument parsing.

pub mod baseline;
pub mod check;
pub mod config;
pub mod fix;
pub mod install;
pub mod rules;

use crate::error::{Error, Result};
use crate::report::{Color, Format};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "keygate",
    version,
    about = "Keeps API keys out of Git: a pre-commit hook that blocks hard-coded secrets and unignored .env files"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the working tree, paths, stdin (`-`), the staged change or the history for secrets.
    Check(CheckArgs),
    /// List every rule: id, description, keywords and whether it is enabled.
    Rules(rules::RulesArgs),
    /// Record the current findings in `.keygate-baseline` so that they stop blocking.
    Baseline(baseline::BaselineArgs),
    /// Work with keygate's config (`import-gitleaks`).
    Config(config::ConfigArgs),
    /// Repair .env hygiene: add the missing .gitignore patterns, untrack tracked .env files.
    Fix(fix::FixArgs),
    /// Install the pre-commit hook in this repository (keeps and chains an existing hook).
    Install,
    /// Remove keygate's pre-commit hook and restore the hook it chained.
    Uninstall,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (`-` for standard input). Default: the working tree.
    pub paths: Vec<PathBuf>,
    /// Check only the lines the staged change adds (what the pre-commit hook runs).
    #[arg(long, conflicts_with_all = ["paths", "history"])]
    pub staged: bool,
    /// Check every commit reachable from HEAD.
    #[arg(long, conflicts_with = "paths")]
    pub history: bool,
    /// With --history: every ref, not only HEAD.
    #[arg(long, requires = "history")]
    pub all: bool,
    /// With --history: only commits after REV.
    #[arg(long, requires = "history", value_name = "REV")]
    pub since: Option<String>,
    /// With --history: only the commits reachable from branch NAME.
    #[arg(
        long,
        requires = "history",
        conflicts_with = "all",
        value_name = "NAME"
    )]
    pub branch: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use FILE instead of `.keygate.toml` at the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No colour (also off when NO_COLOR is set or the output is not a terminal).
    #[arg(long)]
    pub no_color: bool,
}

/// What `check` scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Worktree,
    Paths(Vec<PathBuf>),
    Stdin,
    Staged,
    History {
        all: bool,
        since: Option<String>,
        branch: Option<String>,
    },
}

/// Everything a check needs, free of the command line's shape.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub target: Target,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub color: Color,
    pub config: Option<PathBuf>,
    /// The directory the check runs from.
    pub cwd: PathBuf,
}

impl ScanConfig {
    /// The one conversion from `check`'s arguments.
    pub fn from_args(args: CheckArgs, cwd: PathBuf) -> Result<ScanConfig> {
        let target = if args.staged {
            Target::Staged
        } else if args.history {
            Target::History {
                all: args.all,
                since: args.since,
                branch: args.branch,
            }
        } else if args.paths.iter().any(|p| p.as_os_str() == "-") {
            if args.paths.len() > 1 {
                return Err(Error::Usage(
                    "`-` (standard input) cannot be combined with other paths".into(),
                ));
            }
            Target::Stdin
        } else if args.paths.is_empty() {
            Target::Worktree
        } else {
            Target::Paths(args.paths)
        };
        Ok(ScanConfig {
            target,
            format: args.output.format,
            output: args.output.output,
            color: if args.output.no_color {
                Color::Never
            } else {
                Color::Auto
            },
            config: args.output.config,
            cwd,
        })
    }
}

/// How a command ended when it ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing blocking.
    Clean,
    /// At least one blocking finding.
    Blocked,
}

/// Runs a parsed command line. Every error, internal ones included, comes back as `Err`, which
/// the binary turns into exit code 2: nothing here exits, so a failure can never pass a commit.
pub fn run(cli: Cli) -> Result<Outcome> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    match cli.command {
        Command::Check(args) => check::run(&ScanConfig::from_args(args, cwd)?),
        Command::Rules(args) => rules::run(args, &cwd),
        Command::Baseline(args) => baseline::run(args, &cwd),
        Command::Config(args) => config::run(args, &cwd),
        Command::Fix(args) => fix::run(args, &cwd),
        Command::Install => install::install(&cwd, &mut std::io::stdout().lock()),
        Command::Uninstall => install::uninstall(&cwd, &mut std::io::stdout().lock()),
    }
}
