//! Opening a repository the way Git itself would, and where its parts are: the root, the Git
//! directory, the hooks folder; Git's own ignore rules; reading its blobs.

use super::dir_cache::Walk;
use super::index_file::IndexFile;
use super::object::{self, ObjectId};
use crate::error::{Error, Result};
use git2::Repository;
use std::cell::{Cell, RefCell};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open repository with a working tree.
pub struct Repo {
    pub(super) repo: Repository,
    pub(super) root: PathBuf,
    /// The index Git commits from: `GIT_INDEX_FILE`, or the Git directory's `index`.
    pub(super) index_path: PathBuf,
    /// `GIT_INDEX_FILE` is yet to be handed to libgit2, which is done on its first use of the
    /// index: opening it parses it, which the pre-commit check's fast path never needs.
    pub(super) index_pending: Cell<bool>,
    /// The index as [`IndexFile`] read it, with the file's stamp then; `None` inside when
    /// libgit2 must read it.
    pub(super) parsed: RefCell<Option<(IndexStamp, Arc<Option<IndexFile>>)>>,
    /// The working tree's untracked files, walked once per reading of the index.
    pub(super) walk: RefCell<Option<Walk>>,
}

/// Size, modification time and inode of the index file; `None` when there is no file.
pub(super) type IndexStamp = Option<(u64, Option<std::time::SystemTime>, u64)>;

impl Repo {
    /// Opens the repository containing `start`, honouring `GIT_DIR`, `GIT_WORK_TREE` and
    /// `GIT_INDEX_FILE` when set (as they are inside a hook). `Ok(None)` when there is none.
    pub fn discover(start: &Path) -> Result<Option<Repo>> {
        Repo::open(start, false)
    }

    /// [`Repo::require`] that also accepts a bare repository (a Git server's), whose root is
    /// then its Git directory: for the history modes, which read only objects and refs. The
    /// objects of a push in quarantine (`GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`)
    /// are seen, as Git sets them for a `pre-receive` hook.
    pub fn require_objects(start: &Path) -> Result<Repo> {
        Repo::open(start, true)?.ok_or_else(|| Error::NotARepository {
            path: start.to_path_buf(),
            hint: "",
        })
    }

    fn open(start: &Path, bare_ok: bool) -> Result<Option<Repo>> {
        // Inside a hook Git sets `GIT_DIR` (and, receiving a push, the quarantine's object
        // directories), which only `open_from_env` honours.
        let in_env = std::env::var_os("GIT_DIR").is_some()
            || std::env::var_os("GIT_QUARANTINE_PATH").is_some();
        let repo = if in_env {
            Repository::open_from_env()
        } else {
            Repository::discover(start)
        };
        let repo = match repo {
            Ok(repo) => repo,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git("open repository")(e)),
        };
        let index_file = std::env::var_os("GIT_INDEX_FILE");
        let index_path = match &index_file {
            Some(index) => match repo.workdir() {
                Some(_) if Path::new(index).is_relative() => std::env::current_dir()
                    .map_err(|e| Error::io(".", e))?
                    .join(index),
                _ => PathBuf::from(index),
            },
            None => repo.path().join("index"),
        };
        if let Some(tree) = std::env::var_os("GIT_WORK_TREE").filter(|_| in_env) {
            repo.set_workdir(Path::new(&tree), false)
                .map_err(Error::git("use GIT_WORK_TREE"))?;
        }
        let workdir = match repo.workdir() {
            Some(workdir) => workdir,
            None if bare_ok => repo.path(),
            None => {
                return Err(Error::Usage(
                    "this is a bare repository: keygate needs a working tree".into(),
                ))
            }
        };
        let root = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
        Ok(Some(Repo {
            repo,
            root,
            index_path,
            index_pending: Cell::new(index_file.is_some()),
            parsed: RefCell::new(None),
            walk: RefCell::new(None),
        }))
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

    /// The repository's Git directory (shared by every worktree's objects).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The folder shared by every worktree of the repository (`.git` of the main worktree).
    pub fn common_dir(&self) -> &Path {
        self.repo.commondir()
    }

    /// `path` (absolute or relative to the current directory) relative to the root.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = path.canonicalize().ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Whether Git ignores `rel` (relative to the root), by every ignore source Git reads.
    pub fn is_ignored(&self, rel: &Path) -> Result<bool> {
        self.repo
            .status_should_ignore(rel)
            .map_err(Error::git("check ignore rules"))
    }

    /// Where this repository is, to open another handle on another thread (git2 handles cannot
    /// be shared between threads).
    pub fn location(&self) -> RepoLocation {
        RepoLocation {
            git_dir: self.repo.path().to_path_buf(),
            root: self.root.clone(),
        }
    }

    /// Where Git runs hooks from: `core.hooksPath` when set (relative to the root, `~` expanded),
    /// else the common dir's `hooks`, which every linked worktree shares.
    pub fn hooks_dir(&self) -> Result<HooksDir> {
        let config = self.repo.config().map_err(Error::git("read config"))?;
        match config.get_path("core.hooksPath") {
            Ok(path) if !path.as_os_str().is_empty() => Ok(HooksDir {
                path: self.root.join(path),
                from_config: true,
            }),
            Ok(_) => Ok(self.default_hooks_dir()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(self.default_hooks_dir()),
            Err(e) => Err(Error::git("read core.hooksPath")(e)),
        }
    }

    fn default_hooks_dir(&self) -> HooksDir {
        HooksDir {
            path: self.repo.commondir().join("hooks"),
            from_config: false,
        }
    }

    /// A blob's size in bytes, read from its header without inflating it.
    pub fn blob_size(&self, id: ObjectId) -> Result<u64> {
        object::blob_size(&self.repo, id.0)
    }

    /// Calls `f` with a blob's bytes (held in memory: use [`Repo::stream_blob`] for large ones).
    pub fn with_blob<T>(&self, id: ObjectId, f: impl FnOnce(&[u8]) -> T) -> Result<T> {
        object::with_blob(&self.repo, id.0, f)
    }

    /// Calls `f` with a reader over a blob. Loose objects (what `git add` writes) are streamed in
    /// bounded memory; a packed object, which libgit2 cannot stream, is inflated whole.
    pub fn stream_blob<T>(&self, id: ObjectId, f: impl FnOnce(&mut dyn Read) -> T) -> Result<T> {
        object::stream_blob(&self.repo, id.0, f)
    }
}

/// Where a [`Repo`] is; see [`Repo::location`].
#[derive(Debug, Clone)]
pub struct RepoLocation {
    git_dir: PathBuf,
    root: PathBuf,
}

impl RepoLocation {
    /// Another handle on the repository, for reading objects. Its index is the default one,
    /// whatever `GIT_INDEX_FILE` says.
    pub fn open(&self) -> Result<Repo> {
        let repo = super::object::open_objects(&self.git_dir)?;
        Ok(Repo {
            index_path: repo.path().join("index"),
            repo,
            root: self.root.clone(),
            index_pending: Cell::new(false),
            parsed: RefCell::new(None),
            walk: RefCell::new(None),
        })
    }
}

/// The folder Git runs hooks from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksDir {
    pub path: PathBuf,
    /// Named by `core.hooksPath` (as hook managers such as husky set it).
    pub from_config: bool,
}
