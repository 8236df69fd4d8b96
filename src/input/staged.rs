//! The staged change: what `git commit` is about to record, read from the index (or the temporary
//! index Git names in `GIT_INDEX_FILE`), never from the working tree. For each regular file the
//! index adds or changes relative to `HEAD` (the empty tree before the first commit), the lines it
//! adds, numbered as in the staged version.
//!
//! [`StagedChange::read`] is the public entry point for every staged check (secrets here, `.env`
//! hygiene elsewhere); [`scan`] runs the secret rules over the added lines only.

use super::{is_binary, read_chunks, ReadOutcome, Scanned, CHUNK};
use crate::engine::known::KnownValues;
use crate::engine::{Match, Scanner};
use crate::error::{Error, Result};
use crate::finding::Fingerprinter;
use crate::git::{display_path, IndexChange, ObjectId, Repo};
use globset::GlobSet;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Blobs above this size are not line-diffed in memory: they are streamed instead (see
/// [`Content::Large`]).
pub const LARGE_BLOB: u64 = CHUNK as u64;

/// A change whose files hold at most this many bytes is searched in a few small windows: its
/// rules are compiled for that (see [`crate::rules::compile_for_small_inputs`]).
const SMALL_CHANGE: usize = 64 << 10;

/// The staged content kept in memory between reading a change and scanning it, at most; past
/// it, contents are read again when scanned.
const KEEP_BUDGET: u64 = 64 << 20;

/// Every regular file the staged change adds or modifies (deletions add nothing and are not
/// listed; symbolic links and submodules are ignored).
#[derive(Debug, Default)]
pub struct StagedChange {
    /// Every path the change adds or modifies, excluded ones too (for the `.env` checks).
    pub paths: Vec<PathBuf>,
    /// The files to scan: those no exclude glob names.
    pub files: Vec<StagedFile>,
    /// The thread compiling ahead the rules the scan will run (see [`StagedChange::read`]).
    compiling: Option<JoinHandle<()>>,
}

/// One staged file.
#[derive(Debug)]
pub struct StagedFile {
    /// Relative to the repository root, exact bytes.
    pub path: PathBuf,
    /// As findings name it: `/` separators, UTF-8 (lossy only for non-UTF-8 names).
    pub display: String,
    /// The staged content.
    pub blob: ObjectId,
    /// The content in `HEAD` it is compared with, when there is one.
    pub old_blob: Option<ObjectId>,
    pub content: Content,
    /// The staged text, when it was kept from reading the change (small text files with added
    /// lines, within [`KEEP_BUDGET`]): scanning then reads nothing again.
    text: Option<Arc<[u8]>>,
    /// The lines the change adds (1-based, numbered as in the staged version).
    pub added_lines: AddedLines,
}

/// What kind of content a staged blob holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Text,
    /// A NUL byte near the start: not scanned, no added lines.
    Binary,
    /// Over [`LARGE_BLOB`]: not diffed line by line. Every line counts as added, and the secret
    /// scan streams it and reports only secrets that the `HEAD` version did not already hold.
    Large,
}

/// A set of line numbers, held as sorted, disjoint, half-open ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddedLines {
    ranges: Vec<(u64, u64)>,
}

impl AddedLines {
    /// No line.
    pub fn none() -> AddedLines {
        AddedLines::default()
    }

    /// Every line.
    pub fn all() -> AddedLines {
        AddedLines {
            ranges: vec![(1, u64::MAX)],
        }
    }

    /// From sorted, disjoint, half-open `(first, end)` ranges of 1-based lines.
    pub fn from_ranges(ranges: Vec<(u64, u64)>) -> AddedLines {
        debug_assert!(ranges.windows(2).all(|w| w[0].1 <= w[1].0));
        AddedLines {
            ranges: ranges.into_iter().filter(|(a, b)| a < b).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn contains(&self, line: u64) -> bool {
        self.overlaps(line, line)
    }

    /// Whether any line in `first..=last` is added.
    pub fn overlaps(&self, first: u64, last: u64) -> bool {
        // The first range that ends after `first`.
        let i = self.ranges.partition_point(|&(_, end)| end <= first);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= last)
    }
}

impl StagedChange {
    /// Reads the staged change of `repo` (opened with [`Repo::discover`], which honours
    /// `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE` as a hook must). Paths `excludes` names
    /// are dropped before anything is read; each other file is read once, and a small change
    /// keeps its text for the scan. Reading a small change also starts compiling, on another
    /// core, the rules its added lines will run, last first: the scan compiles the others itself,
    /// first first. Compiling the regexes is most of the work of checking a small change, and on
    /// a second core it costs little wall time while the caller does other work (the `.env`
    /// checks). Large changes are left to [`scan`], which uses every core on its own.
    pub fn read(repo: &Repo, excludes: &GlobSet, scanner: &Arc<Scanner>) -> Result<StagedChange> {
        let mut changes = repo.staged_changes()?;
        let paths = changes.iter().map(|c| c.path.clone()).collect();
        changes.retain(|c| !excludes.is_match(display_path(&c.path)));
        let kept = AtomicU64::new(0);
        let files = each(repo, changes, |repo, change| {
            StagedFile::read(repo, change, &kept)
        })?
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
        let mut change = StagedChange {
            paths,
            files,
            compiling: None,
        };
        change.compiling = change.compile_ahead(scanner);
        Ok(change)
    }

    fn compile_ahead(&self, scanner: &Arc<Scanner>) -> Option<JoinHandle<()>> {
        let texts: Vec<(Arc<[u8]>, AddedLines)> = self
            .files
            .iter()
            .filter(|f| f.content == Content::Text && !f.added_lines.is_empty())
            .map(|f| Some((f.text.clone()?, f.added_lines.clone())))
            .collect::<Option<_>>()?;
        let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
        if texts.is_empty() || texts.len() >= PARALLEL_FROM || bytes as u64 > LARGE_BLOB {
            return None;
        }
        if bytes <= SMALL_CHANGE {
            crate::rules::compile_for_small_inputs();
        }
        let scanner = Arc::clone(scanner);
        let spawned = std::thread::Builder::new()
            .name("keygate-compile".into())
            .spawn(move || {
                for (text, added) in texts.iter().rev() {
                    scanner.compile_for_lines(text, |first, last| added.overlaps(first, last));
                }
            });
        // Without a second thread the scan compiles everything itself: slower, never wrong.
        spawned.ok()
    }
}

impl Drop for StagedChange {
    fn drop(&mut self) {
        // The thread compiles only rules the scan runs, so it is done or nearly done by now.
        if let Some(thread) = self.compiling.take() {
            let _ = thread.join();
        }
    }
}

impl StagedFile {
    fn read(repo: &Repo, change: IndexChange, kept: &AtomicU64) -> Result<StagedFile> {
        let IndexChange {
            path,
            blob,
            old_blob,
            ..
        } = change;
        let size = repo.blob_size(blob)?;
        let old_size = match old_blob {
            Some(old) => repo.blob_size(old)?,
            None => 0,
        };
        let mut text = None;
        let (content, added_lines) = if old_blob == Some(blob) {
            // A rename or a mode change without a content change adds nothing.
            let content = if size > LARGE_BLOB {
                Content::Large
            } else if repo.with_blob(blob, is_binary)? {
                Content::Binary
            } else {
                Content::Text
            };
            (content, AddedLines::none())
        } else if size > LARGE_BLOB || old_size > LARGE_BLOB {
            (Content::Large, AddedLines::all())
        } else {
            repo.with_blob(blob, |new| {
                if is_binary(new) {
                    return Ok((Content::Binary, AddedLines::none()));
                }
                let ranges = match old_blob {
                    Some(old) => {
                        repo.with_blob(old, |old| crate::git::added_line_ranges(old, new))??
                    }
                    None => whole(new),
                };
                let added = AddedLines::from_ranges(ranges);
                if !added.is_empty()
                    && kept.fetch_add(size, Ordering::Relaxed) + size <= KEEP_BUDGET
                {
                    text = Some(Arc::from(new));
                }
                Ok((Content::Text, added))
            })??
        };
        Ok(StagedFile {
            display: display_path(&path),
            path,
            blob,
            old_blob,
            content,
            text,
            added_lines,
        })
    }
}

/// Every line of a new file: `(1, lines + 1)`.
fn whole(text: &[u8]) -> Vec<(u64, u64)> {
    if text.is_empty() {
        return Vec::new();
    }
    let lines = memchr::memchr_iter(b'\n', text).count() as u64 + u64::from(!text.ends_with(b"\n"));
    vec![(1, lines + 1)]
}

/// Scans the added lines of every staged file for secrets and known values. A secret is reported
/// when any line it spans is added; lines and columns are those of the staged version.
pub fn scan(
    repo: &Repo,
    change: &StagedChange,
    scanner: &Scanner,
    known: &KnownValues,
    fingerprints: &Fingerprinter,
) -> Scanned {
    let files: Vec<&StagedFile> = change
        .files
        .iter()
        .filter(|f| !f.added_lines.is_empty() && f.content != Content::Binary)
        .collect();
    match each(repo, files, |repo, file| {
        scan_file(repo, file, scanner, known, fingerprints)
    }) {
        Ok(parts) => parts.into_iter().fold(Scanned::default(), Scanned::merge),
        Err(e) => Scanned {
            errors: vec![format!("staged files: {e}")],
            ..Scanned::default()
        },
    }
}

/// Files from which [`each`] uses every core.
const PARALLEL_FROM: usize = 16;

/// `f` over `items`, in order, each call with a repository handle: on every core when there are
/// many items (each worker opening its own handle), else on this thread.
fn each<I: Send, T: Send>(
    repo: &Repo,
    items: Vec<I>,
    f: impl Fn(&Repo, I) -> T + Sync + Send,
) -> Result<Vec<T>> {
    if items.len() < PARALLEL_FROM {
        return Ok(items.into_iter().map(|item| f(repo, item)).collect());
    }
    let location = repo.location();
    // A few large chunks, so that each worker opens the repository once.
    let chunk = items.len().div_ceil(rayon::current_num_threads() * 2);
    let parts: Vec<Vec<T>> = items
        .into_par_iter()
        .chunks(chunk)
        .map(|chunk| {
            let local = location.open()?;
            Ok(chunk.into_iter().map(|item| f(&local, item)).collect())
        })
        .collect::<Result<_>>()?;
    Ok(parts.into_iter().flatten().collect())
}

fn scan_file(
    repo: &Repo,
    file: &StagedFile,
    scanner: &Scanner,
    known: &KnownValues,
    fingerprints: &Fingerprinter,
) -> Scanned {
    let mut leaks = Vec::new();
    let mut scan_text = |bytes: &[u8]| {
        let wanted = |first, last| file.added_lines.overlaps(first, last);
        let matches = scanner
            .scan_lines(bytes, wanted)
            .into_iter()
            .filter(|m| file.added_lines.overlaps(m.line, last_line(m)))
            .collect();
        leaks = known
            .scan(bytes)
            .into_iter()
            .filter(|leak| file.added_lines.contains(leak.line))
            .collect();
        Some((matches, bytes.len() as u64))
    };
    let result = match (&file.content, &file.text) {
        (Content::Large, _) => scan_large(repo, file, scanner, known).map(|found| {
            found.map(|(matches, found_leaks, bytes)| {
                leaks = found_leaks;
                (matches, bytes)
            })
        }),
        (_, Some(text)) => Ok(scan_text(text)),
        _ => repo.with_blob(file.blob, scan_text),
    };
    let mut out = Scanned::default();
    match result {
        Ok(Some((matches, bytes))) => {
            out.files_scanned = 1;
            out.bytes_scanned = bytes;
            out.findings = matches
                .iter()
                .map(|m| scanner.finding(m, &file.display, fingerprints))
                .chain(
                    leaks
                        .iter()
                        .map(|leak| known.finding(leak, &file.display, fingerprints)),
                )
                .collect();
        }
        Ok(None) => {} // binary after all
        Err(e) => out.errors.push(format!("{} (staged): {e}", file.display)),
    }
    out
}

/// The line a match's secret ends on.
fn last_line(m: &Match) -> u64 {
    m.line + memchr::memchr_iter(b'\n', m.secret.expose()).count() as u64
}

/// A large file, streamed: the secrets and known values of the staged version that the `HEAD`
/// version does not hold. `Ok(None)` when it is binary.
fn scan_large(
    repo: &Repo,
    file: &StagedFile,
    scanner: &Scanner,
    known: &KnownValues,
) -> Result<Option<LargeFound>> {
    let mut found = Vec::new();
    let mut leaks = Vec::new();
    let read = repo.stream_blob(file.blob, |reader| {
        read_chunks(reader, |chunk| {
            found.extend(chunk.matches(scanner));
            leaks.extend(chunk.leaks(known));
        })
    })?;
    let bytes = match read.map_err(|e| Error::io(&file.path, e))? {
        ReadOutcome::Binary => return Ok(None),
        ReadOutcome::Scanned { bytes } => bytes,
    };
    if let (Some(old), false) = (file.old_blob, found.is_empty() && leaks.is_empty()) {
        let mut before = HashSet::new();
        let mut vars_before = HashSet::new();
        repo.stream_blob(old, |reader| {
            read_chunks(reader, |chunk| {
                for m in chunk.matches(scanner) {
                    before.insert((m.rule, m.secret.expose().to_vec()));
                }
                vars_before.extend(chunk.leaks(known).iter().map(|leak| leak.var));
            })
        })?
        .map_err(|e| Error::io(&file.path, e))?;
        found.retain(|m| !before.contains(&(m.rule, m.secret.expose().to_vec())));
        leaks.retain(|leak| !vars_before.contains(&leak.var));
    }
    Ok(Some((found, leaks, bytes)))
}

/// What [`scan_large`] finds: rule matches, known values, bytes read.
type LargeFound = (Vec<Match>, Vec<crate::engine::known::Leak>, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_overlap() {
        let lines = AddedLines::from_ranges(vec![(2, 4), (10, 11)]);
        let table = [
            (1, 1, false),
            (2, 2, true),
            (3, 3, true),
            (4, 4, false),
            (4, 9, false),
            (4, 10, true),
            (10, 10, true),
            (11, 20, false),
            (1, 2, true),
        ];
        for (first, last, want) in table {
            assert_eq!(lines.overlaps(first, last), want, "{first}..={last}");
        }
        assert!(AddedLines::none().is_empty());
        assert!(AddedLines::all().contains(123_456));
    }

    #[test]
    fn whole_counts_lines() {
        assert_eq!(whole(b""), vec![]);
        assert_eq!(whole(b"a"), vec![(1, 2)]);
        assert_eq!(whole(b"a\n"), vec![(1, 2)]);
        assert_eq!(whole(b"a\nb"), vec![(1, 3)]);
    }

    #[test]
    fn line_diff_reports_added_lines_of_the_new_version() {
        let ranges = crate::git::added_line_ranges(b"a\nb\nc\n", b"a\nX\nb\nc\nY\n").unwrap();
        assert_eq!(ranges, vec![(2, 3), (5, 6)]);
        let ranges = crate::git::added_line_ranges(b"a\nb\nc\n", b"a\nc\n").unwrap();
        assert_eq!(ranges, vec![]);
        // Binary-looking bytes are still diffed as text.
        let ranges = crate::git::added_line_ranges(b"\0a\n", b"\0a\nb\n").unwrap();
        assert_eq!(ranges, vec![(2, 3)]);
    }
}
