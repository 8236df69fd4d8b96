//! The working tree's files: what Git tracks and what it does not, with its ignore rules. One
//! folder walk finds the untracked files, for the working-tree check and the `.env` checks alike.

use super::dir_cache::{DirCache, Kind, Untracked};
use super::object::is_regular_file_mode;
use super::path::{display_path, path_from_git};
use super::repo::Repo;
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::sync::Arc;

/// A file of the working tree to read, as [`Repo::worktree_files`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorktreeFile {
    /// Relative to the root.
    pub path: PathBuf,
    /// For a tracked file, its size when Git last looked at it: a hint for reading it (it may
    /// have changed since, and may even be gone or no longer a regular file).
    pub size_hint: Option<u64>,
}

/// Whether a file name may be one a caller looks for (see [`Repo::untracked_files`]).
type NameTest<'a> = dyn Fn(&[u8]) -> bool + 'a;

/// Untracked files with whether Git ignores each, and the ignored folders that could not be read.
pub type UntrackedFiles = (Vec<(PathBuf, bool)>, Vec<String>);

impl Repo {
    /// Every file Git would track: tracked files (their entries in the index, which are read
    /// without looking at the disk: a file gone from the disk, or that is no longer a regular
    /// file, is skipped when it is read), plus untracked files that Git does not ignore. Paths
    /// are relative to the root, sorted. Submodules and symbolic links are left out.
    pub fn worktree_files(&self) -> Result<Vec<WorktreeFile>> {
        let mut files: Vec<WorktreeFile> = self
            .index_entries_sized()?
            .into_iter()
            .filter(|(_, mode, _)| is_regular_file_mode(*mode))
            .map(|(path, _, size)| WorktreeFile {
                path,
                size_hint: Some(u64::from(size)),
            })
            .collect();
        for file in self.walk_untracked()?.iter() {
            if file.regular && !file.ignored_dir && !self.is_ignored(&file.path)? {
                files.push(WorktreeFile {
                    path: file.path.clone(),
                    size_hint: None,
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|a, b| a.path == b.path);
        Ok(files)
    }

    /// The files Git does not track that `keep` accepts (called with the path as findings name
    /// it), each with whether Git ignores it, ignored folders entered too (a `.env` file in an
    /// ignored folder is still a local file); see [`Repo::walk_untracked`]. Paths are relative
    /// to the root, sorted. The second value names the ignored folders that could not be read.
    ///
    /// `may_name` is asked first about each file's name alone: a file it rejects is not looked up
    /// in the index, nor is `keep` asked. When no full walk is at hand from this reading of the
    /// index (the working-tree check makes one), the walk is made for these names only.
    pub fn untracked_files(
        &self,
        may_name: impl Fn(&[u8]) -> bool,
        keep: impl Fn(&str) -> bool,
    ) -> Result<UntrackedFiles> {
        let mut out = Vec::new();
        let mut unreadable = Vec::new();
        let walk = match self.cached_walk()? {
            Some(walk) => walk,
            None => Arc::new(self.walk(Some(&may_name))?),
        };
        for file in walk.iter() {
            if file.ignored_dir && is_dependency_dir(&file.path) {
                continue;
            }
            if file.ignored_dir {
                self.walk_ignored(&file.path, &keep, &mut out, &mut unreadable)?;
            } else if keep(&file.shown) {
                out.push((file.path.clone(), self.is_ignored(&file.path)?));
            }
        }
        out.sort();
        Ok((out, unreadable))
    }

    /// The files under the ignored folder `dir` (relative to the root) that `keep` accepts, all
    /// ignored; nested repositories are not entered, and folders that cannot be read are listed
    /// in `unreadable`.
    fn walk_ignored(
        &self,
        dir: &std::path::Path,
        keep: &impl Fn(&str) -> bool,
        out: &mut Vec<(PathBuf, bool)>,
        unreadable: &mut Vec<String>,
    ) -> Result<()> {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(rel) = stack.pop() {
            let abs = self.root.join(&rel);
            let entries = match std::fs::read_dir(&abs) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    unreadable.push(format!("{}: {e}", display_path(&rel)));
                    continue;
                }
            };
            if abs.join(".git").exists() {
                continue;
            }
            for entry in entries.flatten() {
                let path = rel.join(entry.file_name());
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    if !is_dependency_dir(&path) {
                        stack.push(path);
                    }
                } else if keep(&display_path(&path)) {
                    out.push((path, true));
                }
            }
        }
        Ok(())
    }

    /// Every file Git does not track (regular or not, ignored or not), sorted by path. Untracked
    /// folders are entered unless Git ignores them (Git reports them whole, and they are left
    /// out), so a `node_modules/` costs nothing; nor are nested repositories and submodules.
    /// Folders that hold tracked files are entered whatever the ignore rules say, as Git does;
    /// an untracked file inside an ignored folder is itself ignored.
    ///
    /// The walk never stats a file and asks the ignore rules only about untracked folders: a
    /// pre-commit check runs it on every commit. Folder listings come from [`DirCache`], so a
    /// folder that has not changed since the last run costs one `stat`. The walk is made once
    /// per reading of the index and shared by every caller.
    fn walk_untracked(&self) -> Result<Arc<Vec<Untracked>>> {
        if let Some(walk) = self.cached_walk()? {
            return Ok(walk);
        }
        let walk = Arc::new(self.walk(None)?);
        *self.walk.borrow_mut() = Some((self.tracked()?.token(), walk.clone()));
        Ok(walk)
    }

    /// The walk already made against the index as it is now, if any.
    fn cached_walk(&self) -> Result<Option<Arc<Vec<Untracked>>>> {
        let token = self.tracked()?.token();
        Ok(match &*self.walk.borrow() {
            Some((seen, walk)) if *seen == token => Some(walk.clone()),
            _ => None,
        })
    }

    /// [`Repo::walk_untracked`]'s walk; with `may_name`, only the files whose names it accepts
    /// are looked up in the index and listed (every folder is still entered or listed).
    fn walk(&self, may_name: Option<&NameTest<'_>>) -> Result<Vec<Untracked>> {
        let tracked = self.tracked()?;
        let mut cache = DirCache::load(self.git_dir(), &self.root);
        let mut out = Vec::new();
        // Folders to read, as Git paths (bytes, `/`), relative to the root.
        let mut stack: Vec<Vec<u8>> = vec![Vec::new()];
        let mut path: Vec<u8> = Vec::new();
        while let Some(rel) = stack.pop() {
            let top = rel.is_empty();
            let dir = if top {
                self.root.clone()
            } else {
                self.root.join(path_from_git(&rel))
            };
            let entries = match cache.list(&rel, &dir) {
                Ok(entries) => entries,
                // Gone since it was listed.
                Err(e) if !top && e.kind() == std::io::ErrorKind::NotFound => continue,
                // Fail closed: what an unreadable untracked folder holds would go unchecked.
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
            // A nested repository (or a submodule's checkout): not entered.
            if !top && entries.iter().any(|(name, _)| name == b".git") {
                continue;
            }
            let here = tracked.in_dir(&rel);
            for (name, kind) in entries.iter() {
                if name == b".git" || kind != Kind::Dir && may_name.is_some_and(|may| !may(name)) {
                    continue;
                }
                path.clear();
                if !top {
                    path.extend_from_slice(&rel);
                    path.push(b'/');
                }
                path.extend_from_slice(name);
                if kind == Kind::Dir {
                    if here.holds_dir(name) || !self.is_ignored(&path_from_git(&path))? {
                        stack.push(path.clone());
                    } else {
                        let folder = path_from_git(&path);
                        out.push(Untracked {
                            shown: display_path(&folder),
                            path: folder,
                            regular: false,
                            ignored_dir: true,
                        });
                    }
                    continue;
                }
                if here.contains(name) {
                    continue;
                }
                let file = path_from_git(&path);
                out.push(Untracked {
                    shown: display_path(&file),
                    path: file,
                    regular: kind == Kind::File,
                    ignored_dir: false,
                });
            }
        }
        cache.save();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// Folders of installed dependencies, caches and build output, by name. Git ignores them, they
/// hold tens of thousands of files, and a `.env` file in one is a package's, not a local secret:
/// the walk of ignored folders for local `.env` files skips them, which keeps a pre-commit check
/// in a repository with a `node_modules/` as fast as without.
const DEPENDENCY_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "Pods",
    "Carthage",
    ".venv",
    "venv",
    "site-packages",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "target",
    ".gradle",
    ".m2",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".parcel-cache",
    ".cache",
    ".terraform",
    ".git",
];

fn is_dependency_dir(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| DEPENDENCY_DIRS.contains(&n))
}
