//! `keygate config import-gitleaks`: writes the `.keygate.toml` equivalent to `.gitleaks.toml`.

use super::scan_config::Outcome;
use crate::error::{Error, Result};
use crate::git::Repo;
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write the `.keygate.toml` equivalent to this repository's `.gitleaks.toml` (rules and
    /// allowlists), and list what could not be imported and why.
    ImportGitleaks {
        /// Overwrite an existing `.keygate.toml`.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: ConfigArgs, cwd: &Path) -> Result<Outcome> {
    match args.command {
        ConfigCommand::ImportGitleaks { force } => {
            let root = match Repo::discover(cwd)? {
                Some(repo) => repo.root().to_path_buf(),
                None => cwd.to_path_buf(),
            };
            let text = crate::config::gitleaks::import(&root, force)?;
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| Error::io("<stdout>", e))?;
            Ok(Outcome::Clean)
        }
    }
}
