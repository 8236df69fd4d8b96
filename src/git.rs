//! The only module that touches git2: opening the repository the way Git itself would, listing
//! the working tree's files, and Git's own ignore rules.

use crate::error::{Error, Result};
use git2::{Repository, StatusOptions};
use std::path::{Path, PathBuf};

/// An open repository with a working tree.
pub struct Repo {
    repo: Repository,
    root: PathBuf,
}

impl Repo {
    /// Opens the repository containing `start`, honouring `GIT_DIR`, `GIT_WORK_TREE` and
    /// `GIT_INDEX_FILE` when set (as they are inside a hook). `Ok(None)` when there is none.
    pub fn discover(start: &Path) -> Result<Option<Repo>> {
        let repo = if std::env::var_os("GIT_DIR").is_some() {
            Repository::open_from_env()
        } else {
            Repository::discover(start)
        };
        let repo = match repo {
            Ok(repo) => repo,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git("open repository")(e)),
        };
        if let Some(index) = std::env::var_os("GIT_INDEX_FILE") {
            let path = match repo.workdir() {
                Some(_) if Path::new(&index).is_relative() => std::env::current_dir()
                    .map_err(|e| Error::io(".", e))?
                    .join(&index),
                _ => PathBuf::from(&index),
            };
            let index = git2::Index::open(&path).map_err(Error::git("open GIT_INDEX_FILE"))?;
            repo.set_index(&mut { index })
                .map_err(Error::git("use GIT_INDEX_FILE"))?;
        }
        let Some(workdir) = repo.workdir() else {
            return Err(Error::Usage(
                "this is a bare repository: keygate needs a working tree".into(),
            ));
        };
        let root = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
        Ok(Some(Repo { repo, root }))
    }

    /// Like [`Repo::discover`], but a missing repository is an error.
    pub fn require(start: &Path, hint: &'static str) -> Result<Repo> {
        Repo::discover(start)?.ok_or_else(|| Error::NotARepository {
            path: start.to_path_buf(),
            hint,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn git2(&self) -> &Repository {
        &self.repo
    }

    /// Every file Git would track: tracked files that still exist on disk, plus untracked files
    /// that Git does not ignore. Paths are relative to the root, with `/` separators. Submodules
    /// and symbolic links are left out.
    pub fn worktree_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        let index = self.repo.index().map_err(Error::git("read index"))?;
        for entry in index.iter() {
            let mode = entry.mode;
            // Regular files only: not gitlinks (0o160000) or symlinks (0o120000).
            if mode & 0o170000 != 0o100000 {
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

    /// Whether Git ignores `rel` (relative to the root), by every ignore source Git reads.
    pub fn is_ignored(&self, rel: &Path) -> Result<bool> {
        self.repo
            .status_should_ignore(rel)
            .map_err(Error::git("check ignore rules"))
    }

    /// The index, re-read when the file changed on disk since it was opened.
    fn fresh_index(&self) -> Result<git2::Index> {
        let mut index = self.repo.index().map_err(Error::git("read index"))?;
        index.read(false).map_err(Error::git("read index"))?;
        Ok(index)
    }

    /// Every path in the index (each once, whatever its merge stage), with its file mode.
    pub fn index_entries(&self) -> Result<Vec<(PathBuf, u32)>> {
        let index = self.fresh_index()?;
        let mut out: Vec<(PathBuf, u32)> = index
            .iter()
            .map(|entry| (path_from_git(&entry.path), entry.mode))
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    /// The files Git does not track, each with whether Git ignores it. Untracked folders are
    /// entered; ignored folders are not (Git reports them whole, and they are left out), so a
    /// `node_modules/` costs nothing. Paths are relative to the root.
    pub fn untracked_files(&self) -> Result<Vec<(PathBuf, bool)>> {
        let mut opts = StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(true)
            .recurse_ignored_dirs(false)
            .exclude_submodules(true)
            .include_unmodified(false);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .map_err(Error::git("list untracked and ignored files"))?;
        let mut out = Vec::new();
        for status in statuses.iter() {
            let flags = status.status();
            let ignored = flags.contains(git2::Status::IGNORED);
            if !(ignored || flags.contains(git2::Status::WT_NEW)) {
                continue;
            }
            let bytes = status.path_bytes();
            if bytes.ends_with(b"/") {
                continue; // a whole folder
            }
            out.push((path_from_git(bytes), ignored));
        }
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    /// The staged content of `rel` (stage 0 of the index), or `None` when it is not in the index.
    pub fn index_blob(&self, rel: &Path) -> Result<Option<Vec<u8>>> {
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

    /// The paths the staged change adds or modifies (index against `HEAD`, or against the empty
    /// tree before the first commit): added, modified, renamed, copied or retyped, not deleted.
    pub fn staged_paths(&self) -> Result<Vec<PathBuf>> {
        let head_tree = match self.repo.head() {
            Ok(head) => Some(head.peel_to_tree().map_err(Error::git("read HEAD"))?),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                None
            }
            Err(e) => return Err(Error::git("read HEAD")(e)),
        };
        let index = self.fresh_index()?;
        let diff = self
            .repo
            .diff_tree_to_index(head_tree.as_ref(), Some(&index), None)
            .map_err(Error::git("diff the index against HEAD"))?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            use git2::Delta;
            if matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            ) {
                if let Some(path) = delta.new_file().path_bytes() {
                    out.push(path_from_git(path));
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Removes `paths` from the index (every merge stage), like `git rm --cached`: the files on
    /// disk are not touched.
    pub fn untrack(&self, paths: &[PathBuf]) -> Result<()> {
        let mut index = self.fresh_index()?;
        for path in paths {
            index
                .remove_path(path)
                .map_err(Error::git("remove a file from the index"))?;
        }
        index.write().map_err(Error::git("write the index"))
    }

    /// `path` (absolute or relative to the current directory) relative to the root.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = path.canonicalize().ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }
}

/// A Git path (bytes, `/`-separated) as a file-system path, exact even when it is not UTF-8.
pub fn path_from_git(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// A file-system path as reported: `/` separators, lossy UTF-8.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}
