//! What installing and uninstalling did, for `cli::install` to report: nothing here prints.

use std::path::PathBuf;

/// A hook manager that owns the repository's hooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manager {
    /// `core.hooksPath` is `.husky/_` (husky 9) or `.husky` (husky 4 to 8); `script` is the
    /// user's `.husky/pre-commit`.
    Husky {
        script: PathBuf,
    },
    Lefthook {
        config: PathBuf,
    },
    PreCommit {
        config: PathBuf,
    },
}

impl Manager {
    pub fn name(&self) -> &'static str {
        match self {
            Manager::Husky { .. } => "husky",
            Manager::Lefthook { .. } => "lefthook",
            Manager::PreCommit { .. } => "the pre-commit framework",
        }
    }
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Wrote the hook. `chained` names the foreign hook kept and run from it, when there is one.
    Hook {
        path: PathBuf,
        chained: Option<PathBuf>,
        binary: PathBuf,
        /// An older keygate hook was replaced.
        updated: bool,
    },
    /// keygate's hook is already there, identical: nothing changed.
    Unchanged {
        path: PathBuf,
        chained: Option<PathBuf>,
    },
    /// Added keygate's block to husky's `.husky/pre-commit` (`created`: the file was new).
    Husky { script: PathBuf, created: bool },
    /// husky's `.husky/pre-commit` already runs keygate.
    HuskyUnchanged { script: PathBuf },
    /// lefthook or the pre-commit framework: nothing changed; the user adds `snippet`.
    Snippet {
        manager: Manager,
        snippet: &'static str,
        /// The configuration already mentions `keygate check --staged`.
        present: bool,
    },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// Removed keygate's hook; `restored` is the foreign hook moved back in its place.
    Hook {
        path: PathBuf,
        restored: Option<PathBuf>,
    },
    /// Removed keygate's block from husky's script (`deleted`: install had created the file).
    Husky {
        script: PathBuf,
        deleted: bool,
        /// The script was edited since install, so only keygate's lines were taken out.
        edited: bool,
    },
    /// lefthook or the pre-commit framework: keygate changed nothing there; the user removes the
    /// snippet.
    Snippet { manager: Manager, present: bool },
    /// No keygate hook in `hooks_dir`: nothing changed.
    NotInstalled { hooks_dir: PathBuf },
}

/// What `install --global` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobalInstalled {
    /// Wrote the hooks folder and pointed the user's global `core.hooksPath` at it.
    Installed { dir: PathBuf },
    /// The user's global `core.hooksPath` already pointed there; the hooks were rewritten.
    Updated { dir: PathBuf },
}
