//! Which files differ between two trees, read from raw tree objects (`MODE SP NAME NUL ID`,
//! entries in Git's tree order) wherever they come from: the history walk's packs, or libgit2.

use super::commit::FileChange;
use super::object::{is_scanned_blob_mode, is_tree_mode, ObjectId};
use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::sync::Arc;

const ID: usize = 20;

/// One entry of a raw tree, borrowed from it.
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

/// The entries of the raw tree `raw` (object `id`, named in the error when it is malformed).
fn entries(raw: &[u8], id: ObjectId) -> Result<Vec<Entry<'_>>> {
    let bad = || {
        Error::io(
            "read tree",
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("tree {id} is malformed"),
            ),
        )
    };
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let mut mode = 0u32;
        for &digit in &rest[..space] {
            if !(b'0'..=b'7').contains(&digit) || mode > 0o777_777 {
                return Err(bad());
            }
            mode = mode << 3 | u32::from(digit - b'0');
        }
        let nul = rest[space..].iter().position(|&b| b == 0).ok_or_else(bad)? + space;
        let id = rest.get(nul + 1..nul + 1 + ID).ok_or_else(bad)?;
        out.push(Entry {
            mode,
            name: &rest[space + 1..nul],
            id,
        });
        rest = &rest[nul + 1 + ID..];
    }
    Ok(out)
}

/// A raw tree and its id.
type Tree = (ObjectId, Arc<Vec<u8>>);

fn parse(tree: Option<&Tree>) -> Result<Vec<Entry<'_>>> {
    tree.map_or(Ok(Vec::new()), |(id, raw)| entries(raw, *id))
}

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
        self.diff(old.as_ref(), Some(&new), &mut prefix, out)
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
    /// cost follows the size of the change, not of the tree.
    fn diff(
        &mut self,
        old: Option<&Tree>,
        new: Option<&Tree>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        let (a, b) = (parse(old)?, parse(new)?);
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let order = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.cmp_name(y),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            let (x, y) = match order {
                Ordering::Less => (a.get(i), None),
                Ordering::Greater => (None, b.get(j)),
                Ordering::Equal => (a.get(i), b.get(j)),
            };
            if x.is_some() {
                i += 1;
            }
            if y.is_some() {
                j += 1;
            }
            if let (Some(x), Some(y)) = (x, y) {
                if x.id == y.id && x.mode == y.mode {
                    continue;
                }
            }
            let name = x.or(y).expect("one side").name;
            let len = prefix.len();
            prefix.extend_from_slice(name);
            let (old_tree, new_tree) = (self.subtree(x)?, self.subtree(y)?);
            if old_tree.is_some() || new_tree.is_some() {
                prefix.push(b'/');
                self.diff(old_tree.as_ref(), new_tree.as_ref(), prefix, out)?;
            }
            let blob = |e: Option<&Entry<'_>>| {
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
        Ok(())
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
        let got = entries(&raw, id).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].mode, got[0].name), (0o100644, &b"a.txt"[..]));
        assert!(got[1].is_tree() && got[1].id == [9u8; ID]);

        for bad in [
            &raw[..raw.len() - 1],                  // an id cut short
            &b"100644 no-nul"[..],                  // a name never ended
            &b"10x644 a\0aaaaaaaaaaaaaaaaaaaa"[..], // not an octal mode
            &b"no-space-at-all"[..],
        ] {
            let err = entries(bad, id).err().expect("malformed");
            assert!(err.to_string().contains(&id.to_string()), "{err}");
        }
    }
}
