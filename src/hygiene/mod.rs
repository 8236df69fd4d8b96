//! `.env` hygiene: the checks that keep `.env` files out of Git and their values out of code.
//!
//! Each SPEC check is one module behind [`EnvCheck`], listed once in [`checklist`]; the config's
//! `disable` and `severity` are applied once, in [`run`]. [`RepoContext`] gathers what every
//! check reads (the `.env` files of the working tree and the index, parsed once) so that a check
//! is a small function of it. Known local secrets ([`local_values`]) are a matcher that any input
//! mode runs over the text it scans; `keygate fix` runs the ordered [`fix::fixlist`].
//!
//! Finding `.env` files: the index gives the tracked ones; one `git status` with untracked and
//! ignored files gives the others, with Git's own verdict on each. Untracked folders are entered
//! and ignored folders are not (`node_modules/`, `target/`, build output), which keeps the walk
//! as fast as `git status` and keeps vendored `.env` files out of the known local secrets. A
//! `.env` file directly ignored by name, at any depth, is found. A folder named `.env` is not a
//! `.env` file (only files are classified).
//!
//! Names: `.env`, `.env.*` and `*.env` are `.env` files, in any folder (`.env.local`,
//! `prod.env`, and backups such as `.env.bak`, which hold the same keys). `.envrc` is not.
//! Templates (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`, and
//! the same after another part, `.env.local.example`) may be tracked. `[env] files` and
//! `[env] templates` in `.keygate.toml` replace these lists; a glob without `/` matches the file
//! name in any folder, a glob with `/` the path from the repository root (gitignore's rule, so
//! that `keygate fix` can write the same globs to `.gitignore`).

pub mod client_exposed;
pub mod fix;
pub mod local_values;
pub mod not_ignored;
pub mod parse;
pub mod staged;
pub mod template_secret;
pub mod tracked;

use crate::config::{Config, EnvConfig};
use crate::engine::Scanner;
use crate::error::Result;
use crate::finding::{Category, Finding, Fingerprinter, Severity};
use crate::git::{display_path, Repo};
use crate::input::Chunk;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::PathBuf;

/// The ids of the hygiene rules, public API like the catalog's ids.
pub const RULE_IDS: &[&str] = &[
    "env-staged",
    "env-tracked",
    "env-not-ignored",
    "env-template-secret",
    "env-client-exposed",
    "env-value-leak",
];

/// What each hygiene rule reports, for `keygate rules`.
pub fn description(id: &str) -> &'static str {
    match id {
        staged::ID => "The staged change adds or modifies a .env file",
        tracked::ID => "A .env file is tracked in the index",
        not_ignored::ID => "A .env file exists in the working tree and Git does not ignore it",
        template_secret::ID => "A tracked .env template holds a value that looks like a real key",
        client_exposed::ID => {
            "A secret-looking .env variable has a prefix that bundlers inline into client code"
        }
        local_values::ID => "A value of a local, untracked .env file is copied into another file",
        _ => "",
    }
}

/// Globs naming `.env` files by default.
pub const DEFAULT_FILES: &[&str] = &[".env", ".env.*", "*.env"];

/// Globs naming templates, which may be tracked, by default.
pub const DEFAULT_TEMPLATES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.defaults",
    ".env.*.example",
    ".env.*.sample",
    ".env.*.template",
    ".env.*.dist",
    ".env.*.defaults",
];

/// Prefixes that bundlers inline into client-side code, by default.
pub const DEFAULT_CLIENT_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
    "GATSBY_",
    "NUXT_PUBLIC_",
    "NUXT_ENV_",
    "VUE_APP_",
    "STORYBOOK_",
    "SANITY_STUDIO_",
    "REDWOOD_ENV_",
    "NG_APP_",
];

/// Files larger than this are not read as `.env` files (a note says so).
const MAX_ENV_FILE: u64 = 1 << 20;

/// The severity of a hygiene rule when the config does not change it.
pub fn default_severity(id: &str) -> Severity {
    if id == client_exposed::ID {
        Severity::Warn
    } else {
        Severity::Block
    }
}

/// The severity of rule `id` under `config`, or `None` when the config disables it.
pub fn severity(config: &Config, id: &str) -> Option<Severity> {
    if config.disable.iter().any(|d| d == id) {
        return None;
    }
    Some(
        config
            .severity
            .get(id)
            .copied()
            .unwrap_or_else(|| default_severity(id)),
    )
}

/// What a name is to hygiene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `.env` file: holds real values, must not be tracked.
    Env,
    /// A template: may be tracked, must hold placeholders only.
    Template,
}

/// Globs without `/` match the file name; globs with `/` the path from the root.
struct Matcher {
    globs: Vec<String>,
    /// Literals of which every matching path contains at least one (the longest plain run of
    /// each glob); `None` when some glob has none. Every path of the index and of the working
    /// tree is classified on each check, and a substring search rejects nearly all of them for
    /// a fraction of a glob set's cost.
    required: Option<Vec<Vec<u8>>>,
    names: GlobSet,
    paths: GlobSet,
    /// Index in `globs` of each glob in `names` / `paths`.
    name_index: Vec<usize>,
    path_index: Vec<usize>,
}

impl Matcher {
    fn new(globs: Vec<String>) -> std::result::Result<Matcher, String> {
        let (mut names, mut paths) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let (mut name_index, mut path_index) = (Vec::new(), Vec::new());
        for (i, pattern) in globs.iter().enumerate() {
            let trimmed = pattern.trim_start_matches('/');
            let glob = GlobBuilder::new(trimmed)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("`{pattern}`: {e}"))?;
            if pattern.contains('/') {
                paths.add(glob);
                path_index.push(i);
            } else {
                names.add(glob);
                name_index.push(i);
            }
        }
        let required = required_literals(&globs);
        Ok(Matcher {
            required,
            globs,
            names: names.build().map_err(|e| e.to_string())?,
            paths: paths.build().map_err(|e| e.to_string())?,
            name_index,
            path_index,
        })
    }

    /// Whether any glob matches `rel` (`/`-separated, from the root); no allocation.
    fn is_match(&self, rel: &str) -> bool {
        if let Some(required) = &self.required {
            // Paths are short: a plain window comparison beats a vectorised search's set-up.
            let bytes = rel.as_bytes();
            if !required.iter().any(|l| {
                bytes
                    .windows(l.len())
                    .any(|w| w[0] == l[0] && w == l.as_slice())
            }) {
                return false;
            }
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.names.is_match(name) || (!self.paths.is_empty() && self.paths.is_match(rel))
    }

    /// The first glob (in list order) matching `rel` (`/`-separated, from the root).
    fn first_match(&self, rel: &str) -> Option<&str> {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let mut hits: Vec<usize> = self
            .names
            .matches(name)
            .into_iter()
            .map(|i| self.name_index[i])
            .chain(
                self.paths
                    .matches(rel)
                    .into_iter()
                    .map(|i| self.path_index[i]),
            )
            .collect();
        hits.sort_unstable();
        hits.first().map(|&i| self.globs[i].as_str())
    }
}

/// Literals of which every path matching one of `globs` contains at least one, as few as can
/// be: for each glob, the run of plain characters that the most globs share (then the longest),
/// less the literals that contain another. `None` when a glob has no plain run, or uses classes,
/// alternatives or escapes (whose characters are not all required). Globs are case-sensitive.
fn required_literals(globs: &[String]) -> Option<Vec<Vec<u8>>> {
    let runs: Vec<Vec<&str>> = globs
        .iter()
        .map(|glob| {
            if glob.contains(['[', ']', '{', '}', '\\']) {
                return None;
            }
            let runs: Vec<&str> = glob
                .split(['*', '?', '/'])
                .filter(|r| !r.is_empty())
                .collect();
            (!runs.is_empty()).then_some(runs)
        })
        .collect::<Option<_>>()?;
    let shared = |run: &str| runs.iter().filter(|r| r.contains(&run)).count();
    let mut chosen: Vec<&str> = runs
        .iter()
        .map(|r| {
            *r.iter()
                .max_by_key(|run| (shared(run), run.len()))
                .expect("not empty")
        })
        .collect();
    chosen.sort_by_key(|l| (l.len(), *l));
    chosen.dedup();
    let mut out: Vec<&str> = Vec::new();
    for literal in chosen {
        if !out.iter().any(|o| literal.contains(o)) {
            out.push(literal);
        }
    }
    Some(out.into_iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The `.env` file and template name patterns, and the client-side prefixes.
pub struct EnvPatterns {
    files: Matcher,
    templates: Matcher,
    pub client_prefixes: Vec<String>,
}

impl EnvPatterns {
    /// The defaults, replaced list by list by what `[env]` sets.
    pub fn new(env: &EnvConfig) -> std::result::Result<EnvPatterns, String> {
        let or_default = |set: &Option<Vec<String>>, default: &[&str]| {
            set.clone()
                .unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect())
        };
        Ok(EnvPatterns {
            files: Matcher::new(or_default(&env.files, DEFAULT_FILES))
                .map_err(|e| format!("env.files: {e}"))?,
            templates: Matcher::new(or_default(&env.templates, DEFAULT_TEMPLATES))
                .map_err(|e| format!("env.templates: {e}"))?,
            client_prefixes: or_default(&env.client_prefixes, DEFAULT_CLIENT_PREFIXES),
        })
    }

    pub fn from_config(config: &Config) -> Result<EnvPatterns> {
        EnvPatterns::new(&config.env).map_err(|e| config.error(e))
    }

    /// What `rel` (`/`-separated, from the root) is: a template, a `.env` file, or neither.
    /// Every path of the index and of the working tree goes through here on each check.
    pub fn classify(&self, rel: &str) -> Option<Kind> {
        if self.templates.is_match(rel) {
            Some(Kind::Template)
        } else if self.files.is_match(rel) {
            Some(Kind::Env)
        } else {
            None
        }
    }

    /// The `.env` glob that names `rel`: the line `.gitignore` needs for it.
    pub fn file_glob_for(&self, rel: &str) -> Option<&str> {
        self.files.first_match(rel)
    }

    pub fn template_globs(&self) -> &[String] {
        &self.templates.globs
    }
}

/// One `.env` file or template of the repository, on disk, in the index, or both.
pub struct EnvFile {
    /// Relative to the root.
    pub path: PathBuf,
    /// As findings name it.
    pub display: String,
    pub kind: Kind,
    /// In the index.
    pub tracked: bool,
    /// A regular file in the working tree.
    pub on_disk: bool,
    /// Git's ignore rules match it (all `.gitignore` levels, `info/exclude`, `core.excludesFile`).
    pub ignored: bool,
    /// The content the checks read: the index's in staged mode for tracked files, else the
    /// working tree's (the index's when missing on disk). `None` when it could not be read.
    content: Option<Vec<u8>>,
    pub parsed: Option<parse::Parsed>,
}

impl EnvFile {
    pub fn content(&self) -> Option<&[u8]> {
        self.content.as_deref()
    }
}

/// What every hygiene check reads, gathered once.
pub struct RepoContext<'a> {
    pub repo: &'a Repo,
    pub config: &'a Config,
    pub scanner: &'a Scanner,
    pub fingerprints: &'a Fingerprinter,
    pub patterns: EnvPatterns,
    /// `Some` in staged mode: the paths the staged change adds or modifies.
    pub staged: Option<Vec<PathBuf>>,
    /// Every `.env` file and template, sorted by path.
    pub files: Vec<EnvFile>,
    /// Things the user should know (a `.env` file that does not parse or cannot be read).
    pub notes: Vec<String>,
}

impl<'a> RepoContext<'a> {
    /// Finds and reads the repository's `.env` files. `staged` is `Some` in staged mode (the
    /// paths the staged change adds or modifies, e.g. from [`Repo::staged_paths`]); tracked
    /// files are then read from the index.
    pub fn new(
        repo: &'a Repo,
        config: &'a Config,
        scanner: &'a Scanner,
        fingerprints: &'a Fingerprinter,
        staged: Option<Vec<PathBuf>>,
    ) -> Result<RepoContext<'a>> {
        let patterns = EnvPatterns::from_config(config)?;
        let mut found: Vec<(PathBuf, bool, Option<bool>)> = Vec::new(); // path, tracked, ignored
        let named = |rel: &str| patterns.classify(rel).is_some();
        for (path, mode) in repo.index_entries(named)? {
            // Not submodules (gitlinks).
            if !crate::git::is_gitlink_mode(mode) {
                found.push((path, true, None));
            }
        }
        for (path, ignored) in repo.untracked_files(named)? {
            found.push((path, false, Some(ignored)));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        let mut files = Vec::new();
        let mut notes = Vec::new();
        for (path, tracked, ignored) in found {
            let display = display_path(&path);
            let kind = patterns.classify(&display).expect("classified above");
            let abs = repo.root().join(&path);
            let on_disk = abs.symlink_metadata().is_ok_and(|m| m.is_file());
            let ignored = match ignored {
                Some(ignored) => ignored,
                None => repo.is_ignored(&path)?,
            };
            let from_index = tracked && (staged.is_some() || !on_disk);
            let content = if from_index {
                repo.index_blob(&path)?
            } else if !std::fs::metadata(&abs).is_ok_and(|m| m.is_file()) {
                None // a symbolic link to a folder, a device or nothing: no values
            } else {
                match read_limited(&abs) {
                    Ok(content) => Some(content),
                    Err(why) => {
                        notes.push(format!("could not read {display}: {why}"));
                        None
                    }
                }
            };
            let parsed = content.as_deref().map(parse::parse);
            if let Some(line) = parsed.as_ref().and_then(|p| p.error_line) {
                notes.push(format!(
                    "{display}:{line}: not valid .env syntax; keygate checks the variables \
                     that parse and skips the rest"
                ));
            }
            files.push(EnvFile {
                path,
                display,
                kind,
                tracked,
                on_disk,
                ignored,
                content,
                parsed,
            });
        }
        Ok(RepoContext {
            repo,
            config,
            scanner,
            fingerprints,
            patterns,
            staged,
            files,
            notes,
        })
    }

    /// Whether `file` (`/`-separated, from the root) is a `.env` file (not a template): such
    /// files are reported by the hygiene checks, not scanned for known local secrets.
    pub fn is_env_file(&self, file: &str) -> bool {
        self.patterns.classify(file) == Some(Kind::Env)
    }

    /// The `.gitignore` line that would ignore `file`.
    pub fn ignore_line(&self, file: &str) -> String {
        self.patterns
            .file_glob_for(file)
            .map_or_else(|| file.to_string(), str::to_string)
    }

    /// A finding about a whole file.
    pub fn file_finding(&self, id: &str, file: &str, message: String, remedy: String) -> Finding {
        Finding {
            rule_id: id.to_string(),
            category: Category::Env,
            severity: default_severity(id),
            file: file.to_string(),
            line: None,
            column: None,
            commit: None,
            redacted: None,
            fingerprint: self.fingerprints.file(id, file),
            message,
            remedy,
            provenance: None,
        }
    }
}

fn read_limited(path: &std::path::Path) -> std::result::Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_ENV_FILE {
        return Err(format!(
            "larger than {} KiB, not read as a .env file",
            MAX_ENV_FILE >> 10
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// One hygiene check: a SPEC rule id and what it finds in a repository.
pub trait EnvCheck: Sync {
    fn id(&self) -> &'static str;
    fn run(&self, ctx: &RepoContext) -> Vec<Finding>;
}

/// The five SPEC checks, in report order.
pub fn checklist() -> Vec<Box<dyn EnvCheck>> {
    vec![
        Box::new(staged::Staged),
        Box::new(tracked::Tracked),
        Box::new(not_ignored::NotIgnored),
        Box::new(template_secret::TemplateSecret),
        Box::new(client_exposed::ClientExposed),
    ]
}

/// Runs every enabled check with the config's severities. In staged mode a file the staged
/// change adds is reported once, as `env-staged`, not also as `env-tracked`.
pub fn run(ctx: &RepoContext) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for check in checklist() {
        let Some(severity) = severity(ctx.config, check.id()) else {
            continue;
        };
        for mut finding in check.run(ctx) {
            finding.severity = severity;
            out.push(finding);
        }
    }
    let staged: Vec<String> = out
        .iter()
        .filter(|f| f.rule_id == staged::ID)
        .map(|f| f.file.clone())
        .collect();
    out.retain(|f| f.rule_id != tracked::ID || !staged.contains(&f.file));
    out
}

/// What hygiene adds to a check's report.
#[derive(Debug, Default)]
pub struct Hygiene {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

/// What hygiene gives a check: the checks' findings and notes, and the known local secrets to
/// look for in the text the check reads (see [`EnvChecks::leaks_in`] and
/// [`EnvChecks::leaks_in_chunk`]; none when the config disables `env-value-leak`).
pub struct EnvChecks {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    pub values: local_values::LocalValues,
    patterns: EnvPatterns,
}

impl EnvChecks {
    fn new(ctx: RepoContext<'_>, findings: Vec<Finding>) -> EnvChecks {
        EnvChecks {
            findings,
            values: local_values::LocalValues::from_context(&ctx),
            notes: ctx.notes,
            patterns: ctx.patterns,
        }
    }

    /// The findings and notes, for the report.
    pub fn into_hygiene(self) -> Hygiene {
        Hygiene {
            findings: self.findings,
            notes: self.notes,
        }
    }

    /// Whether known local secrets are looked for in `file`: `.env` files themselves are not
    /// (the other checks report them).
    fn looks_in(&self, file: &str) -> bool {
        !self.values.is_empty() && self.patterns.classify(file) != Some(Kind::Env)
    }

    /// Known local secrets in one chunk of `file` as a scan of files reads it, at their place in
    /// the file.
    pub fn leaks_in_chunk(
        &self,
        file: &str,
        chunk: &Chunk<'_>,
        fingerprints: &Fingerprinter,
    ) -> Vec<Finding> {
        if !self.looks_in(file) {
            return Vec::new();
        }
        self.values
            .scan(chunk.text)
            .into_iter()
            .filter_map(|leak| {
                let (offset, line, column) = chunk.place(leak.offset, leak.line, leak.column)?;
                let leak = local_values::Leak {
                    offset,
                    line,
                    column,
                    ..leak
                };
                Some(self.values.finding(&leak, file, fingerprints))
            })
            .collect()
    }

    /// Known local secrets in one staged file: `text` is its staged content (from the index),
    /// `is_added(line)` says whether the staged change adds that 1-based line. `.env` files
    /// themselves are skipped (`env-staged` reports them). Lines and columns are the staged
    /// file's.
    pub fn leaks_in(
        &self,
        file: &str,
        text: &[u8],
        is_added: impl Fn(u64) -> bool,
        fingerprints: &Fingerprinter,
    ) -> Vec<Finding> {
        if !self.looks_in(file) {
            return Vec::new();
        }
        self.values
            .scan(text)
            .iter()
            .filter(|leak| is_added(leak.line))
            .map(|leak| self.values.finding(leak, file, fingerprints))
            .collect()
    }
}

/// For `keygate check --staged`: the checks against the staged change (`env-staged` included,
/// tracked files read from the index), and the known local secrets for the added lines (see
/// [`EnvChecks::leaks_in`]; none when the config disables `env-value-leak`).
pub fn check_staged(
    repo: &Repo,
    config: &Config,
    scanner: &Scanner,
    fingerprints: &Fingerprinter,
) -> Result<EnvChecks> {
    check_staged_paths(repo, config, scanner, fingerprints, repo.staged_paths()?)
}

/// [`check_staged`] with the paths the staged change adds or modifies already known (e.g. from
/// `input::staged::StagedChange`), so that the index is not diffed twice.
pub fn check_staged_paths(
    repo: &Repo,
    config: &Config,
    scanner: &Scanner,
    fingerprints: &Fingerprinter,
    staged: Vec<PathBuf>,
) -> Result<EnvChecks> {
    let ctx = RepoContext::new(repo, config, scanner, fingerprints, Some(staged))?;
    let findings = run(&ctx);
    Ok(EnvChecks::new(ctx, findings))
}

/// Which hygiene a scan of files gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `keygate check` on the working tree: every check, and known local secrets.
    Worktree,
    /// `keygate check PATH...` inside a repository: known local secrets only.
    Paths,
}

/// The hygiene of a scan of files: the checks of `scope`, and the known local secrets for
/// [`EnvChecks::leaks_in_chunk`] to look for in each file the scan reads.
pub fn check_files(
    repo: &Repo,
    config: &Config,
    scanner: &Scanner,
    fingerprints: &Fingerprinter,
    scope: Scope,
) -> Result<EnvChecks> {
    let ctx = RepoContext::new(repo, config, scanner, fingerprints, None)?;
    let findings = match scope {
        Scope::Worktree => run(&ctx),
        Scope::Paths => Vec::new(),
    };
    Ok(EnvChecks::new(ctx, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table() {
        let patterns = EnvPatterns::new(&EnvConfig::default()).unwrap();
        let cases: &[(&str, Option<Kind>)] = &[
            (".env", Some(Kind::Env)),
            ("apps/web/.env", Some(Kind::Env)),
            (".env.local", Some(Kind::Env)),
            (".env.production.local", Some(Kind::Env)),
            ("prod.env", Some(Kind::Env)),
            ("config/prod.env", Some(Kind::Env)),
            (".env.bak", Some(Kind::Env)),
            (".env.example", Some(Kind::Template)),
            ("apps/api/.env.sample", Some(Kind::Template)),
            (".env.template", Some(Kind::Template)),
            (".env.dist", Some(Kind::Template)),
            (".env.defaults", Some(Kind::Template)),
            (".env.local.example", Some(Kind::Template)),
            (".envrc", None),
            ("env", None),
            ("environment.ts", None),
            (".env/config", None),
            ("src/dotenv.rs", None),
            ("prod.env.js", None),
        ];
        for (path, want) in cases {
            assert_eq!(patterns.classify(path), *want, "{path}");
        }
        assert_eq!(patterns.file_glob_for("a/.env"), Some(".env"));
        assert_eq!(patterns.file_glob_for(".env.local"), Some(".env.*"));
        assert_eq!(patterns.file_glob_for("prod.env"), Some("*.env"));
    }

    #[test]
    fn required_literals_table() {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let table: &[(&[&str], Option<&[&str]>)] = &[
            (DEFAULT_FILES, Some(&[".env"])),
            (DEFAULT_TEMPLATES, Some(&[".env."])),
            (&[".env.*.example"], Some(&[".example"])),
            (&["config/*.vars", "x.vars"], Some(&["config", "x.vars"])),
            (&["**/secrets.env", ".env"], Some(&[".env"])),
            (&["*"], None),
            (&[".env", "[.]env"], None),
            (&["{a,b}.env"], None),
        ];
        for (globs, want) in table {
            let want = want.map(|w| w.iter().map(|l| l.as_bytes().to_vec()).collect());
            assert_eq!(required_literals(&strings(globs)), want, "{globs:?}");
        }
    }

    #[test]
    fn config_lists_replace_the_defaults_and_path_globs_match_paths() {
        let patterns = EnvPatterns::new(&EnvConfig {
            files: Some(vec![".env".into(), "config/*.vars".into()]),
            templates: Some(vec!["config/example.vars".into()]),
            client_prefixes: Some(vec!["APP_PUBLIC_".into()]),
        })
        .unwrap();
        assert_eq!(patterns.classify("config/prod.vars"), Some(Kind::Env));
        assert_eq!(patterns.classify("other/config/prod.vars"), None);
        assert_eq!(
            patterns.classify("config/example.vars"),
            Some(Kind::Template)
        );
        assert_eq!(patterns.classify(".env.local"), None);
        assert_eq!(patterns.client_prefixes, vec!["APP_PUBLIC_".to_string()]);
        assert!(EnvPatterns::new(&EnvConfig {
            files: Some(vec!["[".into()]),
            ..EnvConfig::default()
        })
        .is_err());
    }

    #[test]
    fn every_rule_id_has_a_description() {
        for id in RULE_IDS {
            assert!(!description(id).is_empty(), "{id}");
        }
    }

    #[test]
    fn severities_default_and_follow_the_config() {
        let mut config = Config::default();
        assert_eq!(severity(&config, "env-tracked"), Some(Severity::Block));
        assert_eq!(
            severity(&config, "env-client-exposed"),
            Some(Severity::Warn)
        );
        config.disable.push("env-tracked".into());
        config
            .severity
            .insert("env-client-exposed".into(), Severity::Block);
        assert_eq!(severity(&config, "env-tracked"), None);
        assert_eq!(
            severity(&config, "env-client-exposed"),
            Some(Severity::Block)
        );
    }
}
