//! A pack's index (`.idx`, version 2): which objects the pack holds, and where.
//!
//! Layout (Git's `Documentation/gitformat-pack.txt`): a magic and version, 256 cumulative counts
//! by first id byte (the fan-out), the sorted 20-byte ids, a CRC-32 per object, a 4-byte offset
//! per object (top bit set: an index into the 8-byte offsets that follow, for packs over 2 GiB),
//! then the pack's and the index's checksums.

use std::io;

const MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
const ID: usize = 20;

/// A version-2 pack index, read whole (a few bytes per object).
pub(super) struct PackIndex {
    data: Vec<u8>,
    count: usize,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("pack index: {what}"))
}

impl PackIndex {
    pub(super) fn parse(data: Vec<u8>) -> io::Result<PackIndex> {
        if data.len() < 8 + 256 * 4 || data[..4] != MAGIC || data[4..8] != [0, 0, 0, 2] {
            return Err(invalid("not a version-2 index"));
        }
        let count =
            u32::from_be_bytes(data[8 + 255 * 4..8 + 256 * 4].try_into().expect("4")) as usize;
        let index = PackIndex { data, count };
        // Every table must fit, the large offsets' table at least as far as it is pointed into.
        let tables = index.offsets_at() + count * 4 + 2 * ID;
        if index.data.len() < tables {
            return Err(invalid("truncated"));
        }
        Ok(index)
    }

    pub(super) fn len(&self) -> usize {
        self.count
    }

    fn fanout(&self, byte: usize) -> usize {
        let at = 8 + byte * 4;
        u32::from_be_bytes(self.data[at..at + 4].try_into().expect("4")) as usize
    }

    fn id(&self, i: usize) -> &[u8] {
        let at = 8 + 256 * 4 + i * ID;
        &self.data[at..at + ID]
    }

    fn offsets_at(&self) -> usize {
        8 + 256 * 4 + self.count * (ID + 4)
    }

    /// The pack offset of the `i`th object (in id order).
    fn offset(&self, i: usize) -> io::Result<u64> {
        let at = self.offsets_at() + i * 4;
        let small = u32::from_be_bytes(self.data[at..at + 4].try_into().expect("4"));
        if small & 0x8000_0000 == 0 {
            return Ok(u64::from(small));
        }
        let at = self.offsets_at() + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        self.data
            .get(at..at + 8)
            .map(|b| u64::from_be_bytes(b.try_into().expect("8")))
            .ok_or_else(|| invalid("large offset out of range"))
    }

    /// Where object `id` (20 bytes) starts in the pack, when the pack holds it.
    pub(super) fn find(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let lo = if first == 0 {
            0
        } else {
            self.fanout(first - 1)
        };
        let hi = self.fanout(first).min(self.count);
        let mut range = lo..hi.max(lo);
        while !range.is_empty() {
            let mid = range.start + range.len() / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Equal => return self.offset(mid).ok(),
                std::cmp::Ordering::Less => range.start = mid + 1,
                std::cmp::Ordering::Greater => range.end = mid,
            }
        }
        None
    }

    /// Every object's offset and id, in id order (an offset out of range is left out).
    pub(super) fn entries(&self) -> impl Iterator<Item = (u64, &[u8])> {
        (0..self.count).filter_map(|i| Some((self.offset(i).ok()?, self.id(i))))
    }

    /// Every object's offset, ascending: an entry's compressed data ends where the next begins.
    pub(super) fn sorted_offsets(&self) -> io::Result<Vec<u64>> {
        let mut all = (0..self.count)
            .map(|i| self.offset(i))
            .collect::<io::Result<Vec<_>>>()?;
        all.sort_unstable();
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `ids` (sorted, 20 bytes each) at `offsets`, the way Git writes one.
    fn build(entries: &[([u8; 20], u64)]) -> Vec<u8> {
        let mut entries = entries.to_vec();
        entries.sort();
        let mut out = MAGIC.to_vec();
        out.extend([0, 0, 0, 2]);
        for byte in 0..256usize {
            let n = entries
                .iter()
                .filter(|(id, _)| usize::from(id[0]) <= byte)
                .count();
            out.extend((n as u32).to_be_bytes());
        }
        for (id, _) in &entries {
            out.extend(id);
        }
        out.extend(std::iter::repeat_n(0u8, entries.len() * 4));
        let mut large = Vec::new();
        for (_, offset) in &entries {
            if *offset < 0x8000_0000 {
                out.extend((*offset as u32).to_be_bytes());
            } else {
                out.extend((0x8000_0000 | large.len() as u32).to_be_bytes());
                large.push(*offset);
            }
        }
        for offset in large {
            out.extend(offset.to_be_bytes());
        }
        out.extend([0u8; 40]);
        out
    }

    #[test]
    fn finds_each_object_and_no_other() {
        let id = |a: u8, b: u8| {
            let mut id = [0u8; 20];
            (id[0], id[19]) = (a, b);
            id
        };
        let entries = [
            (id(0, 1), 12),
            (id(0, 2), 40),
            (id(0x7f, 0), 99),
            (id(0xff, 9), 5 << 32),
        ];
        let index = PackIndex::parse(build(&entries)).expect("valid");
        assert_eq!(index.len(), 4);
        for (id, offset) in entries {
            assert_eq!(index.find(&id), Some(offset));
        }
        assert_eq!(index.find(&id(0, 3)), None);
        assert_eq!(index.find(&id(0x80, 0)), None);
        assert_eq!(
            index.sorted_offsets().expect("offsets"),
            vec![12, 40, 99, 5 << 32]
        );
    }

    #[test]
    fn refuses_what_is_not_a_version_2_index() {
        assert!(PackIndex::parse(b"PACK".to_vec()).is_err());
        let mut v1 = build(&[]);
        v1[7] = 1;
        assert!(PackIndex::parse(v1).is_err());
        let mut truncated = build(&[([1; 20], 12)]);
        truncated.truncate(truncated.len() - 30);
        assert!(PackIndex::parse(truncated).is_err());
    }
}
