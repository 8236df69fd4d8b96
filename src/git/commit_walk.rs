//! The commits a history audit visits, in `git rev-list --date-order --reverse`'s exact order,
//! read in-process: commits straight from the packs (libgit2 reads the others), without a `git`
//! process whose start and output took a tenth of an audit of cargo's history.
//!
//! The order matters: a secret is reported once, at the first commit in this order that has it,
//! so two branches adding the same line must credit the same commit whichever reader walks. Git
//! sorts parents after all their children, newest commit date first, ties in the order commits
//! were queued (tips: newest first, then in the order given; `--reverse` turns the whole around).
//!
//! Where it knowingly differs from Git: replace refs and `info/grafts` are not applied (the audit
//! reads the objects as stored, which is what a push sends); `--since` hides exactly what the
//! hidden commits reach, where Git without a commit-graph may stop early under clock skew and
//! show an ancestor; an unreadable ancestor of a hidden commit is an error here.

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
}

impl<'r> Commits<'r> {
    fn new(repo: &'r Repo) -> Result<Commits<'r>> {
        let shallow = match std::fs::read(repo.common_dir().join("shallow")) {
            Ok(text) => parse_shallow(&text).ok_or_else(|| bad_file("shallow"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashSet::new(),
            Err(e) => return Err(Error::io("read .git/shallow", e)),
        };
        let leading = repo
            .packs()
            .leading_commits(LARGEST_COMMIT, parse_commit)
            .into_iter()
            .collect();
        Ok(Commits {
            repo,
            leading,
            packed: ObjectReader::new(repo.packs(), KEPT, LARGEST_COMMIT),
            shallow,
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
        let mut commits = Commits::new(self)?;
        let mut tips = tips.to_vec();
        for &id in refs {
            tips.extend(commits.peel(id)?);
        }
        let tips = &tips[..];
        let hidden = reachable(&mut commits, hide, &HashSet::new(), |_, _| ())?;

        // Every commit to show, with its parents and date.
        let mut nodes: Vec<(ObjectId, CommitHeader)> = Vec::new();
        reachable(&mut commits, tips, &hidden, |id, parsed| {
            nodes.push((id, parsed))
        })?;
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

/// Every commit reachable from `from` and not in `stop`, each handed to `found` once; the set
/// of them.
fn reachable(
    commits: &mut Commits,
    from: &[ObjectId],
    stop: &HashSet<ObjectId>,
    mut found: impl FnMut(ObjectId, CommitHeader),
) -> Result<HashSet<ObjectId>> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut todo: Vec<ObjectId> = from.iter().rev().copied().collect();
    while let Some(id) = todo.pop() {
        if stop.contains(&id) || !seen.insert(id) {
            continue;
        }
        let parsed = commits.read(id)?;
        todo.extend(parsed.parents.iter().rev().copied());
        found(id, parsed);
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::commit::Tips;
    use crate::git::test_git::{git, init, oid};
    use std::path::Path;

    /// `git commit-tree` of the empty tree with `parents`, committed at `date`: its id.
    fn commit_at(dir: &Path, parents: &[String], date: u64, n: usize) -> String {
        let mut args = vec!["commit-tree".to_string(), EMPTY_TREE.to_string()];
        for p in parents {
            args.extend(["-p".to_string(), p.clone()]);
        }
        args.extend(["-m".to_string(), format!("commit {n}")]);
        let out = std::process::Command::new("git")
            .args(&args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_COMMITTER_DATE", format!("{date} +0000"))
            .env("GIT_AUTHOR_DATE", "1000000000 +0000")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    /// A history drawn from `seed`: roots, merges of two and three, dates from a few values (many
    /// ties, children older than parents), branches, tags and a detached `HEAD`.
    fn random_history(dir: &Path, seed: u64) -> Vec<String> {
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        init(dir);
        git(dir, &["mktree"]);
        let mut ids: Vec<String> = Vec::new();
        for n in 0..40 {
            let parents = match (ids.len(), next(20)) {
                (0, _) | (_, 0) => 0,
                (len, 1..=3) if len >= 2 => 2,
                (len, 4) if len >= 3 => 3,
                _ => 1,
            };
            let mut chosen: Vec<String> = Vec::new();
            while chosen.len() < parents {
                // Mostly a recent commit, sometimes any.
                let len = ids.len() as u64;
                let pick = if next(3) == 0 {
                    next(len)
                } else {
                    len - 1 - next(len.min(4))
                };
                let id = ids[pick as usize].clone();
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            let date = 1_600_000_000 + next(6) * 100;
            ids.push(commit_at(dir, &chosen, date, n));
            match next(8) {
                0 => drop(git(dir, &["branch", &format!("b{n}"), &ids[n]])),
                1 => drop(git(dir, &["tag", &format!("t{n}"), &ids[n]])),
                2 => drop(git(dir, &["tag", "-am", "x", &format!("a{n}"), &ids[n]])),
                _ => {}
            }
        }
        git(dir, &["tag", "tree-tag", EMPTY_TREE]);
        let head = &ids[20 + next(20) as usize];
        git(dir, &["update-ref", "refs/heads/main", head]);
        git(dir, &["symbolic-ref", "HEAD", "refs/heads/main"]);
        ids
    }

    /// `git rev-list --date-order --reverse --parents ARGS`: each commit with its parents.
    fn rev_list(dir: &Path, args: &[&str]) -> Vec<Vec<ObjectId>> {
        let mut all = vec!["rev-list", "--date-order", "--reverse", "--parents"];
        all.extend_from_slice(args);
        let out = String::from_utf8(git(dir, &all)).unwrap();
        out.lines()
            .map(|l| l.split(' ').map(oid).collect())
            .collect()
    }

    fn walked(repo: &Repo, tips: &Tips, since: &[String]) -> Vec<Vec<ObjectId>> {
        let commits = repo.history(tips, since).unwrap();
        commits
            .iter()
            .map(|c| {
                std::iter::once(c.id)
                    .chain(c.parents.iter().copied())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn walks_in_git_rev_lists_order_loose_packed_and_with_a_commit_graph() {
        for seed in 1..=6 {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            let ids = random_history(dir, seed);
            let head = String::from_utf8(git(dir, &["rev-parse", "HEAD"])).unwrap();
            let head = head.trim();
            let (a, b) = (&ids[33], &ids[17]);
            let hide = ids[25].clone();
            let check = |stage: &str| {
                let repo = Repo::discover(dir).unwrap().unwrap();
                let what = format!("seed {seed}, {stage}");
                let all = walked(&repo, &Tips::All, &[]);
                assert_eq!(all, rev_list(dir, &[head, "--all"]), "{what}: --all");
                assert!(all.len() >= 10, "{what}: {} commits", all.len());
                assert_eq!(
                    walked(&repo, &Tips::Head, &[]),
                    rev_list(dir, &[head]),
                    "{what}"
                );
                let revs = Tips::Revs(vec![a.clone(), b.clone()]);
                assert_eq!(walked(&repo, &revs, &[]), rev_list(dir, &[a, b]), "{what}");
                let since = [hide.clone()];
                let hidden = format!("^{hide}");
                assert_eq!(
                    walked(&repo, &Tips::All, &since),
                    rev_list(dir, &[head, "--all", &hidden]),
                    "{what}: --since"
                );
            };
            check("loose");
            git(dir, &["repack", "-adq"]);
            git(dir, &["prune-packed"]);
            check("packed");
            // A second pack and a loose commit on top, then Git's commit-graph, which switches
            // `git rev-list` to another algorithm (the order must not change).
            let top = commit_at(dir, &[ids[39].clone(), ids[5].clone()], 1_600_000_300, 99);
            git(dir, &["update-ref", "refs/heads/top", &top]);
            git(dir, &["repack", "-dq"]);
            commit_at(dir, std::slice::from_ref(&top), 1_600_000_200, 100);
            let last = commit_at(dir, &[top], 1_600_000_200, 101);
            git(dir, &["update-ref", "refs/heads/top", &last]);
            check("two packs and loose");
            git(dir, &["commit-graph", "write", "--reachable"]);
            check("commit-graph");
        }
    }

    #[test]
    fn a_shallow_clones_boundary_commits_have_no_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let origin = tmp.path().join("origin");
        std::fs::create_dir(&origin).unwrap();
        random_history(&origin, 7);
        let url = format!("file://{}", origin.display());
        git(
            tmp.path(),
            &[
                "clone",
                "-q",
                "--depth",
                "3",
                "--no-single-branch",
                &url,
                "shallow",
            ],
        );
        let dir = tmp.path().join("shallow");
        let head = String::from_utf8(git(&dir, &["rev-parse", "HEAD"])).unwrap();
        let repo = Repo::discover(&dir).unwrap().unwrap();
        let all = walked(&repo, &Tips::All, &[]);
        assert_eq!(all, rev_list(&dir, &[head.trim(), "--all"]));
        assert!(
            all.iter().any(|c| c.len() == 1),
            "a boundary commit with no parents"
        );
    }

    #[test]
    fn a_missing_parent_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let ids = random_history(dir, 3);
        let repo = Repo::discover(dir).unwrap().unwrap();
        assert!(repo.history(&Tips::All, &[]).is_ok());
        // The first commit, removed: its children name a commit that is not there.
        let path = dir
            .join(".git/objects")
            .join(&ids[0][..2])
            .join(&ids[0][2..]);
        std::fs::remove_file(path).unwrap();
        let repo = Repo::discover(dir).unwrap().unwrap();
        assert!(repo.history(&Tips::All, &[]).is_err());
    }

    #[test]
    fn a_ref_to_a_missing_object_is_an_error_and_a_ref_to_a_tree_is_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        random_history(dir, 5);
        let repo = Repo::discover(dir).unwrap().unwrap();
        // `random_history` tags the empty tree: left out, as by `git rev-list --all`.
        assert!(repo.history(&Tips::All, &[]).is_ok());
        std::fs::create_dir_all(dir.join(".git/refs/misc")).unwrap();
        std::fs::write(
            dir.join(".git/refs/misc/missing"),
            "1234567890123456789012345678901234567890\n",
        )
        .unwrap();
        let repo = Repo::discover(dir).unwrap().unwrap();
        assert!(repo.history(&Tips::All, &[]).is_err());
    }

    #[test]
    fn a_deleted_worktrees_head_is_walked_as_by_git() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("main");
        std::fs::create_dir(&dir).unwrap();
        let ids = random_history(&dir, 9);
        let side = tmp.path().join("side");
        let side_arg = side.to_str().unwrap();
        git(
            &dir,
            &["worktree", "add", "-q", "--detach", side_arg, &ids[3]],
        );
        // A commit only the worktree's detached HEAD reaches, then its folder deleted.
        let only = commit_at(&side, std::slice::from_ref(&ids[3]), 1_600_000_050, 77);
        git(&side, &["update-ref", "HEAD", &only]);
        std::fs::remove_dir_all(&side).unwrap();
        let head = String::from_utf8(git(&dir, &["rev-parse", "HEAD"])).unwrap();
        let repo = Repo::discover(&dir).unwrap().unwrap();
        let all = walked(&repo, &Tips::All, &[]);
        assert_eq!(all, rev_list(&dir, &[head.trim(), "--all"]));
        assert!(all.iter().any(|c| c[0].to_string() == only));
    }
}
