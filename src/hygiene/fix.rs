//! `keygate fix`: the fixers, in an explicit order. Order matters: `.gitignore` first, so that
//! a file untracked next is already ignored and cannot be re-added by `git add .`.
//!
//! Credential files (those holding credentials) are fixed like `.env` files, under their own
//! `.gitignore` heading.
//!
//! Fixers never touch a `.env` file or a credential file on disk: the `.gitignore` fixer appends lines (keeping the
//! existing content byte for byte, and its line endings), and the untrack fixer removes entries
//! from the index only (`git rm --cached`).

use super::context::RepoContext;
use super::patterns::Kind;
use crate::error::{Error, Result};
use globset::GlobBuilder;
use std::path::PathBuf;

/// One repair. `fix` returns one line per change, made or (with `dry_run`) that would be made.
pub trait EnvFix {
    fn id(&self) -> &'static str;
    fn fix(&self, ctx: &RepoContext, dry_run: bool) -> Result<Vec<String>>;
}

/// The fixers, in the order they must run.
pub fn fixlist() -> Vec<Box<dyn EnvFix>> {
    vec![Box::new(Gitignore), Box::new(Untrack)]
}

pub const GITIGNORE: &str = "gitignore";
pub const UNTRACK: &str = "untrack";

/// Appends to the root `.gitignore` the globs that would ignore every `.env` file Git does not
/// ignore yet, and `!` lines for the templates those globs would otherwise hide.
pub struct Gitignore;

impl EnvFix for Gitignore {
    fn id(&self) -> &'static str {
        GITIGNORE
    }

    fn fix(&self, ctx: &RepoContext, dry_run: bool) -> Result<Vec<String>> {
        let path = ctx.repo.root().join(".gitignore");
        let existing = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let text = String::from_utf8_lossy(&existing);
        let present: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
        let mut out = Vec::new();
        let mut add: Vec<String> = Vec::new();
        let mut add_credentials: Vec<String> = Vec::new();
        let env_files = ctx
            .files
            .iter()
            .filter(|f| f.kind == Kind::Env && !f.harmless)
            .map(|f| (f.display.as_str(), f.ignored, f.on_disk || f.tracked, None));
        let credential_files = ctx
            .credentials
            .iter()
            .filter(|f| f.holds_credentials())
            .map(|f| {
                (
                    f.display.as_str(),
                    f.ignored,
                    f.on_disk || f.tracked,
                    Some(f),
                )
            });
        for (file, ignored, present_somewhere, credential) in env_files.chain(credential_files) {
            if ignored || !present_somewhere {
                continue;
            }
            let (line, list) = match credential {
                Some(credential) => (ctx.credential_ignore_line(credential), &mut add_credentials),
                None => (ctx.ignore_line(file), &mut add),
            };
            if present.contains(&line.as_str()) {
                out.push(format!(
                    "note: {file} is still not ignored although .gitignore has `{line}`: a later \
                     `!` line or a .gitignore in a subfolder re-includes it; fix that by hand"
                ));
            } else if !list.contains(&line) {
                list.push(line);
            }
        }
        let mut negations = Vec::new();
        for glob in &add {
            let Ok(matcher) = GlobBuilder::new(glob.trim_start_matches('/'))
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher())
            else {
                continue;
            };
            for template in ctx.patterns.template_globs() {
                let example = template.replace('*', "x");
                let subject = if glob.contains('/') {
                    example.trim_start_matches('/').to_string()
                } else {
                    example.rsplit('/').next().unwrap_or(&example).to_string()
                };
                let line = format!("!{template}");
                if matcher.is_match(&subject)
                    && !negations.contains(&line)
                    && (!template.contains('*') || template_in_use(ctx, template))
                {
                    negations.push(line);
                }
            }
        }
        if add.is_empty() && add_credentials.is_empty() {
            return Ok(out);
        }
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut appended = String::new();
        if !existing.is_empty() {
            if !existing.ends_with(b"\n") {
                appended.push_str(eol);
            }
            if present.last().is_some_and(|l| !l.is_empty()) {
                appended.push_str(eol);
            }
        }
        let groups = [
            (
                "# .env files hold real keys: keep them out of Git (added by keygate fix)",
                add.iter().chain(&negations).collect::<Vec<_>>(),
            ),
            (
                "# credential files: keep them out of Git (added by keygate fix)",
                add_credentials.iter().collect(),
            ),
        ];
        for (header, lines) in groups.iter().filter(|(_, lines)| !lines.is_empty()) {
            appended.push_str(header);
            appended.push_str(eol);
            for line in lines {
                appended.push_str(line);
                appended.push_str(eol);
                let verb = if dry_run { "would add" } else { "added" };
                out.push(format!("{verb} `{line}` to .gitignore"));
            }
        }
        if !dry_run {
            let mut content = existing;
            content.extend_from_slice(appended.as_bytes());
            std::fs::write(&path, content).map_err(|e| Error::io(&path, e))?;
        }
        Ok(out)
    }
}

/// Whether a template file of the repository matches `glob` (wildcard template globs get a `!`
/// line only when in use; literal ones always do, as documentation of what may be committed).
fn template_in_use(ctx: &RepoContext, glob: &str) -> bool {
    let Ok(matcher) = GlobBuilder::new(glob.trim_start_matches('/'))
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
    else {
        return false;
    };
    ctx.files
        .iter()
        .filter(|f| f.kind == Kind::Template)
        .any(|f| {
            let name = f.display.rsplit('/').next().unwrap_or(&f.display);
            matcher.is_match(if glob.contains('/') { &f.display } else { name })
        })
}

/// Removes tracked `.env` files and credential files from the index, leaving them on disk.
pub struct Untrack;

impl EnvFix for Untrack {
    fn id(&self) -> &'static str {
        UNTRACK
    }

    fn fix(&self, ctx: &RepoContext, dry_run: bool) -> Result<Vec<String>> {
        let files: Vec<(&PathBuf, &str)> = ctx
            .files
            .iter()
            .filter(|f| f.tracked && f.kind == Kind::Env && !f.harmless)
            .map(|f| (&f.path, f.display.as_str()))
            .chain(
                ctx.credentials
                    .iter()
                    .filter(|f| f.tracked && f.holds_credentials())
                    .map(|f| (&f.path, f.display.as_str())),
            )
            .collect();
        if !dry_run && !files.is_empty() {
            let paths: Vec<PathBuf> = files.iter().map(|(p, _)| (*p).clone()).collect();
            ctx.repo.untrack(&paths)?;
        }
        Ok(files
            .iter()
            .map(|(_, display)| {
                let verb = if dry_run {
                    "would untrack"
                } else {
                    "untracked"
                };
                format!(
                    "{verb} {display} (`git rm --cached`: removed from the index only, the file \
                     on disk is unchanged)"
                )
            })
            .collect())
    }
}
