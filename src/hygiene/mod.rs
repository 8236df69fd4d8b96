//! `.env` hygiene: the checks that keep `.env` files out of Git and their values out of code;
//! and the same for credential files (`.netrc`, `.pgpass`, private keys, token-holding `.npmrc`,
//! cloud CLI credentials, keystores, Terraform state, …), whose every value is a secret.
//!
//! [`context::RepoContext`] gathers what every check reads (the `.env` files of the working tree
//! and the index, parsed once) so that each SPEC check in [`checks`] is a small function of it.
//! The known local secrets are plain data: [`local_values`] turns the local `.env` files' values
//! into an [`engine::known::KnownValues`](crate::engine::known::KnownValues) matcher, which every
//! input mode runs beside the rules on the text it reads. `keygate fix` runs the ordered
//! [`fix::fixlist`].
//!
//! Finding `.env` files: the index gives the tracked ones; one `git status` with untracked and
//! ignored files gives the others, with Git's own verdict on each. Untracked folders are entered
//! and ignored folders are not (`node_modules/`, `target/`, build output), which keeps the walk
//! as fast as `git status` and keeps vendored `.env` files out of the known local secrets. A
//! `.env` file directly ignored by name, at any depth, is found. A folder named `.env` is not a
//! `.env` file (only files are classified).
//!
//! Credential files ([`credential_patterns::DEFAULT_CREDENTIAL_FILES`], extended by `[credentials] files`)
//! are gathered in the same index pass and walk; [`credentials`] reads the values each format
//! holds, and decides whether a content-dependent file (an `.npmrc` without a token, a
//! kubeconfig without a token or client key) is a credential file at all.
//!
//! A `.env` file in a test folder (`tests/`, `fixtures/`, `testdata/`, …) that holds nothing
//! secret (no rule matches it, no value looks like a key: `FOO=bar`, `DEBUG=1`) is a test
//! fixture: dotenv libraries and frameworks track such files on purpose, and the file-level
//! checks and `keygate fix` leave it alone. One real-looking value makes it a `.env` file again.
//! Symfony's compiled `.env.local.php` is read as the PHP array it is ([`php_dump`]).
//!
//! Names ([`patterns`]): `.env`, `.env.*` and `*.env` are `.env` files, in any folder
//! (`.env.local`, `prod.env`, and backups such as `.env.bak`, which hold the same keys). `.envrc`
//! is not. Templates (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`,
//! `.env.defaults`, and the same after another part, `.env.local.example`) may be tracked.

mod checks;
pub(crate) mod context;
pub mod credential_patterns;
mod credentials;
pub(crate) mod fix;
mod found;
mod local_values;
mod name_filter;
pub(crate) mod parse;
pub mod patterns;
mod php_dump;

use crate::config::Config;
use crate::engine::known::KnownValues;
use crate::engine::Scanner;
use crate::error::Result;
use crate::finding::{Finding, Fingerprinter};
use crate::git::Repo;
use context::RepoContext;
use found::Found;
pub use found::FoundAhead;
use patterns::{EnvPatterns, Kind};
use std::path::PathBuf;

pub(crate) use context::severity;
pub(crate) use parse::parse as parse_env_file;

/// What hygiene gives a check: the checks' findings and notes, and the known local secrets to
/// look for in the text the check reads (none when the config disables `env-value-leak`).
pub struct Hygiene {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    pub known: KnownValues,
    patterns: EnvPatterns,
}

impl Hygiene {
    fn new(ctx: RepoContext<'_>, findings: Vec<Finding>) -> Hygiene {
        Hygiene {
            findings,
            known: local_values::known_values(&ctx),
            notes: ctx.notes,
            patterns: ctx.patterns,
        }
    }

    /// Drops the known local secrets found in `.env` files themselves: the other checks report
    /// those files, and a `.env` file naturally holds its own values.
    pub fn drop_leaks_in_env_files(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| {
            f.rule_id != local_values::ID || self.patterns.classify(&f.file) != Some(Kind::Env)
        });
    }
}

/// Which hygiene a check gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `keygate check --staged`: the checks against the staged change (`env-staged` included;
    /// tracked files read from the index), given the paths it adds or modifies.
    Staged(Vec<PathBuf>),
    /// `keygate check` on the working tree: every check.
    Worktree,
    /// `keygate check PATH...` inside a repository: known local secrets only.
    Paths,
}

/// `credential-file-secret` for `keygate check PATH...`: the credential values in the named
/// files that are credential files, and notes on those that could not be read.
pub fn credential_values_in(
    config: &Config,
    fingerprints: &Fingerprinter,
    sources: &[crate::input::Source],
) -> Result<(Vec<Finding>, Vec<String>)> {
    checks::credential_secret::in_sources(config, fingerprints, sources)
}

/// The hygiene of a check of `scope`: the findings of its checks, and the known local secrets.
/// `found` is the files the check reads, when another thread is already finding them.
pub fn check(
    repo: &Repo,
    config: &Config,
    scanner: &Scanner,
    fingerprints: &Fingerprinter,
    scope: Scope,
    found: Option<FoundAhead>,
) -> Result<Hygiene> {
    let (staged, run_checks) = match scope {
        Scope::Staged(paths) => (Some(paths), true),
        Scope::Worktree => (None, true),
        Scope::Paths => (None, false),
    };
    let found = match found {
        Some(ahead) => ahead.finish(repo, config)?,
        None => Found::new(repo, config)?,
    };
    let ctx = RepoContext::read(repo, config, scanner, fingerprints, staged, found)?;
    let findings = if run_checks {
        checks::run(&ctx)
    } else {
        Vec::new()
    };
    Ok(Hygiene::new(ctx, findings))
}
