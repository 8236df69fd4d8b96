//! The working tree's files: what Git tracks and what it does not, with its ignore rules.

use super::object::is_regular_file_mode;
use super::path::{display_path, path_from_git};
use super::repo::Repo;
use crate::error::{Error, Result};
use git2::StatusOptions;
use std::path::PathBuf;

impl Repo {
    /// Every file Git would track: tracked files that still exist on disk, plus untracked files
    /// that Git does not ignore. Paths are relative to the root, with `/` separators. Submodules
    /// and symbolic links are left out.
    pub fn worktree_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        let index = self.git2_index()?;
        for entry in index.iter() {
            if !is_regular_file_mode(entry.mode) {
                continue;
            }
            let path = path_from_git(&entry.path);
            if self
                .root
                .join(&path)
                .symlink_metadata()
                .is_ok_and(|m| m.is_file())
            {
                files.push(path);
            }
        }
        let mut opts = StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true)
            .include_unmodified(false);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .map_err(Error::git("list untracked files"))?;
        for status in statuses.iter() {
            if status.status().contains(git2::Status::WT_NEW) {
                let path = path_from_git(status.path_bytes());
                if self
                    .root
                    .join(&path)
                    .symlink_metadata()
                    .is_ok_and(|m| m.is_file())
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), each with whether Git ignores it. Untracked folders are entered; ignored folders are
    /// not (Git reports them whole, and they are left out), so a `node_modules/` costs nothing;
    /// nor are nested repositories and submodules. Paths are relative to the root.
    ///
    /// A folder walk that reads each folder once and never stats a tracked file: a pre-commit
    /// check runs this on every commit, and `git status`'s comparison of every tracked file with
    /// the index cost more than the rest of the check. A file name is first given to `keep`,
    /// and only the few it accepts are looked up in the index and in the ignore rules.
    pub fn untracked_files(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<(PathBuf, bool)>> {
        let tracked = self.tracked()?;
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        // The display form of each file's path, built in one buffer: no allocation per file.
        let mut shown = String::new();
        while let Some(rel) = stack.pop() {
            let dir = self.root.join(&rel);
            let shown_dir = display_path(&rel);
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                // Gone or unreadable since it was listed: Git would not see into it either.
                Err(_) if !rel.as_os_str().is_empty() => continue,
                Err(e) => return Err(Error::io(dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&dir, e))?;
                let name = entry.file_name();
                if name == ".git" {
                    continue;
                }
                let kind = entry
                    .file_type()
                    .map_err(|e| Error::io(rel.join(&name), e))?;
                if kind.is_dir() {
                    let path = rel.join(&name);
                    // Not a nested repository or a submodule, and not ignored as a whole.
                    if !dir.join(&name).join(".git").exists() && !self.is_ignored(&path)? {
                        stack.push(path);
                    }
                    continue;
                }
                shown.clear();
                if !shown_dir.is_empty() {
                    shown.push_str(&shown_dir);
                    shown.push('/');
                }
                shown.push_str(&name.to_string_lossy());
                if !keep(&shown) {
                    continue;
                }
                let path = rel.join(&name);
                if !tracked.contains(&path) {
                    let ignored = self.is_ignored(&path)?;
                    out.push((path, ignored));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
