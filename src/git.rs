//! The only module that touches git2: opening the repository the way Git itself would, listing
//! the working tree's files, and Git's own ignore rules.

mod batch;
mod index_file;

pub use batch::{commit_changes, stream_blobs};

use crate::error::{Error, Result};
use git2::{Repository, StatusOptions};
use index_file::{CacheTree, IndexFile};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
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

// ---------------------------------------------------------------------------------------------
// History: the commit walk, tree changes, commit metadata and blob reading for `--history`.

/// A Git object id (commit or blob), opaque outside this module.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ObjectId(git2::Oid);

#[cfg(test)]
impl ObjectId {
    /// A distinct id for tests that need ids but no repository.
    pub(crate) fn for_test(n: u32) -> ObjectId {
        let mut bytes = [0u8; 20];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        ObjectId(git2::Oid::from_bytes(&bytes).expect("20 bytes"))
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Which commits a history walk starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tips {
    /// `HEAD` (nothing when `HEAD` is unborn).
    Head,
    /// Every ref, plus `HEAD`.
    All,
    /// One branch: a local branch, else a remote-tracking branch, else any revision.
    Branch(String),
}

/// A commit of the walk and its parents.
#[derive(Debug, Clone)]
pub struct CommitNode {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Its root tree.
    pub tree: ObjectId,
}

/// A file whose content differs between a commit and its parent. Only regular files count:
/// symbolic links and submodules are neither scanned nor tracked.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The path, `/`-separated, as Git stores it.
    pub path: Vec<u8>,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// Who made a commit, and when.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    /// `Name <email>`.
    pub author: String,
    /// Author date, RFC 3339 in the author's own offset.
    pub date: String,
}

/// A tree entry, borrowed from its tree (no copy of its name).
struct Entry<'t>(git2::TreeEntry<'t>);

impl Entry<'_> {
    fn name(&self) -> &[u8] {
        self.0.name_bytes()
    }

    fn id(&self) -> git2::Oid {
        self.0.id()
    }

    fn mode(&self) -> i32 {
        self.0.filemode()
    }

    fn is_tree(&self) -> bool {
        self.mode() & 0o170000 == 0o040000
    }

    /// Git's tree order: names compared bytewise, a subtree's name as if followed by `/`.
    fn cmp_name(&self, other: &Entry<'_>) -> std::cmp::Ordering {
        let tail = |e: &Entry<'_>| -> &'static [u8] {
            if e.is_tree() {
                b"/"
            } else {
                b""
            }
        };
        let (x, y) = (self.name(), other.name());
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            std::cmp::Ordering::Equal => x[n..]
                .iter()
                .chain(tail(self))
                .cmp(y[n..].iter().chain(tail(other))),
            order => order,
        }
    }
}

fn is_regular(mode: i32) -> bool {
    mode & 0o170000 == 0o100000
}

impl Repo {
    /// The repository's Git directory (shared by every worktree's objects).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The commit `HEAD` points at; `None` when `HEAD` is unborn.
    pub fn head_commit(&self) -> Result<Option<ObjectId>> {
        match self.repo.head() {
            Ok(head) => Ok(Some(ObjectId(
                head.peel_to_commit()
                    .map_err(Error::git("resolve HEAD"))?
                    .id(),
            ))),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(Error::git("resolve HEAD")(e)),
        }
    }

    fn resolve_commit(&self, rev: &str, what: &str) -> Result<git2::Oid> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| Error::Usage(format!("{what} `{rev}` is not a commit in this repository")))
    }

    /// The commits reachable from `tips` and not from `since`, parents before children (ties by
    /// commit date, oldest first).
    pub fn history(&self, tips: &Tips, since: Option<&str>) -> Result<Vec<CommitNode>> {
        tune_for_history();
        let mut walk = self.repo.revwalk().map_err(Error::git("walk history"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)
            .map_err(Error::git("walk history"))?;
        let mut pushed = false;
        match tips {
            Tips::Head | Tips::All => {
                if let Some(head) = self.head_commit()? {
                    walk.push(head.0).map_err(Error::git("walk history"))?;
                    pushed = true;
                }
                if *tips == Tips::All {
                    walk.push_glob("*").map_err(Error::git("walk every ref"))?;
                    pushed = true;
                }
            }
            Tips::Branch(name) => {
                let branch = self
                    .repo
                    .find_branch(name, git2::BranchType::Local)
                    .or_else(|_| self.repo.find_branch(name, git2::BranchType::Remote));
                let id = match branch {
                    Ok(b) => b
                        .get()
                        .peel_to_commit()
                        .map_err(Error::git("resolve branch"))?
                        .id(),
                    Err(_) => self.resolve_commit(name, "branch")?,
                };
                walk.push(id).map_err(Error::git("walk history"))?;
                pushed = true;
            }
        }
        if let Some(rev) = since {
            let id = self.resolve_commit(rev, "--since")?;
            walk.hide(id).map_err(Error::git("walk history"))?;
        }
        if !pushed {
            return Ok(Vec::new());
        }
        let ids = walk
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::git("walk history"))?;
        // The walk has parsed each commit but does not hand its parents and tree out: read them
        // again, on every core.
        use rayon::prelude::*;
        let git_dir = self.git_dir();
        ids.par_iter()
            .map(|&id| {
                with_thread_repo(git_dir, |repo| {
                    let commit = repo.find_commit(id).map_err(Error::git("read commit"))?;
                    Ok(CommitNode {
                        id: ObjectId(id),
                        parents: commit.parent_ids().map(ObjectId).collect(),
                        tree: ObjectId(commit.tree_id()),
                    })
                })
            })
            .collect()
    }

    fn tree_of(&self, commit: ObjectId) -> Result<git2::Tree<'_>> {
        self.repo
            .find_commit(commit.0)
            .and_then(|c| c.tree())
            .map_err(Error::git("read commit tree"))
    }

    /// The root tree of `commit`.
    pub fn tree_id(&self, commit: ObjectId) -> Result<ObjectId> {
        Ok(ObjectId(self.tree_of(commit)?.id()))
    }

    /// The files that differ between the trees of each pair `(new, old)` (`old` `None`: the
    /// empty tree), in the order of `pairs`. The pairs are compared on every core, in runs of
    /// consecutive pairs that share most of their trees, each thread with its own handle.
    pub fn tree_changes(
        &self,
        pairs: &[(ObjectId, Option<ObjectId>)],
    ) -> Result<Vec<Vec<FileChange>>> {
        use rayon::prelude::*;
        let git_dir = self.git_dir();
        let run = pairs
            .len()
            .div_ceil(rayon::current_num_threads() * 8)
            .max(64);
        let runs: Vec<Result<Vec<Vec<FileChange>>>> = pairs
            .par_chunks(run)
            .map(|run| {
                with_thread_repo(git_dir, |repo| {
                    let mut trees = TreeDiff {
                        repo,
                        cache: HashMap::new(),
                        order: VecDeque::new(),
                    };
                    run.iter()
                        .map(|&(new, old)| {
                            let mut out = Vec::new();
                            trees.changes(new, old, &mut out)?;
                            Ok(out)
                        })
                        .collect()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(pairs.len());
        for run in runs {
            out.extend(run?);
        }
        Ok(out)
    }

    /// Every regular file of `commit`'s tree with its blob.
    pub fn tree_files(&self, commit: ObjectId) -> Result<Vec<(Vec<u8>, ObjectId)>> {
        let tree = self.tree_of(commit)?;
        let mut out = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if is_regular(entry.filemode()) && entry.kind() == Some(git2::ObjectType::Blob) {
                let mut path = dir.as_bytes().to_vec();
                path.extend_from_slice(entry.name_bytes());
                out.push((path, ObjectId(entry.id())));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(Error::git("walk tree"))?;
        Ok(out)
    }

    /// The author and author date of `commit`.
    pub fn commit_meta(&self, commit: ObjectId) -> Result<CommitMeta> {
        let commit = self
            .repo
            .find_commit(commit.0)
            .map_err(Error::git("read commit"))?;
        let author = commit.author();
        let name = String::from_utf8_lossy(author.name_bytes());
        let email = String::from_utf8_lossy(author.email_bytes());
        let when = author.when();
        Ok(CommitMeta {
            author: format!("{name} <{email}>"),
            date: rfc3339(when.seconds(), when.offset_minutes()),
        })
    }

    /// The 1-based line numbers of `new` that a diff from `old` (nothing when `None`) adds, sorted.
    pub fn added_lines(&self, old: Option<ObjectId>, new: ObjectId) -> Result<Vec<u64>> {
        let new_blob = self
            .repo
            .find_blob(new.0)
            .map_err(Error::git("read blob"))?;
        let Some(old) = old else {
            let content = new_blob.content();
            let mut count = memchr::memchr_iter(b'\n', content).count() as u64;
            if content.last().is_some_and(|&b| b != b'\n') {
                count += 1;
            }
            return Ok((1..=count).collect());
        };
        let old_blob = self
            .repo
            .find_blob(old.0)
            .map_err(Error::git("read blob"))?;
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0).force_text(true);
        let patch = git2::Patch::from_blobs(&old_blob, None, &new_blob, None, Some(&mut opts))
            .map_err(Error::git("diff blobs"))?;
        let mut lines = Vec::new();
        for hunk in 0..patch.num_hunks() {
            let count = patch
                .num_lines_in_hunk(hunk)
                .map_err(Error::git("diff blobs"))?;
            for i in 0..count {
                let line = patch
                    .line_in_hunk(hunk, i)
                    .map_err(Error::git("diff blobs"))?;
                if line.origin() == '+' {
                    if let Some(n) = line.new_lineno() {
                        lines.push(u64::from(n));
                    }
                }
            }
        }
        lines.sort_unstable();
        Ok(lines)
    }
}

/// Tunes libgit2 for a history walk, which reads each tree once or twice: no object cache (its
/// bookkeeping cost more than the re-reads it saved, and it grows to 256 MB), no re-hashing of
/// objects on read (as `git` itself does not; 5% of the walk), and pack files mapped in 8 MB
/// windows up to 32 MB instead of whole.
fn tune_for_history() {
    git2::opts::enable_caching(false);
    git2::opts::strict_hash_verification(false);
    // SAFETY: plain size options, set before this process's walk reads any pack.
    unsafe {
        let _ = git2::opts::set_mwindow_size(8 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(32 << 20);
    }
}

thread_local! {
    /// One repository handle per thread that compares trees: opening one per run of commits
    /// would map the pack files again each time.
    static THREAD_REPO: std::cell::RefCell<Option<(PathBuf, Repository)>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's handle on the repository at `git_dir`, opened on first use.
fn with_thread_repo<R>(git_dir: &Path, f: impl FnOnce(&Repository) -> Result<R>) -> Result<R> {
    THREAD_REPO.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
            let repo = Repository::open(git_dir).map_err(Error::git("open repository"))?;
            *slot = Some((git_dir.to_path_buf(), repo));
        }
        f(&slot.as_ref().expect("just opened").1)
    })
}

/// Tree comparison for a history walk. Consecutive commits share most of their trees, so the
/// trees read last are kept (a bounded number) instead of being inflated again for the next
/// commit.
struct TreeDiff<'r> {
    repo: &'r Repository,
    cache: HashMap<git2::Oid, git2::Tree<'r>>,
    order: VecDeque<git2::Oid>,
}

impl<'r> TreeDiff<'r> {
    /// Trees kept: the directories a walk's recent commits touched.
    const KEEP: usize = 1024;

    /// The regular files whose content differs between the trees `old` (the empty tree when
    /// `None`) and `new`, in path order, appended to `out`. No file content is read.
    fn changes(
        &mut self,
        new: ObjectId,
        old: Option<ObjectId>,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        let new = self.tree(new.0)?;
        let old = old.map(|o| self.tree(o.0)).transpose()?;
        let mut prefix = Vec::new();
        self.diff_trees(old.as_ref(), Some(&new), &mut prefix, out)
    }

    fn tree(&mut self, id: git2::Oid) -> Result<git2::Tree<'r>> {
        if let Some(t) = self.cache.get(&id) {
            return Ok(t.clone());
        }
        let tree = self.repo.find_tree(id).map_err(Error::git("read tree"))?;
        if self.order.len() == Self::KEEP {
            if let Some(old) = self.order.pop_front() {
                self.cache.remove(&old);
            }
        }
        self.cache.insert(id, tree.clone());
        self.order.push_back(id);
        Ok(tree)
    }

    /// Compares two trees entry by entry, descending only into subtrees whose ids differ: the
    /// cost follows the size of the change, not of the tree.
    fn diff_trees(
        &mut self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        fn entries<'t>(t: Option<&'t git2::Tree<'_>>) -> Vec<Entry<'t>> {
            t.map(|t| t.iter().map(Entry).collect()).unwrap_or_default()
        }
        let (a, b) = (entries(old), entries(new));
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let order = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.cmp_name(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (x, y) = match order {
                std::cmp::Ordering::Less => (a.get(i), None),
                std::cmp::Ordering::Greater => (None, b.get(j)),
                std::cmp::Ordering::Equal => (a.get(i), b.get(j)),
            };
            if x.is_some() {
                i += 1;
            }
            if y.is_some() {
                j += 1;
            }
            if let (Some(x), Some(y)) = (x, y) {
                if x.id() == y.id() && x.mode() == y.mode() {
                    continue;
                }
            }
            let name = x.or(y).expect("one side").name();
            let len = prefix.len();
            prefix.extend_from_slice(name);
            let name_len = name.len();
            let (old_tree, new_tree) = (
                x.filter(|e| e.is_tree())
                    .map(|e| self.tree(e.id()))
                    .transpose()?,
                y.filter(|e| e.is_tree())
                    .map(|e| self.tree(e.id()))
                    .transpose()?,
            );
            if old_tree.is_some() || new_tree.is_some() {
                prefix.push(b'/');
                self.diff_trees(old_tree.as_ref(), new_tree.as_ref(), prefix, out)?;
            }
            let blob = |e: Option<&Entry<'_>>| {
                e.filter(|e| is_regular(e.mode())).map(|e| ObjectId(e.id()))
            };
            let (old, new) = (blob(x), blob(y));
            if (old.is_some() || new.is_some()) && old != new {
                prefix.truncate(len + name_len);
                out.push(FileChange {
                    path: prefix.clone(),
                    old,
                    new,
                });
            }
            prefix.truncate(len);
        }
        Ok(())
    }
}

/// Reads blobs by id, one reader per thread (git2 handles are not shared between threads).
pub struct BlobReader {
    repo: Repository,
}

impl BlobReader {
    pub fn open(git_dir: &Path) -> Result<BlobReader> {
        Ok(BlobReader {
            repo: Repository::open(git_dir).map_err(Error::git("open repository"))?,
        })
    }

    /// Calls `f` with the content of blob `id`.
    pub fn with_blob<R>(&self, id: ObjectId, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
        let blob = self.repo.find_blob(id.0).map_err(Error::git("read blob"))?;
        Ok(f(blob.content()))
    }
}

/// `seconds` since the epoch at UTC offset `offset` (minutes), as RFC 3339.
pub fn rfc3339(seconds: i64, offset: i32) -> String {
    let local = seconds + i64::from(offset) * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        off / 60,
        off % 60
    )
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

    #[test]
    fn rfc3339_dates() {
        let cases: &[(i64, i32, &str)] = &[
            (0, 0, "1970-01-01T00:00:00+00:00"),
            (1_700_000_000, 60, "2023-11-14T23:13:20+01:00"),
            (1_709_164_800, -300, "2024-02-28T19:00:00-05:00"),
            (951_782_400, 0, "2000-02-29T00:00:00+00:00"),
        ];
        for &(s, o, want) in cases {
            assert_eq!(rfc3339(s, o), want, "{s} {o}");
        }
    }
}
