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
//! 2. **Scan.** Two `git cat-file --batch` processes (libgit2, one handle per rayon thread, when
//!    `git` is missing) stream the blobs, each file's versions one after another, to a scanning
//!    thread each. Only the matches are kept, per blob id. A blob with a base is scanned by the
//!    lines it adds to it (see `input::novel`): most of a history's bytes are lines carried over
//!    from one version to the next. The base is at hand among the contents just streamed, or is
//!    asked for again. When the base turns out to hold a match, the blob is scanned again whole,
//!    so every blob's matches are exactly those of a whole scan.
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

use super::novel::NovelLines;
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
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::IsTerminal;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Blobs up to this size are scanned in one piece; larger ones in bounded chunks.
const WHOLE: usize = 8 << 20;
/// `git cat-file` processes reading blobs side by side: reading is the longest task of an
/// audit once only new lines are scanned.
const STREAMS: usize = 2;
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
    let pairs: Vec<(ObjectId, Option<ObjectId>)> = commits
        .iter()
        .map(|c| (c.id, c.parents.first().copied()))
        .collect();
    let all = match git::commit_changes(repo.git_dir(), &pairs, &|| progress.inc(1))? {
        Some(all) => all,
        // No `git` command: libgit2 compares the trees.
        None => {
            let trees = commits
                .iter()
                .map(|c| {
                    let parent_tree = match c.parents.first() {
                        Some(p) => Some(match index.get(p) {
                            Some(&i) => commits[i].tree,
                            None => repo.tree_id(*p)?,
                        }),
                        None => None,
                    };
                    Ok((c.tree, parent_tree))
                })
                .collect::<Result<Vec<_>>>()?;
            repo.tree_changes(&trees)?
        }
    };
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

/// A blob to scan, and the blob it replaced at the same path when it came in as an edit.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    id: ObjectId,
    base: Option<ObjectId>,
    /// Where it was first seen: a file's versions go through one stream, after their base.
    path: u32,
}

/// What scanning one blob found, when it has matches, was scanned against its base, or failed.
struct BlobResult {
    id: ObjectId,
    matches: std::result::Result<Vec<Match>, String>,
    /// Only the lines the blob adds to this base were scanned (see [`complete`]).
    partial_of: Option<ObjectId>,
}

/// One scanned text blob: its size, its matches, and the base when only its new lines were scanned.
struct Version {
    size: u64,
    matches: Vec<Match>,
    partial_of: Option<ObjectId>,
}

/// What a stream asks `git cat-file` for: a blob to scan, with its base; or a base again, just
/// before the edit that needs it, when it has left the recent contents.
enum Ask {
    Scan(Option<ObjectId>),
    Base,
}

/// The last [`Recent::COUNT`] contents a stream delivered, within a byte budget, kept as bases for
/// the edits that follow: a file that changes often is its next version's base soon after.
#[derive(Default)]
struct Recent {
    /// Kept contents, by the delivery that brought them last.
    contents: HashMap<ObjectId, (u64, Arc<Vec<u8>>)>,
    /// Every delivery, kept or not, so that [`Asks`] can tell what is still here by counting.
    order: VecDeque<(ObjectId, u64)>,
    delivered: u64,
    bytes: usize,
}

impl Recent {
    const COUNT: usize = 64;
    const BUDGET: usize = 8 << 20;
    /// Larger contents are not kept: a handful would fill the budget.
    const LARGEST: usize = 4 << 20;

    fn get(&self, id: ObjectId) -> Option<Arc<Vec<u8>>> {
        self.contents.get(&id).map(|(_, c)| c.clone())
    }

    /// Counts a delivery, keeping its content when it was read and is not too large.
    fn put(&mut self, id: ObjectId, content: Option<&Arc<Vec<u8>>>) {
        let at = self.delivered;
        self.delivered += 1;
        self.order.push_back((id, at));
        if let Some(content) = content.filter(|c| c.len() <= Self::LARGEST) {
            if let Some((_, old)) = self.contents.insert(id, (at, content.clone())) {
                self.bytes -= old.len();
            }
            self.bytes += content.len();
        }
        while self.order.len() > Self::COUNT || self.bytes > Self::BUDGET {
            let Some((old, at)) = self.order.pop_front() else {
                break;
            };
            if self.contents.get(&old).is_some_and(|(last, _)| *last == at) {
                let (_, c) = self.contents.remove(&old).expect("just seen");
                self.bytes -= c.len();
            }
        }
    }
}

/// The asking side's account of [`Recent`]: a base delivered more than [`Recent::COUNT`]
/// deliveries ago is asked for again, so that `git`, whose delta cache makes such reads cheap,
/// reads it rather than a scanning thread through libgit2.
#[derive(Default)]
struct Asks {
    delivered: HashMap<ObjectId, u64>,
    count: u64,
}

impl Asks {
    fn asks(&mut self, w: Wanted) -> impl Iterator<Item = (ObjectId, Ask)> {
        let refill = w.base.filter(|b| {
            self.delivered
                .get(b)
                .is_none_or(|&at| self.count - at >= Recent::COUNT as u64)
        });
        for id in refill.iter().chain([&w.id]) {
            self.delivered.insert(*id, self.count);
            self.count += 1;
        }
        refill
            .map(|b| (b, Ask::Base))
            .into_iter()
            .chain([(w.id, Ask::Scan(w.base))])
    }
}

/// Runs `walk` on this thread while the blobs it reports are read (by `git cat-file` in its own
/// process) and scanned on every core. Returns the walk, the matches of the blobs that have any
/// (secrets interned) and the counts; unreadable blobs are listed in `errors`. Memory stays
/// bounded: blob ids are queued, contents pass through a bounded queue and are dropped once
/// scanned, apart from a bounded set of recent ones kept as bases.
fn walk_and_scan(
    repo: &Repo,
    scanner: &Scanner,
    progress: &ProgressBar,
    walk: impl FnOnce(&mut dyn FnMut(Wanted)) -> Result<Walk>,
) -> Result<(Walk, HashMap<ObjectId, Vec<Hit>>, Scanned)> {
    let git_dir = repo.git_dir();
    let bytes = AtomicU64::new(0);
    let files = AtomicU64::new(0);
    // Counts one scanned blob; keeps it only when it has matches, was scanned against its base
    // or could not be read. The bar counts commits while the walk runs, then blobs.
    let done = AtomicU64::new(0);
    let counting_blobs = AtomicBool::new(false);
    let record = |id: ObjectId, result: std::result::Result<Option<Version>, String>| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if counting_blobs.load(Ordering::Relaxed) {
            progress.set_position(n);
        }
        match result {
            Ok(Some(v)) => {
                let total = bytes.fetch_add(v.size, Ordering::Relaxed) + v.size;
                if files.fetch_add(1, Ordering::Relaxed).is_multiple_of(256) {
                    progress.set_message(format!("{} MB scanned", total >> 20));
                }
                (!v.matches.is_empty() || v.partial_of.is_some()).then_some(BlobResult {
                    id,
                    matches: Ok(v.matches),
                    partial_of: v.partial_of,
                })
            }
            Ok(None) => None,
            Err(e) => Some(BlobResult {
                id,
                matches: Err(format!("blob {id}: {e}")),
                partial_of: None,
            }),
        }
    };

    let local = LineLocal::default();
    let mut blobs: Vec<Wanted> = Vec::new();
    let walked = walk(&mut |w| blobs.push(w))?;
    progress.set_prefix("blobs");
    progress.set_length(blobs.len() as u64);
    progress.set_position(0);
    counting_blobs.store(true, Ordering::Relaxed);

    // Each stream reads a file's versions one after another, in the order they were first seen:
    // a version's base is then usually the blob just read, and git's delta cache serves the
    // chain (this reads a quarter faster than in commit order).
    // Files go to the stream with the fewest versions so far, largest histories first, so that
    // the streams end together.
    let mut by_path = blobs.clone();
    by_path.sort_by_key(|w| w.path);
    let mut histories: Vec<&[Wanted]> = by_path.chunk_by(|a, b| a.path == b.path).collect();
    histories.sort_by_key(|f| std::cmp::Reverse(f.len()));
    let mut streams: Vec<Vec<Wanted>> = vec![Vec::new(); STREAMS];
    for file in histories {
        let lightest = streams.iter_mut().min_by_key(|s| s.len()).expect("streams");
        lightest.extend_from_slice(file);
    }
    let outcomes: Vec<Result<(bool, Vec<BlobResult>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = streams
            .into_iter()
            .map(|wanted| {
                let (local, record) = (&local, &record);
                s.spawn(move || stream_and_scan(git_dir, scanner, local, record, wanted))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("blob stream"))
            .collect()
    });
    let mut streamed = true;
    let mut results: Vec<BlobResult> = Vec::new();
    for outcome in outcomes {
        let (ok, found) = outcome?;
        streamed &= ok;
        results.extend(found);
    }
    if !streamed {
        // No `git` command: libgit2, one handle per thread.
        results = blobs
            .par_iter()
            .filter_map(|w| {
                let result = with_reader(git_dir, |reader| {
                    let base = match w.base {
                        Some(b) => reader
                            .with_blob(b, |c| Some((b, c.to_vec())))
                            .ok()
                            .flatten(),
                        None => None,
                    };
                    let base = base.as_ref().map(|(id, c)| (*id, c.as_slice()));
                    reader.with_blob(w.id, |content| {
                        scan_version(scanner, &local, w.id, content, base)
                    })
                });
                let result = match result.and_then(|r| r) {
                    Ok(r) => r.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                record(w.id, result)
            })
            .collect();
    }
    complete(git_dir, scanner, &blobs, &mut results)?;

    let mut scanned = Scanned {
        files_scanned: files.into_inner(),
        bytes_scanned: bytes.into_inner(),
        ..Scanned::default()
    };
    let mut secrets: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut hits: HashMap<ObjectId, Vec<Hit>> = HashMap::new();
    for r in results {
        match r.matches {
            Ok(matches) if matches.is_empty() => {}
            Ok(matches) => {
                let list = matches
                    .into_iter()
                    .map(|m| {
                        let next = secrets.len() as u32;
                        let secret = *secrets.entry(m.secret.expose().to_vec()).or_insert(next);
                        Hit { m, secret }
                    })
                    .collect();
                hits.insert(r.id, list);
            }
            Err(e) => scanned.errors.push(e),
        }
    }
    Ok((walked, hits, scanned))
}

/// Reads `wanted` through one `git cat-file` process and scans each blob as it arrives, by the
/// lines it adds to its base when it has one. `Ok((false, _))`: there is no `git` command.
fn stream_and_scan(
    git_dir: &std::path::Path,
    scanner: &Scanner,
    local: &LineLocal,
    record: &(impl Fn(ObjectId, std::result::Result<Option<Version>, String>) -> Option<BlobResult>
          + Sync),
    wanted: Vec<Wanted>,
) -> Result<(bool, Vec<BlobResult>)> {
    let (mut recent, mut asks) = (Recent::default(), Asks::default());
    let mut out = Vec::new();
    let asked = wanted.into_iter().flat_map(|w| asks.asks(w));
    let streamed = git::stream_blobs(git_dir, asked, |id, ask, content| {
        let content = content.map(Arc::new);
        if let Ask::Scan(base) = ask {
            let result = content.clone().and_then(|c| {
                let base = base.and_then(|b| {
                    let content = recent.get(b).or_else(|| read_again(git_dir, b))?;
                    Some((b, content))
                });
                let base = base.as_ref().map(|(b, c)| (*b, c.as_slice()));
                scan_version(scanner, local, id, &c, base).map_err(|e| e.to_string())
            });
            out.extend(record(id, result));
        }
        recent.put(id, content.as_ref().ok());
    })?;
    Ok((streamed, out))
}

/// Completes the blobs scanned against their base. A line the blob shares with its base has the
/// same matches in both, so when the base has none, the blob's matches are those of its new lines;
/// otherwise the blob is read again and scanned whole. Blobs go in the order they were first
/// seen, which puts each base first (or it is a starting tree's blob, scanned whole), so every
/// base is complete when its blob is.
fn complete(
    git_dir: &std::path::Path,
    scanner: &Scanner,
    order: &[Wanted],
    results: &mut [BlobResult],
) -> Result<()> {
    let position: HashMap<ObjectId, usize> =
        results.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for w in order {
        let Some(&i) = position.get(&w.id) else {
            continue;
        };
        let Some(base) = results[i].partial_of.take() else {
            continue;
        };
        let base_clean = position
            .get(&base)
            .is_none_or(|&j| results[j].matches.as_ref().is_ok_and(|m| m.is_empty()));
        if base_clean {
            continue;
        }
        let whole = with_reader(git_dir, |reader| {
            reader.with_blob(w.id, |content| {
                scan_version(scanner, &LineLocal::default(), w.id, content, None)
            })
        })
        .and_then(|r| r);
        results[i].matches = match whole {
            Ok(Ok(v)) => Ok(v.map(|v| v.matches).unwrap_or_default()),
            Ok(Err(e)) => Err(format!("blob {}: {e}", w.id)),
            Err(e) => Err(format!("blob {}: {e}", w.id)),
        };
    }
    Ok(())
}

/// Runs `f` with this thread's blob reader for `git_dir`, opening it on first use.
fn with_reader<R>(git_dir: &std::path::Path, f: impl FnOnce(&BlobReader) -> R) -> Result<R> {
    READER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
            *slot = Some((git_dir.to_path_buf(), BlobReader::open(git_dir)?));
        }
        let (_, reader) = slot.as_ref().expect("just opened");
        Ok(f(reader))
    })
}

/// A base that has left the recent contents, read again in process; `None` when it cannot be
/// read, and the blob is then scanned whole.
fn read_again(git_dir: &std::path::Path, id: ObjectId) -> Option<Arc<Vec<u8>>> {
    with_reader(git_dir, |reader| {
        reader.with_blob(id, |c| Arc::new(c.to_vec())).ok()
    })
    .ok()
    .flatten()
}

/// Blobs known to hold no multi-line rule's keyword (see [`Scanner::is_line_local`]): a base is
/// usually the version scanned just before, so its check is not run twice.
#[derive(Default)]
struct LineLocal(Mutex<HashSet<ObjectId>>);

impl LineLocal {
    fn check(&self, scanner: &Scanner, id: ObjectId, content: &[u8]) -> bool {
        if self.0.lock().expect("line-local lock").contains(&id) {
            return true;
        }
        let local = scanner.is_line_local(content);
        if local {
            self.record(id);
        }
        local
    }

    fn record(&self, id: ObjectId) {
        self.0.lock().expect("line-local lock").insert(id);
    }
}

/// Scans one version of a file: when `base` is the version it replaced and every match in both
/// depends on its own line only, just the lines it adds; else the whole blob. `None` when it is
/// binary.
fn scan_version(
    scanner: &Scanner,
    local: &LineLocal,
    id: ObjectId,
    content: &[u8],
    base: Option<(ObjectId, &[u8])>,
) -> std::io::Result<Option<Version>> {
    if is_binary(content) {
        return Ok(None);
    }
    let size = content.len() as u64;
    if let Some((base_id, old)) = base {
        let comparable = content.len() <= WHOLE && old.len() <= WHOLE && !is_binary(old);
        if comparable && local.check(scanner, base_id, old) {
            // Every line the two share is free of multi-line keywords; so is the blob when its
            // new lines are.
            let novel = NovelLines::between(old, content);
            if scanner.is_line_local(&novel.text) {
                local.record(id);
                let matches = match novel.text.is_empty() {
                    true => Vec::new(),
                    false => scanner
                        .scan(&novel.text)
                        .into_iter()
                        .map(|m| novel.relocate(m))
                        .collect(),
                };
                return Ok(Some(Version {
                    size,
                    matches,
                    partial_of: Some(base_id),
                }));
            }
        }
    }
    let whole = |matches| {
        Some(Version {
            size,
            matches,
            partial_of: None,
        })
    };
    if content.len() <= WHOLE {
        return Ok(whole(scanner.scan(content)));
    }
    let mut matches = Vec::new();
    match scan_reader(scanner, content, |m| matches.push(m))? {
        ReadOutcome::Scanned { .. } => Ok(whole(matches)),
        ReadOutcome::Binary => Ok(None),
    }
}

fn is_binary(content: &[u8]) -> bool {
    content[..content.len().min(BINARY_SNIFF)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives [`Asks`] and [`Recent`] as a stream does, with contents of `size` bytes, and returns
    /// how many edits found their base at hand, of how many.
    fn stream(edits: &[(u32, Option<u32>)], size: usize) -> (usize, usize) {
        let (mut asks, mut recent) = (Asks::default(), Recent::default());
        let (mut at_hand, mut total) = (0, 0);
        for &(id, base) in edits {
            let w = Wanted {
                id: ObjectId::for_test(id),
                base: base.map(ObjectId::for_test),
                path: 0,
            };
            for (got, ask) in asks.asks(w).collect::<Vec<_>>() {
                if let Ask::Scan(Some(b)) = ask {
                    total += 1;
                    at_hand += usize::from(recent.get(b).is_some());
                }
                recent.put(got, Some(&Arc::new(vec![b'x'; size])));
            }
        }
        (at_hand, total)
    }

    #[test]
    fn an_edit_finds_its_base_at_hand_however_long_ago_it_was_read() {
        // 2,000 new files, then an edit of every 100th: their bases left long ago.
        let mut edits: Vec<(u32, Option<u32>)> = (0..2000).map(|i| (i, None)).collect();
        edits.extend((0..2000).step_by(100).map(|i| (10_000 + i, Some(i))));
        // And a file edited over and over.
        edits.extend((0..50).map(|i| (20_000 + i, Some(if i == 0 { 0 } else { 20_000 + i - 1 }))));
        assert_eq!(stream(&edits, 100), (70, 70));
    }

    #[test]
    fn recent_contents_stay_within_their_byte_budget() {
        let edits: Vec<(u32, Option<u32>)> = (0..300).map(|i| (i, None)).collect();
        let mut recent = Recent::default();
        for &(id, _) in &edits {
            recent.put(ObjectId::for_test(id), Some(&Arc::new(vec![0; 1 << 20])));
            assert!(recent.bytes <= Recent::BUDGET);
        }
        // Over the budget, a base may be gone: the scanning thread then reads it itself.
        let (at_hand, total) = stream(&[(0, None), (1, None), (2, Some(0))], 20 << 20);
        assert_eq!((at_hand, total), (0, 1));
    }
}
