//! Rule 1's guard: is keygate's pre-commit hook the one Git really runs? A `core.hooksPath` set
//! globally, or a hook manager that took over the hooks, silently bypasses a hook installed in
//! `.git/hooks`: the most common way protection is lost without anyone noticing.

use super::model::Verdict;
use crate::error::Result;
use crate::git::Repo;
use crate::hook::{self, Manager};
use std::path::Path;

const ID: &str = "hook";
const RULE: u8 = 1;

/// Which `pre-commit` hook wins, and whether it runs keygate.
pub fn check(repo: &Repo) -> Result<Verdict> {
    let version = env!("CARGO_PKG_VERSION");
    let hooks = repo.hooks_dir()?;
    let runs_keygate =
        |path: &Path| std::fs::read_to_string(path).is_ok_and(|text| hook::runs_keygate(&text));
    if let Some(manager) = hook::manager(repo)? {
        let (file, fix) = match &manager {
            Manager::Husky { script } => (script.clone(), "keygate install".to_string()),
            Manager::Lefthook { config } | Manager::PreCommit { config } => (
                config.clone(),
                format!(
                    "add keygate to {} (`keygate install` prints the snippet)",
                    shown(repo, config)
                ),
            ),
        };
        return Ok(if runs_keygate(&file) {
            Verdict::pass(
                ID,
                RULE,
                format!(
                    "{} runs `keygate check --staged` on every commit ({}); this keygate is {version}",
                    manager.name(),
                    shown(repo, &file)
                ),
            )
        } else {
            Verdict::fail(
                ID,
                RULE,
                format!(
                    "{} owns this repository's hooks and its {} does not run keygate: commits are \
                     not checked",
                    manager.name(),
                    shown(repo, &file)
                ),
                fix,
            )
        });
    }
    let hook = hooks.path.join(hook::HOOK_NAME);
    let origin = if hooks.from_config {
        format!(
            "core.hooksPath ({} config) points Git at {}",
            hooks_path_level(repo),
            hooks.path.display()
        )
    } else {
        format!("Git runs hooks from {}", hooks.path.display())
    };
    if !hook.is_file() {
        // keygate's hook sitting in `.git/hooks` while `core.hooksPath` sends Git elsewhere.
        let default = repo.common_dir().join("hooks").join(hook::HOOK_NAME);
        let shadowed = hooks.from_config && runs_keygate(&default);
        let message = if shadowed {
            format!(
                "{origin}, which has no pre-commit hook: keygate's hook in {} never runs",
                default.display()
            )
        } else {
            format!("{origin}, and there is no pre-commit hook: commits are not checked")
        };
        return Ok(Verdict::fail(
            ID,
            RULE,
            message,
            "run `keygate install` in this repository",
        ));
    }
    if !runs_keygate(&hook) {
        return Ok(Verdict::fail(
            ID,
            RULE,
            format!("{origin}; its pre-commit hook does not run keygate"),
            "run `keygate install` (the existing hook is kept and still runs first)",
        ));
    }
    if !is_executable(&hook) {
        return Ok(Verdict::fail(
            ID,
            RULE,
            format!(
                "{} runs keygate but is not executable, so Git skips it",
                hook.display()
            ),
            format!("chmod +x {}", hook.display()),
        ));
    }
    Ok(Verdict::pass(
        ID,
        RULE,
        format!("{origin}; its pre-commit hook runs keygate (this keygate is {version})"),
    ))
}

/// Where `core.hooksPath` is set: `local`, `global`, `system` or another level.
fn hooks_path_level(repo: &Repo) -> &'static str {
    let entry = repo
        .git2()
        .config()
        .ok()
        .and_then(|c| c.get_entry("core.hooksPath").ok().map(|e| e.level()));
    match entry {
        Some(git2::ConfigLevel::Local) => "local",
        Some(git2::ConfigLevel::Global) | Some(git2::ConfigLevel::XDG) => "global",
        Some(git2::ConfigLevel::System) | Some(git2::ConfigLevel::ProgramData) => "system",
        Some(git2::ConfigLevel::Worktree) => "worktree",
        _ => "some",
    }
}

fn shown(repo: &Repo, path: &Path) -> String {
    path.strip_prefix(repo.root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    true
}
