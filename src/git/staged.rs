//! The staged change: what the index adds or changes relative to `HEAD` (or to the empty tree
//! before the first commit), from the parsed index's cache tree when it can, from libgit2's diff
//! otherwise; and the lines a change adds.

use super::index_file::{self, CacheTree, IndexFile};
use super::object::{
    canonical_mode, is_gitlink_mode, is_scanned_blob_mode, is_tree_mode, same_mode_kind, ObjectId,
};
use super::path::path_from_git;
use super::repo::Repo;
use crate::error::{Error, Result};
use std::path::PathBuf;

impl Repo {
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
            if !is_scanned_blob_mode(new.mode().into()) {
                continue;
            }
            let Some(path) = new.path_bytes() else {
                continue;
            };
            let old = delta.old_file();
            let old_is_file =
                old.exists() && is_scanned_blob_mode(old.mode().into()) && !old.id().is_zero();
            out.push(IndexChange {
                path: path_from_git(path),
                old_path: match status {
                    ChangeStatus::Renamed | ChangeStatus::Copied => {
                        old.path_bytes().map(path_from_git)
                    }
                    _ => None,
                },
                status,
                blob: ObjectId(new.id()),
                old_blob: old_is_file.then(|| ObjectId(old.id())),
            });
        }
        Ok(out)
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
                    Some((mode, id)) if is_tree_mode(mode) => Some(id),
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
                Some((mode, _)) if is_tree_mode(mode) => {
                    self.deleted = true; // a folder that became a file
                    self.add(path, entry, None);
                }
                Some((mode, id)) if canonical_mode(mode) == canonical_mode(entry.mode) => {
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
                self.to_libgit2 |= is_gitlink_mode(*mode);
            }
        }
        Ok(())
    }

    /// `entry` (at `path`) is added (`old` is `None`) or changed from `old` (mode and id in
    /// `HEAD`).
    fn add(&mut self, path: &[u8], entry: &index_file::Entry, old: Option<(u32, git2::Oid)>) {
        if is_gitlink_mode(entry.mode) || old.is_some_and(|(mode, _)| is_gitlink_mode(mode)) {
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
            Some((mode, _)) if !same_mode_kind(mode, entry.mode) => ChangeStatus::TypeChanged,
            Some(_) => ChangeStatus::Modified,
        };
        if !is_scanned_blob_mode(entry.mode) {
            return; // a symbolic link adds no file content
        }
        self.out.push(IndexChange {
            path: path_from_git(path),
            old_path: None,
            status,
            blob: ObjectId(id),
            old_blob: old
                .filter(|(mode, id)| is_scanned_blob_mode(*mode) && !id.is_zero())
                .map(|(_, id)| ObjectId(id)),
        });
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
    pub blob: ObjectId,
    /// The content in `HEAD`, when the path (or the rename source) was a regular file there.
    pub old_blob: Option<ObjectId>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::git;
    use std::path::Path;

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
        // Six files and the symbolic link, whose target text is content too.
        assert_eq!(first.len(), 7);
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
}
