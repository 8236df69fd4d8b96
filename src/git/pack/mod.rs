//! Objects read straight from the repository's pack files, for the history audit: every version of
//! every file, each rebuilt once from the version it is stored as a delta of, and the trees the
//! walk compares.
//!
//! A pack stores most versions as deltas against another object (usually another version of the
//! same file), in chains up to 50 deep. Reading versions one by one, as `git cat-file` or libgit2
//! do, inflates the bases of a chain again whenever they have left a cache. Here the blobs asked
//! for and their bases form a forest (each delta under its base), walked from the roots down:
//! each entry is inflated once and each delta applied once, to its base's content just rebuilt,
//! and the blob is handed over then, with its base's state. Roots are spread over every core.
//!
//! Only what a pack answers simply is read here; everything else (loose objects, alternates, a
//! base in another pack, an object over the size limit, an entry that does not decode) is left
//! to the caller's usual reader, which also reports the errors.
//!
//! Files: `idx` (a pack's index), `entry` (one entry's header, data and delta format), `store`
//! (the packs of a repository, opened), `forest` (many blobs at once, for the scan), `read` (one
//! object by id, for the walk's trees), `leading` (the commits a pack stores first, for the
//! commit walk).

mod entry;
mod forest;
mod idx;
mod leading;
mod read;
mod store;

pub(crate) use entry::{COMMIT, TAG, TREE};
pub use read::ObjectReader;
pub use store::Packs;
