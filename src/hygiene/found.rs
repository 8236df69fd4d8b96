//! Finding the `.env` files, templates and credential files of a repository (in the index and
//! by one walk of the working tree) before they are read, on a helper thread when a pre-commit
//! check can overlap it with reading the staged change.

use super::credential_patterns::CredentialPatterns;
use super::patterns::{AnyName, EnvPatterns};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::git::Repo;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The `.env` files, templates and credential files of a repository, found (in the index and by
/// one walk of the working tree) but not yet read: the part of
/// [`RepoContext`](super::context::RepoContext) that needs only the repository and the config,
/// so that a pre-commit check can gather it on a second core while it reads the staged change
/// (see [`FoundAhead`]).
pub struct Found {
    pub(super) patterns: EnvPatterns,
    pub(super) credential_patterns: CredentialPatterns,
    /// Path, tracked, ignored; sorted by path.
    pub(super) files: Vec<(PathBuf, bool, bool)>,
    /// The ignored folders that could not be read.
    pub(super) unreadable: Vec<String>,
}

impl Found {
    /// Finds the files `config`'s names give in `repo`'s index and working tree.
    pub fn new(repo: &Repo, config: &Config) -> Result<Found> {
        let patterns = EnvPatterns::from_config(config)?;
        let credential_patterns = CredentialPatterns::from_config(config)?;
        let mut found: Vec<(PathBuf, bool, Option<bool>)> = Vec::new(); // path, tracked, ignored
        let any = AnyName::new(
            patterns
                .lists()
                .into_iter()
                .chain([credential_patterns.list()]),
        );
        let classified = |rel: &str| {
            patterns.classify(rel).is_some() || credential_patterns.classify(rel).is_some()
        };
        let in_index = |rel: &[u8]| any.may_match(rel) && classified(&String::from_utf8_lossy(rel));
        for (path, mode) in repo.index_entries(in_index)? {
            // Not submodules (gitlinks).
            if !crate::git::is_gitlink_mode(mode) {
                found.push((path, true, None));
            }
        }
        let on_disk = |rel: &str| any.may_match(rel.as_bytes()) && classified(rel);
        let (untracked, unreadable) = repo.untracked_files(|name| any.may_name(name), on_disk)?;
        for (path, ignored) in untracked {
            found.push((path, false, Some(ignored)));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        let files = found
            .into_iter()
            .map(|(path, tracked, ignored)| {
                let ignored = match ignored {
                    Some(ignored) => ignored,
                    None => repo.is_ignored(&path)?,
                };
                Ok((path, tracked, ignored))
            })
            .collect::<Result<_>>()?;
        Ok(Found {
            patterns,
            credential_patterns,
            files,
            unreadable,
        })
    }
}

/// [`Found`], gathered by whichever thread gets to it first: a helper thread started early with
/// a repository handle of its own (a libgit2 repository is not shared between threads), or the
/// check itself when it needs the files before the helper has started. A pre-commit check's
/// walk of the working tree then runs while the check reads the staged change and compiles its
/// rules, and a helper that a busy or sleeping second core starts late costs nothing.
pub struct FoundAhead {
    shared: Arc<Ahead>,
    helper: std::thread::JoinHandle<()>,
}

/// What the helper and the check share: who took the work, and the helper's answer.
#[derive(Default)]
struct Ahead {
    taken: AtomicBool,
    found: Mutex<Option<Result<Found>>>,
}

impl FoundAhead {
    /// Starts finding the files `config` names in `repo`, on a handle of its own that shares
    /// `repo`'s index (see [`Repo::same_index`]). `None` when no thread can be started or there
    /// can be no second handle (a flattened split index).
    pub fn start(repo: &Repo, config: &Config) -> Option<FoundAhead> {
        let handle = repo.same_index()?;
        let shared = Arc::new(Ahead::default());
        let (config, ahead) = (config.clone(), shared.clone());
        let helper = std::thread::Builder::new()
            .name("keygate-env-files".into())
            .spawn(move || {
                if ahead.taken.swap(true, Ordering::AcqRel) {
                    return; // the check got there first
                }
                let found = handle.open().and_then(|repo| Found::new(&repo, &config));
                *ahead.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(found);
            })
            .ok()?;
        Some(FoundAhead { shared, helper })
    }

    /// Not needed after all: a helper that has started is waited for (so that it leaves no cache
    /// half written), one that has not will not start.
    pub fn cancel(self) {
        if self.shared.taken.swap(true, Ordering::AcqRel) {
            let _ = self.helper.join();
        }
    }

    /// The files found: the helper's, or, when it has not started yet, found here in `repo`. An
    /// error (or a panic) in the helper is the check's error: it fails closed.
    pub fn finish(self, repo: &Repo, config: &Config) -> Result<Found> {
        if !self.shared.taken.swap(true, Ordering::AcqRel) {
            return Found::new(repo, config);
        }
        let panicked = self.helper.join().is_err();
        let found = self
            .shared
            .found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match found {
            Some(found) if !panicked => found,
            _ => Err(Error::Usage(
                "finding the .env files failed unexpectedly; the check cannot run".into(),
            )),
        }
    }
}
