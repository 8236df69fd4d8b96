//! The commit walk's starting points, tree changes and commit metadata for `--history`: the walk
//! itself is `commit_walk`'s; tree changes from trees read straight from the packs (see
//! `tree_diff`, `pack`), libgit2 reading the others.

use super::commit::{rfc3339, CommitMeta, CommitNode, FileChange, Tips};
use super::object::{is_scanned_blob_mode, ObjectId};
use super::pack::{ObjectReader, TREE};
use super::repo::Repo;
use super::tree_diff::TreeDiff;
use crate::error::{Error, Result};
use git2::Repository;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Blobs up to this size are diffed in memory by [`Repo::added_lines`].
pub const DIFF_IN_MEMORY: u64 = 8 << 20;

impl Repo {
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

    /// The content of `path` (`/`-separated, from the root) in `HEAD`'s tree: `None` when there
    /// is no `HEAD` or no regular file there.
    pub fn head_file(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(head) = self.head_commit()? else {
            return Ok(None);
        };
        let tree = self.tree_of(head)?;
        let Ok(entry) = tree.get_path(std::path::Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(Error::git("read blob"))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Whether `rev` names a commit this repository has.
    pub fn has_commit(&self, rev: &str) -> bool {
        self.resolve_commit(rev, "revision").is_ok()
    }

    /// The commit each ref matching `glob` (`refs/remotes/*`) points to, tags peeled; refs to
    /// anything but a commit are left out.
    pub fn ref_targets(&self, glob: &str) -> Result<Vec<String>> {
        let refs = self
            .repo
            .references_glob(glob)
            .map_err(Error::git("list refs"))?;
        let mut out = Vec::new();
        for reference in refs {
            let reference = reference.map_err(Error::git("read a ref"))?;
            if let Ok(commit) = reference.peel_to_commit() {
                out.push(commit.id().to_string());
            }
        }
        Ok(out)
    }

    /// The commits reachable from `tips` and from none of the revisions `since`, parents before
    /// children, in `git rev-list --date-order --reverse`'s order (see `commit_walk`).
    pub fn history(&self, tips: &Tips, since: &[String]) -> Result<Vec<CommitNode>> {
        let mut starts: Vec<git2::Oid> = Vec::new();
        match tips {
            Tips::Head | Tips::All => starts.extend(self.head_commit()?.map(|h| h.0)),
            Tips::Branch(name) => {
                let branch = self
                    .repo
                    .find_branch(name, git2::BranchType::Local)
                    .or_else(|_| self.repo.find_branch(name, git2::BranchType::Remote));
                starts.push(match branch {
                    Ok(b) => b
                        .get()
                        .peel_to_commit()
                        .map_err(Error::git("resolve branch"))?
                        .id(),
                    Err(_) => self.resolve_commit(name, "branch")?,
                });
            }
            Tips::Revs(revs) => {
                for rev in revs {
                    starts.push(self.resolve_commit(rev, "revision")?);
                }
            }
        }
        let hide = since
            .iter()
            .map(|rev| self.resolve_commit(rev, "--since").map(ObjectId))
            .collect::<Result<Vec<_>>>()?;
        let starts: Vec<ObjectId> = starts.into_iter().map(ObjectId).collect();
        let refs = match tips {
            Tips::All => self.every_ref_target()?,
            _ => Vec::new(),
        };
        if starts.is_empty() && refs.is_empty() {
            return Ok(Vec::new());
        }
        self.walk_commits(&starts, &refs, &hide)
    }

    /// What `git rev-list --all` starts from, in the order it queues them: the target of every
    /// ref under `refs/`, by name (symbolic refs resolved, tags not peeled: the walk reads them
    /// with its own reader, where libgit2 would map the pack files a second time), then `HEAD`
    /// and every worktree's `HEAD` (repeats are ignored by the walk).
    fn every_ref_target(&self) -> Result<Vec<ObjectId>> {
        let mut refs: Vec<(Vec<u8>, ObjectId)> = Vec::new();
        for reference in self.repo.references().map_err(Error::git("list refs"))? {
            let reference = reference.map_err(Error::git("read a ref"))?;
            if !reference.name_bytes().starts_with(b"refs/") {
                continue;
            }
            // A symbolic ref to nowhere is left out, as Git leaves out broken refs.
            if let Some(id) = reference.resolve().ok().and_then(|r| r.target()) {
                refs.push((reference.name_bytes().to_vec(), ObjectId(id)));
            }
        }
        refs.sort();
        let mut out: Vec<ObjectId> = refs.into_iter().map(|(_, id)| id).collect();
        out.extend(self.head_commit()?);
        // The other worktrees' `HEAD`s, read from their files as Git does: a worktree whose
        // folder was deleted (prunable) still has one.
        let common = self.common_dir();
        let mut heads = vec![common.join("HEAD")];
        if let Ok(listing) = std::fs::read_dir(common.join("worktrees")) {
            let mut linked: Vec<PathBuf> = listing
                .map(|e| e.map(|e| e.path().join("HEAD")))
                .collect::<std::io::Result<_>>()
                .map_err(|e| Error::io("list worktrees", e))?;
            linked.sort();
            heads.extend(linked);
        }
        for head in heads {
            out.extend(self.head_file_target(&head)?);
        }
        Ok(out)
    }

    /// What the `HEAD` file at `path` names: a ref's target (`None` for an unborn branch) or a
    /// detached commit; `None` when there is no file.
    fn head_file_target(&self, path: &Path) -> Result<Option<ObjectId>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read a worktree's HEAD", e)),
        };
        let text = text.trim_end();
        if let Some(name) = text.strip_prefix("ref:") {
            return match self.repo.refname_to_id(name.trim()) {
                Ok(id) => Ok(Some(ObjectId(id))),
                Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                Err(e) => Err(Error::git("resolve a worktree's HEAD")(e)),
            };
        }
        ObjectId::from_hex(text.as_bytes())
            .map(Some)
            .ok_or_else(|| {
                Error::io(
                    "read a worktree's HEAD",
                    std::io::Error::other(format!("{} names no commit", path.display())),
                )
            })
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
    /// empty tree), in the order of `pairs`; `on_pair` is called as each pair is done. The pairs
    /// are compared on every core, in runs of consecutive pairs that share most of their trees.
    /// Trees are rebuilt from the packs in-process, each run keeping the trees it rebuilt last as
    /// the bases of the next (see [`ObjectReader`]): half the time two `git diff-tree` processes
    /// took, whose zlib is slower and whose output had to be parsed. A tree no pack holds alone
    /// (a loose object, an alternate's) is read by libgit2, which reports any damage. Like
    /// `git diff-tree`, the reader does not hash what it rebuilds again.
    pub fn tree_changes(
        &self,
        pairs: &[(ObjectId, Option<ObjectId>)],
        on_pair: &(dyn Fn() + Sync),
    ) -> Result<Vec<Vec<FileChange>>> {
        use rayon::prelude::*;
        /// Each run's rebuilt trees: the next commits' trees are a delta or two away (on cargo,
        /// 2 MB do as well as 32).
        const KEPT: usize = 4 << 20;
        /// No tree is larger (Git's own limit on one is far above any real directory).
        const LARGEST_TREE: u64 = 64 << 20;
        let git_dir = self.git_dir();
        let packs = self.packs();
        let run = pairs
            .len()
            .div_ceil(rayon::current_num_threads() * 8)
            .max(64);
        let runs: Vec<Result<Vec<Vec<FileChange>>>> = pairs
            .par_chunks(run)
            .map(|run| {
                let mut reader = ObjectReader::new(packs, KEPT, LARGEST_TREE);
                let mut trees = TreeDiff::new(|id: ObjectId| match reader.read(id) {
                    Some((TREE, raw)) => Ok(raw),
                    _ => read_tree(git_dir, id),
                });
                run.iter()
                    .map(|&(new, old)| {
                        let mut out = Vec::new();
                        trees.changes(new, old, &mut out)?;
                        on_pair();
                        Ok(out)
                    })
                    .collect()
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
            if is_scanned_blob_mode(entry.filemode() as u32)
                && entry.kind() == Some(git2::ObjectType::Blob)
            {
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

    /// The 1-based line numbers of `new` that a diff from `old` (nothing when `None`) adds, sorted;
    /// `None` when either blob is over [`DIFF_IN_MEMORY`] (not read whole: memory stays bounded).
    pub fn added_lines(&self, old: Option<ObjectId>, new: ObjectId) -> Result<Option<Vec<u64>>> {
        for id in std::iter::once(new).chain(old) {
            if super::object::blob_size(&self.repo, id.0)? > DIFF_IN_MEMORY {
                return Ok(None);
            }
        }
        self.added_lines_in_memory(old, new).map(Some)
    }

    fn added_lines_in_memory(&self, old: Option<ObjectId>, new: ObjectId) -> Result<Vec<u64>> {
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
            let repo = super::object::open_objects(git_dir)?;
            *slot = Some((git_dir.to_path_buf(), repo));
        }
        f(&slot.as_ref().expect("just opened").1)
    })
}

/// The raw tree `id`, read by libgit2.
fn read_tree(git_dir: &Path, id: ObjectId) -> Result<Arc<Vec<u8>>> {
    with_thread_repo(git_dir, |repo| {
        let odb = repo.odb().map_err(Error::git("read tree"))?;
        let object = odb.read(id.0).map_err(Error::git("read tree"))?;
        if object.kind() != git2::ObjectType::Tree {
            return Err(Error::Git {
                op: "read tree",
                source: git2::Error::from_str(&format!("{id} is not a tree")),
            });
        }
        Ok(Arc::new(object.data().to_vec()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::{commit, git, init, oid};

    /// `git diff-tree -r` between two trees, its scanned files only, as [`FileChange`]s.
    fn git_changes(dir: &Path, new: ObjectId, old: Option<ObjectId>) -> Vec<FileChange> {
        let empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_string();
        let old = old.map_or(empty, |o| o.to_string());
        let args = ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev"];
        let out = git(dir, &[&args[..], &[&old, &new.to_string()]].concat());
        let fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        let mut changes = Vec::new();
        for pair in fields.chunks(2).filter(|p| p.len() == 2) {
            let header = std::str::from_utf8(&pair[0][1..]).unwrap();
            let [old_mode, new_mode, old_id, new_id, _] = header.split(' ').collect::<Vec<_>>()[..]
            else {
                panic!("{header}")
            };
            let side = |mode: &str, id: &str| {
                is_scanned_blob_mode(u32::from_str_radix(mode, 8).unwrap()).then(|| oid(id))
            };
            let (old, new) = (side(old_mode, old_id), side(new_mode, new_id));
            if (old.is_some() || new.is_some()) && old != new {
                changes.push(FileChange {
                    path: pair[1].to_vec(),
                    old,
                    new,
                });
            }
        }
        changes
    }

    fn shape(changes: &[FileChange]) -> Vec<(String, Option<ObjectId>, Option<ObjectId>)> {
        let name = |p: &[u8]| String::from_utf8_lossy(p).into_owned();
        changes
            .iter()
            .map(|c| (name(&c.path), c.old, c.new))
            .collect()
    }

    /// Names around Git's tree order (`a` the file, `a-b`, `a.b`, `a/` the folder), a file that
    /// becomes a folder, a symbolic link, a submodule, a mode change, deletions, renames and a
    /// merge: every commit's changes, read from loose objects and then from a pack, are those
    /// `git diff-tree` gives.
    #[test]
    fn tree_changes_are_gits_loose_and_packed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        init(dir);
        let lines = |v: usize| -> Vec<u8> {
            (0..200)
                .map(|i| format!("line {i} of version {}\n", if i == v { v } else { 0 }))
                .collect::<String>()
                .into_bytes()
        };
        commit(dir, &[("a", b"file a"), ("a-b", b"x"), ("a.b", b"y")]);
        commit(
            dir,
            &[("src/deep/x.txt", &lines(1)), ("src/deep/y.txt", b"y")],
        );
        git(dir, &["rm", "-q", "a"]);
        commit(
            dir,
            &[
                ("a/inside.txt", b"now a folder"),
                ("src/deep/x.txt", &lines(2)),
            ],
        );
        std::os::unix::fs::symlink("a/inside.txt", dir.join("link")).unwrap();
        commit(dir, &[("é.txt", b"odd name")]);
        git(dir, &["update-index", "--chmod=+x", "a-b"]);
        let sub = git(dir, &["rev-parse", "HEAD"]);
        let sub = String::from_utf8(sub).unwrap();
        let cacheinfo = format!("160000,{},vendor/sub", sub.trim());
        git(dir, &["update-index", "--add", "--cacheinfo", &cacheinfo]);
        git(dir, &["commit", "-qm", "mode and submodule"]);
        // `a-b` and `a.b` sort before the folder `a` (as `a/`), after the file `a` it replaced.
        git(dir, &["rm", "-qf", "a-b", "a.b"]);
        commit(dir, &[("src/deep/y.txt", b"y2")]);
        git(dir, &["checkout", "-qb", "side"]);
        commit(dir, &[("src/deep/x.txt", &lines(3)), ("side.txt", b"s")]);
        git(dir, &["checkout", "-q", "-"]);
        git(dir, &["mv", "src/deep", "src/moved"]);
        commit(dir, &[("a.b", b"y2"), ("a-b", b"back")]);
        git(dir, &["merge", "-q", "--no-edit", "side"]);
        for v in 4..40 {
            commit(dir, &[("src/moved/x.txt", &lines(v))]);
        }

        let repo = Repo::discover(dir).unwrap().unwrap();
        let check = |what: &str| {
            let commits = repo.history(&Tips::All, &[]).unwrap();
            let pairs: Vec<(ObjectId, Option<ObjectId>)> = commits
                .iter()
                .map(|c| (c.tree, c.parents.first().map(|&p| repo.tree_id(p).unwrap())))
                .collect();
            let counted = std::sync::atomic::AtomicUsize::new(0);
            let got = repo
                .tree_changes(&pairs, &|| {
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                })
                .unwrap();
            assert_eq!(counted.into_inner(), pairs.len(), "{what}");
            let mut kinds = 0;
            for (&(new, old), got) in pairs.iter().zip(&got) {
                let want = git_changes(dir, new, old);
                assert_eq!(shape(got), shape(&want), "{what}: {new} against {old:?}");
                kinds += got
                    .iter()
                    .filter(|c| c.old.is_none() || c.new.is_none())
                    .count();
            }
            assert!(kinds >= 8, "{what}: additions and deletions seen: {kinds}");
        };
        check("loose");
        git(dir, &["repack", "-adfq", "--depth=50"]);
        git(dir, &["prune-packed"]);
        check("packed");
    }
}
