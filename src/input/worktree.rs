//! The files of a working tree (Git's view: tracked plus untracked-not-ignored), and plain path
//! walks, which skip what Git ignores when they are inside a repository.

use super::Source;
use crate::error::{Error, Result};
use crate::git::{display_path, Repo};
use globset::GlobSet;
use std::path::{Path, PathBuf};

/// Every file Git would track in `repo`, less the config's excludes.
pub fn worktree_sources(repo: &Repo, excludes: &GlobSet) -> Result<Vec<Source>> {
    Ok(repo
        .worktree_files()?
        .into_iter()
        .map(|file| Source {
            display: display_path(&file.path),
            path: repo.root().join(&file.path),
            size_hint: file.size_hint,
        })
        .filter(|s| !excludes.is_match(&s.display))
        .collect())
}

/// The files under each of `paths` (files or folders, recursively). Inside a repository, paths
/// are reported relative to its root and what Git ignores is skipped; `.git` folders and symbolic
/// links are never entered.
/// Outside a repository, findings name files as the user wrote the path (`./` dropped).
pub fn path_sources(
    paths: &[PathBuf],
    cwd: &Path,
    repo: Option<&Repo>,
    excludes: &GlobSet,
) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for given in paths {
        let path = cwd.join(given);
        let meta = path.symlink_metadata().map_err(|e| Error::io(given, e))?;
        // Each file, and its path relative to the root when inside the repository.
        let mut found: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        if meta.is_file() {
            // A file named explicitly is scanned even when Git ignores it.
            found.push((path.clone(), repo.and_then(|r| r.relative(&path))));
        } else if meta.is_dir() {
            // Resolved once: the walk never follows a link, so the paths it joins stay resolved.
            let rel = repo.and_then(|r| r.relative(&path));
            walk(&path, rel, repo, &mut found)?;
        }
        for (file, rel) in found {
            let display = match rel {
                Some(rel) => display_path(&rel),
                None => {
                    let under = file.strip_prefix(&path).unwrap_or(&file);
                    let shown = if under.as_os_str().is_empty() {
                        given.clone()
                    } else {
                        given.join(under)
                    };
                    display_path(shown.strip_prefix(".").unwrap_or(&shown))
                }
            };
            if !excludes.is_match(&display) {
                out.push(Source {
                    path: file,
                    display,
                    size_hint: None,
                });
            }
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    Ok(out)
}

/// The files under `dir` (whose path relative to the repository's root is `rel`, when inside it),
/// each with its path relative to the root; what Git ignores, `.git` and links are skipped.
fn walk(
    dir: &Path,
    rel: Option<PathBuf>,
    repo: Option<&Repo>,
    out: &mut Vec<(PathBuf, Option<PathBuf>)>,
) -> Result<()> {
    let mut stack = vec![(dir.to_path_buf(), rel)];
    while let Some((dir, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_symlink() || entry.file_name() == ".git" {
                continue;
            }
            let rel = rel.as_ref().map(|r| r.join(entry.file_name()));
            if let (Some(repo), Some(rel)) = (repo, &rel) {
                if repo.is_ignored(rel)? {
                    continue;
                }
            }
            if kind.is_dir() {
                stack.push((path, rel));
            } else if kind.is_file() {
                out.push((path, rel));
            }
        }
    }
    Ok(())
}
