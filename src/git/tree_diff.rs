//! Which files differ between two trees, read from raw tree objects (`MODE SP NAME NUL ID`,
//! entries in Git's tree order) wherever they come from: the history walk's packs, or libgit2.

use super::commit::FileChange;
use super::object::{is_scanned_blob_mode, is_tree_mode, ObjectId};
use crate::bytes::{common_prefix, common_suffix};
use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::sync::Arc;

const ID: usize = 20;

/// One entry of a raw tree, borrowed from it.
#[derive(Clone, Copy)]
struct Entry<'t> {
    mode: u32,
    name: &'t [u8],
    id: &'t [u8],
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        is_tree_mode(self.mode)
    }

    fn object_id(&self) -> ObjectId {
        ObjectId(git2::Oid::from_bytes(self.id).expect("20 bytes"))
    }

    /// Git's tree order: names compared bytewise, a subtree's name as if followed by `/`.
    fn cmp_name(&self, other: &Entry<'_>) -> Ordering {
        let tail = |e: &Entry<'_>| -> &'static [u8] {
            if e.is_tree() {
                b"/"
            } else {
                b""
            }
        };
        let (x, y) = (self.name, other.name);
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            Ordering::Equal => x[n..]
                .iter()
                .chain(tail(self))
                .cmp(y[n..].iter().chain(tail(other))),
            order => order,
        }
    }
}

/// The entry of the raw tree `raw` (object `id`, named in the error when it is malformed) that
/// starts at `at`, and where it ends; `None` at the end of the tree.
fn entry_at(raw: &[u8], at: usize, id: ObjectId) -> Result<Option<(Entry<'_>, usize)>> {
    let bad = || {
        Error::io(
            "read tree",
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("tree {id} is malformed"),
            ),
        )
    };
    let rest = &raw[at..];
    if rest.is_empty() {
        return Ok(None);
    }
    let space = memchr::memchr(b' ', rest)
        .filter(|&s| s > 0)
        .ok_or_else(bad)?;
    let mut mode = 0u32;
    for &digit in &rest[..space] {
        if !(b'0'..=b'7').contains(&digit) || mode > 0o777_777 {
            return Err(bad());
        }
        mode = mode << 3 | u32::from(digit - b'0');
    }
    let nul = memchr::memchr(0, &rest[space..]).ok_or_else(bad)? + space;
    if nul == space + 1 {
        return Err(bad());
    }
    let id = rest.get(nul + 1..nul + 1 + ID).ok_or_else(bad)?;
    let entry = Entry {
        mode,
        name: &rest[space + 1..nul],
        id,
    };
    Ok(Some((entry, at + nul + 1 + ID)))
}

/// One side of a comparison: a raw tree, read an entry at a time.
struct Side<'t> {
    raw: &'t [u8],
    id: ObjectId,
    /// The entry at the cursor and where it ends.
    head: Option<(Entry<'t>, usize)>,
    at: usize,
}

impl<'t> Side<'t> {
    fn new(tree: Option<&'t Tree>, at: usize) -> Result<Side<'t>> {
        let (id, raw) = tree.map_or((ObjectId(git2::Oid::zero()), &[][..]), |(id, raw)| {
            (*id, raw.as_slice())
        });
        Ok(Side {
            raw,
            id,
            head: entry_at(raw, at, id)?,
            at,
        })
    }

    fn entry(&self) -> Option<&Entry<'t>> {
        self.head.as_ref().map(|(e, _)| e)
    }

    fn advance(&mut self) -> Result<()> {
        if let Some((_, end)) = self.head {
            self.at = end;
            self.head = entry_at(self.raw, end, self.id)?;
        }
        Ok(())
    }

    /// Bytes from the cursor to the end.
    fn left(&self) -> usize {
        self.raw.len() - self.at
    }
}

/// Where the first entry of `raw` that does not end within its first `same` bytes starts.
fn skip_entries_within(raw: &[u8], same: usize) -> usize {
    let mut at = 0;
    while let Some(nul) = memchr::memchr(0, &raw[at..same]) {
        let end = at + nul + 1 + ID;
        if end > same {
            break;
        }
        at = end;
    }
    at
}

/// A raw tree and its id.
type Tree = (ObjectId, Arc<Vec<u8>>);

/// Folders nested deeper than this are refused (each level is a call on the stack). Git itself
/// refuses trees deeper than 4096 (`core.maxTreeDepth`); no project nests a quarter of that.
const MAX_DEPTH: usize = 1024;

/// Compares trees read by `read` (a raw tree by its id).
pub(super) struct TreeDiff<F> {
    read: F,
}

impl<F: FnMut(ObjectId) -> Result<Arc<Vec<u8>>>> TreeDiff<F> {
    pub(super) fn new(read: F) -> TreeDiff<F> {
        TreeDiff { read }
    }

    /// The regular files and symbolic links whose content differs between the trees `old` (the
    /// empty tree when `None`) and `new`, in path order, appended to `out`. No file content is
    /// read.
    pub(super) fn changes(
        &mut self,
        new: ObjectId,
        old: Option<ObjectId>,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        let new = self.tree(new)?;
        let old = old.map(|o| self.tree(o)).transpose()?;
        let mut prefix = Vec::new();
        self.diff(old.as_ref(), Some(&new), &mut prefix, out, 0)
    }

    fn tree(&mut self, id: ObjectId) -> Result<Tree> {
        Ok((id, (self.read)(id)?))
    }

    fn subtree(&mut self, e: Option<&Entry<'_>>) -> Result<Option<Tree>> {
        e.filter(|e| e.is_tree())
            .map(|e| self.tree(e.object_id()))
            .transpose()
    }

    /// Compares two trees entry by entry, descending only into subtrees whose ids differ: the
    /// cost follows the size of the change, not of the tree. Two versions of a folder share
    /// most of their bytes: entries within the bytes both start with, or both end with, are the
    /// same entries, and are not compared.
    fn diff(
        &mut self,
        old: Option<&Tree>,
        new: Option<&Tree>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<FileChange>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            let id = new
                .or(old)
                .map(|(id, _)| id.to_string())
                .unwrap_or_default();
            return Err(Error::io(
                "read tree",
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("tree {id} is nested more than {MAX_DEPTH} folders deep"),
                ),
            ));
        }
        fn bytes(t: Option<&Tree>) -> &[u8] {
            t.map_or(&[][..], |(_, raw)| raw.as_slice())
        }
        let (a, b) = (bytes(old), bytes(new));
        let start = skip_entries_within(a, common_prefix(a, b));
        let tail = common_suffix(a, b);
        let (mut a, mut b) = (Side::new(old, start)?, Side::new(new, start)?);
        loop {
            if a.left() == b.left() && a.left() <= tail {
                // What is left is the same bytes on both sides, from an entry's start.
                return Ok(());
            }
            let order = match (a.entry(), b.entry()) {
                (Some(x), Some(y)) => x.cmp_name(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => return Ok(()),
            };
            let (x, y) = match order {
                Ordering::Less => (a.entry().copied(), None),
                Ordering::Greater => (None, b.entry().copied()),
                Ordering::Equal => (a.entry().copied(), b.entry().copied()),
            };
            if x.is_some() {
                a.advance()?;
            }
            if y.is_some() {
                b.advance()?;
            }
            if let (Some(x), Some(y)) = (x, y) {
                if x.id == y.id && x.mode == y.mode {
                    continue;
                }
            }
            let name = x.or(y).expect("one side").name;
            let len = prefix.len();
            prefix.extend_from_slice(name);
            let (old_tree, new_tree) = (self.subtree(x.as_ref())?, self.subtree(y.as_ref())?);
            if old_tree.is_some() || new_tree.is_some() {
                prefix.push(b'/');
                self.diff(old_tree.as_ref(), new_tree.as_ref(), prefix, out, depth + 1)?;
            }
            let blob = |e: Option<Entry<'_>>| {
                e.filter(|e| is_scanned_blob_mode(e.mode))
                    .map(|e| e.object_id())
            };
            let (old, new) = (blob(x), blob(y));
            if (old.is_some() || new.is_some()) && old != new {
                prefix.truncate(len + name.len());
                out.push(FileChange {
                    path: prefix.clone(),
                    old,
                    new,
                });
            }
            prefix.truncate(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_refuses_a_malformed_tree() {
        let id = ObjectId::for_test(1);
        let mut raw = b"100644 a.txt\0".to_vec();
        raw.extend([7u8; ID]);
        raw.extend(b"40000 src\0");
        raw.extend([9u8; ID]);
        fn entries(raw: &[u8], id: ObjectId) -> Result<Vec<Entry<'_>>> {
            let mut out = Vec::new();
            let mut at = 0;
            while let Some((e, end)) = entry_at(raw, at, id)? {
                out.push(e);
                at = end;
            }
            Ok(out)
        }
        let got = entries(&raw, id).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].mode, got[0].name), (0o100644, &b"a.txt"[..]));
        assert!(got[1].is_tree() && got[1].id == [9u8; ID]);

        for bad in [
            &raw[..raw.len() - 1],                  // an id cut short
            &b"100644 no-nul"[..],                  // a name never ended
            &b"10x644 a\0aaaaaaaaaaaaaaaaaaaa"[..], // not an octal mode
            &b"no-space-at-all"[..],
            &b" a\0aaaaaaaaaaaaaaaaaaaa"[..],      // no mode
            &b"100644 \0aaaaaaaaaaaaaaaaaaaa"[..], // no name
        ] {
            let err = entries(bad, id).err().expect("malformed");
            assert!(err.to_string().contains(&id.to_string()), "{err}");
        }
    }

    /// A folder nested in itself (a forged tree, or 1,100 real levels) is an error, not a
    /// stack overflow; 1,000 levels are compared.
    #[test]
    fn refuses_folders_nested_too_deep() {
        let chain = |levels: u32| {
            let mut trees = std::collections::HashMap::new();
            let mut file = b"100644 f\0".to_vec();
            file.extend([7u8; ID]);
            trees.insert(ObjectId::for_test(levels), file);
            for level in (0..levels).rev() {
                let mut raw = b"40000 d\0".to_vec();
                raw.extend(ObjectId::for_test(level + 1).0.as_bytes());
                trees.insert(ObjectId::for_test(level), raw);
            }
            let mut diff = TreeDiff::new(|id: ObjectId| Ok(Arc::new(trees[&id].clone())));
            let mut out = Vec::new();
            diff.changes(ObjectId::for_test(0), None, &mut out)
                .map(|()| out)
        };
        // A debug build's frames are larger than a release build's: room to recurse.
        let run = |levels| {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || chain(levels))
                .unwrap()
                .join()
                .unwrap()
        };
        let deep = run(1000).expect("1,000 levels");
        assert_eq!(deep.len(), 1);
        assert_eq!(deep[0].path.len(), 1000 * 2 + 1, "d/d/.../f");
        let err = run(1100).expect_err("too deep");
        assert!(err.to_string().contains("folders deep"), "{err}");
    }

    /// A flat raw tree of `files` (name, mode, id byte), in Git's order.
    fn raw_tree(files: &std::collections::BTreeMap<String, (u32, u8)>) -> Vec<u8> {
        let mut raw = Vec::new();
        for (name, (mode, id)) in files {
            raw.extend(format!("{mode:o} {name}\0").bytes());
            raw.extend([*id; ID]);
        }
        raw
    }

    proptest::proptest! {
        /// Whatever is added, dropped or changed, at the start, the middle or the end of a
        /// folder, with names of any length: the changes are those a whole comparison finds,
        /// though the bytes both versions start and end with are skipped.
        #[test]
        fn skipping_shared_bytes_finds_every_change(
            old in proptest::collection::btree_map("[a-c]{1,3}", (0u32..2, 0u8..3), 0..12),
            edits in proptest::collection::vec(("[a-c]{1,3}", 0u32..3, 0u8..3), 0..4),
        ) {
            let mode = |m: u32| [0o100644, 0o100755, 0o120000][m as usize];
            let old: std::collections::BTreeMap<String, (u32, u8)> =
                old.into_iter().map(|(n, (m, i))| (n, (mode(m), i))).collect();
            let mut new = old.clone();
            for (name, m, id) in edits {
                if id == 0 {
                    new.remove(&name);
                } else {
                    new.insert(name, (mode(m), id));
                }
            }
            let (old_id, new_id) = (ObjectId::for_test(1), ObjectId::for_test(2));
            let trees = [(old_id, raw_tree(&old)), (new_id, raw_tree(&new))];
            let mut diff = TreeDiff::new(|id: ObjectId| {
                Ok(Arc::new(trees.iter().find(|(t, _)| *t == id).unwrap().1.clone()))
            });
            let mut got = Vec::new();
            diff.changes(new_id, Some(old_id), &mut got).unwrap();
            let got: Vec<(Vec<u8>, Option<ObjectId>, Option<ObjectId>)> =
                got.into_iter().map(|c| (c.path, c.old, c.new)).collect();

            let blob = |f: Option<&(u32, u8)>| {
                f.map(|&(_, id)| ObjectId(git2::Oid::from_bytes(&[id; ID]).unwrap()))
            };
            let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            let want: Vec<(Vec<u8>, Option<ObjectId>, Option<ObjectId>)> = names
                .into_iter()
                .map(|n| (n.clone().into_bytes(), blob(old.get(n)), blob(new.get(n))))
                .filter(|(_, o, n)| o != n)
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
