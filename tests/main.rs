//! The single integration-test binary: one link for every group (this matters on 2 cores).

mod common;

mod accuracy;
mod catalog;
mod check_worktree;
mod output;
