//! The commit walk, tree changes and commit metadata for `--history`, by libgit2; the `git`
//! command's faster answers (see `batch`) are used when there is one.

use super::batch;
use super::commit::{rfc3339, CommitMeta, CommitNode, FileChange, Tips};
use super::object::{is_scanned_blob_mode, is_tree_mode, ObjectId};
use super::repo::Repo;
use crate::error::{Error, Result};
use git2::Repository;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

/// A tree entry, borrowed from its tree (no copy of its name).
struct Entry<'t>(git2::TreeEntry<'t>);

impl Entry<'_> {
    fn name(&self) -> &[u8] {
        self.0.name_bytes()
    }

    fn id(&self) -> git2::Oid {
        self.0.id()
    }

    fn mode(&self) -> u32 {
        self.0.filemode() as u32
    }

    fn is_tree(&self) -> bool {
        is_tree_mode(self.mode())
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
    /// children (ties by commit date, oldest first).
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
        let all = *tips == Tips::All;
        let hide = since
            .iter()
            .map(|rev| self.resolve_commit(rev, "--since"))
            .collect::<Result<Vec<_>>>()?;
        if starts.is_empty() && !all {
            return Ok(Vec::new());
        }
        if let Some(commits) = batch::rev_list(self.git_dir(), &starts, all, &hide)? {
            return Ok(commits);
        }

        // No `git` command: libgit2's walk, in the same order.
        let mut walk = self.repo.revwalk().map_err(Error::git("walk history"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)
            .map_err(Error::git("walk history"))?;
        for id in starts {
            walk.push(id).map_err(Error::git("walk history"))?;
        }
        if all {
            walk.push_glob("*").map_err(Error::git("walk every ref"))?;
        }
        for &id in &hide {
            walk.hide(id).map_err(Error::git("walk history"))?;
        }
        let ids = walk
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::git("walk history"))?;
        // The walk has parsed each commit but does not hand its parents out: read them again,
        // on every core.
        use rayon::prelude::*;
        let git_dir = self.git_dir();
        ids.par_iter()
            .map(|&id| {
                with_thread_repo(git_dir, |repo| {
                    let commit = repo.find_commit(id).map_err(Error::git("read commit"))?;
                    Ok(CommitNode {
                        id: ObjectId(id),
                        tree: ObjectId(commit.tree_id()),
                        parents: commit.parent_ids().map(ObjectId).collect(),
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
                e.filter(|e| is_scanned_blob_mode(e.mode()))
                    .map(|e| ObjectId(e.id()))
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
