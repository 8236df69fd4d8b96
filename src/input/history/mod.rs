//! `keygate check --history`: the commit walk (`HEAD`, `--all`, `--branch`, `--since`) and the
//! attribution of each secret to the commit that introduced it.
//!
//! The walk runs in three passes, so that each distinct blob is read and scanned once however
//! many commits carry it, and no blob content is held after it is scanned:
//!
//! 1. **Walk.** Commits parents-first (topological, ties by date); for each, the files that differ
//!    from its first parent (root commits: from the empty tree), by comparing trees only, on
//!    every core. Each distinct blob id is listed once, with the version it replaced (its base)
//!    when it came in as an edit.
//! 2. **Scan.** The blobs the pack files hold are rebuilt in-process, each delta applied once to
//!    its base, on every core, and scanned as they are rebuilt (see `packed`). The rest (loose
//!    objects, alternates) goes through two `git cat-file --batch` processes (libgit2, one handle
//!    per rayon thread, when `git` is missing), each file's versions one after another, to a
//!    scanning thread each. Only the matches are kept, per blob id. A blob with a base is scanned
//!    by the lines it adds to it (see `input::novel`): most of a history's bytes are lines carried
//!    over from one version to the next. The base is at hand among the contents just rebuilt or
//!    streamed, or is asked for again. When the base turns out to hold a match, the blob is
//!    scanned again whole, so every blob's matches are exactly those of a whole scan.
//! 3. **Attribute.** Again parents-first, each commit's set of files holding a finding is derived
//!    from its first parent's plus its changes. A secret belongs to the first commit whose tree
//!    holds it while none of its parents' trees does: in an ordinary commit it sits on a line the
//!    commit adds (diffed against the same path in the parent); in a merge it is a line that none
//!    of the parents had (an "evil merge" or a conflict resolution), so merging a branch never
//!    re-reports what the branch introduced. Each secret (by value) is reported once, at the
//!    earliest such commit, with the number of other walked commits whose tree still held it and
//!    whether `HEAD`'s tree holds it. A renamed file keeps its secret: no new finding.
//!
//! With `--since REV` (or parents outside the walk), the trees just outside the walk are scanned
//! whole as the starting point, so that a secret already there before `REV` is not reported.

mod blobs;
mod packed;
mod version;

use blobs::Hit;
use version::Wanted;

use super::Scanned;
use crate::engine::Scanner;
use crate::error::Result;
use crate::finding::{Fingerprinter, Provenance};
use crate::git::{display_path, path_from_git, CommitMeta, CommitNode, ObjectId, Repo, Tips};
use globset::GlobSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::ops::Range;
use std::sync::Arc;

/// Which history to audit.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub tips: Tips,
    /// Revisions whose history is not audited (`--since REV`, the far end of a range, what a
    /// remote already has).
    pub since: Vec<String>,
}

/// What a history audit found, with the counts for its summary.
#[derive(Debug, Default)]
pub struct HistoryScan {
    pub scanned: Scanned,
    pub commits: u64,
}

/// Paths seen in the walk, interned, with their display form and exclusion.
#[derive(Default)]
struct Paths {
    ids: HashMap<Vec<u8>, u32>,
    names: Vec<String>,
    excluded: Vec<bool>,
}

impl Paths {
    /// The id of `path`, or `None` when the config excludes it.
    fn intern(&mut self, path: Vec<u8>, excludes: &GlobSet) -> Option<u32> {
        let id = match self.ids.get(&path) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                let name = display_path(&path_from_git(&path));
                self.excluded.push(excludes.is_match(&name));
                self.names.push(name);
                self.ids.insert(path, id);
                id
            }
        };
        (!self.excluded[id as usize]).then_some(id)
    }
}

struct Change {
    path: u32,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
}

/// The files of a commit's tree whose blob holds a finding, and the secrets they hold.
#[derive(Default)]
struct State {
    files: BTreeMap<u32, ObjectId>,
    /// Sorted, unique.
    secrets: Vec<u32>,
}

impl State {
    fn new(files: BTreeMap<u32, ObjectId>, hits: &HashMap<ObjectId, Vec<Hit>>) -> State {
        let mut secrets: Vec<u32> = files
            .values()
            .flat_map(|blob| hits[blob].iter().map(|h| h.secret))
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        State { files, secrets }
    }

    fn holds(&self, secret: u32) -> bool {
        self.secrets.binary_search(&secret).is_ok()
    }
}

/// Where a secret came in.
struct Intro {
    commit: usize,
    path: u32,
    blob: ObjectId,
    hit: usize,
}

/// Audits the history of `repo`.
pub fn scan_history(
    repo: &Repo,
    scanner: &Scanner,
    fingerprints: &Fingerprinter,
    excludes: &GlobSet,
    opts: &HistoryOptions,
) -> Result<HistoryScan> {
    let progress = progress_bar();

    progress.set_message("walking commits");
    let commits = repo.history(&opts.tips, &opts.since)?;
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let head = repo.head_commit()?;
    progress.set_length(commits.len() as u64);
    let mut wanted: Vec<Wanted> = Vec::new();
    let walked = walk(
        repo,
        &commits,
        &index,
        head,
        excludes,
        &progress,
        &mut |w| wanted.push(w),
    )?;
    let (hits, mut scanned) = blobs::scan_blobs(repo, scanner, &progress, &wanted)?;
    let Walk {
        paths,
        changes,
        ranges,
        base_files,
    } = walked;

    // Pass 3: attribution, parents first.
    progress.set_message("attributing");
    let empty = Arc::new(State::default());
    let base_states: HashMap<ObjectId, Arc<State>> = base_files
        .into_iter()
        .map(|(id, files)| {
            let files = files
                .into_iter()
                .filter(|(_, blob)| hits.contains_key(blob))
                .collect();
            (id, Arc::new(State::new(files, &hits)))
        })
        .collect();
    let mut children = vec![0u32; commits.len()];
    for c in &commits {
        for p in &c.parents {
            if let Some(&i) = index.get(p) {
                children[i] += 1;
            }
        }
    }
    let head_index = head.and_then(|h| index.get(&h).copied());
    let mut states: Vec<Option<Arc<State>>> = vec![None; commits.len()];
    let mut head_state = head.and_then(|h| base_states.get(&h).cloned());
    let mut reported: HashSet<u32> = HashSet::new();
    let mut present: HashMap<u32, u64> = HashMap::new();
    let mut intros: Vec<Intro> = Vec::new();
    for (i, c) in commits.iter().enumerate() {
        let parents: Vec<Arc<State>> = c
            .parents
            .iter()
            .map(|p| match index.get(p) {
                Some(&j) => states[j].clone().expect("parents come before children"),
                None => base_states
                    .get(p)
                    .cloned()
                    .expect("outside parents are scanned"),
            })
            .collect();
        let first = parents.first().cloned().unwrap_or_else(|| empty.clone());
        let mut files: Option<BTreeMap<u32, ObjectId>> = None;
        for ch in &changes[ranges[i].clone()] {
            let found = ch.new.filter(|n| hits.contains_key(n));
            if found.is_none() && !first.files.contains_key(&ch.path) {
                continue;
            }
            let files = files.get_or_insert_with(|| first.files.clone());
            match found {
                Some(blob) => files.insert(ch.path, blob),
                None => files.remove(&ch.path),
            };
            // New secrets: in no parent's tree, and not reported yet.
            let Some(blob) = found else { continue };
            let new_secret = |h: &Hit| {
                !reported.contains(&h.secret) && parents.iter().all(|s| !s.holds(h.secret))
            };
            if !hits[&blob].iter().any(new_secret) {
                continue;
            }
            // In an ordinary commit, prefer the occurrence on a line the commit adds.
            let added = match c.parents.len() {
                1 => repo.added_lines(ch.old, blob)?,
                _ => None,
            };
            let on_added = |h: &Hit| {
                added
                    .as_ref()
                    .is_none_or(|a| a.binary_search(&h.m.line).is_ok())
            };
            let mut picked: Vec<usize> = Vec::new();
            for pass in [true, false] {
                for (k, h) in hits[&blob].iter().enumerate() {
                    if new_secret(h)
                        && on_added(h) == pass
                        && !picked.iter().any(|&p| hits[&blob][p].secret == h.secret)
                    {
                        picked.push(k);
                    }
                }
            }
            for k in picked {
                reported.insert(hits[&blob][k].secret);
                intros.push(Intro {
                    commit: i,
                    path: ch.path,
                    blob,
                    hit: k,
                });
            }
        }
        let state = match files {
            Some(files) => Arc::new(State::new(files, &hits)),
            None => first,
        };
        for &s in &state.secrets {
            *present.entry(s).or_default() += 1;
        }
        if head_index == Some(i) {
            head_state = Some(state.clone());
        }
        if children[i] > 0 {
            states[i] = Some(state);
        }
        for p in &c.parents {
            if let Some(&j) = index.get(p) {
                children[j] -= 1;
                if children[j] == 0 {
                    states[j] = None;
                }
            }
        }
    }
    progress.finish_and_clear();

    let mut metas: HashMap<usize, CommitMeta> = HashMap::new();
    for intro in intros {
        let commit = &commits[intro.commit];
        let meta = match metas.entry(intro.commit) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(repo.commit_meta(commit.id)?),
        };
        let hit = &hits[&intro.blob][intro.hit];
        let mut finding = scanner.finding(&hit.m, &paths.names[intro.path as usize], fingerprints);
        let id = commit.id.to_string();
        finding.commit = Some(id.clone());
        finding.provenance = Some(Provenance {
            commit: id,
            author: meta.author.clone(),
            date: meta.date.clone(),
            later_commits: present.get(&hit.secret).map_or(0, |n| n.saturating_sub(1)),
            present_at_head: head_state.as_ref().is_some_and(|s| s.holds(hit.secret)),
        });
        scanned.findings.push(finding);
    }
    Ok(HistoryScan {
        scanned,
        commits: commits.len() as u64,
    })
}

/// A progress bar on standard error when it is a terminal; hidden otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_prefix("commits");
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:<16} [{elapsed_precise}] {wide_bar} {pos}/{len} {prefix} ({per_sec}, ETA {eta})",
        )
        .expect("valid progress template"),
    );
    bar
}

/// What the walk found: each commit's changed files (a range of `changes`, by commit index) and
/// the files of the trees just outside the walk.
struct Walk {
    paths: Paths,
    changes: Vec<Change>,
    ranges: Vec<Range<usize>>,
    base_files: HashMap<ObjectId, Vec<(u32, ObjectId)>>,
}

/// Pass 1: each commit's changed files against its first parent, then the trees just outside
/// the walk (the `--since` boundary, and `HEAD` when it is not walked), which are starting points
/// and scanned whole. Each blob id is passed to `on_blob` the first time it is seen, with the
/// blob it replaced at the same path (its base) when it came in as an edit.
fn walk(
    repo: &Repo,
    commits: &[CommitNode],
    index: &HashMap<ObjectId, usize>,
    head: Option<ObjectId>,
    excludes: &GlobSet,
    progress: &ProgressBar,
    on_blob: &mut dyn FnMut(Wanted),
) -> Result<Walk> {
    let mut w = Walk {
        paths: Paths::default(),
        changes: Vec::new(),
        ranges: Vec::with_capacity(commits.len()),
        base_files: HashMap::new(),
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    // Each commit's tree and its first parent's: the walk's own, or read for a parent outside it.
    let trees = commits
        .iter()
        .map(|c| {
            let parent = c.parents.first().map(|p| match index.get(p) {
                Some(&j) => Ok(commits[j].tree),
                None => repo.tree_id(*p),
            });
            Ok((c.tree, parent.transpose()?))
        })
        .collect::<Result<Vec<_>>>()?;
    let all = repo.tree_changes(&trees, &|| progress.inc(1))?;
    progress.set_position(commits.len() as u64);
    for changes in all {
        let start = w.changes.len();
        for ch in changes {
            let Some(path) = w.paths.intern(ch.path, excludes) else {
                continue;
            };
            if let Some(id) = ch.new.filter(|&n| seen.insert(n)) {
                on_blob(Wanted {
                    id,
                    base: ch.old,
                    path,
                });
            }
            w.changes.push(Change {
                path,
                old: ch.old,
                new: ch.new,
            });
        }
        w.ranges.push(start..w.changes.len());
    }
    let outside = commits
        .iter()
        .flat_map(|c| c.parents.iter().copied())
        .chain(head)
        .filter(|id| !index.contains_key(id));
    for id in outside {
        if w.base_files.contains_key(&id) {
            continue;
        }
        let mut files = Vec::new();
        for (path, blob) in repo.tree_files(id)? {
            if let Some(path) = w.paths.intern(path, excludes) {
                if seen.insert(blob) {
                    on_blob(Wanted {
                        id: blob,
                        base: None,
                        path,
                    });
                }
                files.push((path, blob));
            }
        }
        w.base_files.insert(id, files);
    }
    Ok(w)
}
