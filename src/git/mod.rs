//! The only module that touches git2 (or runs `git`): opening the repository the way Git itself
//! would, its index, the working tree's files with Git's own ignore rules, the staged change,
//! blobs, and the history audit's commit walk.
//!
//! A facade: each job is a file of its own, and this one only names them and re-exports what
//! the rest of keygate uses. The files form a stack, each importing only files above it here:
//!
//! - `global`: the process-wide libgit2 settings, [`init`].
//! - `path`: Git's paths (bytes, `/`) and the reported form.
//! - `dir_cache`: the working tree's folder listings, kept between runs by folder stamps.
//! - `object`: object ids, file modes, reading blobs by id.
//! - `pack`: every version of every file, rebuilt straight from the pack files.
//! - `ignore`: Git's own ignore verdicts, from a `git check-ignore` process.
//! - `index_file`: a reader for Git's index file, for the pre-commit check's hot path.
//! - `repo`: [`Repo`], opened as Git would; its folders, ignore rules and blobs.
//! - `index`: the index's entries and staged contents, and untracking.
//! - `worktree`: the working tree's tracked and untracked files.
//! - `staged`: the staged change against `HEAD`, and the lines a change adds.
//! - `commit`: what a history walk says about commits.
//! - `commit_walk`: the commits a history audit visits, in Git's order.
//! - `tree_diff`: the files that differ between two trees.
//! - `batch`: `git` itself in batch mode, for the history audit.
//! - `history`: where the commit walk starts, and tree changes (from the packs).

mod batch;
mod commit;
mod commit_walk;
mod dir_cache;
mod global;
mod history;
mod ignore;
mod index;
mod index_file;
mod object;
mod pack;
mod path;
mod repo;
mod staged;
#[cfg(test)]
mod test_git;
mod tree_diff;
mod worktree;

pub(crate) use batch::{stream_blobs, BlobContent};
pub(crate) use commit::{civil_date, CommitMeta, CommitNode, Tips};
pub use global::init;
pub(crate) use index_file::IndexFile;
pub(crate) use object::{is_gitlink_mode, is_regular_file_mode, BlobReader, ObjectId};
pub(crate) use pack::Packs;
pub(crate) use path::{display_path, path_from_git};
pub use repo::Repo;
pub(crate) use staged::{added_line_ranges, IndexChange};
pub use worktree::WorktreeFile;
