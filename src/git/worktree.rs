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

/// Untracked files with whether Git ignores each, and the ignored folders that could not be read.
pub type UntrackedFiles = (Vec<(PathBuf, bool)>, Vec<String>);

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
            self.walk_untracked(|_| true, None)?
                .into_iter()
                .filter(|file| file.regular && !file.ignored)
                .map(|file| file.path),
        );
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), each with whether Git ignores it, ignored folders entered too (a `.env` file in an
    /// ignored folder is still a local file); see [`Repo::walk_untracked`]. Paths are relative
    /// to the root. The second value names the ignored folders that could not be read.
    pub fn untracked_files(&self, keep: impl Fn(&str) -> bool) -> Result<UntrackedFiles> {
        let mut unreadable = Vec::new();
        let files = self
            .walk_untracked(keep, Some(&mut unreadable))?
            .into_iter()
            .map(|file| (file.path, file.ignored))
            .collect();
        Ok((files, unreadable))
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), sorted by path. Untracked folders are entered; ignored folders are entered only when
    /// `into_ignored` is given (Git reports them whole; a `node_modules/` costs nothing
    /// otherwise), and the ignored folders that cannot be read are listed in it; nested
    /// repositories and submodules are not entered. An untracked folder that is not ignored and
    /// cannot be read is an error: what it holds would go unchecked.
    ///
    /// A folder walk that reads each folder once and never stats a tracked file: a pre-commit
    /// check runs this on every commit, and `git status`'s comparison of every tracked file with
    /// the index cost more than the rest of the check. A file name is first given to `keep`,
    /// and only the files it accepts are looked up in the index and in the ignore rules.
    fn walk_untracked(
        &self,
        keep: impl Fn(&str) -> bool,
        mut into_ignored: Option<&mut Vec<String>>,
    ) -> Result<Vec<Untracked>> {
        let tracked = self.tracked()?;
        let mut out = Vec::new();
        // Each folder to read, and whether Git ignores it (or a folder above it).
        let mut stack = vec![(PathBuf::new(), false)];
        // The display form of each file's path, built in one buffer: no allocation per file.
        let mut shown = String::new();
        while let Some((rel, in_ignored)) = stack.pop() {
            let dir = self.root.join(&rel);
            let shown_dir = display_path(&rel);
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                // Gone since it was listed.
                Err(e)
                    if e.kind() == std::io::ErrorKind::NotFound && !rel.as_os_str().is_empty() =>
                {
                    continue
                }
                Err(e) if in_ignored => {
                    if let Some(unreadable) = into_ignored.as_deref_mut() {
                        unreadable.push(format!("{shown_dir}: {e}"));
                    }
                    continue;
                }
                Err(e) => {
                    return Err(Error::io(
                        dir,
                        std::io::Error::new(
                            e.kind(),
                            format!(
                                "{e}; this untracked folder cannot be checked: make it readable, \
                                 or ignore it in .gitignore"
                            ),
                        ),
                    ))
                }
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
                    // Not a nested repository or a submodule.
                    if dir.join(&name).join(".git").exists() {
                        continue;
                    }
                    let ignored = in_ignored || self.is_ignored(&path)?;
                    if !ignored || into_ignored.is_some() {
                        stack.push((path, ignored));
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
                        ignored: in_ignored || self.is_ignored(&path)?,
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
