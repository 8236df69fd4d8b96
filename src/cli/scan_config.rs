//! What a check needs, free of the command line's shape: the one [`ScanConfig`] every command
//! that scans builds, and how a command ended.

use crate::report::{Color, Format};
use std::path::PathBuf;

/// What `check` scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Worktree,
    Paths(Vec<PathBuf>),
    Stdin,
    Staged,
    History {
        all: bool,
        since: Option<String>,
        branch: Option<String>,
    },
}

/// Everything a check needs, free of the command line's shape.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub target: Target,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub color: Color,
    pub config: Option<PathBuf>,
    /// Inside named folders, scan what Git ignores too.
    pub no_ignore: bool,
    /// The directory the check runs from.
    pub cwd: PathBuf,
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
            no_ignore: false,
            cwd,
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
