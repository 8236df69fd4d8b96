//! `keygate check --history`: the commit walk (`HEAD`, `--all`, `--branch`, `--since`) and the
//! attribution of each secret to the commit that introduced it.
//!
//! The walk runs in three passes, so that each distinct blob is read and scanned once however
//! many commits carry it, and no blob content is held after it is scanned:
//!
//! 1. **Walk.** Commits parents-first (topological, ties by date); for each, the files that differ
//!    from its first parent (root commits: from the empty tree), by comparing trees only. The
//!    blob ids that appear are passed on once each, as they are found.
//! 2. **Scan**, overlapping the walk. `git cat-file --batch` streams each distinct blob (libgit2,
//!    one handle per rayon thread, when `git` is missing) through a small bounded queue to one
//!    scanning thread per core. Only the matches are kept, per blob id.
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

use super::{scan_reader, ReadOutcome, Scanned};
use crate::engine::{Match, Scanner};
use crate::error::Result;
use crate::finding::{Fingerprinter, Provenance};
use crate::git::{
    self, display_path, path_from_git, BlobReader, CommitMeta, CommitNode, ObjectId, Repo, Tips,
};
use globset::GlobSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Blobs up to this size are scanned in one piece; larger ones in bounded chunks.
const WHOLE: usize = 8 << 20;
/// A NUL byte in the first this-many bytes marks a blob as binary (as for files).
const BINARY_SNIFF: usize = 8 << 10;

/// Which history to audit.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub tips: Tips,
    pub since: Option<String>,
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

/// A match in a blob, with the id of its secret value.
struct Hit {
    m: Match,
    secret: u32,
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

    // Passes 1 and 2 overlap: blobs are scanned as soon as the walk finds them.
    progress.set_message("walking commits");
    let commits = repo.history(&opts.tips, opts.since.as_deref())?;
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let head = repo.head_commit()?;
    progress.set_length(commits.len() as u64);
    let (walked, hits, mut scanned) = walk_and_scan(repo, scanner, &progress, |on_blob| {
        walk(repo, &commits, &index, head, excludes, &progress, on_blob)
    })?;
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
                1 => Some(repo.added_lines(ch.old, blob)?),
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

thread_local! {
    /// One blob reader per scanning thread, for the repository it was opened on.
    static READER: RefCell<Option<(PathBuf, BlobReader)>> = const { RefCell::new(None) };
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
/// and scanned whole. Each blob id is passed to `on_blob` the first time it is seen.
fn walk(
    repo: &Repo,
    commits: &[CommitNode],
    index: &HashMap<ObjectId, usize>,
    head: Option<ObjectId>,
    excludes: &GlobSet,
    progress: &ProgressBar,
    on_blob: &mut dyn FnMut(ObjectId),
) -> Result<Walk> {
    let mut w = Walk {
        paths: Paths::default(),
        changes: Vec::new(),
        ranges: Vec::with_capacity(commits.len()),
        base_files: HashMap::new(),
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut buf = Vec::new();
    for c in commits {
        buf.clear();
        repo.changes(c.id, c.parents.first().copied(), &mut buf)?;
        let start = w.changes.len();
        for ch in buf.drain(..) {
            let Some(path) = w.paths.intern(ch.path, excludes) else {
                continue;
            };
            if let Some(new) = ch.new.filter(|&n| seen.insert(n)) {
                on_blob(new);
            }
            w.changes.push(Change {
                path,
                old: ch.old,
                new: ch.new,
            });
        }
        w.ranges.push(start..w.changes.len());
        progress.inc(1);
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
                    on_blob(blob);
                }
                files.push((path, blob));
            }
        }
        w.base_files.insert(id, files);
    }
    Ok(w)
}

type BlobResult = std::result::Result<Vec<Match>, String>;

/// Runs `walk` on this thread while the blobs it reports are read (by `git cat-file` in its own
/// process) and scanned on every core. Returns the walk, the matches of the blobs that have any
/// (secrets interned) and the counts; unreadable blobs are listed in `errors`. Memory stays
/// bounded: blob ids are queued, contents pass through a bounded queue and are dropped once
/// scanned.
fn walk_and_scan(
    repo: &Repo,
    scanner: &Scanner,
    progress: &ProgressBar,
    walk: impl FnOnce(&mut dyn FnMut(ObjectId)) -> Result<Walk>,
) -> Result<(Walk, HashMap<ObjectId, Vec<Hit>>, Scanned)> {
    let git_dir = repo.git_dir();
    let bytes = AtomicU64::new(0);
    let files = AtomicU64::new(0);
    // Counts one scanned blob; keeps it only when it has matches or could not be read.
    // The bar counts commits while the walk runs, then blobs.
    let done = AtomicU64::new(0);
    let counting_blobs = AtomicBool::new(false);
    let record = |id: ObjectId, result: std::result::Result<Option<(u64, Vec<Match>)>, String>| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if counting_blobs.load(Ordering::Relaxed) {
            progress.set_position(n);
        }
        match result {
            Ok(Some((size, matches))) => {
                let total = bytes.fetch_add(size, Ordering::Relaxed) + size;
                if files.fetch_add(1, Ordering::Relaxed).is_multiple_of(256) {
                    progress.set_message(format!("{} MB scanned", total >> 20));
                }
                (!matches.is_empty()).then_some((id, Ok(matches)))
            }
            Ok(None) => None,
            Err(e) => Some((id, Err(format!("blob {id}: {e}")))),
        }
    };

    let mut results: Vec<(ObjectId, BlobResult)> = Vec::new();
    let mut blobs: Vec<ObjectId> = Vec::new();
    let (id_tx, id_rx) = mpsc::channel::<ObjectId>();
    let (blob_tx, blob_rx) =
        mpsc::sync_channel::<(ObjectId, std::result::Result<Vec<u8>, String>)>(64);
    // Shared by the workers only, so that if they all stop the queue closes and nothing blocks.
    let blob_rx = Arc::new(Mutex::new(blob_rx));
    let (walked, streamed) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..rayon::current_num_threads().max(1))
            .map(|_| {
                let blob_rx = blob_rx.clone();
                let record = &record;
                s.spawn(move || {
                    let mut out: Vec<(ObjectId, BlobResult)> = Vec::new();
                    loop {
                        let item = blob_rx.lock().expect("queue lock").recv();
                        let Ok((id, content)) = item else { break };
                        let result =
                            content.and_then(|c| scan_blob(scanner, &c).map_err(|e| e.to_string()));
                        out.extend(record(id, result));
                    }
                    out
                })
            })
            .collect();
        drop(blob_rx);
        let streamer = s.spawn(move || {
            git::stream_blobs(git_dir, id_rx.into_iter(), |id, content| {
                let _ = blob_tx.send((id, content));
            })
        });
        let walked = walk(&mut |id| {
            blobs.push(id);
            let _ = id_tx.send(id);
        });
        drop(id_tx);
        progress.set_prefix("blobs");
        progress.set_length(blobs.len() as u64);
        progress.set_position(done.load(Ordering::Relaxed));
        counting_blobs.store(true, Ordering::Relaxed);
        let streamed = streamer.join().expect("blob streamer");
        for worker in workers {
            results.extend(worker.join().expect("scan worker"));
        }
        (walked, streamed)
    });
    let walked = walked?;
    if !streamed? {
        // No `git` command: libgit2, one handle per thread, newest first (as packs store them).
        blobs.reverse();
        results = blobs
            .par_iter()
            .filter_map(|&id| {
                let result = READER.with(|cell| {
                    let mut slot = cell.borrow_mut();
                    if slot.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
                        *slot = Some((git_dir.to_path_buf(), BlobReader::open(git_dir)?));
                    }
                    let (_, reader) = slot.as_ref().expect("just opened");
                    reader.with_blob(id, |content| scan_blob(scanner, content))
                });
                let result = match result {
                    Ok(r) => r.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                record(id, result)
            })
            .collect();
    }

    let mut scanned = Scanned {
        files_scanned: files.into_inner(),
        bytes_scanned: bytes.into_inner(),
        ..Scanned::default()
    };
    let mut secrets: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut hits: HashMap<ObjectId, Vec<Hit>> = HashMap::new();
    for (id, result) in results {
        match result {
            Ok(matches) => {
                let list = matches
                    .into_iter()
                    .map(|m| {
                        let next = secrets.len() as u32;
                        let secret = *secrets.entry(m.secret.expose().to_vec()).or_insert(next);
                        Hit { m, secret }
                    })
                    .collect();
                hits.insert(id, list);
            }
            Err(e) => scanned.errors.push(e),
        }
    }
    Ok((walked, hits, scanned))
}

/// Scans one blob: `None` when it is binary, else its size and matches.
fn scan_blob(scanner: &Scanner, content: &[u8]) -> std::io::Result<Option<(u64, Vec<Match>)>> {
    if content[..content.len().min(BINARY_SNIFF)].contains(&0) {
        return Ok(None);
    }
    if content.len() <= WHOLE {
        return Ok(Some((content.len() as u64, scanner.scan(content))));
    }
    let mut matches = Vec::new();
    match scan_reader(scanner, content, |m| matches.push(m))? {
        ReadOutcome::Scanned { bytes } => Ok(Some((bytes, matches))),
        ReadOutcome::Binary => Ok(None),
    }
}
