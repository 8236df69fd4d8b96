//! What a hook file is: the templates keygate writes, the marker that says a hook is keygate's,
//! and reading and writing hook files safely (regular files only, executable, shell-quoted).

use crate::error::{Error, Result};
use std::path::Path;

/// The hook template, with `@KEYGATE_BIN@` standing for the installing binary's path.
pub const TEMPLATE: &str = include_str!("../../hooks/pre-commit");

/// The pre-push hook `install --pre-push` writes: the commits a push sends are checked.
pub const PRE_PUSH_TEMPLATE: &str = include_str!("../../hooks/pre-push");

/// A line starting with this marks a hook (or a husky block) as keygate's.
pub const MARKER: &str = "# keygate-managed-hook";

/// The hook file Git runs.
pub const HOOK_NAME: &str = "pre-commit";

/// A hook keygate writes into a hooks folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookFile {
    /// The file name Git runs (`pre-commit`, `pre-push`).
    pub name: &'static str,
    template: &'static str,
}

pub const PRE_COMMIT: HookFile = HookFile {
    name: HOOK_NAME,
    template: TEMPLATE,
};

/// Git runs it for a merge that makes a commit, which the pre-commit hook never sees: the same
/// staged check then covers what the merge brings in.
pub const PRE_MERGE_COMMIT: HookFile = HookFile {
    name: "pre-merge-commit",
    template: TEMPLATE,
};

pub const PRE_PUSH: HookFile = HookFile {
    name: "pre-push",
    template: PRE_PUSH_TEMPLATE,
};

impl HookFile {
    /// Where a hook that was there before keygate's is kept, and still run from.
    pub(super) fn chained(&self) -> String {
        format!("{}.keygate-chained", self.name)
    }

    /// The hook text for `binary`.
    pub(super) fn render(&self, binary: &Path) -> String {
        self.template
            .replacen("@KEYGATE_BIN@", &shell_quote(&binary.to_string_lossy()), 1)
    }
}

/// Whether a hook or hook manager's configuration runs keygate's commit check.
pub fn runs_keygate(text: &str) -> bool {
    text.contains("keygate check --staged") || text.contains("keygate check --pre-commit")
}

/// `text` as one single-quoted `sh` word.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

pub(super) fn is_ours(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .any(|line| line.starts_with(MARKER.as_bytes()))
}

/// Reads `path` when it is a regular file (not a symbolic link), `None` when it does not exist.
pub(super) fn read_regular(path: &Path) -> Result<Option<(Vec<u8>, bool)>> {
    match path.symlink_metadata() {
        Ok(meta) if meta.is_file() => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            Ok(Some((bytes, is_executable(&meta))))
        }
        Ok(_) => Ok(Some((Vec::new(), false))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

pub(super) fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Writes `bytes` to `path` atomically (a temporary file renamed over it), mode 0755.
pub(super) fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("hook path has a folder");
    let tmp = dir.join(format!(
        ".{}.keygate-tmp",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_has_marker_and_one_placeholder() {
        assert!(is_ours(TEMPLATE.as_bytes()));
        assert_eq!(TEMPLATE.matches("@KEYGATE_BIN@").count(), 1);
        let text = PRE_COMMIT.render(Path::new("/opt/it's here/keygate"));
        assert!(text.contains(r"keygate_installed='/opt/it'\''s here/keygate'"));
        assert!(text.starts_with("#!/bin/sh\n"));
    }
}
