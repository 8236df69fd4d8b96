//! Object ids, file modes, and reading blobs by id.

use crate::error::{Error, Result};
use git2::Repository;
use std::io::Read;
use std::path::Path;

/// A Git object id (commit, tree or blob). Opaque outside `git`, so that git2 types stay here.
#[derive(Clone, Copy, Debug)]
pub struct ObjectId(pub(super) git2::Oid);

// Compared and hashed by its bytes, in Rust: git2's own comparisons are calls into libgit2 that
// cannot be inlined, and a history audit compares ids in every map and set it keeps.
impl PartialEq for ObjectId {
    fn eq(&self, other: &ObjectId) -> bool {
        self.0.as_bytes() == other.0.as_bytes()
    }
}

impl Eq for ObjectId {}

impl std::hash::Hash for ObjectId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_bytes().hash(state);
    }
}

impl PartialOrd for ObjectId {
    fn partial_cmp(&self, other: &ObjectId) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ObjectId {
    fn cmp(&self, other: &ObjectId) -> std::cmp::Ordering {
        self.0.as_bytes().cmp(other.0.as_bytes())
    }
}

impl ObjectId {
    /// The id written as 40 hexadecimal digits, as Git writes ids in commits and tags.
    pub(crate) fn from_hex(hex: &[u8]) -> Option<ObjectId> {
        let hex = std::str::from_utf8(hex).ok()?;
        if hex.len() != 40 {
            return None;
        }
        git2::Oid::from_str(hex).ok().map(ObjectId)
    }

    /// A distinct id for tests that need ids but no repository.
    #[cfg(test)]
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

/// The bits of a Git file mode that say what kind of entry it is, and the kinds keygate tells
/// apart (the rest is a regular file's permissions).
const MODE_KIND: u32 = 0o170000;
const MODE_TREE: u32 = 0o040000;
const MODE_FILE: u32 = 0o100000;
const MODE_GITLINK: u32 = 0o160000;

/// A regular file (`100644`, `100755`, `100664`): not a folder, a symbolic link (`120000`) or a
/// submodule.
pub fn is_regular_file_mode(mode: u32) -> bool {
    mode & MODE_KIND == MODE_FILE
}

const MODE_SYMLINK: u32 = 0o120000;

/// A blob whose content keygate scans: a regular file, or a symbolic link (its target's text is
/// its content, and can hold a secret like any file).
pub fn is_scanned_blob_mode(mode: u32) -> bool {
    is_regular_file_mode(mode) || mode & MODE_KIND == MODE_SYMLINK
}

/// A folder (a tree).
pub fn is_tree_mode(mode: u32) -> bool {
    mode & MODE_KIND == MODE_TREE
}

/// A gitlink: a submodule's commit.
pub fn is_gitlink_mode(mode: u32) -> bool {
    mode & MODE_KIND == MODE_GITLINK
}

/// Whether two modes are of the same kind, whatever a regular file's permissions.
pub(super) fn same_mode_kind(a: u32, b: u32) -> bool {
    a & MODE_KIND == b & MODE_KIND
}

/// A mode as Git compares it: regular files are 644 or 755.
pub(super) fn canonical_mode(mode: u32) -> u32 {
    match mode & MODE_KIND {
        MODE_FILE if mode & 0o111 != 0 => 0o100755,
        MODE_FILE => 0o100644,
        _ => mode,
    }
}

/// A blob's size in bytes, read from its header without inflating it.
pub(super) fn blob_size(repo: &Repository, id: git2::Oid) -> Result<u64> {
    let odb = repo.odb().map_err(Error::git("open object database"))?;
    let (size, _) = odb
        .read_header(id)
        .map_err(Error::git("read blob header"))?;
    Ok(size as u64)
}

/// Calls `f` with a blob's bytes (held in memory: use [`stream_blob`] for large ones).
pub(super) fn with_blob<T>(
    repo: &Repository,
    id: git2::Oid,
    f: impl FnOnce(&[u8]) -> T,
) -> Result<T> {
    let blob = repo.find_blob(id).map_err(Error::git("read blob"))?;
    Ok(f(blob.content()))
}

/// Calls `f` with a reader over a blob, in bounded memory: loose objects (what `git add` writes)
/// through libgit2's stream; packed objects, which libgit2 inflates whole, through
/// `git cat-file blob` (whole in memory only when there is no `git` command).
pub(super) fn stream_blob<T>(
    repo: &Repository,
    id: git2::Oid,
    f: impl FnOnce(&mut dyn Read) -> T,
) -> Result<T> {
    let odb = repo.odb().map_err(Error::git("open object database"))?;
    if let Ok((mut reader, _, _)) = odb.reader(id) {
        return Ok(f(&mut reader));
    }
    let child = std::process::Command::new("git")
        .env("GIT_DIR", repo.path())
        // Git streams a packed blob only above this size (512 MiB by default); below, it
        // inflates the blob whole.
        .args([
            "-c",
            "core.bigFileThreshold=1m",
            "cat-file",
            "blob",
            &id.to_string(),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return with_blob(repo, id, |bytes| f(&mut { bytes }));
    };
    let mut stdout = child.stdout.take().expect("piped");
    let out = f(&mut stdout);
    // Whatever `f` left unread, then the exit status: a cut stream is an error, not a pass.
    let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    let status = child.wait().map_err(|e| Error::io("git cat-file", e))?;
    if !status.success() {
        return Err(Error::io(
            "git cat-file",
            std::io::Error::other(format!("could not read blob {id} ({status})")),
        ));
    }
    Ok(out)
}

/// Reads blobs by id, one reader per thread (git2 handles are not shared between threads).
pub struct BlobReader {
    repo: Repository,
}

impl BlobReader {
    pub fn open(git_dir: &Path) -> Result<BlobReader> {
        Ok(BlobReader {
            repo: open_objects(git_dir)?,
        })
    }

    /// The size of blob `id`, from its header.
    pub fn size(&self, id: ObjectId) -> Result<u64> {
        blob_size(&self.repo, id.0)
    }

    /// Calls `f` with the content of blob `id`.
    pub fn with_blob<R>(&self, id: ObjectId, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
        with_blob(&self.repo, id.0, f)
    }
}

/// Opens the repository at `git_dir` for reading objects, seeing what Git's environment adds to
/// its object store: a push's objects in quarantine (`GIT_OBJECT_DIRECTORY`, as Git sets it for a
/// `pre-receive` hook) and `GIT_ALTERNATE_OBJECT_DIRECTORIES`. Every extra handle keygate opens
/// (one per thread) goes through here, so that each sees the objects the first one does.
pub(crate) fn open_objects(git_dir: &Path) -> Result<Repository> {
    let repo = Repository::open(git_dir).map_err(Error::git("open repository"))?;
    let mut dirs: Vec<std::ffi::OsString> = Vec::new();
    dirs.extend(std::env::var_os("GIT_OBJECT_DIRECTORY"));
    if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&alternates).map(|p| p.into_os_string()));
    }
    for dir in dirs.iter().filter(|d| !d.is_empty()) {
        let odb = repo.odb().map_err(Error::git("open object database"))?;
        odb.add_disk_alternate(&Path::new(dir).to_string_lossy())
            .map_err(Error::git("add an object directory"))?;
    }
    Ok(repo)
}
