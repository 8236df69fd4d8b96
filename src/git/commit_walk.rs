//! The commits a history audit visits, in `git rev-list --date-order --reverse`'s exact order,
//! read in-process: commits straight from the packs (libgit2 reads the others), without a `git`
//! process whose start and output took a tenth of an audit of cargo's history.
//!
//! The order matters: a secret is reported once, at the first commit in this order that has it,
//! so two branches adding the same line must credit the same commit whichever reader walks. Git
//! sorts parents after all their children, newest commit date first, ties in the order commits
//! were queued (tips: newest first, then in the order given; `--reverse` turns the whole around).
//!
//! With hidden commits (`--since`, a push's walk) it walks as Git's `limit_list` does, newest
//! first, stopping once only hidden commits are queued: a push reads the commits it brings, not
//! the history below them. Under heavy clock skew that may show an ancestor of a hidden commit,
//! as Git does without a commit-graph (with one, Git is exact). Replace refs and `info/grafts`
//! are not applied: the audit reads the objects as stored, which is what a push sends.

use super::commit::{parse_commit, CommitHeader, CommitNode};
use super::object::ObjectId;
use super::pack::{ObjectReader, COMMIT, TAG};
use super::repo::Repo;
use crate::error::{Error, Result};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// Commits are small: no commit's own size comes near this.
const LARGEST_COMMIT: u64 = 16 << 20;
/// Rebuilt commits kept as delta bases (Git rarely stores a commit as a delta).
const KEPT: usize = 1 << 20;

/// Reads commits: from the packs, else by libgit2; a shallow clone's boundary commits have no
/// parents, as for Git.
struct Commits<'r> {
    repo: &'r Repo,
    /// The commits the packs store first, read at once (see `pack::leading`).
    leading: HashMap<ObjectId, CommitHeader>,
    packed: ObjectReader<'r>,
    shallow: HashSet<ObjectId>,
    /// Commits read one by one, for tests of how far a walk reads.
    #[cfg_attr(not(test), allow(dead_code))]
    read_alone: usize,
}

impl<'r> Commits<'r> {
    /// A reader; with `bulk`, the commits the packs store first are read at once up front (for
    /// a walk that will read most of them).
    fn new(repo: &'r Repo, bulk: bool) -> Result<Commits<'r>> {
        let shallow = match std::fs::read(repo.common_dir().join("shallow")) {
            Ok(text) => parse_shallow(&text).ok_or_else(|| bad_file("shallow"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashSet::new(),
            Err(e) => return Err(Error::io("read .git/shallow", e)),
        };
        let leading = match bulk {
            true => repo
                .packs()
                .leading_commits(LARGEST_COMMIT, parse_commit)
                .into_iter()
                .collect(),
            false => HashMap::new(),
        };
        Ok(Commits {
            repo,
            leading,
            packed: ObjectReader::new(repo.packs(), KEPT, LARGEST_COMMIT),
            shallow,
            read_alone: 0,
        })
    }

    fn read(&mut self, id: ObjectId) -> Result<CommitHeader> {
        let not_commit = || {
            Error::io(
                "walk history",
                std::io::Error::other(format!("{id} is not a readable commit")),
            )
        };
        let read = match self.leading.remove(&id) {
            Some(parsed) => Some(parsed),
            None => self.read_one(id)?,
        };
        let mut parsed = read.ok_or_else(not_commit)?;
        if self.shallow.contains(&id) {
            parsed.parents.clear();
        }
        Ok(parsed)
    }

    /// Commit `id` read alone: `None` when it is not a commit.
    fn read_one(&mut self, id: ObjectId) -> Result<Option<CommitHeader>> {
        self.read_alone += 1;
        Ok(match self.raw(id)? {
            (COMMIT, raw) => parse_commit(&raw),
            _ => None,
        })
    }

    /// The type and content of object `id`, from the packs or else libgit2 (type 0 and no
    /// content for a tree or a blob, which the walk never reads).
    fn raw(&mut self, id: ObjectId) -> Result<(u8, Arc<Vec<u8>>)> {
        if let Some(object) = self.packed.read(id) {
            return Ok(object);
        }
        let odb = self.repo.git2().odb().map_err(Error::git("walk history"))?;
        let (_, kind) = odb.read_header(id.0).map_err(Error::git("walk history"))?;
        let kind = match kind {
            git2::ObjectType::Commit => COMMIT,
            git2::ObjectType::Tag => TAG,
            _ => return Ok((0, Arc::default())),
        };
        let object = odb.read(id.0).map_err(Error::git("walk history"))?;
        Ok((kind, Arc::new(object.data().to_vec())))
    }

    /// The commit a ref's target `id` names, through any tags; `None` for a tree or a blob (Git's
    /// `--all` leaves those refs out). A target that cannot be read, or a tag that does not
    /// parse, is an error, as for Git (`bad object`).
    fn peel(&mut self, mut id: ObjectId) -> Result<Option<ObjectId>> {
        let bad = |id: ObjectId| {
            Error::io(
                "walk history",
                std::io::Error::other(format!("a ref names {id}, a tag that does not parse")),
            )
        };
        for _ in 0..MAX_TAG_DEPTH {
            if self.leading.contains_key(&id) {
                return Ok(Some(id));
            }
            match self.raw(id)? {
                (COMMIT, _) => return Ok(Some(id)),
                (TAG, raw) => {
                    id = raw
                        .strip_prefix(b"object ")
                        .and_then(|line| ObjectId::from_hex(line.get(..40)?))
                        .ok_or_else(|| bad(id))?;
                }
                _ => return Ok(None),
            }
        }
        Err(bad(id))
    }
}

/// Tags of tags deeper than this are taken for a loop.
const MAX_TAG_DEPTH: usize = 64;

fn bad_file(name: &str) -> Error {
    Error::io(
        "walk history",
        std::io::Error::other(format!(".git/{name} is not a list of commit ids")),
    )
}

fn parse_shallow(text: &[u8]) -> Option<HashSet<ObjectId>> {
    text.split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(ObjectId::from_hex)
        .collect()
}

impl Repo {
    /// The commits reachable from `tips` and from none of `hide`, parents before children, in
    /// `git rev-list --date-order --reverse TIPS ^HIDE`'s order; `tips` in the order Git
    /// would queue them (repeats are ignored), and those of `refs` (ref targets: tags are peeled,
    /// refs to anything but a commit left out) after them.
    pub(super) fn walk_commits(
        &self,
        tips: &[ObjectId],
        refs: &[ObjectId],
        hide: &[ObjectId],
    ) -> Result<Vec<CommitNode>> {
        let mut commits = Commits::new(self, hide.is_empty())?;
        let mut tips = tips.to_vec();
        for &id in refs {
            tips.extend(commits.peel(id)?);
        }
        let tips = &tips[..];

        // Every commit to show, with its parents and date.
        let nodes = match hide.is_empty() {
            true => reachable(&mut commits, tips)?,
            false => limited(&mut commits, tips, hide)?,
        };
        let index: HashMap<ObjectId, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        // Children not yet shown, by commit (a parent named twice counts twice, as in Git).
        let mut waiting = vec![0u32; nodes.len()];
        for (_, parsed) in &nodes {
            for p in &parsed.parents {
                if let Some(&i) = index.get(p) {
                    waiting[i] += 1;
                }
            }
        }

        // The tips no other commit shown has as a parent, newest first, ties in the order
        // given: the first entries of Git's queue.
        let mut first: Vec<usize> = Vec::new();
        let mut taken = HashSet::new();
        for tip in tips {
            if let Some(&i) = index.get(tip) {
                if waiting[i] == 0 && taken.insert(i) {
                    first.push(i);
                }
            }
        }
        first.sort_by_key(|&i| Reverse(nodes[i].1.date));

        // Git's queue: newest commit date out first, ties in the order queued.
        let mut queue: BinaryHeap<(u64, Reverse<u64>, usize)> = BinaryHeap::new();
        let mut queued = 0u64;
        let mut put = |queue: &mut BinaryHeap<_>, i: usize| {
            queue.push((nodes[i].1.date, Reverse(queued), i));
            queued += 1;
        };
        for i in first {
            put(&mut queue, i);
        }
        let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
        while let Some((_, _, i)) = queue.pop() {
            for p in &nodes[i].1.parents {
                if let Some(&j) = index.get(p) {
                    waiting[j] -= 1;
                    if waiting[j] == 0 {
                        put(&mut queue, j);
                    }
                }
            }
            order.push(i);
        }
        if order.len() != nodes.len() {
            // Only a cycle of commits (not buildable with real hashes) leaves some unqueued.
            return Err(Error::io(
                "walk history",
                std::io::Error::other("the commits' parents form a cycle"),
            ));
        }

        let mut nodes: Vec<Option<(ObjectId, CommitHeader)>> =
            nodes.into_iter().map(Some).collect();
        Ok(order
            .into_iter()
            .rev()
            .map(|i| {
                let (id, parsed) = nodes[i].take().expect("each commit is shown once");
                CommitNode {
                    id,
                    tree: parsed.tree,
                    parents: parsed.parents,
                }
            })
            .collect())
    }
}

/// Every commit reachable from `from`, once each.
fn reachable(commits: &mut Commits, from: &[ObjectId]) -> Result<Vec<(ObjectId, CommitHeader)>> {
    let mut out = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut todo: Vec<ObjectId> = from.iter().rev().copied().collect();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let parsed = commits.read(id)?;
        todo.extend(parsed.parents.iter().rev().copied());
        out.push((id, parsed));
    }
    Ok(out)
}

/// A commit of a [`limited`] walk, and whether a hidden commit reaches it.
struct Node {
    id: ObjectId,
    head: CommitHeader,
    hidden: bool,
}

/// Commits still queued once only hidden ones are: Git's `SLOP`, a margin for clock skew.
const SLOP: u32 = 5;

/// The commits reachable from `tips` and not from `hide`, walked as Git's `limit_list` does:
/// newest first, hidden commits passing their mark to their parents, until only hidden commits
/// are queued (give or take [`SLOP`]). A push's walk stops at the commits the remote has,
/// instead of reading the whole history below them.
fn limited(
    commits: &mut Commits,
    tips: &[ObjectId],
    hide: &[ObjectId],
) -> Result<Vec<(ObjectId, CommitHeader)>> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut at: HashMap<ObjectId, usize> = HashMap::new();
    let mut queue: BinaryHeap<(u64, Reverse<u64>, usize)> = BinaryHeap::new();
    let mut queued = 0u64;
    // Git's queue starts as the given commits sorted by date, ties in the order given.
    let mut first: Vec<usize> = Vec::new();
    for &id in tips.iter().chain(hide) {
        if at.contains_key(&id) {
            continue;
        }
        // A commit both given and hidden is hidden (`X ^X` shows nothing).
        let hidden = hide.contains(&id);
        let head = commits.read(id)?;
        at.insert(id, nodes.len());
        first.push(nodes.len());
        nodes.push(Node { id, head, hidden });
    }
    first.sort_by_key(|&i| Reverse(nodes[i].head.date));
    for i in first {
        queue.push((nodes[i].head.date, Reverse(queued), i));
        queued += 1;
    }

    let mut shown: Vec<usize> = Vec::new();
    let mut last_date = u64::MAX;
    let mut slop = SLOP;
    while let Some((_, _, i)) = queue.pop() {
        let hidden = nodes[i].hidden;
        for p in nodes[i].head.parents.clone() {
            if let Some(&j) = at.get(&p) {
                if hidden {
                    hide_from(&mut nodes, &at, j);
                }
                continue;
            }
            // A hidden commit's parent that cannot be read is passed over, as by Git.
            let head = match commits.read(p) {
                Ok(head) => head,
                Err(_) if hidden => continue,
                Err(e) => return Err(e),
            };
            at.insert(p, nodes.len());
            queue.push((head.date, Reverse(queued), nodes.len()));
            queued += 1;
            nodes.push(Node {
                id: p,
                head,
                hidden,
            });
        }
        if hidden {
            // Git's `still_interesting`.
            let Some(&(newest, _, _)) = queue.peek() else {
                break;
            };
            slop = if last_date <= newest || queue.iter().any(|&(_, _, k)| !nodes[k].hidden) {
                SLOP
            } else {
                slop - 1
            };
            if slop == 0 {
                break;
            }
            continue;
        }
        last_date = nodes[i].head.date;
        shown.push(i);
    }
    let keep: HashSet<usize> = shown.into_iter().filter(|&i| !nodes[i].hidden).collect();
    Ok(nodes
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, n)| (n.id, n.head))
        .collect())
}

/// Marks commit `j` hidden, and every commit below it already read (Git's
/// `mark_parents_uninteresting`).
fn hide_from(nodes: &mut [Node], at: &HashMap<ObjectId, usize>, j: usize) {
    let mut todo = vec![j];
    while let Some(k) = todo.pop() {
        if nodes[k].hidden {
            continue;
        }
        nodes[k].hidden = true;
        todo.extend(
            nodes[k]
                .head
                .parents
                .iter()
                .filter_map(|p| at.get(p).copied()),
        );
    }
}

#[cfg(test)]
#[path = "commit_walk_tests.rs"]
mod tests;
