//! The blobs of pass 2 that the pack files hold, rebuilt in-process (see `git::Packs`) and
//! scanned as they are rebuilt.
//!
//! Each blob is scanned against a clean version already scanned (one with no match), by the lines
//! it adds to it. The best such version is a neighbour in its file's history (the version it
//! replaced, or one that replaced it): consecutive versions share nearly every line. Those are
//! kept, within a memory budget, until their neighbours are rebuilt. Otherwise the version it is
//! stored as a delta of stands in: always at hand, but often a far version of the file (on
//! cargo's history that finds five times the new text the neighbours do).

use super::version::{scan_version, BlobResult, LineLocal, Version, Wanted};
use crate::engine::Scanner;
use crate::git::{ObjectId, Packs};
use crate::input::CHUNK;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// How many bytes of clean versions are kept for their neighbours at most, the oldest dropped
/// first. On cargo's history 12 MB gets most of the gain (2.85 s against 3.3 s with none) and
/// keeps the peak near 90 MB; 24 MB gains nothing more and passes 100 MB.
const NEAR_BUDGET: usize = 12 << 20;

/// A scanned version, as a base for the versions rebuilt after it.
#[derive(Clone)]
struct Base {
    id: ObjectId,
    content: Arc<Vec<u8>>,
}

/// Scans each blob of `blobs` that `packs` hold, passing each outcome to `record`; returns the
/// results `record` kept and the blobs left to the usual reader.
pub(super) fn scan_packed_blobs(
    packs: &Packs,
    scanner: &Scanner,
    local: &LineLocal,
    record: &(dyn Fn(ObjectId, Result<Option<Version>, String>) -> Option<BlobResult> + Sync),
    blobs: &[Wanted],
) -> (Vec<BlobResult>, HashSet<ObjectId>) {
    let near = NearBases::new(blobs);
    let results = Mutex::new(Vec::new());
    // The state handed from a delta's base to the delta: the base when it is clean (a base not
    // asked for hands on its own).
    let visit = |id: Option<ObjectId>, content: &Arc<Vec<u8>>, base: Option<&Option<Base>>| {
        let delta_base = base.cloned().flatten();
        let Some(id) = id else {
            return delta_base;
        };
        let base = near.take(id).or(delta_base);
        let result = scan_version(
            scanner,
            local,
            id,
            content,
            base.as_ref().map(|b| (b.id, b.content.as_slice())),
        )
        // Against a clean base, the new lines' matches are the whole blob's.
        .map(|v| {
            v.map(|v| Version {
                partial_of: None,
                ..v
            })
        })
        .map_err(|e| e.to_string());
        let clean = match &result {
            Ok(Some(v)) => v.matches.is_empty(),
            Ok(None) => true,
            Err(_) => false,
        };
        results
            .lock()
            .expect("results lock")
            .extend(record(id, result));
        let me = Base {
            id,
            content: content.clone(),
        };
        if clean {
            near.keep(&me);
        }
        clean.then_some(me)
    };
    let ids: Vec<ObjectId> = blobs.iter().map(|w| w.id).collect();
    let missed = packs.rebuild_blobs(&ids, CHUNK as u64, &visit);
    (
        results.into_inner().expect("results lock"),
        missed.into_iter().collect(),
    )
}

/// Clean versions kept for their neighbours in their file's history.
struct NearBases {
    /// Each blob's place in `blobs` (ids are unique there).
    index: HashMap<ObjectId, u32>,
    /// Each blob's neighbours: the versions that replaced it,
    /// `successors[first_successor[i]..first_successor[i + 1]]`, and the version it replaced.
    first_successor: Vec<u32>,
    successors: Vec<u32>,
    predecessor: Vec<Option<u32>>,
    kept: Mutex<Kept>,
}

struct Kept {
    /// How many of each blob's neighbours are still to be scanned.
    waiting: Vec<u32>,
    contents: HashMap<u32, Base>,
    /// The kept blobs, oldest first (some already dropped): the oldest goes when over budget.
    order: VecDeque<u32>,
    bytes: usize,
}

impl NearBases {
    fn new(blobs: &[Wanted]) -> NearBases {
        let index: HashMap<ObjectId, u32> = blobs
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id, i as u32))
            .collect();
        let predecessor: Vec<Option<u32>> = blobs
            .iter()
            .map(|w| w.base.and_then(|b| index.get(&b).copied()))
            .collect();
        // The successors of each blob, grouped by blob (a counting sort).
        let mut first_successor = vec![0u32; blobs.len() + 1];
        for &p in predecessor.iter().flatten() {
            first_successor[p as usize + 1] += 1;
        }
        for i in 0..blobs.len() {
            first_successor[i + 1] += first_successor[i];
        }
        let mut next = first_successor.clone();
        let mut successors = vec![0u32; predecessor.iter().flatten().count()];
        for (i, &p) in predecessor.iter().enumerate() {
            if let Some(p) = p {
                successors[next[p as usize] as usize] = i as u32;
                next[p as usize] += 1;
            }
        }
        let waiting = (0..blobs.len())
            .map(|i| first_successor[i + 1] - first_successor[i] + predecessor[i].is_some() as u32)
            .collect();
        NearBases {
            index,
            first_successor,
            successors,
            predecessor,
            kept: Mutex::new(Kept {
                waiting,
                contents: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
            }),
        }
    }

    fn neighbours(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let i = i as usize;
        let after = &self.successors
            [self.first_successor[i] as usize..self.first_successor[i + 1] as usize];
        self.predecessor[i].into_iter().chain(after.iter().copied())
    }

    /// A kept neighbour of `id`, about to be scanned; neighbours no longer awaited are dropped.
    fn take(&self, id: ObjectId) -> Option<Base> {
        let &i = self.index.get(&id)?;
        let mut kept = self.kept.lock().expect("near bases lock");
        let mut found = None;
        for n in self.neighbours(i) {
            if found.is_none() {
                found = kept.contents.get(&n).cloned();
            }
            let waiting = &mut kept.waiting[n as usize];
            *waiting = waiting.saturating_sub(1);
            if *waiting == 0 {
                if let Some(gone) = kept.contents.remove(&n) {
                    kept.bytes -= gone.content.len();
                }
            }
        }
        found
    }

    /// Keeps a clean version when a neighbour is still to come; the oldest kept go when over budget.
    fn keep(&self, base: &Base) {
        let Some(&i) = self.index.get(&base.id) else {
            return;
        };
        let mut kept = self.kept.lock().expect("near bases lock");
        if kept.waiting[i as usize] == 0 || base.content.len() > NEAR_BUDGET {
            return;
        }
        kept.bytes += base.content.len();
        kept.contents.insert(i, base.clone());
        kept.order.push_back(i);
        while kept.bytes > NEAR_BUDGET {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.contents.remove(&oldest) {
                kept.bytes -= gone.content.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(n: u32, len: usize) -> Base {
        Base {
            id: ObjectId::for_test(n),
            content: Arc::new(vec![b'x'; len]),
        }
    }

    fn wanted(n: u32, base: Option<u32>) -> Wanted {
        Wanted {
            id: ObjectId::for_test(n),
            base: base.map(ObjectId::for_test),
            path: 0,
        }
    }

    #[test]
    fn a_version_is_kept_until_its_last_neighbour_takes_it() {
        // 1 <- 2 <- 3, and 2 <- 4 (a branch); 5 stands alone.
        let blobs = [
            wanted(1, None),
            wanted(2, Some(1)),
            wanted(3, Some(2)),
            wanted(4, Some(2)),
            wanted(5, None),
        ];
        let near = NearBases::new(&blobs);
        near.keep(&base(5, 10));
        assert!(
            near.kept.lock().unwrap().contents.is_empty(),
            "no neighbour"
        );

        // Rebuilt in pack order: 3 first, then 2 (found by 2 as its successor), 4, 1.
        assert!(near.take(ObjectId::for_test(3)).is_none());
        near.keep(&base(3, 10));
        assert_eq!(
            near.take(ObjectId::for_test(2)).unwrap().id,
            ObjectId::for_test(3)
        );
        assert!(
            near.kept.lock().unwrap().contents.is_empty(),
            "3 has no neighbour left"
        );
        near.keep(&base(2, 10));
        assert_eq!(
            near.take(ObjectId::for_test(4)).unwrap().id,
            ObjectId::for_test(2)
        );
        assert_eq!(
            near.take(ObjectId::for_test(1)).unwrap().id,
            ObjectId::for_test(2)
        );
        let kept = near.kept.lock().unwrap();
        assert!(kept.contents.is_empty());
        assert_eq!(kept.bytes, 0);
    }

    #[test]
    fn the_oldest_kept_versions_go_first_when_over_budget() {
        // Five files of two versions each: 1 <- 2, 3 <- 4, ... 9 <- 10.
        let blobs: Vec<Wanted> = [1, 3, 5, 7, 9]
            .into_iter()
            .flat_map(|n| [wanted(n, None), wanted(n + 1, Some(n))])
            .collect();
        let near = NearBases::new(&blobs);
        let big = NEAR_BUDGET / 3;
        for n in [1, 3, 5, 7] {
            near.keep(&base(n, big));
        }
        let kept = near.kept.lock().unwrap();
        assert!(kept.bytes <= NEAR_BUDGET);
        let mut ids: Vec<u32> = kept.contents.keys().copied().collect();
        ids.sort();
        // Blob 1 (place 0) went; 3, 5 and 7 stay.
        assert_eq!(ids, vec![2, 4, 6]);
        drop(kept);
        assert!(near.take(ObjectId::for_test(2)).is_none());
        assert_eq!(
            near.take(ObjectId::for_test(8)).unwrap().id,
            ObjectId::for_test(7)
        );
        near.keep(&base(9, NEAR_BUDGET + 1));
        assert!(
            !near.kept.lock().unwrap().contents.contains_key(&8),
            "over the whole budget"
        );
    }
}
