//! The command line: clap structs ([`args`]), and the one conversion from them to the
//! engine-facing [`ScanConfig`], so that nothing past this module knows about argument parsing.
//! One module per command.

mod args;
mod baseline;
mod check;
mod config;
mod doctor;
mod fix;
mod install;
mod push;
mod rules;
mod scan_config;

use crate::error::{Error, Result};

pub use args::Cli;
use args::Command;
pub use scan_config::Outcome;

/// Runs a parsed command line. Every error, internal ones included, comes back as `Err`, which
/// the binary turns into exit code 2: nothing here exits, so a failure can never pass a commit.
pub fn run(cli: Cli) -> Result<Outcome> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    match cli.command {
        Command::Check(args) => check::run(&args.into_scan_config(cwd)?),
        Command::Rules(args) => rules::run(args, &cwd),
        Command::Baseline(args) => baseline::run(args, &cwd),
        Command::Config(args) => config::run(args, &cwd),
        Command::Doctor(args) => doctor::run(args, &cwd),
        Command::Fix(args) => fix::run(args, &cwd),
        Command::Install(args) => install::install(&args, &cwd, &mut std::io::stdout().lock()),
        Command::Uninstall(args) => install::uninstall(&args, &cwd, &mut std::io::stdout().lock()),
    }
}
