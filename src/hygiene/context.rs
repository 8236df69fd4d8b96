//! What every hygiene check reads, gathered once: the repository's `.env` files and templates,
//! and its credential files, from the index and the working tree (one index pass and one
//! untracked walk for both), read and parsed once.

use super::credential_patterns::{CredentialFormat, CredentialPatterns};
use super::credentials::{self, CredentialValue};
use super::found::Found;
use super::parse;
use super::patterns::{EnvPatterns, Kind};
use super::php_dump;
use crate::config::Config;
use crate::engine::Scanner;
use crate::error::{Error, Result};
use crate::finding::{Category, Finding, Fingerprinter, Severity};
use crate::git::{display_path, Repo};
use crate::rules::env::default_severity;
use std::path::PathBuf;

/// Files larger than this are not read as `.env` files: the check fails (no `.env` file is
/// this large; one that is cannot be checked cheaply on every commit).
const MAX_ENV_FILE: u64 = 64 << 20;

/// The severity of rule `id` under `config`, or `None` when the config disables it.
pub fn severity(config: &Config, id: &str) -> Option<Severity> {
    if config.disable.iter().any(|d| d == id) {
        return None;
    }
    Some(
        config
            .severity
            .get(id)
            .copied()
            .unwrap_or_else(|| default_severity(id)),
    )
}

/// One `.env` file or template of the repository, on disk, in the index, or both.
pub struct EnvFile {
    /// Relative to the root.
    pub path: PathBuf,
    /// As findings name it.
    pub display: String,
    pub kind: Kind,
    /// In the index.
    pub tracked: bool,
    /// A regular file in the working tree.
    pub on_disk: bool,
    /// Git's ignore rules match it (all `.gitignore` levels, `info/exclude`, `core.excludesFile`).
    pub ignored: bool,
    /// The content the checks read: the index's in staged mode for tracked files, else the
    /// working tree's (the index's when missing on disk). `None` when it could not be read.
    content: Option<Vec<u8>>,
    pub parsed: Option<parse::Parsed>,
    /// A test fixture: a `.env` file inside a test folder (`tests/`, `fixtures/`, `testdata/`,
    /// …) that holds nothing a rule matches and no value that looks like a key (`FOO=bar`,
    /// `DEBUG=1`). dotenv libraries and frameworks track such files on purpose; the file-level
    /// checks and `keygate fix` leave them alone. One real-looking value makes it a `.env` file
    /// like any other. (Any other tracked `.env` file is `env-tracked`, as the SPEC says, even one
    /// holding only client-side settings such as Create React App's `PUBLIC_URL=.`.)
    pub harmless: bool,
}

impl EnvFile {
    pub fn content(&self) -> Option<&[u8]> {
        self.content.as_deref()
    }
}

/// One credential file of the repository (`.netrc`, `id_rsa`, a token-holding `.npmrc`, …), on
/// disk, in the index, or both.
pub struct CredentialFile {
    /// Relative to the root.
    pub path: PathBuf,
    /// As findings name it.
    pub display: String,
    pub format: CredentialFormat,
    /// In the index.
    pub tracked: bool,
    /// A regular file in the working tree.
    pub on_disk: bool,
    /// Git's ignore rules match it.
    pub ignored: bool,
    /// The credential values it holds (read like an [`EnvFile`]'s content: the index's in
    /// staged mode for tracked files, else the working tree's); none for binary formats.
    pub values: Vec<CredentialValue>,
}

impl CredentialFile {
    /// Whether it is a credential file at all: always for most formats, and for the
    /// content-dependent ones (`.npmrc`, kubeconfig, `.docker/config.json`, …) only when they
    /// hold a credential value.
    pub fn holds_credentials(&self) -> bool {
        self.format.always() || !self.values.is_empty()
    }

    /// What to add to a file-level finding's advice: a content-dependent file can stay in Git
    /// once its values are references to the environment.
    pub fn advice(&self, base: &str) -> String {
        if self.format.always() {
            base.to_string()
        } else {
            format!(
                "{base} Or keep the file and replace each credential in it with a reference \
                 to the environment (`${{NPM_TOKEN}}`-style), which the tool expands at run time."
            )
        }
    }
}

/// What every hygiene check reads, gathered once.
pub struct RepoContext<'a> {
    pub repo: &'a Repo,
    pub config: &'a Config,
    pub scanner: &'a Scanner,
    pub fingerprints: &'a Fingerprinter,
    pub patterns: EnvPatterns,
    /// `Some` in staged mode: the paths the staged change adds or modifies.
    pub staged: Option<Vec<PathBuf>>,
    /// Every `.env` file and template, sorted by path.
    pub files: Vec<EnvFile>,
    pub credential_patterns: CredentialPatterns,
    /// Every file named as a credential file (holding credentials or not), sorted by path.
    pub credentials: Vec<CredentialFile>,
    /// Things the user should know (a `.env` file that does not parse or cannot be read).
    pub notes: Vec<String>,
}

impl<'a> RepoContext<'a> {
    /// Finds and reads the repository's `.env` files. `staged` is `Some` in staged mode (the
    /// paths the staged change adds or modifies, from `input::staged::StagedChange`); tracked
    /// files are then read from the index.
    pub fn new(
        repo: &'a Repo,
        config: &'a Config,
        scanner: &'a Scanner,
        fingerprints: &'a Fingerprinter,
        staged: Option<Vec<PathBuf>>,
    ) -> Result<RepoContext<'a>> {
        let found = Found::new(repo, config)?;
        RepoContext::read(repo, config, scanner, fingerprints, staged, found)
    }

    /// [`RepoContext::new`] with the files already found: reads and parses them.
    pub fn read(
        repo: &'a Repo,
        config: &'a Config,
        scanner: &'a Scanner,
        fingerprints: &'a Fingerprinter,
        staged: Option<Vec<PathBuf>>,
        found: Found,
    ) -> Result<RepoContext<'a>> {
        let Found {
            patterns,
            credential_patterns,
            files: found,
            unreadable,
        } = found;
        let mut files = Vec::new();
        let mut credentials = Vec::new();
        let mut notes: Vec<String> = unreadable
            .into_iter()
            .map(|why| {
                format!(
                    "could not read ignored folder {why}; a .env file in it would not be checked"
                )
            })
            .collect();
        for (path, tracked, ignored) in found {
            let display = display_path(&path);
            let abs = repo.root().join(&path);
            let on_disk = abs.symlink_metadata().is_ok_and(|m| m.is_file());
            let from_index = tracked && (staged.is_some() || !on_disk);
            // Fail closed: an unread local `.env` or credential file would turn the leak checks
            // off for its values.
            let read = |_notes: &mut Vec<String>| -> Result<Option<Vec<u8>>> {
                Ok(if from_index {
                    repo.index_blob(&path)?
                } else {
                    match std::fs::metadata(&abs) {
                        // A dangling symbolic link: no values.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                        // A symbolic link to a folder, a device: no values.
                        Ok(meta) if !meta.is_file() => None,
                        Err(e) => return Err(unreadable_env(&display, &e.to_string())),
                        Ok(_) => {
                            Some(read_limited(&abs).map_err(|why| unreadable_env(&display, &why))?)
                        }
                    }
                })
            };
            // A name both lists give is a `.env` file (the `.env` checks are the stricter).
            let Some(kind) = patterns.classify(&display) else {
                let format = credential_patterns
                    .classify(&display)
                    .expect("classified above");
                // An ignored, untracked one is where it belongs: not read (a large ignored
                // `terraform.tfstate` would only add a note).
                let values = if format.binary() || (ignored && !tracked) {
                    Vec::new()
                } else {
                    read(&mut notes)?
                        .map_or_else(Vec::new, |text| credentials::values(format, &text))
                };
                credentials.push(CredentialFile {
                    path,
                    display,
                    format,
                    tracked,
                    on_disk,
                    ignored,
                    values,
                });
                continue;
            };
            let content = read(&mut notes)?;
            let parsed = content
                .as_deref()
                .map(|text| match php_dump::is_php_dump(&display) {
                    true => php_dump::parse(text),
                    false => parse::parse(text),
                });
            if let Some(line) = parsed.as_ref().and_then(|p| p.error_line) {
                notes.push(format!(
                    "{display}:{line}: not valid .env syntax; keygate checks the variables \
                     that parse and skips the rest"
                ));
            }
            let harmless = kind == Kind::Env
                && in_test_folder(&display)
                && is_harmless(scanner, content.as_deref(), parsed.as_ref());
            files.push(EnvFile {
                path,
                display,
                kind,
                tracked,
                on_disk,
                ignored,
                content,
                parsed,
                harmless,
            });
        }
        Ok(RepoContext {
            repo,
            config,
            scanner,
            fingerprints,
            patterns,
            staged,
            files,
            credential_patterns,
            credentials,
            notes,
        })
    }

    /// The `.gitignore` line that would ignore credential file `file`: the glob that names it,
    /// or, for a content-dependent format (an `.npmrc` is often project config without a
    /// token), the file's own path from the root.
    pub fn credential_ignore_line(&self, file: &CredentialFile) -> String {
        match self.credential_patterns.file_glob_for(&file.display) {
            Some(glob) if file.format.always() => glob.to_string(),
            _ => format!("/{}", file.display),
        }
    }

    /// The `.gitignore` line that would ignore `file`.
    pub fn ignore_line(&self, file: &str) -> String {
        self.patterns
            .file_glob_for(file)
            .map_or_else(|| file.to_string(), str::to_string)
    }

    /// A finding about a whole file.
    pub fn file_finding(&self, id: &str, file: &str, message: String, remedy: String) -> Finding {
        Finding {
            rule_id: id.to_string(),
            category: Category::Env,
            severity: default_severity(id),
            file: file.to_string(),
            line: None,
            column: None,
            commit: None,
            redacted: None,
            fingerprint: self.fingerprints.file(id, file),
            message,
            remedy,
            provenance: None,
        }
    }
}

/// The error for a local `.env` file that cannot be read: its values could not be looked for.
fn unreadable_env(display: &str, why: &str) -> Error {
    Error::Usage(format!(
        "could not read the local .env file {display} ({why}): its values cannot be checked \
         for leaks. Fix: make it readable by the user running keygate (`chmod u+r {display}`, \
         or `chown`), or move it out of the repository"
    ))
}

/// Folder names that hold test fixtures (compared without case).
const TEST_FOLDERS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test_data",
    "test-data",
    "testing",
    "fixtures",
    "fixture",
    "__fixtures__",
    "__tests__",
    "spec",
    "specs",
];

/// Whether a folder of `rel` (not the file name) is a test folder.
fn in_test_folder(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts
        .iter()
        .any(|p| TEST_FOLDERS.iter().any(|t| p.eq_ignore_ascii_case(t)))
}

/// Whether a `.env` file's content holds nothing secret: it was read and parsed, no rule
/// matches it, and no value looks like a key.
fn is_harmless(scanner: &Scanner, content: Option<&[u8]>, parsed: Option<&parse::Parsed>) -> bool {
    let (Some(text), Some(parsed)) = (content, parsed) else {
        return false;
    };
    parsed.error_line.is_none()
        && scanner.scan(text).is_empty()
        && parsed.vars.iter().all(|v| {
            v.value
                .as_ref()
                .is_none_or(|value| !parse::looks_like_key(&v.name, value.expose()))
        })
}

pub(crate) fn read_limited(path: &std::path::Path) -> std::result::Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_ENV_FILE {
        return Err(format!(
            "larger than {} MiB, not read for values",
            MAX_ENV_FILE >> 20
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// One hygiene check: a SPEC rule id and what it finds in a repository.
pub trait EnvCheck: Sync {
    fn id(&self) -> &'static str;
    fn run(&self, ctx: &RepoContext) -> Vec<Finding>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_folder_table() {
        let cases = [
            ("tests/.env", true),
            (
                "src/Symfony/Component/Dotenv/Tests/Command/Fixtures/Scenario1/.env",
                true,
            ),
            ("tests/test_apps/.env", true),
            ("web/__tests__/fixtures/.env.local", true),
            (".env", false),
            ("apps/web/.env", false),
            ("contest/.env", false),
            ("tests", false),
        ];
        for (path, want) in cases {
            assert_eq!(in_test_folder(path), want, "{path}");
        }
    }

    #[test]
    fn severities_default_and_follow_the_config() {
        let mut config = Config::default();
        assert_eq!(severity(&config, "env-tracked"), Some(Severity::Block));
        assert_eq!(
            severity(&config, "env-client-exposed"),
            Some(Severity::Warn)
        );
        config.disable.push("env-tracked".into());
        config
            .severity
            .insert("env-client-exposed".into(), Severity::Block);
        assert_eq!(severity(&config, "env-tracked"), None);
        assert_eq!(
            severity(&config, "env-client-exposed"),
            Some(Severity::Block)
        );
    }
}
