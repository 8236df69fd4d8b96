//! keygate's process-wide libgit2 settings, set in one place: [`init`]. Nothing else in the
//! library changes libgit2's global options.

use std::sync::Once;

/// Applies keygate's process-wide libgit2 settings. The binary calls it first thing in `main`,
/// before any repository is opened; calling it again does nothing. The settings only make
/// keygate faster and bound its memory: what it finds is the same without them, so tests that use
/// the library directly need not call this.
///
/// - **No re-hashing of objects on read** (libgit2 verifies every object's hash by default):
///   keygate only reads objects Git wrote, and the re-hashing cost more than the rest of a
///   pre-commit check, and 5% of a history walk. Git itself does not re-hash either.
/// - **No object cache**: a history walk reads each tree once or twice, and the cache's
///   bookkeeping cost more than the re-reads it saved, while it grew to 256 MB. The other checks
///   read each object about once.
/// - **Pack files mapped in 8 MB windows, at most 32 MB at a time**, instead of whole (libgit2's
///   64-bit defaults are 1 GB windows up to 8 GB): a history walk touches every pack, and this
///   keeps what it maps small.
///
/// # Safety
///
/// The window sizes are C globals that libgit2 reads without synchronisation: as git2 requires,
/// call this before any other thread is spawned (and so before any pack is mapped), as `main`
/// does.
pub unsafe fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
        // SAFETY: the caller guarantees that no other thread exists yet (see `# Safety`), so no
        // libgit2 call reads the window sizes while they change; `Once` sets them only once.
        unsafe {
            let _ = git2::opts::set_mwindow_size(8 << 20);
            let _ = git2::opts::set_mwindow_mapped_limit(32 << 20);
        }
    });
}
