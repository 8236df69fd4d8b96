//! The only module that touches git2 (or runs `git`): opening the repository the way Git itself
//! would, listing the working tree's files, Git's own ignore rules and the staged change; the
//! history audit's walk in `history`, its `git` batch commands in `batch`, and the index file
//! reader in `index_file`.

mod batch;
mod history;
mod index_file;

pub use batch::{commit_changes, stream_blobs};
pub use history::{rfc3339, BlobReader, CommitMeta, CommitNode, FileChange, ObjectId, Tips};

use crate::error::{Error, Result};
use git2::{Repository, StatusOptions};
use index_file::{CacheTree, IndexFile};
use std::cell::{Cell, RefCell};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open repository with a working tree.
pub struct Repo {
    repo: Repository,
    root: PathBuf,
    /// The index Git commits from: `GIT_INDEX_FILE`, or the Git directory's `index`.
    index_path: PathBuf,
    /// `GIT_INDEX_FILE` is yet to be handed to libgit2, which is done on its first use of the
    /// index: opening it parses it, which the pre-commit check's fast path never needs.
    index_pending: Cell<bool>,
    /// The index as [`IndexFile`] read it, with the file's stamp then; `None` inside when
    /// libgit2 must read it.
    parsed: RefCell<Option<(IndexStamp, Arc<Option<IndexFile>>)>>,
}

/// Size, modification time and inode of the index file; `None` when there is no file.
type IndexStamp = Option<(u64, Option<std::time::SystemTime>, u64)>;

impl Repo {
    /// Opens the repository containing `start`, honouring `GIT_DIR`, `GIT_WORK_TREE` and
    /// `GIT_INDEX_FILE` when set (as they are inside a hook). `Ok(None)` when there is none.
    pub fn discover(start: &Path) -> Result<Option<Repo>> {
        // keygate only reads objects Git wrote; re-hashing each one on read (libgit2's default)
        // costs more than the rest of a pre-commit check. Git itself does not do it either.
        git2::opts::strict_hash_verification(false);
        let in_env = std::env::var_os("GIT_DIR").is_some();
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
        let Some(workdir) = repo.workdir() else {
            return Err(Error::Usage(
                "this is a bare repository: keygate needs a working tree".into(),
            ));
        };
        let root = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
        Ok(Some(Repo {
            repo,
            root,
            index_path,
            index_pending: Cell::new(index_file.is_some()),
            parsed: RefCell::new(None),
        }))
    }

    /// libgit2's index: `GIT_INDEX_FILE`'s when set.
    fn git2_index(&self) -> Result<git2::Index> {
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
    fn index_file(&self) -> Arc<Option<IndexFile>> {
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
        if let Some((seen, parsed)) = &*self.parsed.borrow() {
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
            Some(_) => std::fs::read(&self.index_path)
                .ok()
                .and_then(|data| IndexFile::parse(&data)),
        };
        let parsed = Arc::new(parsed);
        *self.parsed.borrow_mut() = Some((stamp, parsed.clone()));
        parsed
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
        let index = self.git2_index()?;
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
        let mut index = self.git2_index()?;
        index.read(false).map_err(Error::git("read index"))?;
        Ok(index)
    }

    /// Every path in the index (each once, whatever its merge stage) that `keep` accepts, with
    /// its file mode. `keep` sees the path as findings name it (see [`display_path`]), and is
    /// asked before anything is copied: on a large index it is the whole cost.
    pub fn index_entries(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<(PathBuf, u32)>> {
        if let Some(index) = &*self.index_file() {
            return Ok(index
                .entries
                .iter()
                .map(|entry| (index.path(entry), entry.mode))
                .filter(|(path, _)| keep(&String::from_utf8_lossy(path)))
                .map(|(path, mode)| (path_from_git(path), mode))
                .collect());
        }
        let index = self.fresh_index()?;
        let mut out: Vec<(PathBuf, u32)> = index
            .iter()
            .filter(|entry| keep(&String::from_utf8_lossy(&entry.path)))
            .map(|entry| (path_from_git(&entry.path), entry.mode))
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
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
        let parsed = self.index_file();
        let index = match &*parsed {
            Some(_) => None,
            None => Some(self.fresh_index()?),
        };
        // Any merge stage counts as tracked.
        let tracked = |path: &Path| match (&*parsed, &index) {
            (Some(parsed), _) => parsed.get(&git_path(path)).is_some(),
            (None, Some(index)) => (0..=3).any(|stage| index.get_path(path, stage).is_some()),
            (None, None) => unreachable!("one of the two is read"),
        };
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
                if !tracked(&path) {
                    let ignored = self.is_ignored(&path)?;
                    out.push((path, ignored));
                }
            }
        }
        out.sort();
        Ok(out)
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

    /// Where this repository is, to open another handle on another thread (git2 handles cannot
    /// be shared between threads).
    pub fn location(&self) -> RepoLocation {
        RepoLocation {
            git_dir: self.repo.path().to_path_buf(),
            root: self.root.clone(),
        }
    }

    /// The folder shared by every worktree of the repository (`.git` of the main worktree).
    pub fn common_dir(&self) -> &Path {
        self.repo.commondir()
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

    /// The regular files that the index (Git's staging area, or the temporary index named by
    /// `GIT_INDEX_FILE`) adds or changes relative to `HEAD`, or to the empty tree before the first
    /// commit, with renames detected. Deletions, symbolic links, submodules and conflicted
    /// entries are left out: none of them adds file content to the commit.
    pub fn staged_changes(&self) -> Result<Vec<IndexChange>> {
        let head = match self.repo.head() {
            Ok(head) => Some(
                head.peel_to_tree()
                    .map_err(Error::git("read HEAD's tree"))?,
            ),
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                ) =>
            {
                None
            }
            Err(e) => return Err(Error::git("read HEAD")(e)),
        };
        match self.walk_index(head.as_ref())? {
            Some(changes) => Ok(changes),
            None => self.diff_index(head.as_ref()),
        }
    }

    /// [`Repo::staged_changes`] from the parsed index (see [`IndexWalk`]), or `None` when
    /// libgit2 must diff: the index is one [`IndexFile`] does not read, or the change may hold a
    /// rename or touches a submodule.
    fn walk_index(&self, head: Option<&git2::Tree<'_>>) -> Result<Option<Vec<IndexChange>>> {
        let parsed = self.index_file();
        let Some(index) = &*parsed else {
            return Ok(None);
        };
        let mut walk = IndexWalk {
            repo: self,
            out: Vec::new(),
            added: false,
            deleted: false,
            to_libgit2: false,
        };
        walk.folder(
            index,
            head.map(|t| t.id()),
            0,
            &index.entries,
            index.tree.as_ref(),
        )?;
        let to_libgit2 = walk.to_libgit2 || (walk.added && walk.deleted);
        Ok((!to_libgit2).then_some(walk.out))
    }

    /// [`Repo::staged_changes`] by libgit2's diff of `head` against the index.
    fn diff_index(&self, head: Option<&git2::Tree<'_>>) -> Result<Vec<IndexChange>> {
        let index = self.git2_index()?;
        let mut opts = git2::DiffOptions::new();
        opts.ignore_submodules(true)
            .include_typechange(true)
            .skip_binary_check(true);
        let mut diff = self
            .repo
            .diff_tree_to_index(head, Some(&index), Some(&mut opts))
            .map_err(Error::git("diff HEAD against the index"))?;
        let (added, deleted) = diff.deltas().fold((false, false), |(a, d), delta| {
            (
                a || delta.status() == git2::Delta::Added,
                d || delta.status() == git2::Delta::Deleted,
            )
        });
        if added && deleted {
            let mut find = git2::DiffFindOptions::new();
            find.renames(true);
            diff.find_similar(Some(&mut find))
                .map_err(Error::git("detect renames"))?;
        }
        let mut out = Vec::new();
        for delta in diff.deltas() {
            let status = match delta.status() {
                git2::Delta::Added => ChangeStatus::Added,
                git2::Delta::Modified => ChangeStatus::Modified,
                git2::Delta::Renamed => ChangeStatus::Renamed,
                git2::Delta::Copied => ChangeStatus::Copied,
                git2::Delta::Typechange => ChangeStatus::TypeChanged,
                _ => continue,
            };
            let new = delta.new_file();
            if !is_regular_kind(new.mode()) {
                continue;
            }
            let Some(path) = new.path_bytes() else {
                continue;
            };
            let old = delta.old_file();
            let old_is_file = old.exists() && is_regular_kind(old.mode()) && !old.id().is_zero();
            out.push(IndexChange {
                path: path_from_git(path),
                old_path: match status {
                    ChangeStatus::Renamed | ChangeStatus::Copied => {
                        old.path_bytes().map(path_from_git)
                    }
                    _ => None,
                },
                status,
                blob: BlobId(new.id()),
                old_blob: old_is_file.then(|| BlobId(old.id())),
            });
        }
        Ok(out)
    }

    /// A blob's size in bytes, read from its header without inflating it.
    pub fn blob_size(&self, id: BlobId) -> Result<u64> {
        let odb = self
            .repo
            .odb()
            .map_err(Error::git("open object database"))?;
        let (size, _) = odb
            .read_header(id.0)
            .map_err(Error::git("read blob header"))?;
        Ok(size as u64)
    }

    /// Calls `f` with a blob's bytes (held in memory: use [`Repo::stream_blob`] for large ones).
    pub fn with_blob<T>(&self, id: BlobId, f: impl FnOnce(&[u8]) -> T) -> Result<T> {
        let blob = self.repo.find_blob(id.0).map_err(Error::git("read blob"))?;
        Ok(f(blob.content()))
    }

    /// Calls `f` with a reader over a blob. Loose objects (what `git add` writes) are streamed in
    /// bounded memory; a packed object, which libgit2 cannot stream, is inflated whole.
    pub fn stream_blob<T>(&self, id: BlobId, f: impl FnOnce(&mut dyn Read) -> T) -> Result<T> {
        let odb = self
            .repo
            .odb()
            .map_err(Error::git("open object database"))?;
        let streamed = match odb.reader(id.0) {
            Ok((mut reader, _, _)) => Ok(f(&mut reader)),
            Err(_) => self.with_blob(id, |bytes| f(&mut { bytes })),
        };
        streamed
    }
}

/// The staged change read from the parsed index: the same [`IndexChange`]s, in the same order, as
/// libgit2's diff of `HEAD` against the index, without reading every tree of `HEAD`. A folder
/// whose cache-tree entry is valid and names `HEAD`'s tree for it holds no change and is skipped
/// whole; after `git add` of one file, only the folders on its path are compared.
struct IndexWalk<'r> {
    repo: &'r Repo,
    out: Vec<IndexChange>,
    /// Some path is added (a symbolic link included), or deleted: both together may be a rename,
    /// which libgit2's rename detection decides.
    added: bool,
    deleted: bool,
    /// A submodule changed, or something else this walk leaves to libgit2's diff.
    to_libgit2: bool,
}

const MODE_KIND: u32 = 0o170000;
const MODE_TREE: u32 = 0o040000;
const MODE_FILE: u32 = 0o100000;
const MODE_GITLINK: u32 = 0o160000;

impl IndexWalk<'_> {
    /// Compares the index `entries` under one folder (their paths' first `prefix` bytes name it)
    /// with `head`, that folder's tree in `HEAD` (`None`: it has none).
    fn folder(
        &mut self,
        index: &IndexFile,
        head: Option<git2::Oid>,
        prefix: usize,
        entries: &[index_file::Entry],
        cache: Option<&CacheTree>,
    ) -> Result<()> {
        if let (Some(head), Some(valid)) = (head, cache.and_then(|c| c.valid_id(entries.len()))) {
            if head.as_bytes() == valid {
                return Ok(());
            }
        }
        let mut old: Vec<(Vec<u8>, u32, git2::Oid, bool)> = match head {
            Some(id) => self
                .repo
                .repo
                .find_tree(id)
                .map_err(Error::git("read tree"))?
                .iter()
                .map(|e| (e.name_bytes().to_vec(), e.filemode() as u32, e.id(), false))
                .collect(),
            None => Vec::new(),
        };
        old.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut find = |name: &[u8]| {
            let i = old.binary_search_by(|o| o.0.as_slice().cmp(name)).ok()?;
            old[i].3 = true;
            Some((old[i].1, old[i].2))
        };
        let mut i = 0;
        while i < entries.len() {
            let entry = &entries[i];
            let path = index.path(entry);
            let rest = &path[prefix..];
            if let Some(slash) = memchr::memchr(b'/', rest) {
                // A folder: its entries are contiguous in the sorted index.
                let folder = &path[..prefix + slash + 1];
                let end = i + entries[i..].partition_point(|e| index.path(e).starts_with(folder));
                let name = &rest[..slash];
                let subtree = match find(name) {
                    Some((mode, id)) if mode & MODE_KIND == MODE_TREE => Some(id),
                    Some(_) => {
                        self.deleted = true; // a file that became a folder
                        None
                    }
                    None => None,
                };
                let cache = cache.and_then(|c| c.child(name));
                self.folder(index, subtree, prefix + slash + 1, &entries[i..end], cache)?;
                i = end;
                continue;
            }
            match find(rest) {
                Some((mode, _)) if mode & MODE_KIND == MODE_TREE => {
                    self.deleted = true; // a folder that became a file
                    self.add(path, entry, None);
                }
                Some((mode, id)) if canonical(mode) == canonical(entry.mode) => {
                    if id.as_bytes() != entry.id {
                        self.add(path, entry, Some((mode, id)));
                    }
                }
                Some(old) => self.add(path, entry, Some(old)),
                None => self.add(path, entry, None),
            }
            i += 1;
        }
        for (_, mode, _, matched) in &old {
            if !matched {
                self.deleted = true;
                self.to_libgit2 |= mode & MODE_KIND == MODE_GITLINK;
            }
        }
        Ok(())
    }

    /// `entry` (at `path`) is added (`old` is `None`) or changed from `old` (mode and id in
    /// `HEAD`).
    fn add(&mut self, path: &[u8], entry: &index_file::Entry, old: Option<(u32, git2::Oid)>) {
        if entry.mode & MODE_KIND == MODE_GITLINK
            || old.is_some_and(|(mode, _)| mode & MODE_KIND == MODE_GITLINK)
        {
            self.to_libgit2 = true; // libgit2 leaves submodules out its own way
            return;
        }
        let Ok(id) = git2::Oid::from_bytes(&entry.id) else {
            self.to_libgit2 = true;
            return;
        };
        let status = match old {
            None => {
                self.added = true;
                ChangeStatus::Added
            }
            Some((mode, _)) if mode & MODE_KIND != entry.mode & MODE_KIND => {
                ChangeStatus::TypeChanged
            }
            Some(_) => ChangeStatus::Modified,
        };
        if entry.mode & MODE_KIND != MODE_FILE {
            return; // a symbolic link adds no file content
        }
        self.out.push(IndexChange {
            path: path_from_git(path),
            old_path: None,
            status,
            blob: BlobId(id),
            old_blob: old
                .filter(|(mode, id)| mode & MODE_KIND == MODE_FILE && !id.is_zero())
                .map(|(_, id)| BlobId(id)),
        });
    }
}

/// A mode as Git compares it: regular files are 644 or 755.
fn canonical(mode: u32) -> u32 {
    match mode & MODE_KIND {
        MODE_FILE if mode & 0o111 != 0 => 0o100755,
        MODE_FILE => 0o100644,
        _ => mode,
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
        let repo = Repository::open(&self.git_dir).map_err(Error::git("open repository"))?;
        Ok(Repo {
            index_path: repo.path().join("index"),
            repo,
            root: self.root.clone(),
            index_pending: Cell::new(false),
            parsed: RefCell::new(None),
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

/// A blob's object id. Opaque outside this module, so that git2 types stay here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(git2::Oid);

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How the index changes a path relative to `HEAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    Added,
    Modified,
    Renamed,
    Copied,
    /// Was a symbolic link or a submodule in `HEAD`, is a regular file in the index.
    TypeChanged,
}

/// One regular file that the index adds or changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexChange {
    /// Relative to the root, exact (not necessarily UTF-8).
    pub path: PathBuf,
    /// For renames and copies: where the content came from.
    pub old_path: Option<PathBuf>,
    pub status: ChangeStatus,
    /// The content in the index.
    pub blob: BlobId,
    /// The content in `HEAD`, when the path (or the rename source) was a regular file there.
    pub old_blob: Option<BlobId>,
}

fn is_regular_kind(mode: git2::FileMode) -> bool {
    matches!(
        mode,
        git2::FileMode::Blob | git2::FileMode::BlobExecutable | git2::FileMode::BlobGroupWritable
    )
}

/// The lines of `new` that a line diff from `old` adds, as 1-based half-open ranges
/// `(first, end)`, in order. Both are diffed as text whatever their bytes.
pub fn added_line_ranges(old: &[u8], new: &[u8]) -> Result<Vec<(u64, u64)>> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0).interhunk_lines(0).force_text(true);
    let patch = git2::Patch::from_buffers(old, None, new, None, Some(&mut opts))
        .map_err(Error::git("diff blobs"))?;
    let mut ranges = Vec::with_capacity(patch.num_hunks());
    for i in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(i).map_err(Error::git("read diff hunk"))?;
        if hunk.new_lines() > 0 {
            let first = u64::from(hunk.new_start());
            ranges.push((first, first + u64::from(hunk.new_lines())));
        }
    }
    Ok(ranges)
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

/// A relative file-system path as Git stores it: bytes with `/` separators.
fn git_path(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        display_path(path).into_bytes()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs git in `dir` with a clean configuration.
    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The walk's answer, checked against libgit2's diff; `None` when it leaves it to libgit2.
    fn walked(dir: &Path) -> Option<Vec<IndexChange>> {
        let repo = Repo::discover(dir).unwrap().unwrap();
        let head = repo.repo.head().ok().map(|h| h.peel_to_tree().unwrap());
        let walked = repo.walk_index(head.as_ref()).unwrap();
        let diffed = repo.diff_index(head.as_ref()).unwrap();
        if let Some(walked) = &walked {
            assert_eq!(walked, &diffed);
        }
        walked
    }

    /// The parsed index and its cache-tree walk find what libgit2's diff finds, in the same
    /// order: first commit, additions in new and old folders, edits deep in the tree, mode and
    /// type changes, odd names, index version 4; renames and deletions plus additions are left
    /// to libgit2.
    #[cfg(unix)]
    #[test]
    fn index_walk_equals_libgit2_diff() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["config", "user.name", "t"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        for (rel, text) in [
            ("a.txt", "a\n"),
            ("d/b.txt", "b\n"),
            ("d/e/c.txt", "c\n"),
            ("d-e/x.txt", "x\n"),
            ("z/\u{e9}t\u{e9} file.txt", "\u{e9}\n"),
            ("link-target.txt", "t\n"),
        ] {
            write(dir, rel, text);
        }
        std::os::unix::fs::symlink("link-target.txt", dir.join("link")).unwrap();
        git(dir, &["add", "-A"]);
        let first = walked(dir).expect("first commit: all added");
        assert_eq!(first.len(), 6);
        assert!(first.iter().all(|c| c.status == ChangeStatus::Added));
        git(dir, &["commit", "-q", "-m", "one"]);
        assert_eq!(walked(dir), Some(vec![]));

        write(dir, "d/e/c.txt", "c\nmore\n");
        write(dir, "d/new.txt", "new\n");
        write(dir, "n/deep/new.txt", "new\n");
        write(dir, "z/\u{e9}t\u{e9} file.txt", "\u{e9}\nmore\n");
        std::fs::remove_file(dir.join("link")).unwrap();
        write(dir, "link", "now a file\n");
        git(dir, &["add", "-A"]);
        git(dir, &["update-index", "--chmod=+x", "a.txt"]);
        let changes = walked(dir).expect("no deletion: walked");
        assert_eq!(changes.len(), 6, "{changes:?}");

        git(dir, &["commit", "-q", "-m", "two"]);
        git(dir, &["update-index", "--index-version", "4"]);
        write(dir, "d/e/c.txt", "c\nmore\nagain\n");
        git(dir, &["add", "d/e/c.txt"]);
        assert_eq!(walked(dir).expect("index v4").len(), 1);

        git(dir, &["commit", "-q", "-m", "three"]);
        git(dir, &["mv", "d/new.txt", "d/renamed.txt"]);
        assert_eq!(walked(dir), None, "a rename is left to libgit2");
        git(dir, &["commit", "-q", "-m", "four"]);
        git(dir, &["rm", "-q", "d-e/x.txt"]);
        assert_eq!(walked(dir), Some(vec![]), "a deletion alone adds nothing");
    }

    /// What the index reader leaves to libgit2.
    #[test]
    fn index_reader_declines_what_it_does_not_read() {
        assert!(IndexFile::parse(b"").is_none());
        assert!(IndexFile::parse(b"DIRC\0\0\0\x05\0\0\0\0").is_none());
        let mut empty = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        empty.extend([0u8; 20]);
        assert_eq!(IndexFile::parse(&empty).unwrap().entries, vec![]);
        let mut linked = b"DIRC\0\0\0\x02\0\0\0\0link\0\0\0\0".to_vec();
        linked.extend([0u8; 20]);
        assert!(IndexFile::parse(&linked).is_none(), "split index");
        let mut optional = b"DIRC\0\0\0\x02\0\0\0\0UNTR\0\0\0\x01x".to_vec();
        optional.extend([0u8; 20]);
        assert!(IndexFile::parse(&optional).is_some(), "optional extension");
    }
}
