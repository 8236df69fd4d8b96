//! The working tree's folder listings, kept between runs in `.git/keygate/dirs`, each keyed by
//! its folder's modification time, change time and inode, as Git's untracked cache keys them.
//!
//! Adding, removing or renaming an entry of a folder changes the folder's modification time, so
//! a listing whose folder still has the same stamp is the listing a fresh read would give: the
//! walk then costs one `stat` per folder instead of an open, two reads and a close. A listing is
//! only kept when its folder's times are at least [`RACY`] older than the moment it was read, so
//! that a change in the same clock tick as the read cannot keep the old stamp (Git's "racy"
//! entries). Only names and kinds are cached: what is tracked, ignored or a nested repository is
//! decided afresh on every run from these listings, so the walk's answers are those of a fresh
//! walk. A cache that cannot be read or written is simply not used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How much older than its read a folder's times must be for its listing to be kept.
const RACY: Duration = Duration::from_secs(2);
const MAGIC: &[u8] = b"keygate-dirs 1\n";

/// What a folder entry is, as `readdir` says (no `stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Dir,
    File,
    Symlink,
    Other,
}

impl Kind {
    fn of(t: std::fs::FileType) -> Kind {
        if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else if t.is_symlink() {
            Kind::Symlink
        } else {
            Kind::Other
        }
    }
    fn byte(self) -> u8 {
        self as u8
    }
    fn from_byte(b: u8) -> Option<Kind> {
        [Kind::Dir, Kind::File, Kind::Symlink, Kind::Other]
            .get(usize::from(b))
            .copied()
    }
}

/// A file Git does not track, as the working tree's walk finds it (`Repo::walk_untracked`).
#[derive(Debug, Clone)]
pub(super) struct Untracked {
    /// Relative to the root.
    pub(super) path: PathBuf,
    /// As findings name it.
    pub(super) shown: String,
    /// A regular file, not a symbolic link or anything else.
    pub(super) regular: bool,
    /// Not a file: a folder Git ignores as a whole, which the walk does not enter (the `.env`
    /// checks walk it for local `.env` files).
    pub(super) ignored_dir: bool,
}

/// One walk's untracked files, and which reading of the index it was made against.
pub(super) type Walk = (usize, Arc<Vec<Untracked>>);

/// A folder's entries (`.` and `..` left out), in the order `readdir` gave them, held as the
/// cache file writes them (a kind byte, a length, the name's bytes, for each): a listing read
/// from the file is one copy of its bytes, not one allocation and copy per name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Listing {
    encoded: Vec<u8>,
    len: usize,
}

impl Listing {
    fn push(&mut self, name: &[u8], kind: Kind) {
        self.encoded.push(kind.byte());
        put_bytes(&mut self.encoded, name);
        self.len += 1;
    }

    /// Each entry's name and kind.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&[u8], Kind)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let (entry, next) = decode_entry(&self.encoded, at)?;
            at = next;
            Some(entry)
        })
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }
}

/// The entry encoded at `at` in `data`, and where the next one starts; `None` at the end or on
/// bytes that are not an entry.
fn decode_entry(data: &[u8], at: usize) -> Option<((&[u8], Kind), usize)> {
    let kind = Kind::from_byte(*data.get(at)?)?;
    let len = u32::from_le_bytes(data.get(at + 1..at + 5)?.try_into().ok()?) as usize;
    let name = data.get(at + 5..(at + 5).checked_add(len)?)?;
    Some(((name, kind), at + 5 + len))
}

/// Modification time, change time (seconds, nanoseconds) and inode of a folder.
type Stamp = [u64; 5];

/// The listings of one working tree: those read from the cache file, and those of this run.
pub(super) struct DirCache {
    file: Option<PathBuf>,
    root: Vec<u8>,
    old: HashMap<Vec<u8>, (Stamp, Arc<Listing>)>,
    new: HashMap<Vec<u8>, (Stamp, Arc<Listing>)>,
    changed: bool,
}

impl DirCache {
    /// The cache of the working tree at `root` kept in `git_dir`; empty when there is none, when
    /// it was written for another working tree, or when it does not parse.
    pub(super) fn load(git_dir: &Path, root: &Path) -> DirCache {
        let root = bytes(root.as_os_str()).to_vec();
        let file = cfg!(unix).then(|| git_dir.join("keygate").join("dirs"));
        let old = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|data| parse(&data, &root))
            .unwrap_or_default();
        DirCache {
            file,
            root,
            old,
            new: HashMap::new(),
            changed: false,
        }
    }

    /// The entries of folder `rel` (relative to the root; `abs` is where it is).
    pub(super) fn list(&mut self, rel: &[u8], abs: &Path) -> std::io::Result<Arc<Listing>> {
        let key = rel.to_vec();
        let started = SystemTime::now();
        let stamp = stamp(&std::fs::symlink_metadata(abs)?);
        if let (Some(stamp), Some((seen, listing))) = (stamp, self.old.get(&key)) {
            if *seen == stamp {
                let listing = listing.clone();
                self.new.insert(key, (stamp, listing.clone()));
                return Ok(listing);
            }
        }
        let mut listing = Listing::default();
        for entry in std::fs::read_dir(abs)? {
            let entry = entry?;
            listing.push(bytes(&entry.file_name()), Kind::of(entry.file_type()?));
        }
        let listing = Arc::new(listing);
        if let Some(stamp) = stamp.filter(|s| settled(s, started)) {
            self.new.insert(key, (stamp, listing.clone()));
            self.changed = true;
        } else if self.old.contains_key(&key) {
            self.changed = true; // its old listing is stale: dropped from the file
        }
        Ok(listing)
    }

    /// Writes this run's listings for the next run, when they differ from what was read.
    pub(super) fn save(self) {
        let Some(file) = &self.file else { return };
        if !self.changed && self.new.len() == self.old.len() {
            return;
        }
        let mut out = Vec::with_capacity(64 << 10);
        out.extend_from_slice(MAGIC);
        put_bytes(&mut out, &self.root);
        let mut keys: Vec<&Vec<u8>> = self.new.keys().collect();
        keys.sort();
        for key in keys {
            let (stamp, listing) = &self.new[key];
            put_bytes(&mut out, key);
            for n in stamp {
                out.extend_from_slice(&n.to_le_bytes());
            }
            out.extend_from_slice(&(listing.len() as u32).to_le_bytes());
            out.extend_from_slice(&listing.encoded);
        }
        let Some(dir) = file.parent() else { return };
        let tmp = dir.join(format!("dirs.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&tmp, &out))
            .and_then(|()| std::fs::rename(&tmp, file));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Whether a folder's times are far enough before `read` that a later change gets a new stamp.
fn settled(stamp: &Stamp, read: SystemTime) -> bool {
    let Ok(now) = read.duration_since(UNIX_EPOCH) else {
        return false;
    };
    let limit = now.saturating_sub(RACY);
    let at = |s: u64, ns: u64| Duration::new(s, ns as u32);
    at(stamp[0], stamp[1]) < limit && at(stamp[2], stamp[3]) < limit
}

#[cfg(unix)]
fn stamp(meta: &std::fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let secs = |s: i64| u64::try_from(s).ok();
    Some([
        secs(meta.mtime())?,
        meta.mtime_nsec() as u64,
        secs(meta.ctime())?,
        meta.ctime_nsec() as u64,
        meta.ino(),
    ])
}

#[cfg(not(unix))]
fn stamp(_: &std::fs::Metadata) -> Option<Stamp> {
    None
}

#[cfg(unix)]
fn bytes(s: &std::ffi::OsStr) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes()
}

#[cfg(not(unix))]
fn bytes(s: &std::ffi::OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

type Listings = HashMap<Vec<u8>, (Stamp, Arc<Listing>)>;

fn parse(data: &[u8], root: &[u8]) -> Option<Listings> {
    let mut at = MAGIC.len();
    if !data.starts_with(MAGIC) {
        return None;
    }
    let rd = |at: &mut usize, n: usize| -> Option<&[u8]> {
        let s = data.get(*at..at.checked_add(n)?)?;
        *at += n;
        Some(s)
    };
    let rd_u32 =
        |at: &mut usize| -> Option<u32> { Some(u32::from_le_bytes(rd(at, 4)?.try_into().ok()?)) };
    let rd_bytes = |at: &mut usize| -> Option<&[u8]> {
        let n = rd_u32(at)? as usize;
        rd(at, n)
    };
    if rd_bytes(&mut at)? != root {
        return None;
    }
    let mut out = HashMap::new();
    while at < data.len() {
        let key = rd_bytes(&mut at)?.to_vec();
        let mut stamp: Stamp = [0; 5];
        for n in &mut stamp {
            *n = u64::from_le_bytes(rd(&mut at, 8)?.try_into().ok()?);
        }
        let count = rd_u32(&mut at)? as usize;
        let start = at;
        for _ in 0..count {
            at = decode_entry(data, at)?.1;
        }
        let listing = Listing {
            encoded: data[start..at].to_vec(),
            len: count,
        };
        out.insert(key, (stamp, Arc::new(listing)));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_round_trip_through_the_file() {
        let root = b"/repo".to_vec();
        let mut listing = Listing::default();
        listing.push(b"a.rs", Kind::File);
        listing.push(b"src", Kind::Dir);
        listing.push(b"link", Kind::Symlink);
        let listing = Arc::new(listing);
        let dir = std::env::temp_dir().join(format!("keygate-dircache-{}", std::process::id()));
        let mut cache = DirCache {
            file: Some(dir.join("keygate").join("dirs")),
            root: root.clone(),
            old: HashMap::new(),
            new: HashMap::from([(b"src".to_vec(), ([1, 2, 3, 4, 5], listing.clone()))]),
            changed: true,
        };
        cache.file = Some(dir.join("keygate").join("dirs"));
        cache.save();
        let data = std::fs::read(dir.join("keygate").join("dirs")).unwrap();
        let parsed = parse(&data, &root).unwrap();
        assert_eq!(parsed[&b"src".to_vec()].0, [1, 2, 3, 4, 5]);
        assert_eq!(parsed[&b"src".to_vec()].1, listing);
        assert!(parse(&data, b"/other").is_none());
        assert!(parse(&data[..data.len() - 1], &root).is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
