//! Pass 2 of the history audit: reading each distinct blob once and scanning it, by the lines it
//! adds to its base when it came in as an edit (see the parent module).

use super::packed;
use super::version::{scan_version, BlobResult, LineLocal, Version, Wanted};
use crate::engine::{Match, Scanner};
use crate::error::Result;
use crate::git::{self, BlobReader, ObjectId, Repo};
// Blobs up to `CHUNK` are scanned in one piece, larger ones in bounded chunks, as files are.
use crate::input::{scan_reader, ReadOutcome, Scanned, CHUNK};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// A match in a blob, with the id of its secret value.
pub(super) struct Hit {
    pub(super) m: Match,
    pub(super) secret: u32,
}

/// `git cat-file` processes reading blobs side by side: reading is the longest task of an
/// audit once only new lines are scanned.
const STREAMS: usize = 2;

thread_local! {
    /// One blob reader per scanning thread, for the repository it was opened on.
    static READER: RefCell<Option<(PathBuf, BlobReader)>> = const { RefCell::new(None) };
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

/// Pass 2: reads `blobs` (by `git cat-file` in processes of its own) and scans them on every
/// core. Returns the matches of the blobs that have any (secrets interned) and the counts;
/// unreadable blobs are listed in `errors`. Memory stays bounded: contents are dropped once
/// scanned, apart from a bounded set of recent ones kept as bases.
pub(super) fn scan_blobs(
    repo: &Repo,
    scanner: &Scanner,
    progress: &ProgressBar,
    blobs: &[Wanted],
) -> Result<(HashMap<ObjectId, Vec<Hit>>, Scanned)> {
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
    progress.set_prefix("blobs");
    progress.set_length(blobs.len() as u64);
    progress.set_position(0);
    counting_blobs.store(true, Ordering::Relaxed);

    // Blobs in the packs first, rebuilt in-process; the rest is streamed.
    let (mut results, unpacked) =
        packed::scan_packed_blobs(repo.packs(), scanner, &local, &record, blobs);
    let blobs_left: Vec<Wanted> = blobs
        .iter()
        .filter(|w| unpacked.contains(&w.id))
        .copied()
        .collect();

    // Each stream reads a file's versions one after another, in the order they were first seen:
    // a version's base is then usually the blob just read, and git's delta cache serves the
    // chain (this reads a quarter faster than in commit order).
    // Files go to the stream with the fewest versions so far, largest histories first, so that
    // the streams end together.
    let mut by_path = blobs_left.clone();
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
            .filter(|wanted| !wanted.is_empty())
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
    for outcome in outcomes {
        let (ok, found) = outcome?;
        streamed &= ok;
        results.extend(found);
    }
    if !streamed {
        // No `git` command: libgit2, one handle per thread.
        results.extend(
            blobs_left
                .par_iter()
                .filter_map(|w| {
                    let base = w.base.and_then(|b| Some((b, read_again(git_dir, b)?)));
                    let base = base.as_ref().map(|(b, c)| (*b, c.as_slice()));
                    record(w.id, read_and_scan(git_dir, scanner, &local, w.id, base))
                })
                .collect::<Vec<_>>(),
        );
    }
    complete(git_dir, scanner, blobs, &mut results)?;

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
    Ok((hits, scanned))
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
    // Blobs over a chunk are scanned as they stream in, never held: memory stays bounded
    // whatever the size of a file in the history.
    let streamed = git::stream_blobs(git_dir, asked, CHUNK + 1, |id, ask, content| {
        let content = match content {
            Ok(git::BlobContent::Stream(reader, size)) => {
                if let Ask::Scan(_) = ask {
                    let mut matches = Vec::new();
                    let result = match scan_reader(scanner, reader, |m| matches.push(m)) {
                        Ok(ReadOutcome::Scanned { .. }) => Ok(Some(Version {
                            size,
                            matches,
                            partial_of: None,
                        })),
                        Ok(ReadOutcome::Binary) => Ok(None),
                        Err(e) => Err(e.to_string()),
                    };
                    out.extend(record(id, result));
                }
                recent.put(id, None);
                return;
            }
            Ok(git::BlobContent::Whole(content)) => Ok(Arc::new(content)),
            Err(e) => Err(e),
        };
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
        results[i].matches = read_and_scan(git_dir, scanner, &LineLocal::default(), w.id, None)
            .map(|v| v.map(|v| v.matches).unwrap_or_default())
            .map_err(|e| format!("blob {}: {e}", w.id));
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

/// Reads blob `id` in process and scans it as [`scan_version`] does; errors as text.
fn read_and_scan(
    git_dir: &std::path::Path,
    scanner: &Scanner,
    local: &LineLocal,
    id: ObjectId,
    base: Option<(ObjectId, &[u8])>,
) -> std::result::Result<Option<Version>, String> {
    let scanned = with_reader(git_dir, |reader| {
        reader.with_blob(id, |content| {
            scan_version(scanner, local, id, content, base)
        })
    });
    match scanned.and_then(|r| r) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// A base read in process (one that has left the recent contents, or any base when there is no
/// `git` command); `None` when it cannot be read, and the blob is then scanned whole.
fn read_again(git_dir: &std::path::Path, id: ObjectId) -> Option<Arc<Vec<u8>>> {
    with_reader(git_dir, |reader| {
        // A base over a chunk is never compared line by line (see `scan_version`): not read.
        if reader.size(id).ok()? > CHUNK as u64 {
            return None;
        }
        reader.with_blob(id, |c| Arc::new(c.to_vec())).ok()
    })
    .ok()
    .flatten()
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
