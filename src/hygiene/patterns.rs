//! Which paths are `.env` files and which are templates: the default name lists, replaced list by
//! list by `[env]` in `.keygate.toml` (credential files are named the same way, in
//! `credential_patterns`). A glob without `/` matches the file name in any folder, a glob with
//! `/` the path from the repository root (gitignore's rule, so that `keygate fix` can write the
//! same globs to `.gitignore`).

use super::name_filter::NameFilter;
use crate::config::{Config, EnvConfig};
use crate::error::Result;
use aho_corasick::AhoCorasick;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::sync::OnceLock;

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

/// What a name is to hygiene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `.env` file: holds real values, must not be tracked.
    Env,
    /// A template: may be tracked, must hold placeholders only.
    Template,
}

/// Up to this many required literals are looked for by comparing windows; more, by one
/// Aho-Corasick automaton (the credential-file list has dozens).
const MAX_WINDOW_LITERALS: usize = 4;

/// Globs without `/` match the file name; globs with `/` the path from the root.
pub(super) struct Matcher {
    globs: Vec<String>,
    /// Literals of which every matching path contains at least one (the longest plain run of
    /// each glob); `None` when some glob has none. Every path of the index and of the working
    /// tree is classified on each check, and a substring search rejects nearly all of them for
    /// a fraction of a glob set's cost.
    required: Option<Vec<Vec<u8>>>,
    /// The same literals in one automaton, when there are too many for a window comparison.
    /// Built on first use: [`AnyName`] rejects most paths before any list is asked.
    required_set: OnceLock<Option<AhoCorasick>>,
    /// The glob sets, parsed and built the first time a path gets past `required`: building
    /// them compiles regexes, which cost more than the rest of a staged check in a repository
    /// whose paths never name a `.env` or credential file.
    sets: OnceLock<Sets>,
}

struct Sets {
    names: GlobSet,
    paths: GlobSet,
    /// Index in `globs` of each glob in `names` / `paths`.
    name_index: Vec<usize>,
    path_index: Vec<usize>,
}

impl Matcher {
    /// The first `builtin` globs are a built-in list, which the tests parse; the others come from
    /// the config and are parsed now, so that a bad one is reported at once. All are compiled
    /// when first needed.
    pub(super) fn new(globs: Vec<String>, builtin: usize) -> std::result::Result<Matcher, String> {
        for pattern in globs.iter().skip(builtin) {
            parse(pattern)?;
        }
        let required = required_literals(&globs);
        Ok(Matcher {
            required,
            required_set: OnceLock::new(),
            globs,
            sets: OnceLock::new(),
        })
    }

    fn sets(&self) -> &Sets {
        self.sets.get_or_init(|| {
            let (mut names, mut paths) = (GlobSetBuilder::new(), GlobSetBuilder::new());
            let (mut name_index, mut path_index) = (Vec::new(), Vec::new());
            for (i, pattern) in self.globs.iter().enumerate() {
                // Built-in globs parse (tests), the others parsed in `new`.
                let glob = parse(pattern).expect("parsed before");
                if pattern.contains('/') {
                    paths.add(glob);
                    path_index.push(i);
                } else {
                    names.add(glob);
                    name_index.push(i);
                }
            }
            // Each glob parsed, so each translates to a valid regex; only a size limit could
            // refuse the set, and a list of file names is far below it.
            Sets {
                names: names.build().expect("parsed globs compile"),
                paths: paths.build().expect("parsed globs compile"),
                name_index,
                path_index,
            }
        })
    }

    /// Whether any glob matches `rel` (`/`-separated, from the root); no allocation.
    pub(super) fn is_match(&self, rel: &str) -> bool {
        let required_set = self.required_set.get_or_init(|| {
            self.required
                .as_ref()
                .filter(|r| r.len() > MAX_WINDOW_LITERALS)
                .and_then(|r| literal_set(r))
        });
        if let Some(set) = required_set {
            if !set.is_match(rel) {
                return false;
            }
        } else if let Some(required) = &self.required {
            // Paths are short: a plain window comparison beats a vectorised search's set-up.
            let bytes = rel.as_bytes();
            if !required.iter().any(|l| {
                bytes.windows(l.len()).any(|w| {
                    w[0].eq_ignore_ascii_case(&l[0]) && w.eq_ignore_ascii_case(l.as_slice())
                })
            }) {
                return false;
            }
        }
        let sets = self.sets();
        let name = rel.rsplit('/').next().unwrap_or(rel);
        sets.names.is_match(name) || (!sets.paths.is_empty() && sets.paths.is_match(rel))
    }

    /// Literals of which every path this list names contains one; `None`: no such list.
    pub(super) fn required(&self) -> Option<&[Vec<u8>]> {
        self.required.as_deref()
    }

    /// The first glob (in list order) matching `rel` (`/`-separated, from the root).
    pub(super) fn first_match(&self, rel: &str) -> Option<&str> {
        self.first_index(rel).map(|i| self.globs[i].as_str())
    }

    /// The index in the list of the first glob matching `rel`.
    pub(super) fn first_index(&self, rel: &str) -> Option<usize> {
        let sets = self.sets();
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let hits: Vec<usize> = sets
            .names
            .matches(name)
            .into_iter()
            .map(|i| sets.name_index[i])
            .chain(
                sets.paths
                    .matches(rel)
                    .into_iter()
                    .map(|i| sets.path_index[i]),
            )
            .collect();
        hits.into_iter().min()
    }
}

/// The literals in one case-insensitive automaton (globs match whatever the case).
fn literal_set(literals: &[Vec<u8>]) -> Option<AhoCorasick> {
    // A contiguous NFA: a tenth of a DFA's build time, and paths are short.
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .ascii_case_insensitive(true)
        .build(literals)
        .ok()
}

/// Whether a path may be named by any of several lists: first by its file name's first and last
/// bytes ([`NameFilter`]), then by one search for all the lists' required literals. Every path of
/// the index and of the working tree goes through the `.env`, template and credential-file lists
/// on each check, and nearly all are rejected here at once.
pub(super) struct AnyName {
    /// `None` when some glob's file name has no plain start or end.
    names: Option<NameFilter>,
    /// Every list's required literals; `None` when some list has none: every path may match.
    literals: Option<Vec<Vec<u8>>>,
    /// The literals' automaton, built when a path first gets past `names`: most checks never
    /// need it, and building it was a twentieth of a pre-commit check.
    set: OnceLock<Option<AhoCorasick>>,
}

impl AnyName {
    pub(super) fn new<'a>(lists: impl IntoIterator<Item = &'a Matcher>) -> AnyName {
        let lists: Vec<&Matcher> = lists.into_iter().collect();
        AnyName {
            names: NameFilter::new(
                lists
                    .iter()
                    .flat_map(|m| m.globs.iter().map(String::as_str)),
            ),
            literals: lists
                .iter()
                .map(|m| m.required().map(<[_]>::to_vec))
                .collect::<Option<Vec<_>>>()
                .map(|all| all.concat()),
            set: OnceLock::new(),
        }
    }

    /// `rel`: `/`-separated, from the root.
    pub(super) fn may_match(&self, rel: &[u8]) -> bool {
        self.names.as_ref().is_none_or(|n| n.may_name_path(rel))
            && self
                .set
                .get_or_init(|| self.literals.as_deref().and_then(literal_set))
                .as_ref()
                .is_none_or(|set| set.is_match(rel))
    }

    /// Whether a file called `name` may be named, whatever its folder: the walk asks this before
    /// it looks the name up in the index.
    pub(super) fn may_name(&self, name: &[u8]) -> bool {
        self.names.as_ref().is_none_or(|n| n.may_name(name))
    }
}

/// One glob of a list: `/` at the start anchors it, as in `.gitignore`.
fn parse(pattern: &str) -> std::result::Result<Glob, String> {
    // `.ENV`, `PROD.ENV` and `.Env.local` are `.env` files too, on every file system.
    GlobBuilder::new(pattern.trim_start_matches('/'))
        .literal_separator(true)
        .case_insensitive(true)
        .build()
        .map_err(|e| format!("`{pattern}`: {e}"))
}

/// Literals of which every path matching one of `globs` contains at least one, as few as can
/// be: for each glob, the run of plain characters that the most globs share (then the longest),
/// less the literals that contain another. `None` when a glob has no plain run, or uses classes,
/// alternatives or escapes (whose characters are not all required). Globs match whatever the
/// case, and so do the literals (compared ASCII case-insensitively).
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
        let matcher = |set: &Option<Vec<String>>, default: &[&str]| {
            let builtin = if set.is_some() { 0 } else { default.len() };
            Matcher::new(or_default(set, default), builtin)
        };
        Ok(EnvPatterns {
            files: matcher(&env.files, DEFAULT_FILES).map_err(|e| format!("env.files: {e}"))?,
            templates: matcher(&env.templates, DEFAULT_TEMPLATES)
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

    /// The `.env` glob that names `rel`: the line `.gitignore` needs for it. `None` when the
    /// glob names it only by ignoring case (Git's ignore rules are case-sensitive: `.env` does not
    /// ignore `.ENV`), so that the caller writes the name itself.
    pub fn file_glob_for(&self, rel: &str) -> Option<&str> {
        let glob = self.files.first_match(rel)?;
        let exact = GlobBuilder::new(glob.trim_start_matches('/'))
            .literal_separator(true)
            .build()
            .ok()?
            .compile_matcher();
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let subject = if glob.contains('/') { rel } else { name };
        exact.is_match(subject).then_some(glob)
    }

    /// The two lists, for [`AnyName`].
    pub(super) fn lists(&self) -> [&Matcher; 2] {
        [&self.files, &self.templates]
    }

    pub fn template_globs(&self) -> &[String] {
        &self.templates.globs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in lists are parsed only when first needed (see [`Matcher::new`]): every glob
    /// in them must parse; a config's glob is refused when the list is built.
    #[test]
    fn builtin_globs_parse_and_a_configured_one_is_checked_at_once() {
        let builtin = DEFAULT_FILES.iter().chain(DEFAULT_TEMPLATES).chain(
            super::super::credential_patterns::DEFAULT_CREDENTIAL_FILES
                .iter()
                .map(|(g, _)| g),
        );
        for glob in builtin {
            assert!(parse(glob).is_ok(), "{glob}");
        }
        let bad = EnvPatterns::new(&EnvConfig {
            files: Some(vec![".env".into(), "a/[b".into()]),
            ..EnvConfig::default()
        });
        assert!(bad
            .err()
            .is_some_and(|e| e.contains("env.files") && e.contains("a/[b")));
    }

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
            (".ENV", Some(Kind::Env)),
            ("PROD.ENV", Some(Kind::Env)),
            (".Env.local", Some(Kind::Env)),
            (".env.EXAMPLE", Some(Kind::Template)),
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
}
