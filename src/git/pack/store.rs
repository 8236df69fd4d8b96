//! The pack files of a repository's object directories, each opened with its index, and the
//! bytes of one entry.

use super::entry::{self, Header};
use super::idx::PackIndex;
use crate::git::object::ObjectId;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A pack file and its index.
pub(super) struct Pack {
    file: File,
    len: u64,
    pub(super) index: PackIndex,
    /// Every entry's offset, ascending: where each entry's data ends.
    pub(super) offsets: Vec<u64>,
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
    pub(super) fn entry_bytes(&self, offset: u64, buf: &mut Vec<u8>) -> io::Result<()> {
        let end = match self.offsets.binary_search(&offset) {
            Ok(i) => self.entry_end(i),
            Err(_) => return Err(io::Error::other("no entry at this offset")),
        };
        self.read_at(offset, end - offset, buf)
    }

    /// Where the `i`th entry (by offset) ends: the next one's start, or the closing checksum.
    pub(super) fn entry_end(&self, i: usize) -> u64 {
        self.offsets.get(i + 1).copied().unwrap_or(self.len - 20)
    }

    /// The `len` bytes at `offset`, into `buf`.
    pub(super) fn read_at(&self, offset: u64, len: u64, buf: &mut Vec<u8>) -> io::Result<()> {
        buf.resize(len as usize, 0);
        read_exact_at(&self.file, buf, offset)
    }

    pub(super) fn header(&self, offset: u64) -> io::Result<Header> {
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

/// The packs of a repository's object directories.
pub struct Packs {
    pub(super) packs: Vec<Pack>,
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

    /// The first pack holding `id`, and where.
    pub(super) fn find(&self, id: ObjectId) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(p, pack)| pack.index.find(id.0.as_bytes()).map(|offset| (p, offset)))
    }
}
