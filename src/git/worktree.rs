//! The working tree's files: what Git tracks and what it does not, with its ignore rules. One
//! folder walk finds the untracked files, for the working-tree check and the `.env` checks alike.

use super::object::is_regular_file_mode;
use super::path::display_path;
use super::repo::Repo;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A file Git does not track, as [`Repo::walk_untracked`] finds it.
struct Untracked {
    /// Relative to the root.
    path: PathBuf,
    /// Git ignores it.
    ignored: bool,
    /// A regular file, not a symbolic link or anything else.
    regular: bool,
}

impl Repo {
    /// Every file Git would track: tracked files that still exist on disk, plus untracked files
    /// that Git does not ignore. Paths are relative to the root, with `/` separators. Submodules
    /// and symbolic links are left out.
    pub fn worktree_files(&self) -> Result<Vec<PathBuf>> {
        let on_disk = |path: &Path| {
            self.root
                .join(path)
                .symlink_metadata()
                .is_ok_and(|m| m.is_file())
        };
        let mut files: Vec<PathBuf> = self
            .index_entries(|_| true)?
            .into_iter()
            .filter(|(path, mode)| is_regular_file_mode(*mode) && on_disk(path))
            .map(|(path, _)| path)
            .collect();
        files.extend(
            self.walk_untracked(|_| true)?
                .into_iter()
                .filter(|file| file.regular && !file.ignored)
                .map(|file| file.path),
        );
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), each with whether Git ignores it; see [`Repo::walk_untracked`]. Paths are relative
    /// to the root.
    pub fn untracked_files(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<(PathBuf, bool)>> {
        Ok(self
            .walk_untracked(keep)?
            .into_iter()
            .map(|file| (file.path, file.ignored))
            .collect())
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), sorted by path. Untracked folders are entered; ignored folders are not (Git reports
    /// them whole, and they are left out), so a `node_modules/` costs nothing; nor are nested
    /// repositories and submodules.
    ///
    /// A folder walk that reads each folder once and never stats a tracked file: a pre-commit
    /// check runs this on every commit, and `git status`'s comparison of every tracked file with
    /// the index cost more than the rest of the check. A file name is first given to `keep`,
    /// and only the files it accepts are looked up in the index and in the ignore rules.
    fn walk_untracked(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<Untracked>> {
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
                    out.push(Untracked {
                        ignored: self.is_ignored(&path)?,
                        regular: kind.is_file(),
                        path,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}
