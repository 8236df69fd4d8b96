//! Hook managers that own a repository's hooks, integrated the way each expects: a block in
//! husky's `.husky/pre-commit`, and for lefthook and the pre-commit framework a snippet for the
//! user to add (their files are left alone).

use super::files::{
    is_ours, read_regular, runs_keygate, shell_quote, write_executable, HOOK_NAME, MARKER,
};
use super::outcome::{Installed, Manager, Uninstalled};
use crate::error::{Error, Result};
use crate::git::Repo;
use std::path::{Path, PathBuf};

/// The block added to husky's `.husky/pre-commit`: like the plain hook, it falls back to the
/// binary that installed it when `keygate` is not on PATH (husky runs hooks with a minimal PATH in
/// some GUI clients).
fn husky_block(binary: &Path) -> String {
    format!(
        "{MARKER}: added by `keygate install`; `keygate uninstall` removes it.
keygate_installed={binary}
if command -v keygate >/dev/null 2>&1; then
  keygate check --staged || {{ s=$?; echo 'keygate: commit blocked (see above); `git commit --no-verify` skips all hooks.' >&2; exit $s; }}
elif [ -x \"$keygate_installed\" ]; then
  \"$keygate_installed\" check --staged || {{ s=$?; echo 'keygate: commit blocked (see above); `git commit --no-verify` skips all hooks.' >&2; exit $s; }}
else
  echo \"keygate: commit blocked: keygate is not on PATH nor at $keygate_installed (run ./install.sh in a keygate checkout); git commit --no-verify skips all hooks.\" >&2; exit 1
fi
{END}
",
        binary = shell_quote(&binary.to_string_lossy()),
    )
}

/// The line that ends keygate's block in a husky script.
const END: &str = "# end keygate-managed-hook";

/// The lefthook configuration that runs keygate.
pub const LEFTHOOK_SNIPPET: &str = "\
pre-commit:
  commands:
    keygate:
      run: keygate check --staged
";

/// The pre-commit framework configuration that runs keygate (the installed binary).
pub const PRE_COMMIT_SNIPPET: &str = "\
repos:
  - repo: local
    hooks:
      - id: keygate
        name: keygate
        entry: keygate check --pre-commit
        language: system
        pass_filenames: true
        require_serial: true
";

const LEFTHOOK_FILES: [&str; 6] = [
    "lefthook.yml",
    ".lefthook.yml",
    "lefthook.yaml",
    ".lefthook.yaml",
    "lefthook.toml",
    "lefthook.json",
];

const PRE_COMMIT_FILES: [&str; 2] = [".pre-commit-config.yaml", ".pre-commit-config.yml"];

/// The hook manager in charge of `repo`'s hooks, if any.
pub fn manager(repo: &Repo) -> Result<Option<Manager>> {
    let hooks = repo.hooks_dir()?;
    if hooks.from_config {
        let path = &hooks.path;
        let name = path.file_name().and_then(|n| n.to_str());
        let husky = match name {
            Some("_") => path
                .parent()
                .filter(|p| p.file_name() == Some(".husky".as_ref())),
            Some(".husky") => Some(path.as_path()),
            _ => None,
        };
        if let Some(husky) = husky {
            return Ok(Some(Manager::Husky {
                script: husky.join(HOOK_NAME),
            }));
        }
    }
    let root = repo.root();
    if let Some(file) = LEFTHOOK_FILES.iter().find(|f| root.join(f).is_file()) {
        return Ok(Some(Manager::Lefthook {
            config: root.join(file),
        }));
    }
    if let Some(file) = PRE_COMMIT_FILES.iter().find(|f| root.join(f).is_file()) {
        return Ok(Some(Manager::PreCommit {
            config: root.join(file),
        }));
    }
    Ok(None)
}

pub(super) fn mentions_keygate(manager: &Manager) -> bool {
    let (Manager::Lefthook { config } | Manager::PreCommit { config }) = manager else {
        return false;
    };
    std::fs::read_to_string(config).is_ok_and(|text| runs_keygate(&text))
}

/// Where the husky script's state before install is kept, so that uninstall restores it exactly.
fn husky_state(repo: &Repo) -> PathBuf {
    repo.git_dir().join("keygate").join("husky-pre-commit.orig")
}

/// `original`, ending with a newline unless empty.
fn with_newline(original: &[u8]) -> Vec<u8> {
    let mut out = original.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

/// The husky script with keygate's block appended to `original`.
fn with_husky_block(original: &[u8], binary: &Path) -> Vec<u8> {
    let mut out = with_newline(original);
    out.extend_from_slice(husky_block(binary).as_bytes());
    out
}

pub(super) fn install_husky(repo: &Repo, script: PathBuf, binary: &Path) -> Result<Installed> {
    let original = match read_regular(&script)? {
        Some((bytes, _)) if is_ours(&bytes) => return Ok(Installed::HuskyUnchanged { script }),
        Some((bytes, _)) => Some(bytes),
        None => None,
    };
    let state = husky_state(repo);
    let state_dir = state.parent().expect("state file has a folder");
    std::fs::create_dir_all(state_dir).map_err(|e| Error::io(state_dir, e))?;
    match &original {
        Some(bytes) => std::fs::write(&state, bytes).map_err(|e| Error::io(&state, e))?,
        // No saved copy means: install created the script.
        None => match std::fs::remove_file(&state) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&state, e)),
            _ => {}
        },
    }
    let text = with_husky_block(original.as_deref().unwrap_or_default(), binary);
    if original.is_some() {
        // In place, so that the script keeps its permissions.
        std::fs::write(&script, &text).map_err(|e| Error::io(&script, e))?;
    } else {
        let dir = script.parent().expect("husky script has a folder");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_executable(&script, &text)?;
    }
    Ok(Installed::Husky {
        script,
        created: original.is_none(),
    })
}

pub(super) fn uninstall_husky(repo: &Repo, script: &Path) -> Result<Option<Uninstalled>> {
    let Some((current, _)) = read_regular(script)? else {
        return Ok(None);
    };
    if !is_ours(&current) {
        return Ok(None);
    }
    let state = husky_state(repo);
    let saved = match std::fs::read(&state) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&state, e)),
    };
    let original = saved.clone().unwrap_or_default();
    // Unedited since install when taking keygate's block out gives back the original.
    let stripped = strip_husky_block(&current);
    let (restored, edited) = if stripped == with_newline(&original) {
        (original, false)
    } else {
        (stripped, true)
    };
    let deleted = saved.is_none() && (!edited || restored.iter().all(u8::is_ascii_whitespace));
    if deleted {
        std::fs::remove_file(script).map_err(|e| Error::io(script, e))?;
    } else {
        // Rewrite in place, so the file keeps its permissions.
        std::fs::write(script, &restored).map_err(|e| Error::io(script, e))?;
    }
    if saved.is_some() {
        std::fs::remove_file(&state).map_err(|e| Error::io(&state, e))?;
    }
    Ok(Some(Uninstalled::Husky {
        script: script.to_path_buf(),
        deleted,
        edited,
    }))
}

/// `text` without keygate's block (from its marker line to its end line, inclusive).
fn strip_husky_block(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive(|&b| b == b'\n') {
        let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
        if !inside && trimmed.starts_with(MARKER.as_bytes()) {
            inside = true;
        } else if inside && trimmed == END.as_bytes() {
            inside = false;
        } else if !inside {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn husky_block_round_trips() {
        for original in [
            &b""[..],
            b"npx lint-staged\n",
            b"npx lint-staged",
            b"#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\nnpm test\n",
        ] {
            let with = with_husky_block(original, Path::new("/opt/it's/keygate"));
            assert!(is_ours(&with));
            let stripped = strip_husky_block(&with);
            let want: Vec<u8> = if original.ends_with(b"\n") || original.is_empty() {
                original.to_vec()
            } else {
                [original, b"\n"].concat()
            };
            assert_eq!(stripped, want);
        }
    }
}
