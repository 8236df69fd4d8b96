//! One version of a file in the history audit: what is asked for, how it is scanned (whole, or
//! by the lines it adds to a clean base), and what the scan found. Shared by the two readers of
//! pass 2: the pack files (`packed`) and the `git cat-file` streams (`blobs`).

use crate::engine::{Match, Scanner};
use crate::git::ObjectId;
use crate::input::novel::NovelLines;
// Blobs up to `CHUNK` are scanned in one piece, larger ones in bounded chunks, as files are.
use crate::input::{is_binary, scan_reader, ReadOutcome, CHUNK};
use std::collections::HashSet;
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

/// Blobs known to hold no multi-line rule's keyword (see [`Scanner::is_line_local`]): a base is
/// usually the version scanned just before, so its check is not run twice.
#[derive(Default)]
pub(super) struct LineLocal(Mutex<HashSet<ObjectId>>);

impl LineLocal {
    fn check(&self, scanner: &Scanner, id: ObjectId, content: &[u8]) -> bool {
        if self.0.lock().expect("line-local lock").contains(&id) {
            return true;
        }
        let local = scanner.is_line_local(content);
        if local {
            self.record(id);
        }
        local
    }

    fn record(&self, id: ObjectId) {
        self.0.lock().expect("line-local lock").insert(id);
    }
}

/// Scans one version of a file: when `base` is the version it replaced and every match in both
/// depends on its own line only, just the lines it adds; else the whole blob. `None` when it is
/// binary.
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
        if comparable && local.check(scanner, base_id, old) {
            // Every line the two share is free of multi-line keywords; so is the blob when its
            // new lines are.
            let novel = NovelLines::between(old, content);
            if scanner.is_line_local(&novel.text) {
                local.record(id);
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
