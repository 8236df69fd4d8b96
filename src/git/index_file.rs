//! A reader for Git's index file (the staging area, `.git/index` or `GIT_INDEX_FILE`), for the
//! pre-commit check's hot path: libgit2 hashes the whole file on every read and builds a hash
//! map of every entry, and git2 exposes no way to reach the index's cache tree, without which
//! finding the staged change means comparing every entry with `HEAD`'s whole tree.
//!
//! Only what the common case needs is read: versions 2 to 4, SHA-1 ids, entries at stage 0, and
//! the cache-tree extension (`TREE`). Anything else (conflicts, a split or sparse index,
//! intent-to-add entries, an unknown required extension) makes [`IndexFile::parse`] answer
//! `None`, and the caller uses libgit2 instead. Like Git itself, the trailing checksum is not
//! verified.

/// One index entry at stage 0; its path is [`IndexFile::path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where the path is in [`IndexFile`]'s buffer of paths (one allocation, not one a path).
    start: u32,
    end: u32,
    pub mode: u32,
    /// The file's size when Git last looked at it in the working tree (the low 32 bits).
    pub size: u32,
    pub id: [u8; 20],
}

/// A node of the cache tree: the tree object id of one folder of the index, when still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheTree {
    /// The folder's own name (empty for the root).
    pub name: Vec<u8>,
    /// The number of index entries under the folder; negative when invalidated.
    pub entry_count: i64,
    /// The tree id, when valid.
    pub id: Option<[u8; 20]>,
    pub children: Vec<CacheTree>,
}

impl CacheTree {
    /// The child folder named `name`.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The tree id, when it is valid and covers `entries` index entries.
    pub fn valid_id(&self, entries: usize) -> Option<[u8; 20]> {
        self.id
            .filter(|_| self.entry_count >= 0 && self.entry_count as usize == entries)
    }
}

/// The parsed index: entries sorted by path, and the cache tree when there is one.
#[derive(Debug, Default)]
pub struct IndexFile {
    pub entries: Vec<Entry>,
    /// Where the entries' paths are: the index file itself (versions 2 and 3 store each path
    /// whole), or, for version 4's prefix-compressed paths, every path one after the other.
    paths: Bytes,
    pub tree: Option<CacheTree>,
}

/// The bytes of an index file, or of its paths.
#[derive(Debug)]
pub enum Bytes {
    /// The file mapped into memory: the pre-commit check reads a 5,000-file index (480 KB)
    /// without copying it into freshly allocated pages. Git replaces the index by renaming a new
    /// file over it, never by writing into it, so the mapping does not change under the reader.
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Owned(Vec::new())
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}

impl Bytes {
    /// The file at `path`, mapped where that works, read otherwise.
    pub fn read(path: &std::path::Path) -> std::io::Result<Bytes> {
        let file = std::fs::File::open(path)?;
        #[cfg(unix)]
        {
            // SAFETY: Git never modifies an index file in place (it writes `index.lock` and
            // renames it over `index`), so the mapped bytes stay what they were when mapped.
            // Another program truncating the file while it is read would end the process with
            // SIGBUS, which blocks a commit like any failed check. Empty files cannot be mapped
            // and are read.
            if file.metadata()?.len() > 0 {
                if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                    return Ok(Bytes::Mapped(map));
                }
            }
        }
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut data)?;
        Ok(Bytes::Owned(data))
    }
}

const HASH: usize = 20;
/// ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each), id, flags.
const FIXED: usize = 8 + 8 + 6 * 4 + HASH + 2;

impl IndexFile {
    /// The index in `data`, or `None` when it uses anything this reader leaves to libgit2 (or is
    /// malformed, which libgit2 then reports).
    pub fn parse(data: &[u8]) -> Option<IndexFile> {
        IndexFile::parse_bytes(Bytes::Owned(data.to_vec()))
    }

    /// [`IndexFile::parse`] of bytes it keeps: versions 2 and 3 read their paths in place.
    pub fn parse_bytes(bytes: Bytes) -> Option<IndexFile> {
        let data: &[u8] = &bytes;
        let mut r = Reader { data, at: 0 };
        if r.take(4)? != b"DIRC" {
            return None;
        }
        let version = r.u32()?;
        if !(2..=4).contains(&version) {
            return None;
        }
        let count = r.u32()? as usize;
        let end = data.len().checked_sub(HASH)?;
        let mut entries: Vec<Entry> = Vec::with_capacity(count.min(data.len() / FIXED));
        // Version 4's paths, rebuilt from their compressed form; the others are read in place.
        let mut paths: Vec<u8> = Vec::new();
        // Where the previous entry's path starts in `paths` (index v4 paths extend it).
        let mut previous = 0;
        for _ in 0..count {
            let start = r.at;
            r.take(8 + 8 + 2 * 4)?; // times, dev, ino
            let mode = r.u32()?;
            r.take(2 * 4)?; // uid, gid
            let size = r.u32()?;
            let id: [u8; 20] = r.take(HASH)?.try_into().ok()?;
            let flags = r.u16()?;
            if flags & 0x3000 != 0 {
                return None; // a merge stage: a conflict
            }
            if flags & 0x4000 != 0 {
                if version < 3 {
                    return None;
                }
                let extended = r.u16()?;
                if extended != 0 {
                    return None; // intent-to-add, skip-worktree
                }
            }
            let (path_start, path_end) = if version == 4 {
                let path_start = paths.len();
                let strip = r.varint()?;
                let keep = (path_start - previous).checked_sub(strip)?;
                paths.extend_from_within(previous..previous + keep);
                paths.extend_from_slice(r.until_nul()?);
                previous = path_start;
                (path_start, paths.len())
            } else {
                let path_start = r.at;
                let path = r.until_nul()?;
                // The entry is padded with NULs to a multiple of 8 bytes (the path's NUL first).
                let len = r.at - start;
                let padded = (len + 7) & !7;
                r.take(padded - len)?;
                (path_start, path_start + path.len())
            };
            if path_end == path_start || r.at > end {
                return None;
            }
            entries.push(Entry {
                start: u32::try_from(path_start).ok()?,
                end: u32::try_from(path_end).ok()?,
                mode,
                size,
                id,
            });
        }
        let mut tree = None;
        while r.at < end {
            let signature: [u8; 4] = r.take(4)?.try_into().ok()?;
            let size = r.u32()? as usize;
            let body = r.take(size)?;
            if r.at > end {
                return None;
            }
            match &signature {
                b"TREE" => tree = Some(CacheTree::parse(body)?),
                // Optional extensions (upper-case first letter) can be skipped; a required one
                // (split index `link`, sparse `sdir`) changes what the entries mean.
                [b'A'..=b'Z', ..] => {}
                _ => return None,
            }
        }
        let at_end = r.at == end;
        let index = IndexFile {
            entries,
            paths: if version == 4 {
                Bytes::Owned(paths)
            } else {
                bytes
            },
            tree,
        };
        let sorted = index
            .entries
            .windows(2)
            .all(|w| index.path(&w[0]) < index.path(&w[1]));
        (at_end && sorted).then_some(index)
    }

    /// An entry's path: `/`-separated, as Git stores it.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        &self.paths[entry.start as usize..entry.end as usize]
    }

    /// The entries whose paths start with `prefix` (a contiguous run, entries being sorted).
    pub fn prefix_range(&self, prefix: &[u8]) -> std::ops::Range<usize> {
        let start = self.entries.partition_point(|e| self.path(e) < prefix);
        let len = self.entries[start..].partition_point(|e| self.path(e).starts_with(prefix));
        start..start + len
    }

    /// Among the entries of `range`, whose paths all start with the same `skip` bytes, whether
    /// one's path continues with `rest` exactly (`exact`) or starts with it. `hint` is where the
    /// previous question about this range left off: a folder's names come mostly in the index's
    /// order, so the answer is usually a step or two ahead of it, not a binary search away.
    pub fn has_in(
        &self,
        range: std::ops::Range<usize>,
        skip: usize,
        rest: &[u8],
        exact: bool,
        hint: &std::cell::Cell<usize>,
    ) -> bool {
        let entries = &self.entries[range];
        let below = |e: &Entry| &self.path(e)[skip..] < rest;
        let from = hint.get().min(entries.len());
        // Every entry before `from` is below `rest` when the one just before it is (sorted).
        let at = if from > 0 && !below(&entries[from - 1]) {
            entries[..from].partition_point(below)
        } else {
            match entries[from..].iter().take(4).position(|e| !below(e)) {
                Some(step) => from + step,
                None => from + entries[from..].partition_point(below),
            }
        };
        hint.set(at);
        entries.get(at).is_some_and(|e| {
            let tail = &self.path(e)[skip..];
            if exact {
                tail == rest
            } else {
                tail.starts_with(rest)
            }
        })
    }

    /// Whether some entry's path starts with `prefix`.
    pub fn has_prefix(&self, prefix: &[u8]) -> bool {
        let at = self.entries.partition_point(|e| self.path(e) < prefix);
        self.entries
            .get(at)
            .is_some_and(|e| self.path(e).starts_with(prefix))
    }

    /// The entry for `path`.
    pub fn get(&self, path: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.path(e).cmp(path))
            .ok()
            .map(|i| &self.entries[i])
    }
}

impl CacheTree {
    fn parse(data: &[u8]) -> Option<CacheTree> {
        let mut r = Reader { data, at: 0 };
        let tree = CacheTree::node(&mut r)?;
        (r.at == data.len()).then_some(tree)
    }

    /// One node and, recursively, its children: `name NUL count SP subtrees LF [id]`.
    fn node(r: &mut Reader<'_>) -> Option<CacheTree> {
        let name = r.until_nul()?.to_vec();
        let count_end = r.data[r.at..].iter().position(|&b| b == b' ')?;
        let entry_count: i64 = std::str::from_utf8(r.take(count_end)?).ok()?.parse().ok()?;
        r.take(1)?;
        let subtrees_end = r.data[r.at..].iter().position(|&b| b == b'\n')?;
        let subtrees: usize = std::str::from_utf8(r.take(subtrees_end)?)
            .ok()?
            .parse()
            .ok()?;
        r.take(1)?;
        let id = if entry_count >= 0 {
            Some(r.take(HASH)?.try_into().ok()?)
        } else {
            None
        };
        let children = (0..subtrees)
            .map(|_| CacheTree::node(r))
            .collect::<Option<Vec<_>>>()?;
        Some(CacheTree {
            name,
            entry_count,
            id,
            children,
        })
    }
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// Bytes up to the next NUL, which is consumed.
    fn until_nul(&mut self) -> Option<&'a [u8]> {
        let len = memchr::memchr(0, &self.data[self.at..])?;
        let bytes = self.take(len)?;
        self.take(1)?;
        Some(bytes)
    }

    /// Git's offset varint (index v4 path prefix lengths).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = self.take(1)?[0];
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = self.take(1)?[0];
            value = value
                .checked_add(1)?
                .checked_mul(128)?
                .checked_add(usize::from(byte & 0x7f))?;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the index reader leaves to libgit2.
    #[test]
    fn index_reader_declines_what_it_does_not_read() {
        assert!(IndexFile::parse(b"").is_none());
        assert!(IndexFile::parse(b"DIRC\0\0\0\x05\0\0\0\0").is_none());
        let mut empty = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        empty.extend([0u8; 20]);
        assert_eq!(IndexFile::parse(&empty).unwrap().entries, vec![]);
        let mut linked = b"DIRC\0\0\0\x02\0\0\0\0link\0\0\0\0".to_vec();
        linked.extend([0u8; 20]);
        assert!(IndexFile::parse(&linked).is_none(), "split index");
        let mut optional = b"DIRC\0\0\0\x02\0\0\0\0UNTR\0\0\0\x01x".to_vec();
        optional.extend([0u8; 20]);
        assert!(IndexFile::parse(&optional).is_some(), "optional extension");
    }

    /// A version 2 index of `paths` (sorted), with zeroed stat data and ids.
    fn index_of(paths: &[&str]) -> IndexFile {
        let mut data = b"DIRC\0\0\0\x02".to_vec();
        data.extend((paths.len() as u32).to_be_bytes());
        for path in paths {
            let start = data.len();
            data.extend([0u8; 24]);
            data.extend(0o100644u32.to_be_bytes());
            data.extend([0u8; 12 + 20]);
            data.extend((path.len() as u16).to_be_bytes());
            data.extend(path.as_bytes());
            data.push(0);
            while !(data.len() - start).is_multiple_of(8) {
                data.push(0);
            }
        }
        data.extend([0u8; 20]);
        IndexFile::parse(&data).expect("a valid index")
    }

    /// With a shared hint, in the index's order or any other, `has_in` answers as a search of
    /// the whole range would.
    #[test]
    fn has_in_answers_alike_whatever_the_order_of_questions() {
        let index = index_of(&[
            "a.txt",
            "a/b.txt",
            "a/c/d.txt",
            "a0",
            "b-c",
            "b.d",
            "b/e",
            "c",
            "d/.env",
        ]);
        let names: &[&[u8]] = &[
            b"a", b"a.txt", b"a0", b"b", b"b-c", b"b.d", b"c", b"d", b"e", b".env", b"",
        ];
        let range = 0..index.entries.len();
        let truth = |name: &[u8], exact: bool| {
            let dir = [name, b"/"].concat();
            index.entries.iter().any(|e| {
                let p = index.path(e);
                if exact {
                    p == name
                } else {
                    p.starts_with(&dir)
                }
            })
        };
        let orders: [Vec<usize>; 3] = [
            (0..names.len()).collect(),
            (0..names.len()).rev().collect(),
            vec![3, 0, 9, 1, 7, 2, 10, 5, 4, 8, 6],
        ];
        for order in orders {
            let hint = std::cell::Cell::new(0);
            for &i in &order {
                let name = names[i];
                let dir = [name, b"/"].concat();
                assert_eq!(
                    index.has_in(range.clone(), 0, name, true, &hint),
                    truth(name, true)
                );
                assert_eq!(
                    index.has_in(range.clone(), 0, &dir, false, &hint),
                    truth(name, false)
                );
            }
        }
    }
}
