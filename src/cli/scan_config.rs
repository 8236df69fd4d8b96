//! What a check needs, free of the command line's shape: the one [`ScanConfig`] every command
//! that scans builds, and how a command ended.

use crate::git::Tips;
use crate::report::{Color, Format};
use std::path::PathBuf;

/// What `check` scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Worktree,
    Paths(Vec<PathBuf>),
    Stdin,
    Staged,
    /// The commits reachable from `tips` and from none of the revisions `since`.
    History {
        tips: Tips,
        since: Vec<String>,
    },
    /// The commits a push brings, from the ref updates Git gives a hook on standard input.
    Push(PushHook),
}

/// Which hook reads the ref updates of a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushHook {
    /// A client's `pre-push`: `<local ref> <local sha> <remote ref> <remote sha>` lines.
    PrePush,
    /// A server's `pre-receive`: `<old sha> <new sha> <ref>` lines.
    PreReceive,
}

/// Everything a check needs, free of the command line's shape.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub target: Target,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub color: Color,
    pub config: Option<PathBuf>,
    /// The directory the check runs from.
    pub cwd: PathBuf,
    /// Report a staged check that passes with nothing to say (else it prints nothing).
    pub verbose: bool,
}

impl ScanConfig {
    /// A check of `target` from `cwd`, in the defaults: the human report on standard output,
    /// colour where the terminal allows it, the repository's own config.
    pub fn new(target: Target, cwd: PathBuf) -> ScanConfig {
        ScanConfig {
            target,
            format: Format::Human,
            output: None,
            color: Color::Auto,
            config: None,
            cwd,
            verbose: false,
        }
    }
}

/// How a command ended when it ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing blocking.
    Clean,
    /// At least one blocking finding.
    Blocked,
}
