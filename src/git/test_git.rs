//! Test helpers: `git` itself run in a temporary repository, to build histories and to check
//! keygate's readings of them against Git's own.

use super::object::ObjectId;
use std::path::Path;

/// Runs git in `dir` with a clean configuration and environment; its standard output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    out.stdout
}

/// A new repository in `dir` with an author set.
pub(crate) fn init(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.name", "t"]);
    git(dir, &["config", "user.email", "t@example.com"]);
}

/// Writes `files` (making their folders) and commits everything.
pub(crate) fn commit(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "v", "--no-verify"]);
}

/// An id git printed.
pub(crate) fn oid(hex: &str) -> ObjectId {
    ObjectId(git2::Oid::from_str(hex.trim()).unwrap())
}

/// Every object of type `kind` (`blob`, `tree`, `commit`) reachable in the repository.
pub(crate) fn objects(dir: &Path, kind: &str) -> Vec<ObjectId> {
    let listed = git(dir, &["rev-list", "--objects", "--all"]);
    let listed = String::from_utf8(listed).unwrap();
    listed
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .filter(|id| git(dir, &["cat-file", "-t", id]) == format!("{kind}\n").as_bytes())
        .map(oid)
        .collect()
}

/// A repository whose file versions are deltas of each other in one pack, plus one version
/// committed after the repack (a loose object).
pub(crate) fn repacked_repo() -> (tempfile::TempDir, ObjectId) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let mut lines: Vec<String> = (0..400).map(|i| format!("line {i} of a file\n")).collect();
    let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    for v in 0..30 {
        lines[v * 13 % 400] = format!("changed in version {v}\n");
        lines.push(format!("added in version {v}\n"));
        let text = lines.concat();
        let mut bin = binary.clone();
        bin[v * 100] ^= 0xff;
        commit(dir, &[("a.txt", text.as_bytes()), ("b.bin", &bin)]);
    }
    git(dir, &["repack", "-adfq", "--window=50", "--depth=50"]);
    commit(dir, &[("a.txt", b"after the repack\n")]);
    let loose = git(dir, &["rev-parse", "HEAD:a.txt"]);
    (tmp, oid(&String::from_utf8(loose).unwrap()))
}
