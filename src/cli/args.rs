//! The command line as clap parses it, and its conversion to a [`ScanConfig`].

use super::scan_config::{PushHook, ScanConfig, Target};
use super::{baseline, config, doctor, fix, install, rules};
use crate::error::{Error, Result};
use crate::git::Tips;
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

impl Cli {
    /// The command line of this process. The pre-commit hook's own, `check --staged`, is read
    /// without clap: building clap's description of every command and flag was a twentieth of a
    /// pre-commit check. A test holds the two readings equal.
    pub fn from_env() -> std::result::Result<Cli, clap::Error> {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).take(3).collect();
        if args == ["check", "--staged"] {
            return Ok(Cli::staged_check());
        }
        Cli::try_parse()
    }

    /// Whether this is a pre-commit check (`check --staged`): a process that lives a few
    /// milliseconds and reads little.
    pub fn is_staged_check(&self) -> bool {
        matches!(&self.command, Command::Check(args) if args.staged)
    }

    /// `keygate check --staged`, as clap would read it.
    fn staged_check() -> Cli {
        Cli {
            command: Command::Check(CheckArgs {
                paths: Vec::new(),
                staged: true,
                history: false,
                all: false,
                since: None,
                branch: None,
                no_ignore: false,
                range: None,
                pre_push: false,
                pre_receive: false,
                pre_commit: false,
                output: OutputArgs {
                    format: Format::Human,
                    output: None,
                    config: None,
                    no_color: false,
                    verbose: false,
                },
            }),
        }
    }
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
    /// The repository's key-safety posture against the ten rules: hook, keys, .env files,
    /// shared and old keys, client-side reads, unused keys, secrets manager.
    Doctor(doctor::DoctorArgs),
    /// Install the pre-commit hook in this repository (keeps and chains an existing hook).
    Install(install::InstallArgs),
    /// Remove keygate's pre-commit hook and restore the hook it chained.
    Uninstall(install::UninstallArgs),
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
    /// Inside the folders named, scan what Git ignores too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Only the lines the commits of range A..B add (reachable from B, not from A), each finding
    /// with its commit.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["paths", "staged", "history"])]
    pub range: Option<String>,
    /// The commits a `git push` sends, from the ref updates a pre-push hook reads on standard
    /// input (what `keygate install --pre-push` runs).
    #[arg(long, conflicts_with_all = ["paths", "staged", "history", "range", "pre_receive"])]
    pub pre_push: bool,
    /// On a Git server: the commits a push brings, from the ref updates a pre-receive hook reads
    /// on standard input; a finding rejects the push. Works in a bare repository.
    #[arg(long, conflicts_with_all = ["paths", "staged", "history", "range"])]
    pub pre_receive: bool,
    /// For the pre-commit framework, which passes file names: during `git commit`, the staged
    /// lines (as `--staged`); outside one (`pre-commit run --all-files`, `--files F...`), the
    /// named files whole, so that such a run never passes with secrets in them.
    #[arg(long, conflicts_with_all = ["staged", "history", "range", "pre_push", "pre_receive"])]
    pub pre_commit: bool,
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
    /// Report a passing staged check too (the pre-commit hook is quiet when a commit passes).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

impl CheckArgs {
    /// The one conversion from `check`'s arguments.
    pub fn into_scan_config(self, cwd: PathBuf) -> Result<ScanConfig> {
        let args = self;
        // Git names the index it is committing from in `GIT_INDEX_FILE` for a commit's hooks.
        let committing = std::env::var_os("GIT_INDEX_FILE").is_some();
        let target = if args.staged || (args.pre_commit && (committing || args.paths.is_empty())) {
            Target::Staged
        } else if args.history {
            Target::History {
                tips: match (args.all, args.branch) {
                    (_, Some(name)) => Tips::Branch(name),
                    (true, None) => Tips::All,
                    (false, None) => Tips::Head,
                },
                since: args.since.into_iter().collect(),
            }
        } else if let Some(range) = args.range {
            let Some((from, to)) = range
                .split_once("..")
                .filter(|(_, to)| !to.starts_with('.'))
            else {
                return Err(Error::Usage(format!(
                    "--range `{range}`: expected A..B (the commits reachable from B and not from A)"
                )));
            };
            let to = if to.is_empty() { "HEAD" } else { to };
            Target::History {
                tips: Tips::Revs(vec![to.to_string()]),
                since: (!from.is_empty())
                    .then(|| from.to_string())
                    .into_iter()
                    .collect(),
            }
        } else if args.pre_push {
            Target::Push(PushHook::PrePush)
        } else if args.pre_receive {
            Target::Push(PushHook::PreReceive)
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
            format: args.output.format,
            output: args.output.output,
            color: if args.output.no_color {
                Color::Never
            } else {
                Color::Auto
            },
            config: args.output.config,
            no_ignore: args.no_ignore,
            verbose: args.output.verbose,
            ..ScanConfig::new(target, cwd)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hook's command line read without clap is what clap reads.
    #[test]
    fn the_staged_check_reads_as_clap_reads_it() {
        let clap = Cli::try_parse_from(["keygate", "check", "--staged"]).unwrap();
        assert_eq!(format!("{:?}", Cli::staged_check()), format!("{clap:?}"));
    }

    #[test]
    fn only_check_staged_is_a_staged_check() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).unwrap().is_staged_check();
        assert!(Cli::staged_check().is_staged_check());
        assert!(parse(&["keygate", "check", "--staged", "--format", "json"]));
        assert!(!parse(&["keygate", "check"]));
        assert!(!parse(&["keygate", "check", "--history"]));
        assert!(!parse(&["keygate", "doctor"]));
    }
}
