//! The single integration-test binary: one link for every group (this matters on 2 cores).

mod common;

mod accuracy;
mod adoption;
mod architecture;
mod catalog;
mod check_history;
mod check_history_multiline;
mod check_history_packs;
mod check_staged;
mod check_worktree;
mod ci;
mod credentials;
mod doctor;
mod env;
mod hook;
mod output;
mod properties;
mod push;
mod regression;
