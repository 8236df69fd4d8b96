//! The text of the repository's tracked files, read once for the checks that search code:
//! which variables code reads (dormant keys, client-side reads) and which secrets manager it uses.

use crate::error::Result;
use crate::git::{display_path, Repo};

/// Files over this size are not searched (generated bundles, data).
const MAX_FILE: u64 = 1 << 20;

/// One tracked text file.
pub struct TrackedFile {
    /// As findings name files: from the root, `/` separators.
    pub display: String,
    pub text: Vec<u8>,
}

/// Every tracked regular file of the working tree that is text and at most [`MAX_FILE`] bytes.
pub fn read(repo: &Repo) -> Result<Vec<TrackedFile>> {
    let mut out = Vec::new();
    for (path, mode) in repo.index_entries(|_| true)? {
        if !crate::git::is_regular_file_mode(mode) {
            continue;
        }
        let abs = repo.root().join(&path);
        let Ok(meta) = abs.symlink_metadata() else {
            continue; // deleted in the working tree
        };
        if !meta.is_file() || meta.len() > MAX_FILE {
            continue;
        }
        let Ok(text) = std::fs::read(&abs) else {
            continue;
        };
        if !crate::input::is_binary(&text) {
            out.push(TrackedFile {
                display: display_path(&path),
                text,
            });
        }
    }
    Ok(out)
}
