//! Tests of `commit_walk`: its order and set against `git rev-list` itself.

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

#[test]
fn a_walk_with_hidden_commits_stops_near_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let mut ids: Vec<String> = Vec::new();
    for n in 0..150 {
        let parents: Vec<String> = ids.last().cloned().into_iter().collect();
        ids.push(commit_at(dir, &parents, 1_600_000_000 + n as u64 * 60, n));
    }
    git(dir, &["update-ref", "refs/heads/main", &ids[149]]);
    git(dir, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    let repo = Repo::discover(dir).unwrap().unwrap();
    let tips = [oid(&ids[149])];
    let mut commits = Commits::new(&repo, false).unwrap();
    let shown = limited(&mut commits, &tips, &[oid(&ids[140])]).unwrap();
    assert_eq!(shown.len(), 9);
    assert!(commits.read_alone < 30, "read {}", commits.read_alone);
    // A commit both given and hidden: nothing.
    let mut commits = Commits::new(&repo, false).unwrap();
    assert!(limited(&mut commits, &tips, &tips).unwrap().is_empty());
    assert_eq!(
        rev_list(dir, &[&ids[149], &format!("^{}", ids[149])]).len(),
        0
    );
}
