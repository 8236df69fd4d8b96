//! Opening a repository the way Git itself would, and where its parts are: the root, the Git
//! directory, the hooks folder; Git's own ignore rules; reading its blobs.

use super::dir_cache::Walk;
use super::ignore::CheckIgnore;
use super::index_file::IndexFile;
use super::object::{self, ObjectId};
use super::pack::Packs;
use crate::error::{Error, Result};
use git2::Repository;
use std::cell::{Cell, OnceCell, RefCell};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    pub(super) parsed: SharedIndex,
    /// Git's ignore verdicts, from a `git check-ignore` process started on the first question;
    /// `Some(None)` when there is no `git` command.
    ignore: RefCell<Option<Option<CheckIgnore>>>,
    /// A split or sparse index, which neither libgit2 nor [`IndexFile`] reads, flattened by
    /// `git` into a plain index file that `index_path` names; removed when the handle is dropped.
    pub(super) flat_index: Option<FlatIndex>,
    /// The working tree's untracked files, walked once per reading of the index.
    pub(super) walk: RefCell<Option<Walk>>,
    /// The pack files, opened (their indexes read) on first use: the history walk's trees and
    /// the scan's blobs read the same packs.
    packs: OnceCell<Packs>,
}

/// The index as [`IndexFile`] read it, with the file's stamp then: shared by the handles that
/// [`Repo::same_index`] opens, so that whichever thread needs the index first reads it for all.
pub(super) type SharedIndex = Arc<Mutex<Option<(IndexStamp, Arc<Option<IndexFile>>)>>>;

/// A plain copy of a split or sparse index (see [`Repo::flatten_index`]), deleted on drop.
pub(super) struct FlatIndex {
    pub(super) path: PathBuf,
    /// The index it copies, for writes (`keygate fix`), which go through `git`.
    pub(super) original: PathBuf,
}

impl Drop for FlatIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
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
        // A bare repository (a server's) has no index to read.
        let flat_index = match repo.workdir().is_some() && needs_flattening(&repo) {
            true => Some(flatten_index(&repo, &root, &index_path)?),
            false => None,
        };
        Ok(Some(Repo {
            repo,
            root,
            index_pending: Cell::new(index_file.is_some() || flat_index.is_some()),
            index_path: flat_index
                .as_ref()
                .map_or(index_path, |flat| flat.path.clone()),
            parsed: SharedIndex::default(),
            ignore: RefCell::new(None),
            flat_index,
            walk: RefCell::new(None),
            packs: OnceCell::new(),
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

    /// The repository's pack files (see [`Packs`]), opened once.
    pub(crate) fn packs(&self) -> &Packs {
        self.packs
            .get_or_init(|| Packs::open(&self.common_dir().join("objects")))
    }

    /// `path` (absolute or relative to the current directory) relative to the root.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = path.canonicalize().ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Whether Git ignores `rel` (relative to the root), by every ignore source Git reads, as
    /// `git check-ignore` judges it (libgit2 is asked only when there is no `git` command).
    pub fn is_ignored(&self, rel: &Path) -> Result<bool> {
        let mut ignore = self.ignore.borrow_mut();
        let process =
            ignore.get_or_insert_with(|| CheckIgnore::start(self.repo.path(), &self.root));
        if let Some(process) = process {
            return process
                .is_ignored(&super::path::git_path(rel))
                .map_err(|e| {
                    Error::io(rel, std::io::Error::other(format!("git check-ignore: {e}")))
                });
        }
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

/// Another handle on a [`Repo`], with the same working tree and index; see [`Repo::same_index`].
pub struct SameIndex {
    location: RepoLocation,
    index_path: PathBuf,
    index_pending: bool,
    parsed: SharedIndex,
}

impl Repo {
    /// What opens, on another thread, a handle on this repository with the same working tree and
    /// index (`GIT_INDEX_FILE`'s when set), sharing the index once either handle has read it.
    /// `None` for a flattened index, whose copy belongs to this handle.
    pub fn same_index(&self) -> Option<SameIndex> {
        if self.flat_index.is_some() {
            return None;
        }
        Some(SameIndex {
            location: self.location(),
            index_path: self.index_path.clone(),
            index_pending: self.index_pending.get(),
            parsed: self.parsed.clone(),
        })
    }
}

impl SameIndex {
    /// Opens the handle: libgit2's part is opened again (a libgit2 repository is not shared
    /// between threads) as [`RepoLocation::open`] does, without searching for the repository;
    /// the index is this one's.
    pub fn open(self) -> Result<Repo> {
        let mut repo = self.location.open()?;
        if repo.repo.workdir().is_some_and(|w| w != repo.root) {
            repo.repo
                .set_workdir(&repo.root, false)
                .map_err(Error::git("use the working tree"))?;
        }
        repo.index_path = self.index_path;
        repo.index_pending = Cell::new(self.index_pending);
        repo.parsed = self.parsed;
        Ok(repo)
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
            parsed: SharedIndex::default(),
            ignore: RefCell::new(None),
            flat_index: None,
            walk: RefCell::new(None),
            packs: OnceCell::new(),
        })
    }
}

/// Whether the repository's index may be split (`core.splitIndex`, or a `sharedindex.*` file)
/// or sparse (`index.sparse`): mandatory extensions that libgit2 refuses.
fn needs_flattening(repo: &Repository) -> bool {
    let set = |key: &str| repo.config().and_then(|c| c.get_bool(key)).unwrap_or(false);
    set("core.splitIndex")
        || set("index.sparse")
        || std::fs::read_dir(repo.path()).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("sharedindex."))
        })
}

/// A plain copy of the index at `index` (split or sparse), made by `git` itself: `git ls-files
/// --stage` lists every entry (sparse folders expanded, the shared index merged in), and
/// `git update-index --index-info` writes them to a new index file under `.git/keygate/`,
/// neither split nor sparse. The repository's own index is only read.
fn flatten_index(repo: &Repository, root: &Path, index: &Path) -> Result<FlatIndex> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let state = repo.commondir().join("keygate");
    std::fs::create_dir_all(&state).map_err(|e| Error::io(&state, e))?;
    let path = state.join(format!("flat-index.{}", std::process::id()));
    let flat = FlatIndex {
        path,
        original: index.to_path_buf(),
    };
    let _ = std::fs::remove_file(&flat.path);
    let git = |index: &Path| {
        let mut command = Command::new("git");
        command
            .current_dir(root)
            .env("GIT_DIR", repo.path())
            .env("GIT_WORK_TREE", root)
            .env("GIT_INDEX_FILE", index)
            .args(["-c", "core.splitIndex=false", "-c", "index.sparse=false"]);
        command
    };
    let failed = |what: &str, detail: String| {
        Error::Usage(format!(
            "could not read the split or sparse index ({what}: {detail}); keygate needs `git` \
             for it"
        ))
    };
    let listed = git(index)
        .args(["ls-files", "--stage", "-z"])
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| failed("git ls-files", e.to_string()))?;
    if !listed.status.success() {
        let why = String::from_utf8_lossy(&listed.stderr).trim().to_string();
        return Err(failed("git ls-files", why));
    }
    let mut child = git(&flat.path)
        .args(["update-index", "-z", "--index-info"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed("git update-index", e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let written = stdin.write_all(&listed.stdout);
    drop(stdin);
    let out = child
        .wait_with_output()
        .map_err(|e| failed("git update-index", e.to_string()))?;
    if written.is_err() || !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(failed("git update-index", why));
    }
    // An empty index writes no file, which reads as an empty index.
    Ok(flat)
}

/// The folder Git runs hooks from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksDir {
    pub path: PathBuf,
    /// Named by `core.hooksPath` (as hook managers such as husky set it).
    pub from_config: bool,
}
