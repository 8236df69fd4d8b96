//! The commits a pack stores first. `git pack-objects` writes a pack's objects in recency order,
//! commits first, a tagged commit's annotated tags right after it (on cargo, 23,760 commits, then
//! 107 tags, then trees and blobs), so one sequential read of each pack's start yields most of a
//! history's commits, inflated on every core, where a walk finding and reading them one by one,
//! each after its child, runs on one.

use super::entry::{self, Kind, COMMIT, TAG};
use super::store::{Pack, Packs};
use crate::git::object::ObjectId;
use rayon::prelude::*;
use std::collections::HashMap;

/// A run of consecutive entries read at once: at most this many entries...
const RUN_ENTRIES: usize = 2048;
/// ...and this many bytes (a run that reaches past the commits may hold large objects).
const RUN_BYTES: u64 = 1 << 20;

impl Packs {
    /// `each(content)` on every commit that a pack stores before its first object of another type
    /// (and on any commit rebuilt from a base read in the same run), on every core; the results
    /// that are `Some`, with the commits' ids. Commits over `max_size` bytes, deltas whose base
    /// was read in an earlier run, and entries that do not decode are left out: the caller reads
    /// what it misses the usual way, which reports any damage.
    pub fn leading_commits<T: Send>(
        &self,
        max_size: u64,
        each: impl Fn(&[u8]) -> Option<T> + Sync,
    ) -> Vec<(ObjectId, T)> {
        let mut out = Vec::new();
        for pack in &self.packs {
            let mut found: Vec<(u64, T)> = Vec::new();
            let mut first = 0;
            // A batch of runs, one a core, until a run meets an object of another type.
            let per_batch = rayon::current_num_threads().max(1);
            while first < pack.offsets.len() {
                let mut runs = Vec::with_capacity(per_batch);
                while runs.len() < per_batch && first < pack.offsets.len() {
                    let end = run_end(pack, first);
                    runs.push(first..end);
                    first = end;
                }
                let read: Vec<(bool, Vec<(u64, T)>)> = runs
                    .into_par_iter()
                    .map_init(entry::inflater, |z, run| {
                        read_run(pack, run, max_size, z, &each)
                    })
                    .collect();
                let mut ended = false;
                for (run_ended, mut commits) in read {
                    ended |= run_ended;
                    found.append(&mut commits);
                }
                if ended {
                    break;
                }
            }
            out.extend(with_ids(pack, found));
        }
        out
    }
}

/// Where the run of entries starting at entry `first` ends (exclusive): the limits above, on
/// entries' ends (the entry after the commits may be a blob of any size), but at least one entry.
fn run_end(pack: &Pack, first: usize) -> usize {
    let start = pack.offsets[first];
    let mut end = first + 1;
    while end < pack.offsets.len()
        && end - first < RUN_ENTRIES
        && pack.entry_end(end) - start <= RUN_BYTES
    {
        end += 1;
    }
    end
}

/// The commits of the entries `run`, by offset, and whether an entry of another type ended them.
fn read_run<T>(
    pack: &Pack,
    run: std::ops::Range<usize>,
    max_size: u64,
    z: &mut entry::Inflater,
    each: &(impl Fn(&[u8]) -> Option<T> + Sync),
) -> (bool, Vec<(u64, T)>) {
    let start = pack.offsets[run.start];
    let end = pack.entry_end(run.end - 1);
    // A run of one entry over the limit is not read: a commit that large (none is) is left to
    // the one-by-one reader, anything else ends the commits.
    if end - start > RUN_BYTES {
        let commit = pack.header(start).is_ok_and(|h| {
            matches!(
                h.kind,
                Kind::Object(COMMIT) | Kind::Object(TAG) | Kind::OfsDelta(_)
            )
        });
        return (!commit, Vec::new());
    }
    let mut bytes = Vec::new();
    if pack.read_at(start, end - start, &mut bytes).is_err() {
        return (true, Vec::new());
    }
    let mut out = Vec::new();
    // The commits of this run rebuilt so far, as bases for the deltas after them.
    let mut contents: HashMap<u64, Vec<u8>> = HashMap::new();
    for i in run {
        let at = pack.offsets[i];
        let entry_end = pack.entry_end(i);
        let entry = &bytes[(at - start) as usize..(entry_end - start) as usize];
        let Ok(header) = entry::header(entry, at) else {
            return (true, out);
        };
        let base = match header.kind {
            Kind::Object(COMMIT) => None,
            // A delta of an earlier entry, which was a commit: the commits come first.
            Kind::OfsDelta(base) => Some(base),
            // A tagged commit's tags come right after it, among the commits.
            Kind::Object(TAG) => continue,
            Kind::Object(_) | Kind::RefDelta(_) => return (true, out),
        };
        if header.size > max_size {
            continue;
        }
        let mut inflated = Vec::new();
        let data = &entry[header.data_at.min(entry.len())..];
        if entry::inflate(z, data, header.size as usize, &mut inflated).is_err() {
            continue;
        }
        let content = match base {
            None => inflated,
            Some(base) => {
                let Some(base) = contents.get(&base) else {
                    continue;
                };
                let mut rebuilt = Vec::new();
                let fits = entry::delta_result_size(&inflated).is_ok_and(|n| n as u64 <= max_size);
                if !fits || entry::apply_delta(base, &inflated, &mut rebuilt).is_err() {
                    continue;
                }
                rebuilt
            }
        };
        if let Some(t) = each(&content) {
            out.push((at, t));
        }
        contents.insert(at, content);
    }
    (false, out)
}

/// `found`, by offset, with each entry's id from the pack's index.
fn with_ids<T>(pack: &Pack, mut found: Vec<(u64, T)>) -> Vec<(ObjectId, T)> {
    found.sort_unstable_by_key(|(at, _)| *at);
    let Some(&(last, _)) = found.last() else {
        return Vec::new();
    };
    let mut ids: Vec<Option<ObjectId>> = vec![None; found.len()];
    for (offset, id) in pack.index.entries() {
        if offset > last {
            continue;
        }
        if let Ok(slot) = found.binary_search_by_key(&offset, |(at, _)| *at) {
            ids[slot] = git2::Oid::from_bytes(id).ok().map(ObjectId);
        }
    }
    found
        .into_iter()
        .zip(ids)
        .filter_map(|((_, t), id)| Some((id?, t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::{git, objects, repacked_repo};

    #[test]
    fn reads_the_commits_a_pack_starts_with_as_git_does() {
        let (tmp, _) = repacked_repo();
        let dir = tmp.path();
        let packs = Packs::open(&dir.join(".git/objects"));
        let read = packs.leading_commits(u64::MAX, |raw| Some(raw.to_vec()));
        let loose = git(dir, &["rev-parse", "HEAD"]);
        let loose = String::from_utf8(loose).unwrap();
        let commits = objects(dir, "commit");
        // Every commit but the one made after the repack, byte for byte.
        assert_eq!(read.len(), commits.len() - 1);
        for (id, raw) in &read {
            assert_ne!(id.to_string(), loose.trim());
            assert!(commits.contains(id));
            assert_eq!(*raw, git(dir, &["cat-file", "commit", &id.to_string()]));
        }
        // An annotated tag sits after its commit, among the commits: still every commit.
        git(dir, &["tag", "-am", "release", "v1", "HEAD~20"]);
        git(dir, &["tag", "-am", "release", "v2", "HEAD~10"]);
        git(dir, &["repack", "-adq"]);
        let packs = Packs::open(&dir.join(".git/objects"));
        assert_eq!(
            packs.leading_commits(u64::MAX, |_| Some(())).len(),
            commits.len(),
            "the loose commit is packed now"
        );

        // Nothing over the size limit; nothing the caller turns down.
        assert!(packs.leading_commits(100, |raw| Some(raw.len())).is_empty());
        assert!(packs.leading_commits(u64::MAX, |_| None::<()>).is_empty());
    }

    #[test]
    fn an_entry_over_the_run_limit_is_left_to_the_one_by_one_reader() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        crate::git::test_git::init(dir);
        crate::git::test_git::commit(dir, &[("a", b"1")]);
        // A commit whose message compresses to over a megabyte, between two small ones.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let message: String = (0..2_000_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        std::fs::write(dir.join("message"), message).unwrap();
        std::fs::write(dir.join("a"), "2").unwrap();
        git(dir, &["add", "a"]);
        git(dir, &["commit", "-q", "--no-verify", "-F", "message"]);
        let large = git(dir, &["rev-parse", "HEAD"]);
        let large = String::from_utf8(large).unwrap();
        crate::git::test_git::commit(dir, &[("a", b"3")]);
        git(dir, &["repack", "-adq"]);
        let packs = Packs::open(&dir.join(".git/objects"));
        let read: Vec<String> = packs
            .leading_commits(u64::MAX, |_| Some(()))
            .into_iter()
            .map(|(id, ())| id.to_string())
            .collect();
        assert_eq!(read.len(), 2, "the two small commits: {read:?}");
        assert!(!read.contains(&large.trim().to_string()));
    }
}
