//! Reading one object by id from the packs, for the history walk's trees: a commit's trees are
//! read one after another, not known in advance as blobs are, so each is rebuilt through its
//! delta chain on demand, with the contents just rebuilt kept as bases for the next reads (Git's
//! own "delta base cache"). Consecutive commits' trees are versions of each other, usually a
//! step or two apart in the same chain, so most reads apply a single delta.

use super::entry::{self, Kind};
use super::store::Packs;
use crate::git::object::ObjectId;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// A content rebuilt, with its object type.
type Object = (u8, Arc<Vec<u8>>);

/// Reads objects from the packs, keeping what it rebuilt within a byte budget. One per run of
/// reads that share their objects (not shared between threads).
pub struct ObjectReader<'p> {
    packs: &'p Packs,
    z: entry::Inflater,
    bytes: Vec<u8>,
    /// Rebuilt contents by pack and offset, and the order they came in (the oldest go first).
    kept: HashMap<(usize, u64), Object, foldhash::fast::FixedState>,
    order: VecDeque<(usize, u64)>,
    kept_bytes: usize,
    budget: usize,
    max_size: u64,
}

/// A delta chain longer than this is taken for a loop in a damaged pack (Git's deepest is 4095).
const MAX_CHAIN: usize = 4096;

impl<'p> ObjectReader<'p> {
    /// A reader keeping up to `budget` bytes of rebuilt contents, which reads no object (and no
    /// delta result) over `max_size` bytes.
    pub fn new(packs: &'p Packs, budget: usize, max_size: u64) -> ObjectReader<'p> {
        ObjectReader {
            packs,
            z: entry::inflater(),
            bytes: Vec::new(),
            kept: HashMap::default(),
            order: VecDeque::new(),
            kept_bytes: 0,
            budget,
            max_size,
        }
    }

    /// The type (1 commit, 2 tree, 3 blob, 4 tag) and content of object `id`; `None` when no
    /// pack holds it, or it cannot be rebuilt from its pack alone (a base elsewhere, damage, over
    /// the size limit): the caller's usual reader then reads it, and reports what is wrong.
    pub fn read(&mut self, id: ObjectId) -> Option<(u8, Arc<Vec<u8>>)> {
        let (pack, offset) = self.packs.find(id)?;
        self.read_at(pack, offset)
    }

    fn read_at(&mut self, pack: usize, offset: u64) -> Option<Object> {
        // Down the chain to a kept content or an entry stored whole, inflating each delta.
        let packs = self.packs;
        let mut deltas: Vec<(u64, Vec<u8>)> = Vec::new();
        // The inflated deltas held, bounded like one object: two deltas naming each other as
        // their base (a damaged or forged pack) must not fill the memory before the chain ends.
        let mut held = 0u64;
        let mut at = offset;
        let (kind, mut content) = loop {
            if let Some(hit) = self.kept.get(&(pack, at)) {
                break hit.clone();
            }
            if deltas.len() > MAX_CHAIN {
                return None;
            }
            let p = &packs.packs[pack];
            p.entry_bytes(at, &mut self.bytes).ok()?;
            let header = entry::header(&self.bytes, at).ok()?;
            if header.size > self.max_size {
                return None;
            }
            let data = self.bytes.get(header.data_at..)?;
            let mut out = Vec::new();
            entry::inflate(&mut self.z, data, header.size as usize, &mut out).ok()?;
            held += header.size;
            if held > self.max_size {
                return None;
            }
            match header.kind {
                Kind::Object(kind) => {
                    let object = (kind, Arc::new(out));
                    self.keep(pack, at, &object);
                    break object;
                }
                Kind::OfsDelta(base) => {
                    deltas.push((at, out));
                    at = base;
                }
                Kind::RefDelta(id) => {
                    deltas.push((at, out));
                    at = p.index.find(&id)?;
                }
            }
        };
        // Back up, each delta applied to the content just rebuilt.
        while let Some((at, delta)) = deltas.pop() {
            if entry::delta_result_size(&delta).ok()? as u64 > self.max_size {
                return None;
            }
            let mut out = Vec::new();
            entry::apply_delta(&content, &delta, &mut out).ok()?;
            content = Arc::new(out);
            self.keep(pack, at, &(kind, content.clone()));
        }
        Some((kind, content))
    }

    fn keep(&mut self, pack: usize, at: u64, object: &Object) {
        let len = object.1.len();
        if len > self.budget / 4 {
            return;
        }
        if self.kept.insert((pack, at), object.clone()).is_none() {
            self.order.push_back((pack, at));
            self.kept_bytes += len;
        }
        while self.kept_bytes > self.budget {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, c)) = self.kept.remove(&old) {
                self.kept_bytes -= c.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::{git, objects, oid, repacked_repo};

    #[test]
    fn reads_every_packed_object_as_git_does_and_leaves_loose_ones() {
        let (tmp, _) = repacked_repo();
        let dir = tmp.path();
        // The commit made after the repack: its commit, tree and blob are loose.
        let loose = git(dir, &["rev-parse", "HEAD", "HEAD^{tree}", "HEAD:a.txt"]);
        let loose: Vec<ObjectId> = String::from_utf8(loose).unwrap().lines().map(oid).collect();
        let packs = Packs::open(&dir.join(".git/objects"));
        // A small budget, so that bases leave and chains are walked again.
        let mut reader = ObjectReader::new(&packs, 16 << 10, u64::MAX);
        let mut read = 0;
        for (kind, name) in [(1u8, "commit"), (2, "tree"), (3, "blob")] {
            for id in objects(dir, name) {
                let hex = id.to_string();
                let got = reader.read(id);
                if loose.contains(&id) {
                    assert!(got.is_none(), "{hex} is loose, not in the pack");
                    continue;
                }
                let (got_kind, content) = got.unwrap_or_else(|| panic!("{hex} not read"));
                assert_eq!(got_kind, kind, "{hex}");
                assert_eq!(*content, git(dir, &["cat-file", name, &hex]), "{hex}");
                read += 1;
            }
        }
        assert!(
            read >= 90,
            "commits, trees and blobs of 30 versions: {read}"
        );
        assert!(reader.kept_bytes <= 16 << 10);
    }

    #[test]
    fn reads_nothing_over_the_size_limit() {
        let (tmp, _) = repacked_repo();
        let dir = tmp.path();
        let packs = Packs::open(&dir.join(".git/objects"));
        let mut reader = ObjectReader::new(&packs, 1 << 20, 1000);
        let blobs = objects(dir, "blob");
        assert!(blobs.iter().all(|&id| reader.read(id).is_none()));
        let trees = objects(dir, "tree");
        assert!(trees.iter().any(|&id| reader.read(id).is_some()));
    }
}
