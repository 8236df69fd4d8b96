//! Rebuilding many blobs at once: the blobs asked for and their bases form a forest (each delta
//! under its base), walked from the roots down, so that each entry is inflated once and each
//! delta applied once, to its base's content just rebuilt.

use super::entry::{self, Header, Kind};
use super::store::Packs;
use crate::git::object::ObjectId;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One entry of the forest: a blob asked for, or a base of one.
struct Node {
    pack: usize,
    offset: u64,
    header: Header,
    /// Set when the blob was asked for.
    id: Option<ObjectId>,
    /// The node this one is a delta of.
    base: Option<usize>,
    children: Vec<usize>,
    delivered: AtomicBool,
}

/// The forest while it is built: its nodes, by pack and offset.
#[derive(Default)]
struct Forest {
    nodes: Vec<Node>,
    at: HashMap<(usize, u64), usize, foldhash::fast::FixedState>,
}

impl Forest {
    /// Adds the entry at `offset` of pack `pack`, whose header is `header` (or names the blob it
    /// holds, when it is there already as a base); the new node's index, `None` when it was
    /// there.
    fn add(
        &mut self,
        pack: usize,
        offset: u64,
        header: Header,
        id: Option<ObjectId>,
    ) -> Option<usize> {
        if let Some(&i) = self.at.get(&(pack, offset)) {
            if id.is_some() {
                self.nodes[i].id = id;
            }
            return None;
        }
        self.at.insert((pack, offset), self.nodes.len());
        self.nodes.push(Node {
            pack,
            offset,
            header,
            id,
            base: None,
            children: Vec::new(),
            delivered: AtomicBool::new(false),
        });
        Some(self.nodes.len() - 1)
    }
}

/// What [`Packs::rebuild_blobs`] calls on each rebuilt blob: its id when it was asked for, its
/// content, and what the call returned for its base.
pub type Visit<'a, S> = dyn Fn(Option<ObjectId>, &Arc<Vec<u8>>, Option<&S>) -> S + Sync + 'a;

/// A content rebuilt, with what its visit returned: the base of its deltas.
type Rebuilt<S> = (Arc<Vec<u8>>, S);

thread_local! {
    /// Each thread's inflater and buffers for an entry's bytes and a delta.
    static SCRATCH: RefCell<(entry::Inflater, Vec<u8>, Vec<u8>)> =
        RefCell::new((entry::inflater(), Vec::new(), Vec::new()));
}

impl Packs {
    /// Rebuilds each blob of `wanted` that the packs hold (up to `max_size` bytes) and calls
    /// `visit` on it and on each base it is rebuilt from, bases first, on every core: with the id
    /// when the blob was asked for, its content, and what `visit` returned for its base (`None`
    /// for a blob stored whole). Returns the blobs of `wanted` it did not hand over.
    pub fn rebuild_blobs<S: Clone + Send + Sync>(
        &self,
        wanted: &[ObjectId],
        max_size: u64,
        visit: &Visit<S>,
    ) -> Vec<ObjectId> {
        let mut missed = Vec::new();
        let (nodes, roots) = self.forest(wanted, &mut missed);
        // Largest trees first, so that the cores finish together.
        let mut roots: Vec<(usize, u64)> =
            roots.into_iter().map(|r| (r, weight(&nodes, r))).collect();
        roots.sort_by_key(|&(_, w)| std::cmp::Reverse(w));
        roots
            .par_iter()
            .with_max_len(1)
            .for_each(|&(root, _)| self.walk_tree(&nodes, root, max_size, visit));
        missed.extend(
            nodes
                .iter()
                .filter(|n| !n.delivered.load(Ordering::Relaxed))
                .filter_map(|n| n.id),
        );
        missed
    }

    /// The forest of the blobs of `wanted` found in a pack and of their bases: the nodes, and
    /// the roots (blobs stored whole). Ids no pack holds go to `missed`.
    fn forest(&self, wanted: &[ObjectId], missed: &mut Vec<ObjectId>) -> (Vec<Node>, Vec<usize>) {
        // Headers are read on every core (a read each), the forest is put together on one.
        let headers = |entries: &[(usize, u64)]| -> Vec<Option<Header>> {
            entries
                .par_iter()
                .with_min_len(256)
                .map(|&(pack, offset)| self.packs[pack].header(offset).ok())
                .collect()
        };
        let mut forest = Forest::default();
        let mut found: Vec<(usize, u64)> = Vec::with_capacity(wanted.len());
        let mut found_ids: Vec<ObjectId> = Vec::with_capacity(wanted.len());
        for &id in wanted {
            match self.find(id) {
                Some(at) => {
                    found.push(at);
                    found_ids.push(id);
                }
                None => missed.push(id),
            }
        }
        let mut todo: Vec<usize> = Vec::new();
        for ((&(pack, offset), header), id) in found.iter().zip(headers(&found)).zip(found_ids) {
            match header {
                Some(h) => todo.extend(forest.add(pack, offset, h, Some(id))),
                // A blob whose header does not read is left to the usual reader (which reports
                // the damage); it was dropped before.
                None => missed.push(id),
            }
        }
        // Each node's base, added a generation at a time until every chain reaches an entry
        // stored whole. A delta whose base is not in its pack stays out of the forest (never
        // delivered).
        while !todo.is_empty() {
            let mut bases: Vec<(usize, (usize, u64))> = Vec::new();
            for i in todo.drain(..) {
                let pack = forest.nodes[i].pack;
                let offset = match forest.nodes[i].header.kind {
                    Kind::Object(_) => continue,
                    Kind::OfsDelta(offset) => offset,
                    Kind::RefDelta(id) => match self.packs[pack].index.find(&id) {
                        Some(offset) => offset,
                        None => continue,
                    },
                };
                match forest.at.get(&(pack, offset)) {
                    Some(&b) => forest.nodes[i].base = Some(b),
                    None => bases.push((i, (pack, offset))),
                }
            }
            let entries: Vec<(usize, u64)> = bases.iter().map(|&(_, at)| at).collect();
            for ((i, (pack, offset)), header) in bases.into_iter().zip(headers(&entries)) {
                // Two deltas of one new base: the second finds it added by the first.
                let base = match forest.at.get(&(pack, offset)) {
                    Some(&b) => Some(b),
                    None => header.and_then(|h| {
                        let b = forest.add(pack, offset, h, None);
                        todo.extend(b);
                        b
                    }),
                };
                forest.nodes[i].base = base;
            }
        }
        let mut nodes = forest.nodes;
        let mut roots = Vec::new();
        for i in 0..nodes.len() {
            match (nodes[i].base, nodes[i].header.kind) {
                (Some(b), _) => nodes[b].children.push(i),
                (None, Kind::Object(entry::BLOB)) => roots.push(i),
                // Not a blob, or a delta whose base is missing: left to the usual reader.
                (None, _) => {}
            }
        }
        (nodes, roots)
    }

    /// Rebuilds and visits the tree under `root`, depth first, so that a content is dropped as
    /// soon as its last delta is rebuilt. A subtree that fails to decode is left undelivered.
    fn walk_tree<S: Clone>(&self, nodes: &[Node], root: usize, max_size: u64, visit: &Visit<S>) {
        SCRATCH.with(|scratch| {
            let (z, bytes, delta) = &mut *scratch.borrow_mut();
            let mut stack: Vec<(usize, Option<Rebuilt<S>>)> = vec![(root, None)];
            while let Some((i, base)) = stack.pop() {
                let node = &nodes[i];
                let content = match &base {
                    None => self.inflate_whole(node, max_size, z, bytes),
                    Some((content, _)) => self
                        .inflate_delta(node, z, bytes, delta, max_size)
                        .and_then(|()| {
                            let mut out = Vec::new();
                            entry::apply_delta(content, delta, &mut out)?;
                            Ok(out)
                        }),
                };
                let Ok(content) = content else { continue };
                let content = Arc::new(content);
                let state = visit(node.id, &content, base.as_ref().map(|(_, s)| s));
                node.delivered.store(true, Ordering::Relaxed);
                drop(base);
                for &c in &node.children {
                    stack.push((c, Some((content.clone(), state.clone()))));
                }
            }
        });
    }

    fn inflate_whole(
        &self,
        node: &Node,
        max_size: u64,
        z: &mut entry::Inflater,
        bytes: &mut Vec<u8>,
    ) -> io::Result<Vec<u8>> {
        if node.header.size > max_size {
            return Err(io::Error::other("too large"));
        }
        self.packs[node.pack].entry_bytes(node.offset, bytes)?;
        let mut out = Vec::new();
        let data = bytes.get(node.header.data_at..).unwrap_or_default();
        entry::inflate(z, data, node.header.size as usize, &mut out)?;
        Ok(out)
    }

    fn inflate_delta(
        &self,
        node: &Node,
        z: &mut entry::Inflater,
        bytes: &mut Vec<u8>,
        delta: &mut Vec<u8>,
        max_size: u64,
    ) -> io::Result<()> {
        self.packs[node.pack].entry_bytes(node.offset, bytes)?;
        let data = bytes.get(node.header.data_at..).unwrap_or_default();
        let size = usize::try_from(node.header.size).map_err(io::Error::other)?;
        entry::inflate(z, data, size, delta)?;
        if entry::delta_result_size(delta)? as u64 > max_size {
            return Err(io::Error::other("too large"));
        }
        Ok(())
    }
}

/// The inflated bytes of the tree under `root`: how long rebuilding it takes, roughly.
fn weight(nodes: &[Node], root: usize) -> u64 {
    let mut stack = vec![root];
    let mut total = 0;
    while let Some(i) = stack.pop() {
        total += nodes[i].header.size;
        stack.extend(&nodes[i].children);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::{git, objects, repacked_repo};
    use std::sync::Mutex;

    #[test]
    fn rebuilds_every_packed_blob_as_git_reads_it() {
        let (tmp, loose) = repacked_repo();
        let dir = tmp.path();
        let ids = objects(dir, "blob");
        let got: Mutex<HashMap<ObjectId, Vec<u8>>> = Mutex::default();
        let deepest = std::sync::atomic::AtomicUsize::new(0);
        let visit = |id: Option<ObjectId>, content: &Arc<Vec<u8>>, base: Option<&usize>| {
            let depth = base.map_or(0, |d| d + 1);
            deepest.fetch_max(depth, Ordering::Relaxed);
            if let Some(id) = id {
                let old = got.lock().unwrap().insert(id, content.to_vec());
                assert!(old.is_none(), "{id} handed over twice");
            }
            depth
        };
        let packs = Packs::open(&dir.join(".git/objects"));
        let missed = packs.rebuild_blobs(&ids, u64::MAX, &visit);
        let got = got.into_inner().unwrap();

        assert_eq!(missed, vec![loose], "only the loose blob is left to git");
        assert_eq!(got.len(), ids.len() - 1);
        for (id, content) in &got {
            assert_eq!(
                content,
                &git(dir, &["cat-file", "blob", &id.to_string()]),
                "{id}"
            );
        }
        assert!(
            deepest.into_inner() >= 5,
            "the versions were rebuilt through delta chains"
        );
    }

    #[test]
    fn leaves_blobs_over_the_size_limit_and_odd_packs_to_git() {
        let (tmp, _) = repacked_repo();
        let dir = tmp.path();
        let ids = objects(dir, "blob");
        let visit = |_: Option<ObjectId>, _: &Arc<Vec<u8>>, _: Option<&()>| {};
        let packs = Packs::open(&dir.join(".git/objects"));
        let missed = packs.rebuild_blobs(&ids, 1000, &visit);
        assert_eq!(missed.len(), ids.len(), "every blob is over 1000 bytes");

        // A pack whose file was cut short is not opened at all.
        let pack_dir = dir.join(".git/objects/pack");
        for entry in std::fs::read_dir(&pack_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pack") {
                let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                file.set_len(100).unwrap();
            }
        }
        let packs = Packs::open(&dir.join(".git/objects"));
        assert!(packs.packs.is_empty());
        assert_eq!(packs.rebuild_blobs(&ids, u64::MAX, &visit).len(), ids.len());
    }

    #[test]
    fn hands_back_a_blob_whose_entry_header_is_damaged() {
        let (tmp, loose) = repacked_repo();
        let dir = tmp.path();
        let ids = objects(dir, "blob");
        let packs = Packs::open(&dir.join(".git/objects"));
        // The type bits of one packed blob's entry set to 5, a type Git never writes.
        let damaged = *ids.iter().find(|&&id| id != loose).unwrap();
        let (_, offset) = packs.find(damaged).unwrap();
        let path = std::fs::read_dir(dir.join(".git/objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "pack"))
            .unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[offset as usize] = (bytes[offset as usize] & 0x8f) | (5 << 4);
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&path, perms).unwrap();
        std::fs::write(&path, bytes).unwrap();

        let packs = Packs::open(&dir.join(".git/objects"));
        let visit = |_: Option<ObjectId>, _: &Arc<Vec<u8>>, _: Option<&()>| {};
        let missed = packs.rebuild_blobs(&[damaged, loose], u64::MAX, &visit);
        assert!(missed.contains(&damaged), "left to the usual reader");
        assert!(missed.contains(&loose));
    }
}
