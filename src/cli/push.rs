//! The commits a push brings, from the ref updates Git gives a hook on standard input: a client's
//! `pre-push` (`<local ref> <local sha> <remote ref> <remote sha>`) or a server's `pre-receive`
//! (`<old sha> <new sha> <ref>`). Only commits the other side does not have yet are audited, and
//! a secret already in the commits it has is not reported again.

use crate::error::{Error, Result};
use crate::git::{Repo, Tips};
use std::io::BufRead;

use super::scan_config::PushHook;

/// Git's id for "no commit": a ref being created or deleted.
fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}

/// One ref update of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// What the ref points to after the push; `None` for a deletion.
    pub new: Option<String>,
    /// What it points to on the receiving side before; `None` for a new ref.
    pub old: Option<String>,
}

/// The updates in `input`, as `hook` receives them.
pub fn parse(hook: PushHook, input: impl BufRead) -> Result<Vec<Update>> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Error::io("<stdin>", e))?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let is_id =
            |s: &str| matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit());
        let (old, new) = match (hook, fields.as_slice()) {
            (PushHook::PrePush, [_, local, _, remote]) if is_id(local) && is_id(remote) => {
                (*remote, *local)
            }
            (PushHook::PreReceive, [old, new, _]) if is_id(old) && is_id(new) => (*old, *new),
            _ => {
                return Err(Error::Usage(format!(
                    "standard input line {}: not a ref update ({}); this option is meant to run \
                     from the {} hook that `keygate install` writes",
                    n + 1,
                    match hook {
                        PushHook::PrePush => "<local ref> <local sha> <remote ref> <remote sha>",
                        PushHook::PreReceive => "<old sha> <new sha> <ref>",
                    },
                    match hook {
                        PushHook::PrePush => "pre-push",
                        PushHook::PreReceive => "pre-receive",
                    },
                )))
            }
        };
        out.push(Update {
            new: (!is_zero(new)).then(|| new.to_string()),
            old: (!is_zero(old)).then(|| old.to_string()),
        });
    }
    Ok(out)
}

/// The update the pre-commit framework describes in its environment when it runs a pre-push
/// hook (it reads Git's ref updates itself): `PRE_COMMIT_TO_REF`, from `PRE_COMMIT_FROM_REF`.
pub fn from_framework(hook: PushHook) -> Option<Update> {
    if hook != PushHook::PrePush {
        return None;
    }
    let to = std::env::var("PRE_COMMIT_TO_REF").ok()?;
    let from = std::env::var("PRE_COMMIT_FROM_REF").ok();
    Some(Update {
        new: Some(to),
        old: from.filter(|f| !f.is_empty() && !is_zero(f)),
    })
}

/// The walk that audits `updates`: from every new tip, hiding what the receiving side already
/// has. For a new ref that is, on a client, every remote-tracking branch, and on a server, every
/// ref it has; for an update, also the ref's old commit when it is known here.
pub fn walk(repo: &Repo, hook: PushHook, updates: &[Update]) -> Result<(Tips, Vec<String>)> {
    let tips: Vec<String> = updates.iter().filter_map(|u| u.new.clone()).collect();
    let mut since: Vec<String> = Vec::new();
    let mut whole_side = false;
    for update in updates.iter().filter(|u| u.new.is_some()) {
        match &update.old {
            Some(old) if repo.has_commit(old) => since.push(old.clone()),
            _ => whole_side = true,
        }
    }
    if whole_side {
        let glob = match hook {
            PushHook::PrePush => "refs/remotes/*",
            PushHook::PreReceive => "refs/*",
        };
        since.extend(repo.ref_targets(glob)?);
    }
    since.sort();
    since.dedup();
    Ok((Tips::Revs(tips), since))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_parse_by_hook() {
        let zero = "0".repeat(40);
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        let pre_push = format!(
            "refs/heads/main {b} refs/heads/main {a}\nrefs/heads/new {b} refs/heads/new {zero}\n(delete) {zero} refs/heads/old {a}\n"
        );
        let got = parse(PushHook::PrePush, pre_push.as_bytes()).unwrap();
        assert_eq!(
            got,
            vec![
                Update {
                    new: Some(b.clone()),
                    old: Some(a.clone())
                },
                Update {
                    new: Some(b.clone()),
                    old: None
                },
                Update {
                    new: None,
                    old: Some(a.clone())
                },
            ]
        );
        let pre_receive = format!("{a} {b} refs/heads/main\n{zero} {b} refs/tags/v1\n");
        let got = parse(PushHook::PreReceive, pre_receive.as_bytes()).unwrap();
        assert_eq!(
            got[0],
            Update {
                new: Some(b.clone()),
                old: Some(a)
            }
        );
        assert_eq!(
            got[1],
            Update {
                new: Some(b),
                old: None
            }
        );
        assert!(parse(PushHook::PreReceive, "just one field\n".as_bytes()).is_err());
    }
}
