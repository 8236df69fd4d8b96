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

/// What a path walk found, and what it left out (to say why a check scanned nothing).
#[derive(Debug, Default)]
pub struct PathSources {
    pub sources: Vec<Source>,
    /// Files left out because Git ignores them.
    pub ignored: u64,
    /// Files left out by the config's excludes.
    pub excluded: u64,
}

impl PathSources {
    /// Why nothing was scanned, in words, for a check whose sources are these.
    pub fn why_empty(&self) -> String {
        let mut why = Vec::new();
        if self.sources.is_empty() {
            why.push("the named paths hold no file".to_string());
        }
        if self.ignored > 0 {
            why.push(format!(
                "{} file(s) ignored by Git (scan them with --no-ignore)",
                self.ignored
            ));
        }
        if self.excluded > 0 {
            why.push(format!("{} file(s) excluded by the config", self.excluded));
        }
        if why.len() > 1 {
            why.remove(0);
        }
        if !self.sources.is_empty() {
            why.push("every file named is binary or empty".to_string());
        }
        why.join("; ")
    }
}

/// The files under each of `paths` (files or folders, recursively). A path the user names is
/// always scanned, whatever it is (a file Git ignores, a symbolic link, a FIFO, `/dev/stdin`);
/// ignore rules apply to what a walk finds inside a named folder, unless `no_ignore` (or the
/// named folder is itself ignored: the user asked for it). Inside a repository, paths are
/// reported relative to its root; `.git` folders and symbolic links found by a walk are never
/// entered. Outside a repository, findings name files as the user wrote the path (`./` dropped).
pub fn path_sources(
    paths: &[PathBuf],
    cwd: &Path,
    repo: Option<&Repo>,
    excludes: &GlobSet,
    no_ignore: bool,
) -> Result<PathSources> {
    let mut out = PathSources::default();
    for given in paths {
        let path = cwd.join(given);
        // Follows a named symbolic link: the user named what it points at.
        let meta = path.metadata().map_err(|e| Error::io(given, e))?;
        // Each file, and its path relative to the root when inside the repository.
        let mut found: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        if meta.is_dir() {
            // Resolved once: the walk never follows a link, so the paths it joins stay resolved.
            let rel = repo.and_then(|r| r.relative(&path));
            let ignore_inside = !no_ignore
                && match (repo, &rel) {
                    (Some(r), Some(rel)) => rel.as_os_str().is_empty() || !r.is_ignored(rel)?,
                    _ => true,
                };
            let ignore = if ignore_inside { repo } else { None };
            walk(&path, rel, ignore, &mut found, &mut out.ignored)?;
        } else {
            // A file, or anything else that can be read (a FIFO, a device, a pipe): named, so
            // scanned, even when Git ignores it.
            found.push((path.clone(), repo.and_then(|r| named_relative(r, &path))));
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
            if excludes.is_match(&display) {
                out.excluded += 1;
            } else {
                out.sources.push(Source {
                    path: file,
                    display,
                    size_hint: None,
                });
            }
        }
    }
    out.sources.sort_by(|a, b| a.display.cmp(&b.display));
    out.sources.dedup_by(|a, b| a.display == b.display);
    Ok(out)
}

/// `file` relative to the repository root, by its own name (a symbolic link is not resolved
/// to its target's name; its folder is).
fn named_relative(repo: &Repo, file: &Path) -> Option<PathBuf> {
    let name = file.file_name()?;
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty())?;
    Some(repo.relative(parent)?.join(name))
}

/// The files under `dir` (whose path relative to the repository's root is `rel`, when inside it),
/// each with its path relative to the root; what Git ignores (when `repo` is given: counted in
/// `ignored`), `.git` and links are skipped.
fn walk(
    dir: &Path,
    rel: Option<PathBuf>,
    repo: Option<&Repo>,
    out: &mut Vec<(PathBuf, Option<PathBuf>)>,
    ignored: &mut u64,
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
                    *ignored += 1;
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
