//! Blobs read straight from the repository's pack files, for the history audit: every version of
//! every file, each rebuilt once from the version it is stored as a delta of.
//!
//! A pack stores most versions as deltas against another object (usually another version of the
//! same file), in chains up to 50 deep. Reading versions one by one, as `git cat-file` or libgit2
//! do, inflates the bases of a chain again whenever they have left a cache. Here the blobs asked
//! for and their bases form a forest (each delta under its base), walked from the roots down:
//! each entry is inflated once and each delta applied once, to its base's content just rebuilt,
//! and the blob is handed over then, with its base's state. Roots are spread over every core.
//!
//! Only what a pack answers simply is read here; everything else (loose objects, alternates, a
//! base in another pack, a blob over the size limit, an entry that does not decode) is left to
//! the caller's usual reader, which also reports the errors.

mod entry;
mod idx;

use super::object::ObjectId;
use entry::{Header, Kind};
use flate2::Decompress;
use idx::PackIndex;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A pack file and its index.
struct Pack {
    file: File,
    len: u64,
    index: PackIndex,
    /// Every entry's offset, ascending: where each entry's data ends.
    offsets: Vec<u64>,
}

impl Pack {
    fn open(idx_path: &Path) -> io::Result<Pack> {
        let index = PackIndex::parse(std::fs::read(idx_path)?)?;
        let file = File::open(idx_path.with_extension("pack"))?;
        let len = file.metadata()?.len();
        let offsets = index.sorted_offsets()?;
        if offsets.len() != index.len() || offsets.last().is_some_and(|&o| o + 20 >= len) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "pack shorter than its index",
            ));
        }
        Ok(Pack {
            file,
            len,
            index,
            offsets,
        })
    }

    /// The bytes of the entry at `offset`: header and compressed data, up to the next entry (or
    /// the pack's closing checksum).
    fn entry_bytes(&self, offset: u64, buf: &mut Vec<u8>) -> io::Result<()> {
        let end = match self.offsets.binary_search(&offset) {
            Ok(i) => self.offsets.get(i + 1).copied().unwrap_or(self.len - 20),
            Err(_) => return Err(io::Error::other("no entry at this offset")),
        };
        buf.resize((end - offset) as usize, 0);
        read_exact_at(&self.file, buf, offset)
    }

    fn header(&self, offset: u64) -> io::Result<Header> {
        let mut bytes = [0u8; entry::MAX_HEADER];
        let n = (self.len.saturating_sub(offset) as usize).min(bytes.len());
        read_exact_at(&self.file, &mut bytes[..n], offset)?;
        entry::header(&bytes[..n], offset)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

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
    at: HashMap<(usize, u64), usize>,
}

impl Forest {
    /// Adds the entry at `offset` of pack `pack` (or names the blob it holds, when it is there
    /// already as a base); the new node's index, `None` when it was there or has no readable
    /// header.
    fn add(
        &mut self,
        packs: &Packs,
        pack: usize,
        offset: u64,
        id: Option<ObjectId>,
    ) -> Option<usize> {
        if let Some(&i) = self.at.get(&(pack, offset)) {
            if id.is_some() {
                self.nodes[i].id = id;
            }
            return None;
        }
        let header = packs.packs[pack].header(offset).ok()?;
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

/// The packs of a repository's object directories.
pub struct Packs {
    packs: Vec<Pack>,
}

thread_local! {
    /// Each thread's inflater and buffers for an entry's bytes and a delta.
    static SCRATCH: RefCell<(Decompress, Vec<u8>, Vec<u8>)> =
        RefCell::new((Decompress::new(true), Vec::new(), Vec::new()));
}

impl Packs {
    /// The packs of the object directory `objects` (and of Git's quarantine directory when one is
    /// set). A pack that cannot be opened is left out: its objects are read the usual way.
    pub fn open(objects: &Path) -> Packs {
        let mut dirs: Vec<PathBuf> = vec![objects.to_path_buf()];
        dirs.extend(std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from));
        let mut packs = Vec::new();
        for dir in dirs {
            let Ok(listing) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx: Vec<PathBuf> = listing
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect();
            idx.sort();
            packs.extend(idx.iter().filter_map(|p| Pack::open(p).ok()));
        }
        Packs { packs }
    }

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
        let mut forest = Forest::default();
        let mut todo: Vec<usize> = Vec::new();
        for &id in wanted {
            let found =
                self.packs.iter().enumerate().find_map(|(p, pack)| {
                    pack.index.find(id.0.as_bytes()).map(|offset| (p, offset))
                });
            match found {
                Some((pack, offset)) => todo.extend(forest.add(self, pack, offset, Some(id))),
                None => missed.push(id),
            }
        }
        // Each node's base, added in turn until every chain reaches an entry stored whole. A
        // delta whose base is not in its pack stays out of the forest (never delivered).
        while let Some(i) = todo.pop() {
            let pack = forest.nodes[i].pack;
            let offset = match forest.nodes[i].header.kind {
                Kind::Object(_) => continue,
                Kind::OfsDelta(offset) => offset,
                Kind::RefDelta(id) => match self.packs[pack].index.find(&id) {
                    Some(offset) => offset,
                    None => continue,
                },
            };
            let base = match forest.at.get(&(pack, offset)) {
                Some(&b) => Some(b),
                None => {
                    let b = forest.add(self, pack, offset, None);
                    todo.extend(b);
                    b
                }
            };
            forest.nodes[i].base = base;
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
        z: &mut Decompress,
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
        z: &mut Decompress,
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
    use std::process::Command;
    use std::sync::Mutex;

    fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
        out.stdout
    }

    fn commit(dir: &Path, files: &[(&str, &[u8])]) {
        for (name, content) in files {
            std::fs::write(dir.join(name), content).unwrap();
        }
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "v", "--no-verify"]);
    }

    /// Every blob of the repository, as git lists them.
    fn blob_ids(dir: &Path) -> Vec<ObjectId> {
        let listed = git(dir, &["rev-list", "--objects", "--all"]);
        let listed = String::from_utf8(listed).unwrap();
        listed
            .lines()
            .map(|l| l.split(' ').next().unwrap())
            .filter(|id| git(dir, &["cat-file", "-t", id]) == b"blob\n")
            .map(|id| ObjectId(git2::Oid::from_str(id).unwrap()))
            .collect()
    }

    /// A repository whose file versions are deltas of each other in one pack, plus one version
    /// committed after the repack (a loose object).
    fn repacked_repo() -> (tempfile::TempDir, ObjectId) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"]);
        git(dir, &["config", "user.name", "t"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        let mut lines: Vec<String> = (0..400).map(|i| format!("line {i} of a file\n")).collect();
        let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        for v in 0..30 {
            lines[v * 13 % 400] = format!("changed in version {v}\n");
            lines.push(format!("added in version {v}\n"));
            let text = lines.concat();
            let mut bin = binary.clone();
            bin[v * 100] ^= 0xff;
            commit(dir, &[("a.txt", text.as_bytes()), ("b.bin", &bin)]);
        }
        git(dir, &["repack", "-adfq", "--window=50", "--depth=50"]);
        commit(dir, &[("a.txt", b"after the repack\n")]);
        let loose = git(dir, &["rev-parse", "HEAD:a.txt"]);
        let loose = String::from_utf8(loose).unwrap();
        (tmp, ObjectId(git2::Oid::from_str(loose.trim()).unwrap()))
    }

    #[test]
    fn rebuilds_every_packed_blob_as_git_reads_it() {
        let (tmp, loose) = repacked_repo();
        let dir = tmp.path();
        let ids = blob_ids(dir);
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
        let ids = blob_ids(dir);
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
}
