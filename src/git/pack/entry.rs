//! One pack entry: its header, its zlib-compressed data, and the delta format that rebuilds an
//! object from its base (Git's `Documentation/gitformat-pack.txt`).

use libdeflater::Decompressor;
use std::io;

/// The object types a pack entry can hold whole.
pub(crate) const COMMIT: u8 = 1;
pub(crate) const TREE: u8 = 2;
pub(super) const BLOB: u8 = 3;
pub(crate) const TAG: u8 = 4;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;

fn invalid(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("pack entry: {what}"))
}

/// What an entry holds: an object of a type, or a delta against a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Object(u8),
    /// A delta against the entry at this offset of the same pack.
    OfsDelta(u64),
    /// A delta against the object with this id.
    RefDelta([u8; 20]),
}

/// An entry's header: what it holds, its inflated size, and where its compressed data starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) kind: Kind,
    pub(super) size: u64,
    pub(super) data_at: usize,
}

/// The longest header: a type-and-size varint of up to 10 bytes and a 20-byte base id.
pub(super) const MAX_HEADER: usize = 32;

/// Parses the header of the entry at `offset`, whose first bytes are `bytes`.
pub(super) fn header(bytes: &[u8], offset: u64) -> io::Result<Header> {
    let mut at = 0;
    let mut next = || -> io::Result<u8> {
        let b = *bytes.get(at).ok_or_else(|| invalid("truncated header"))?;
        at += 1;
        Ok(b)
    };
    let mut byte = next()?;
    let kind = (byte >> 4) & 7;
    let mut size = u64::from(byte & 15);
    let mut shift = 4;
    while byte & 0x80 != 0 {
        byte = next()?;
        if shift > 57 {
            return Err(invalid("size too large"));
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    let kind = match kind {
        OFS_DELTA => {
            byte = next()?;
            let mut back = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                byte = next()?;
                back = back
                    .checked_add(1)
                    .and_then(|b| b.checked_mul(128))
                    .ok_or_else(|| invalid("base offset too large"))?
                    | u64::from(byte & 0x7f);
            }
            match offset.checked_sub(back) {
                Some(base) if back > 0 => Kind::OfsDelta(base),
                _ => return Err(invalid("base offset out of the pack")),
            }
        }
        REF_DELTA => {
            let mut id = [0u8; 20];
            for b in &mut id {
                *b = next()?;
            }
            Kind::RefDelta(id)
        }
        1..=4 => Kind::Object(kind),
        _ => return Err(invalid(format_args!("unknown type {kind}"))),
    };
    Ok(Header {
        kind,
        size,
        data_at: at,
    })
}

/// An inflater, one a thread: libdeflate, which inflates a whole stream into a buffer of the size
/// known in advance about twice as fast as zlib's streaming loop (a fifth of a history audit's
/// time was inflating).
pub(super) type Inflater = Decompressor;

pub(super) fn inflater() -> Inflater {
    Decompressor::new()
}

/// Inflates `compressed` (a zlib stream, possibly followed by the next entry) into `out`, which
/// must come to exactly `size` bytes.
pub(super) fn inflate(
    z: &mut Inflater,
    compressed: &[u8],
    size: usize,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    // Deflate cannot expand a byte into more than 1,032: a larger stated size is damage, and
    // must not be allocated.
    if size > compressed.len().saturating_mul(1032).saturating_add(64) {
        return Err(invalid(format_args!(
            "states {size} bytes, more than its data can hold"
        )));
    }
    out.clear();
    out.resize(size, 0);
    let n = z
        .zlib_decompress(compressed, out)
        .map_err(|e| invalid(format_args!("corrupt data ({e})")))?;
    if n != size {
        return Err(invalid(format_args!(
            "inflated to {n} bytes, its header says {size}"
        )));
    }
    Ok(())
}

/// A varint of the delta format: 7 bits a byte, least significant first.
fn delta_size(delta: &[u8], at: &mut usize) -> io::Result<usize> {
    let (mut size, mut shift) = (0usize, 0);
    loop {
        let byte = *delta.get(*at).ok_or_else(|| invalid("truncated delta"))?;
        *at += 1;
        if shift > 56 {
            return Err(invalid("delta size too large"));
        }
        size |= usize::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok(size);
        }
    }
}

/// The size of the object `delta` rebuilds, read from its start.
pub(super) fn delta_result_size(delta: &[u8]) -> io::Result<usize> {
    let mut at = 0;
    delta_size(delta, &mut at)?;
    delta_size(delta, &mut at)
}

/// Rebuilds into `out` the object that `delta` describes as copies from `base` and new bytes.
pub(super) fn apply_delta(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    let mut at = 0;
    if delta_size(delta, &mut at)? != base.len() {
        return Err(invalid("delta made for another base"));
    }
    let size = delta_size(delta, &mut at)?;
    out.clear();
    out.reserve_exact(size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy: which offset and size bytes follow is given by the op's low seven bits.
            let mut field = |bits: u8, bytes: usize| -> io::Result<usize> {
                let mut value = 0usize;
                for i in 0..bytes {
                    if bits & (1 << i) != 0 {
                        let b = *delta.get(at).ok_or_else(|| invalid("truncated copy"))?;
                        at += 1;
                        value |= usize::from(b) << (8 * i);
                    }
                }
                Ok(value)
            };
            let from = field(op & 0x0f, 4)?;
            let len = match field(op >> 4 & 0x07, 3)? {
                0 => 0x10000,
                n => n,
            };
            let piece = from
                .checked_add(len)
                .and_then(|end| base.get(from..end))
                .ok_or_else(|| invalid("copy outside the base"))?;
            out.extend_from_slice(piece);
        } else if op != 0 {
            let piece = delta
                .get(at..at + usize::from(op))
                .ok_or_else(|| invalid("truncated insert"))?;
            at += usize::from(op);
            out.extend_from_slice(piece);
        } else {
            return Err(invalid("reserved delta op 0"));
        }
        if out.len() > size {
            return Err(invalid("delta builds more than its stated size"));
        }
    }
    if out.len() != size {
        return Err(invalid("delta builds less than its stated size"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    #[test]
    fn parses_object_and_delta_headers() {
        // A blob of 300 bytes: 300 = 0b1_0010_1100 -> low nibble 1100, then 0b10010.
        let blob = header(&[0x80 | BLOB << 4 | 0x0c, 0x12], 0).expect("header");
        assert_eq!(
            (blob.kind, blob.size, blob.data_at),
            (Kind::Object(BLOB), 300, 2)
        );
        // An offset delta 200 bytes back: 200 = (0 + 1) * 128 + 72.
        let ofs = header(&[OFS_DELTA << 4 | 5, 0x80, 72], 1000).expect("header");
        assert_eq!(
            (ofs.kind, ofs.size, ofs.data_at),
            (Kind::OfsDelta(800), 5, 3)
        );
        let mut bytes = vec![REF_DELTA << 4 | 1];
        bytes.extend([7u8; 20]);
        let r = header(&bytes, 50).expect("header");
        assert_eq!((r.kind, r.data_at), (Kind::RefDelta([7; 20]), 21));
        assert!(
            header(&[OFS_DELTA << 4 | 5, 0x10], 8).is_err(),
            "base before the pack"
        );
        assert!(header(&[0x80 | BLOB << 4], 0).is_err(), "truncated");
        assert!(header(&[5 << 4], 0).is_err(), "type 5 is reserved");
    }

    #[test]
    fn applies_copies_and_inserts() {
        let base = b"hello, wide world of git";
        let mut delta = Vec::new();
        varint(base.len(), &mut delta);
        varint(17, &mut delta);
        // Copy 5 bytes from offset 0, insert "!!", copy 10 from offset 12 ("world of g").
        delta.extend([0x80 | 0x10, 5]);
        delta.extend([2, b'!', b'!']);
        delta.extend([0x80 | 0x01 | 0x10, 12, 10]);
        let mut out = Vec::new();
        apply_delta(base, &delta, &mut out).expect("applies");
        assert_eq!(out, b"hello!!world of g");
        assert_eq!(delta_result_size(&delta).expect("size"), 17);

        let mut wrong_base = delta.clone();
        wrong_base[0] += 1;
        assert!(apply_delta(base, &wrong_base, &mut out).is_err());
        let mut outside = Vec::new();
        varint(base.len(), &mut outside);
        varint(4, &mut outside);
        outside.extend([0x80 | 0x01 | 0x10, 22, 4]);
        assert!(
            apply_delta(base, &outside, &mut out).is_err(),
            "copy past the base"
        );
        let mut short = delta.clone();
        short.truncate(short.len() - 1);
        assert!(apply_delta(base, &short, &mut out).is_err());
    }

    #[test]
    fn inflates_exactly_the_stated_size() {
        let mut enc = libdeflater::Compressor::new(libdeflater::CompressionLvl::default());
        let mut compressed = vec![0u8; 64];
        let n = enc
            .zlib_compress(b"some content", &mut compressed)
            .expect("compresses");
        compressed.truncate(n);
        compressed.extend(b"next entry");
        let mut z = inflater();
        let mut out = Vec::new();
        inflate(&mut z, &compressed, 12, &mut out).expect("inflates");
        assert_eq!(out, b"some content");
        assert!(inflate(&mut z, &compressed, 11, &mut out).is_err());
        assert!(inflate(&mut z, &compressed[..8], 12, &mut out).is_err());
        // A stated size no data of this length can inflate to is refused before any allocation.
        assert!(inflate(&mut z, &compressed, usize::MAX, &mut out).is_err());
    }
}
