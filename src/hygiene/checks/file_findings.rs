//! The shape the file-level checks share: one finding per selected `.env` or credential file,
//! naming the line `.gitignore` needs for it.

use crate::finding::Finding;
use crate::hygiene::context::{CredentialFile, EnvFile, RepoContext};

/// One finding per `.env` file `keep` selects; `message` and `remedy` are given the file and the
/// line `.gitignore` needs for it.
pub(super) fn env_file_findings(
    ctx: &RepoContext,
    id: &str,
    keep: impl Fn(&EnvFile) -> bool,
    message: impl Fn(&str, &str) -> String,
    remedy: impl Fn(&str, &str) -> String,
) -> Vec<Finding> {
    ctx.files
        .iter()
        .filter(|f| keep(f))
        .map(|f| {
            let (file, line) = (&f.display, ctx.ignore_line(&f.display));
            ctx.file_finding(id, file, message(file, &line), remedy(file, &line))
        })
        .collect()
}

/// One finding per credential file `keep` selects that holds credentials; `message` is given the
/// file and the line `.gitignore` needs for it, `advice` is the remedy (see
/// [`CredentialFile::advice`]).
pub(super) fn credential_file_findings(
    ctx: &RepoContext,
    id: &str,
    keep: impl Fn(&CredentialFile) -> bool,
    message: impl Fn(&str, &str) -> String,
    advice: &str,
) -> Vec<Finding> {
    ctx.credentials
        .iter()
        .filter(|f| keep(f) && f.holds_credentials())
        .map(|f| {
            let line = ctx.credential_ignore_line(f);
            ctx.file_finding(id, &f.display, message(&f.display, &line), f.advice(advice))
        })
        .collect()
}
