//! Rules 2, 3 and 9 as they show in `.env` files: every `.env` file ignored and untracked and
//! never committed, a template beside each one listing the same names, and no key defined that
//! nothing reads.

use super::model::{list, Verdict};
use super::tracked::TrackedFile;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::git::Repo;
use crate::hygiene::context::{EnvFile, RepoContext};
use crate::hygiene::parse;
use crate::hygiene::patterns::Kind;
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `.env` files ignored, untracked, and never in a commit (and credential files ignored and
/// untracked).
pub fn kept_out(repo: &Repo, ctx: &RepoContext, findings: &[Finding]) -> Result<Verdict> {
    const ID: &str = "env-kept-out";
    let now: Vec<String> = findings
        .iter()
        .filter(|f| {
            use crate::rules::env::{
                CREDENTIAL_NOT_IGNORED, CREDENTIAL_TRACKED, NOT_IGNORED, TRACKED,
            };
            // Credential files (`.netrc`, `id_rsa`, …) are kept out the same way.
            [
                TRACKED,
                NOT_IGNORED,
                CREDENTIAL_TRACKED,
                CREDENTIAL_NOT_IGNORED,
            ]
            .contains(&f.rule_id.as_str())
        })
        .map(|f| format!("{} ({})", f.file, f.rule_id))
        .collect();
    let committed = committed_env_files(repo, ctx)?;
    if now.is_empty() && committed.is_empty() {
        let count = ctx.files.iter().filter(|f| f.kind == Kind::Env).count();
        return Ok(Verdict::pass(
            ID,
            2,
            format!("{count} .env file(s), all ignored and untracked, and none in any commit"),
        ));
    }
    let mut message = Vec::new();
    let mut fix = Vec::new();
    if !now.is_empty() {
        message.push(format!("now: {}", list(&now)));
        fix.push("run `keygate fix` (adds the .gitignore lines, untracks the files)".to_string());
    }
    if !committed.is_empty() {
        let files: Vec<String> = committed
            .iter()
            .map(|(file, commits)| format!("{file} in {}", list(commits)))
            .collect();
        message.push(format!("committed in the history: {}", list(&files)));
        fix.push(
            "every key those files held is exposed for good: revoke and rotate each at its \
             provider, then consider rewriting history (git filter-repo)"
                .to_string(),
        );
    }
    Ok(Verdict::fail(ID, 2, message.join("; "), fix.join("; ")))
}

/// Each `.env` file (and credential file) ever added or changed by a commit, with the (short)
/// commits that did it.
fn committed_env_files(repo: &Repo, ctx: &RepoContext) -> Result<BTreeMap<String, Vec<String>>> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo.root())
        .args([
            "log",
            "--all",
            "--no-renames",
            "--diff-filter=AM",
            "--name-only",
            "-z",
            "--format=%x01%h",
        ])
        .output()
        .map_err(|e| Error::io("git log", e))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        // A repository without commits has no history to audit.
        if stderr.contains("does not have any commits") {
            return Ok(BTreeMap::new());
        }
        return Err(Error::Usage(format!(
            "git log failed: {}",
            stderr.lines().next().unwrap_or("")
        )));
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut commit = String::new();
    for field in output.stdout.split(|&b| b == 0) {
        let mut field = String::from_utf8_lossy(field).into_owned();
        if let Some(at) = field.find('\u{1}') {
            // `\n\x01abc1234\n` then the first path of that commit.
            let rest = field[at + 1..].to_string();
            let (id, path) = rest.split_once('\n').unwrap_or((&rest, ""));
            commit = id.to_string();
            field = path.to_string();
        }
        let path = field.trim_start_matches('\n');
        // Credential files whose name alone makes them one (`.netrc`, `id_rsa`, …) count too;
        // a content-dependent one (`.npmrc`) would need each version read.
        let credential = || {
            ctx.credential_patterns
                .classify(path)
                .is_some_and(|format| format.always())
        };
        if !path.is_empty() && (ctx.patterns.classify(path) == Some(Kind::Env) || credential()) {
            let commits = out.entry(path.to_string()).or_default();
            if !commits.contains(&commit) {
                commits.push(commit.clone());
            }
        }
    }
    Ok(out)
}

/// The local `.env` files (on disk, not templates).
fn local_env_files<'a>(ctx: &'a RepoContext) -> impl Iterator<Item = &'a EnvFile> {
    ctx.files
        .iter()
        .filter(|f| f.kind == Kind::Env && f.on_disk)
}

/// Keys defined in a local `.env` file that no tracked file names: candidates for revocation.
pub fn dormant(ctx: &RepoContext, tracked: &[TrackedFile]) -> Verdict {
    const ID: &str = "dormant-keys";
    let mut keys: BTreeMap<String, String> = BTreeMap::new(); // name -> file
    for file in local_env_files(ctx) {
        for var in file.parsed.iter().flat_map(|p| &p.vars) {
            if var
                .value
                .as_ref()
                .is_some_and(|v| parse::looks_like_key(&var.name, v.expose()))
            {
                keys.entry(var.name.clone())
                    .or_insert_with(|| file.display.clone());
            }
        }
    }
    if keys.is_empty() {
        return Verdict::pass(ID, 9, "no key in a local .env file to look for");
    }
    let names: Vec<&String> = keys.keys().collect();
    let matcher = AhoCorasick::new(&names).expect("variable names build a matcher");
    let mut read = BTreeSet::new();
    for file in tracked {
        if ctx.patterns.classify(&file.display).is_some() {
            continue; // .env files and templates define names; they do not read them
        }
        for m in matcher.find_overlapping_iter(&file.text) {
            let (start, end) = (m.start(), m.end());
            let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let whole = (start == 0 || !word(file.text[start - 1]))
                && file.text.get(end).is_none_or(|&b| !word(b));
            if whole {
                read.insert(m.pattern().as_usize());
            }
        }
    }
    let unread: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !read.contains(i))
        .map(|(_, name)| format!("{name} ({})", keys[*name]))
        .collect();
    if unread.is_empty() {
        Verdict::pass(
            ID,
            9,
            format!(
                "every key of the local .env files ({}) is read by tracked code",
                names.len()
            ),
        )
    } else {
        Verdict::warn(
            ID,
            9,
            format!("no tracked file reads {}", list(&unread)),
            "if a key is no longer used, revoke it at its provider and delete it from the .env file",
        )
    }
}

/// A template beside each local `.env` file, with the same variable names and placeholders only.
pub fn templates(ctx: &RepoContext, findings: &[Finding]) -> Verdict {
    const ID: &str = "env-template";
    let mut problems = Vec::new();
    let mut failed = false;
    for file in local_env_files(ctx) {
        let dir = file.path.parent().unwrap_or(Path::new(""));
        let beside: Vec<&EnvFile> = ctx
            .files
            .iter()
            .filter(|t| t.kind == Kind::Template && t.path.parent().unwrap_or(Path::new("")) == dir)
            .collect();
        if beside.is_empty() {
            problems.push(format!("{} has no template beside it", file.display));
            continue;
        }
        let names = |f: &EnvFile| -> BTreeSet<String> {
            f.parsed
                .iter()
                .flat_map(|p| &p.vars)
                .map(|v| v.name.clone())
                .collect()
        };
        let listed: BTreeSet<String> = beside.iter().flat_map(|t| names(t)).collect();
        let missing: Vec<String> = names(file).difference(&listed).cloned().collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{} lacks {} (defined in {})",
                beside[0].display,
                list(&missing),
                file.display
            ));
        }
    }
    let real: Vec<String> = findings
        .iter()
        .filter(|f| f.rule_id == crate::rules::env::TEMPLATE_SECRET)
        .map(|f| format!("{}:{}", f.file, f.line.unwrap_or(0)))
        .collect();
    if !real.is_empty() {
        failed = true;
        problems.push(format!(
            "a template holds a real-looking key at {}",
            list(&real)
        ));
    }
    let fix = "keep a tracked .env.example beside each .env file with every variable name and \
               placeholder values, so that a new teammate never needs a key sent over chat";
    match (problems.is_empty(), failed) {
        (true, _) => Verdict::pass(
            ID,
            3,
            "each local .env file has a template with the same names and placeholders only",
        ),
        (false, true) => Verdict::fail(ID, 3, problems.join("; "), fix),
        (false, false) => Verdict::warn(ID, 3, problems.join("; "), fix),
    }
}
