//! One version of a file in the history audit: what is asked for, how it is scanned (whole, or
//! by the lines it adds to a clean base), and what the scan found. Shared by the two readers of
//! pass 2: the pack files (`packed`) and the `git cat-file` streams (`blobs`).

use crate::engine::{Evidence, Locality, Match, Scanner};
use crate::git::ObjectId;
use crate::input::novel::NovelLines;
// Blobs up to `CHUNK` are scanned in one piece, larger ones in bounded chunks, as files are.
use crate::input::{is_binary, scan_reader, ReadOutcome, CHUNK};
use std::collections::HashMap;
use std::sync::Mutex;

/// A blob to scan, and the blob it replaced at the same path when it came in as an edit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wanted {
    pub(super) id: ObjectId,
    pub(super) base: Option<ObjectId>,
    /// Where it was first seen: a file's versions go through one stream, after their base.
    pub(super) path: u32,
}

/// What scanning one blob found, when it has matches, was scanned against its base, or failed.
pub(super) struct BlobResult {
    pub(super) id: ObjectId,
    pub(super) matches: std::result::Result<Vec<Match>, String>,
    /// Only the lines the blob adds to this base were scanned (see [`complete`]).
    pub(super) partial_of: Option<ObjectId>,
}

/// One scanned text blob: its size, its matches, and the base when only its new lines were scanned.
pub(super) struct Version {
    pub(super) size: u64,
    pub(super) matches: Vec<Match>,
    pub(super) partial_of: Option<ObjectId>,
}

/// The [`Evidence`] of the blobs read so far, for [`Locality`]: a base is usually the version
/// scanned just before, so its search is not run twice. Few distinct evidences occur; each blob
/// keeps the index of its own.
#[derive(Default)]
pub(super) struct LineLocal(Mutex<Evidences>);

#[derive(Default)]
struct Evidences {
    of: HashMap<ObjectId, u16>,
    distinct: Vec<Evidence>,
}

impl LineLocal {
    fn evidence(&self, locality: &Locality, id: ObjectId, content: &[u8]) -> Evidence {
        {
            let known = self.0.lock().expect("line-local lock");
            if let Some(&i) = known.of.get(&id) {
                return known.distinct[usize::from(i)].clone();
            }
        }
        let found = locality.evidence(content);
        self.record(id, &found);
        found
    }

    fn record(&self, id: ObjectId, evidence: &Evidence) {
        let mut known = self.0.lock().expect("line-local lock");
        let i = match known.distinct.iter().position(|e| e == evidence) {
            Some(i) => i,
            // Past that many combinations (never seen), the blob is simply searched again.
            None if known.distinct.len() >= usize::from(u16::MAX) => return,
            None => {
                known.distinct.push(evidence.clone());
                known.distinct.len() - 1
            }
        };
        known.of.insert(id, i as u16);
    }
}

/// Scans one version of a file: when `base` is the version it replaced and every match in it
/// depends on its own line only (see [`Locality`]), just the lines it adds; else the whole blob.
/// `None` when it is binary.
pub(super) fn scan_version(
    scanner: &Scanner,
    local: &LineLocal,
    id: ObjectId,
    content: &[u8],
    base: Option<(ObjectId, &[u8])>,
) -> std::io::Result<Option<Version>> {
    if is_binary(content) {
        return Ok(None);
    }
    let size = content.len() as u64;
    if let Some((base_id, old)) = base {
        let comparable = content.len() <= CHUNK && old.len() <= CHUNK && !is_binary(old);
        let locality = scanner.locality();
        let old_evidence = comparable.then(|| local.evidence(locality, base_id, old));
        if let Some(old_evidence) = old_evidence.filter(|e| locality.is_local(e)) {
            // Every line of the blob is one of the base's or one of its new lines: what occurs
            // in either bounds what occurs in it.
            let novel = NovelLines::between(old, content);
            let evidence = old_evidence.union(&locality.evidence(&novel.text));
            if locality.is_local(&evidence) {
                local.record(id, &evidence);
                let matches = match novel.text.is_empty() {
                    true => Vec::new(),
                    false => scanner
                        .scan(&novel.text)
                        .into_iter()
                        .map(|m| novel.relocate(m))
                        .collect(),
                };
                return Ok(Some(Version {
                    size,
                    matches,
                    partial_of: Some(base_id),
                }));
            }
        }
    }
    let whole = |matches| {
        Some(Version {
            size,
            matches,
            partial_of: None,
        })
    };
    if content.len() <= CHUNK {
        return Ok(whole(scanner.scan(content)));
    }
    let mut matches = Vec::new();
    match scan_reader(scanner, content, |m| matches.push(m))? {
        ReadOutcome::Scanned { .. } => Ok(whole(matches)),
        ReadOutcome::Binary => Ok(None),
    }
}
