//! The index (Git's staging area, or the temporary index named by `GIT_INDEX_FILE`): read by
//! [`IndexFile`] when it can, by libgit2 otherwise; its entries, staged contents, and untracking.

use super::index_file::{Bytes, IndexFile};
use super::path::{git_path, path_from_git};
use super::repo::{IndexStamp, Repo};
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Repo {
    /// libgit2's index: `GIT_INDEX_FILE`'s when set.
    pub(super) fn git2_index(&self) -> Result<git2::Index> {
        if self.index_pending.get() {
            let index =
                git2::Index::open(&self.index_path).map_err(Error::git("open GIT_INDEX_FILE"))?;
            self.repo
                .set_index(&mut { index })
                .map_err(Error::git("use GIT_INDEX_FILE"))?;
            self.index_pending.set(false);
        }
        self.repo.index().map_err(Error::git("read index"))
    }

    /// The index read by [`IndexFile`], re-read when the file changed since; `None` inside when
    /// it uses something only libgit2 reads (see `index_file`), or on a case-insensitive
    /// repository, where libgit2 compares paths its own way.
    pub(super) fn index_file(&self) -> Arc<Option<IndexFile>> {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        let stamp: IndexStamp = match std::fs::metadata(&self.index_path) {
            #[cfg(unix)]
            Ok(m) => Some((m.len(), m.modified().ok(), m.ino())),
            #[cfg(not(unix))]
            Ok(m) => Some((m.len(), m.modified().ok(), 0)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return Arc::new(None),
        };
        // Held while parsing: another handle sharing it waits for this reading, not a second.
        let mut shared = self.parsed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, parsed)) = &*shared {
            if *seen == stamp {
                return parsed.clone();
            }
        }
        let ignore_case = self
            .repo
            .config()
            .and_then(|c| c.get_bool("core.ignorecase"))
            .unwrap_or(false);
        let parsed = match stamp {
            _ if ignore_case => None,
            // No index file yet: an empty index, as libgit2 has it.
            None => Some(IndexFile::default()),
            Some(_) => Bytes::read(&self.index_path)
                .ok()
                .and_then(IndexFile::parse_bytes),
        };
        let parsed = Arc::new(parsed);
        *shared = Some((stamp, parsed.clone()));
        parsed
    }

    /// The index, re-read when the file changed on disk since it was opened.
    pub(super) fn fresh_index(&self) -> Result<git2::Index> {
        let mut index = self.git2_index()?;
        index.read(false).map_err(Error::git("read index"))?;
        Ok(index)
    }

    /// Every path in the index (each once, whatever its merge stage) that `keep` accepts, with
    /// its file mode. `keep` sees the path's bytes as Git stores them (`/`-separated, not
    /// necessarily UTF-8), and is asked before anything is copied: on a large index it is the
    /// whole cost.
    pub fn index_entries(&self, keep: impl Fn(&[u8]) -> bool) -> Result<Vec<(PathBuf, u32)>> {
        if let Some(index) = &*self.index_file() {
            return Ok(index
                .entries
                .iter()
                .map(|entry| (index.path(entry), entry.mode))
                .filter(|(path, _)| keep(path))
                .map(|(path, mode)| (path_from_git(path), mode))
                .collect());
        }
        let index = self.fresh_index()?;
        let mut out: Vec<(PathBuf, u32)> = index
            .iter()
            .filter(|entry| keep(&entry.path))
            .map(|entry| (path_from_git(&entry.path), entry.mode))
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    /// Every path in the index (each once), with its file mode and the size Git recorded for the
    /// working tree's file (the low 32 bits; a hint, since the file may have changed since).
    pub fn index_entries_sized(&self) -> Result<Vec<(PathBuf, u32, u32)>> {
        if let Some(index) = &*self.index_file() {
            return Ok(index
                .entries
                .iter()
                .map(|entry| (path_from_git(index.path(entry)), entry.mode, entry.size))
                .collect());
        }
        let index = self.fresh_index()?;
        let mut out: Vec<(PathBuf, u32, u32)> = index
            .iter()
            .map(|entry| (path_from_git(&entry.path), entry.mode, entry.file_size))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    /// The index as it is now, to ask whether paths are tracked.
    pub(super) fn tracked(&self) -> Result<Tracked> {
        let parsed = self.index_file();
        let index = match &*parsed {
            Some(_) => None,
            None => Some(self.fresh_index()?),
        };
        // libgit2's index has no sorted view: its folders are gathered once.
        let dirs = index.as_ref().map(|index| {
            let mut dirs = HashSet::new();
            for entry in index.iter() {
                let path = &entry.path;
                for (at, _) in path.iter().enumerate().filter(|(_, &b)| b == b'/') {
                    dirs.insert(path[..at].to_vec());
                }
            }
            dirs
        });
        Ok(Tracked {
            parsed,
            index,
            dirs,
        })
    }

    /// The staged content of `rel` (stage 0 of the index), or `None` when it is not in the index.
    pub fn index_blob(&self, rel: &Path) -> Result<Option<Vec<u8>>> {
        if let Some(index) = &*self.index_file() {
            let Some(entry) = index.get(&git_path(rel)) else {
                return Ok(None);
            };
            let blob = self
                .repo
                .find_blob(git2::Oid::from_bytes(&entry.id).map_err(Error::git("read index"))?)
                .map_err(Error::git("read a staged file"))?;
            return Ok(Some(blob.content().to_vec()));
        }
        let index = self.fresh_index()?;
        let Some(entry) = index.get_path(rel, 0) else {
            return Ok(None);
        };
        let blob = self
            .repo
            .find_blob(entry.id)
            .map_err(Error::git("read a staged file"))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Removes `paths` from the index (every merge stage), like `git rm --cached`: the files on
    /// disk are not touched.
    pub fn untrack(&self, paths: &[PathBuf]) -> Result<()> {
        if let Some(flat) = &self.flat_index {
            // A split or sparse index is written by `git` itself, never through the flat copy.
            let status = std::process::Command::new("git")
                .current_dir(&self.root)
                .env("GIT_DIR", self.repo.path())
                .env("GIT_WORK_TREE", &self.root)
                .env("GIT_INDEX_FILE", &flat.original)
                .args(["rm", "--cached", "-q", "--ignore-unmatch", "--"])
                .args(paths)
                .status()
                .map_err(|e| Error::io("git rm --cached", e))?;
            if !status.success() {
                return Err(Error::Usage(format!("git rm --cached failed ({status})")));
            }
            return Ok(());
        }
        let mut index = self.fresh_index()?;
        for path in paths {
            index
                .remove_path(path)
                .map_err(Error::git("remove a file from the index"))?;
        }
        index.write().map_err(Error::git("write the index"))
    }
}

/// The index, read once, answering whether a path is tracked; see [`Repo::tracked`].
pub(super) struct Tracked {
    parsed: Arc<Option<IndexFile>>,
    /// libgit2's index, when [`IndexFile`] does not read it.
    index: Option<git2::Index>,
    /// With libgit2's index: every folder holding a tracked path.
    dirs: Option<HashSet<Vec<u8>>>,
}

impl Tracked {
    /// Which reading of the index this is: the same number while the index file is unchanged.
    pub(super) fn token(&self) -> usize {
        Arc::as_ptr(&self.parsed) as usize
    }

    /// The tracked paths under folder `dir` (a Git path relative to the root; empty for the
    /// root), to ask about the folder's entries one by one.
    pub(super) fn in_dir(&self, dir: &[u8]) -> TrackedDir<'_> {
        let mut prefix = dir.to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let range = match &*self.parsed {
            Some(parsed) => parsed.prefix_range(&prefix),
            None => 0..0,
        };
        TrackedDir {
            tracked: self,
            prefix,
            range,
            hint: Default::default(),
        }
    }

    /// Whether folder `dir` (a Git path, relative to the root) holds a tracked path.
    pub(super) fn holds_dir(&self, dir: &[u8]) -> bool {
        let mut prefix = Vec::with_capacity(dir.len() + 1);
        prefix.extend_from_slice(dir);
        prefix.push(b'/');
        match (&*self.parsed, &self.index) {
            (Some(parsed), _) => parsed.has_prefix(&prefix),
            (None, _) => self.dirs.as_ref().is_some_and(|dirs| dirs.contains(dir)),
        }
    }

    /// Whether `path` (a Git path, relative to the root) is in the index, at any merge stage.
    pub(super) fn contains_git(&self, path: &[u8]) -> bool {
        match (&*self.parsed, &self.index) {
            (Some(parsed), _) => parsed.get(path).is_some(),
            (None, Some(_)) => self.contains(&path_from_git(path)),
            (None, None) => unreachable!("one of the two is read"),
        }
    }

    /// Whether `path` (relative to the root) is in the index, at any merge stage.
    pub(super) fn contains(&self, path: &Path) -> bool {
        match (&*self.parsed, &self.index) {
            (Some(parsed), _) => parsed.get(&git_path(path)).is_some(),
            (None, Some(index)) => (0..=3).any(|stage| index.get_path(path, stage).is_some()),
            (None, None) => unreachable!("one of the two is read"),
        }
    }
}

/// The tracked paths under one folder; see [`Tracked::in_dir`].
pub(super) struct TrackedDir<'a> {
    tracked: &'a Tracked,
    /// The folder's path and a `/` (empty for the root).
    prefix: Vec<u8>,
    /// With [`IndexFile`]: the entries under the folder.
    range: std::ops::Range<usize>,
    /// Where in `range` the last question left off (see [`IndexFile::has_in`]).
    hint: std::cell::Cell<usize>,
}

impl TrackedDir<'_> {
    /// Whether the folder's entry `name` is a tracked file (at any merge stage).
    pub(super) fn contains(&self, name: &[u8]) -> bool {
        match &*self.tracked.parsed {
            Some(parsed) => parsed.has_in(
                self.range.clone(),
                self.prefix.len(),
                name,
                true,
                &self.hint,
            ),
            None => self
                .tracked
                .contains_git(&[&self.prefix[..], name].concat()),
        }
    }

    /// Whether the folder's entry `name` is a folder holding tracked paths.
    pub(super) fn holds_dir(&self, name: &[u8]) -> bool {
        match &*self.tracked.parsed {
            Some(parsed) => {
                let rest = [name, b"/"].concat();
                parsed.has_in(
                    self.range.clone(),
                    self.prefix.len(),
                    &rest,
                    false,
                    &self.hint,
                )
            }
            None => self.tracked.holds_dir(&[&self.prefix[..], name].concat()),
        }
    }
}
