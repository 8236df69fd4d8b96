//! `keygate check` in every mode: gathers the inputs, runs the scanner, writes the report.

use super::push;
use super::scan_config::{Outcome, ScanConfig, Target};
use crate::baseline::Baseline;
use crate::config::Config;
use crate::engine::filters::Allowlist;
use crate::engine::known::KnownValues;
use crate::engine::Scanner;
use crate::error::{Error, Result};
use crate::finding::Fingerprinter;
use crate::git::Repo;
use crate::hygiene;
use crate::input::history::{self, HistoryOptions};
use crate::input::{self, staged, worktree, Scanned};
use crate::report::{self, Mode, Report, RuleInfo};
use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

/// Everything a mode needs to scan: the repository (when there is one), the config, the scanner.
pub struct Context {
    pub repo: Option<Repo>,
    pub config: Config,
    /// Shared with the thread that compiles rules ahead of a staged scan.
    pub scanner: Arc<Scanner>,
    pub fingerprints: Fingerprinter,
    /// Accepted findings; its salt keys the fingerprints.
    pub baseline: Baseline,
    /// A staged check's `.env` and credential files, found on another thread from the start;
    /// taken by the check.
    found_ahead: Cell<Option<hygiene::FoundAhead>>,
}

impl Context {
    /// Opens the repository (required for the Git modes), reads the config and builds the scanner.
    pub fn new(cfg: &ScanConfig) -> Result<Context> {
        let repo = match &cfg.target {
            Target::Worktree => Some(Repo::require(
                &cfg.cwd,
                "; to check a folder that is not a repository, run `keygate check .`",
            )?),
            Target::Staged => Some(Repo::require(
                &cfg.cwd,
                "; --staged checks what a commit adds: run it inside the repository (the \
                 pre-commit hook does)",
            )?),
            Target::History { .. } => Some(Repo::require(
                &cfg.cwd,
                "; --history and --range audit a repository's commits: run them inside it",
            )?),
            Target::Push(_) => Some(Repo::require_objects(&cfg.cwd)?),
            Target::Paths(_) | Target::Stdin => Repo::discover(&cfg.cwd)?,
        };
        let config = Config::discover(cfg.config.as_deref(), repo.as_ref().map(Repo::root))?;
        let found_ahead = match (&cfg.target, &repo) {
            (Target::Staged, Some(repo)) => hygiene::FoundAhead::start(repo, &config),
            _ => None,
        };
        let rules = config.compile_rules()?;
        let allow = Allowlist::new(&config.allow.regexes, &config.allow.stopwords)
            .map_err(|e| config.error(format!("allow regex: {e}")))?;
        let baseline = match &repo {
            Some(repo) => Baseline::load(repo.root())?,
            None => Baseline::default(),
        };
        let state_dir = repo.as_ref().map(|r| r.common_dir().join("keygate"));
        Ok(Context {
            fingerprints: baseline.fingerprinter(state_dir.as_deref())?,
            scanner: Arc::new(Scanner::new(rules, allow)),
            repo,
            config,
            baseline,
            found_ahead: Cell::new(found_ahead),
        })
    }
}

/// Runs a check and writes its report.
pub fn run(cfg: &ScanConfig) -> Result<Outcome> {
    let ctx = Context::new(cfg)?;
    let (mut report, errors) = scan(cfg, &ctx)?;
    // Where every mode's findings meet: config notes and allowed paths, then the baseline.
    apply_config(&ctx.config, &mut report);
    ctx.baseline.apply(&mut report);
    // A passing commit prints nothing: a hook that talks on every commit trains people to stop
    // reading it. Anything to say (a finding, a note) is said; `--verbose` says the rest too.
    let quiet = cfg.target == Target::Staged
        && report.findings.is_empty()
        && report.notes.is_empty()
        && cfg.format == report::Format::Human
        && cfg.output.is_none()
        && !cfg.verbose;
    if !quiet {
        emit(cfg, &report)?;
    }
    // The process exits next (`run` is its one check): the exit frees the ~300 rules, their
    // compiled regexes and the index at once, where dropping them one allocation at a time was 2%
    // of a pre-commit check.
    std::mem::forget(ctx);
    if let Some(first) = errors.first() {
        return Err(Error::Unreadable {
            count: errors.len(),
            first: first.clone(),
        });
    }
    Ok(if report.is_blocking() {
        Outcome::Blocked
    } else {
        Outcome::Clean
    })
}

/// What the config does to a finished report in every mode alike: its notes about how it was
/// read, and `allow.paths` (validated at load, so it compiles here).
pub fn apply_config(config: &Config, report: &mut Report) {
    report.notes.extend(config.notes.iter().cloned());
    if config.allow.paths.is_empty() {
        return;
    }
    if let Ok(set) = regex::RegexSet::new(&config.allow.paths) {
        report.retain(|f| !set.is_match(&f.file));
    }
}

/// Scans what `cfg` targets; the second value lists inputs that could not be read.
pub fn scan(cfg: &ScanConfig, ctx: &Context) -> Result<(Report, Vec<String>)> {
    let excludes = ctx.config.excludes()?;
    let fingerprints = &ctx.fingerprints;
    let mut env: Option<hygiene::Hygiene> = None;
    let mut path_notes = Vec::new();
    let mut commits = None;
    let mut why_empty = None;
    let (mode, mut scanned) = match &cfg.target {
        Target::Worktree => {
            let repo = ctx.repo.as_ref().expect("worktree mode opens a repository");
            let sources = worktree::worktree_sources(repo, &excludes)?;
            let scanned;
            (scanned, env) = scan_sources(ctx, &sources, hygiene::Scope::Worktree)?;
            (Mode::Worktree, scanned)
        }
        Target::Paths(paths) if names_the_root(ctx.repo.as_ref(), &cfg.cwd, paths) => {
            // `keygate check .` at the root is `keygate check`: the same files, the same checks.
            let repo = ctx
                .repo
                .as_ref()
                .expect("names_the_root needs a repository");
            let sources = worktree::worktree_sources(repo, &excludes)?;
            let scanned;
            (scanned, env) = scan_sources(ctx, &sources, hygiene::Scope::Worktree)?;
            (Mode::Paths, scanned)
        }
        Target::Paths(paths) => {
            let found = worktree::path_sources(
                paths,
                &cfg.cwd,
                ctx.repo.as_ref(),
                &excludes,
                cfg.no_ignore,
            )?;
            why_empty = Some(found.why_empty());
            let mut scanned;
            (scanned, env) = scan_sources(ctx, &found.sources, hygiene::Scope::Paths)?;
            let (credentials, notes) =
                hygiene::credential_values_in(&ctx.config, fingerprints, &found.sources)?;
            scanned.findings.extend(credentials);
            path_notes = notes;
            (Mode::Paths, scanned)
        }
        Target::Stdin => (Mode::Stdin, scan_stdin(ctx)?),
        Target::Staged => {
            let repo = ctx.repo.as_ref().expect("staged mode opens a repository");
            let change = staged::StagedChange::read(repo, &excludes, &ctx.scanner)?;
            if change.paths.is_empty() {
                // Nothing staged: `git commit` says "nothing to commit" itself, as without
                // keygate; a commit that adds nothing adds no secret.
                if let Some(ahead) = ctx.found_ahead.take() {
                    ahead.cancel();
                }
                return Ok((Report::new(Mode::Staged, Vec::new(), 0, 0), Vec::new()));
            }
            let scope = hygiene::Scope::Staged(change.paths.clone());
            let found = ctx.found_ahead.take();
            let checks =
                hygiene::check(repo, &ctx.config, &ctx.scanner, fingerprints, scope, found)?;
            let scanned = staged::scan(repo, &change, &ctx.scanner, &checks.known, fingerprints);
            env = Some(checks);
            (Mode::Staged, scanned)
        }
        Target::History { tips, since } => {
            let repo = ctx.repo.as_ref().expect("history mode opens a repository");
            let opts = HistoryOptions {
                tips: tips.clone(),
                since: since.clone(),
            };
            let audit =
                history::scan_history(repo, &ctx.scanner, &ctx.fingerprints, &excludes, &opts)?;
            commits = Some(audit.commits);
            (Mode::History, audit.scanned)
        }
        Target::Push(hook) => {
            let repo = ctx.repo.as_ref().expect("push mode opens a repository");
            let updates = match push::from_framework(*hook) {
                Some(update) => vec![update],
                None => push::parse(*hook, std::io::stdin().lock())?,
            };
            let (tips, since) = push::walk(repo, *hook, &updates)?;
            let opts = HistoryOptions { tips, since };
            let audit = if updates.iter().any(|u| u.new.is_some()) {
                history::scan_history(repo, &ctx.scanner, &ctx.fingerprints, &excludes, &opts)?
            } else {
                Default::default() // only deletions: nothing to check
            };
            commits = Some(audit.commits);
            (Mode::History, audit.scanned)
        }
    };
    let mut env_notes = Vec::new();
    if let Some(env) = env {
        env.drop_leaks_in_env_files(&mut scanned.findings);
        scanned.findings.extend(env.findings);
        env_notes = env.notes;
    }
    drop_template_duplicates(&mut scanned.findings);
    drop_env_file_duplicates(&mut scanned.findings);
    let Scanned {
        findings,
        files_scanned,
        bytes_scanned,
        errors,
    } = scanned;
    let mut report = Report::new(mode, findings, files_scanned, bytes_scanned);
    // Describing ~300 rules costs a quarter of a millisecond: a staged check that passes, and
    // prints nothing, does not need it; SARIF always lists them, a report with findings may.
    if cfg.format == report::Format::Sarif || !report.findings.is_empty() {
        report.rules = rules_run(ctx);
    }
    if report.scanned_nothing() {
        let why = why_empty.unwrap_or_else(|| "no file to check".to_string());
        report.notes.push(format!("no file scanned: {why}"));
        report.why_empty = Some(why);
    }
    if mode == Mode::Worktree {
        let repo = ctx.repo.as_ref().expect("worktree mode opens a repository");
        report.committed = committed_keys(repo, ctx, &report.findings)?;
    }
    if let Some(commits) = commits {
        report.notes.push(format!(
            "history: {commits} commit(s); each file version read once, edits by their new lines"
        ));
    }
    report
        .notes
        .extend(errors.iter().map(|e| format!("could not read {e}")));
    report.notes.extend(env_notes);
    report.notes.extend(path_notes);
    Ok((report, errors))
}

/// Whether every path named is the repository's root.
fn names_the_root(
    repo: Option<&Repo>,
    cwd: &std::path::Path,
    paths: &[std::path::PathBuf],
) -> bool {
    repo.is_some_and(|repo| {
        paths.iter().all(|p| {
            repo.relative(&cwd.join(p))
                .is_some_and(|rel| rel.as_os_str().is_empty())
        })
    })
}

/// The fingerprints of the secret findings whose key `HEAD` already holds at the same path: the
/// key is committed, so it is leaked whatever happens to the line now. Only the files with a
/// finding are read from `HEAD`.
fn committed_keys(
    repo: &Repo,
    ctx: &Context,
    findings: &[crate::finding::Finding],
) -> Result<Vec<String>> {
    use crate::finding::Category;
    let mut files: Vec<&str> = findings
        .iter()
        .filter(|f| f.category == Category::Secret)
        .map(|f| f.file.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    let mut in_head = std::collections::HashSet::new();
    for file in files {
        if let Some(text) = repo.head_file(file)? {
            for m in ctx.scanner.scan(&text) {
                in_head.insert(ctx.scanner.finding(&m, file, &ctx.fingerprints).fingerprint);
            }
        }
    }
    Ok(findings
        .iter()
        .filter(|f| in_head.contains(&f.fingerprint))
        .map(|f| f.fingerprint.clone())
        .collect())
}

/// The rules a check of `ctx` runs, at the severities it runs them.
fn rules_run(ctx: &Context) -> Vec<RuleInfo> {
    let secrets = ctx.scanner.rules().iter().map(RuleInfo::secret);
    let env = crate::rules::env::ENV_RULES.iter().filter_map(|rule| {
        hygiene::severity(&ctx.config, rule.id).map(|severity| RuleInfo::env(rule, severity))
    });
    secrets.chain(env).collect()
}

/// A template line reported by `env-template-secret` is not reported a second time by the rule
/// that matched it (the secret scan reads tracked templates too): the template finding already
/// names that rule, and says why a template is the wrong place for the key.
/// Likewise a credential file's line reported by `credential-file-secret` (whatever the column:
/// the rule's secret group and the file format's value may start apart).
fn drop_template_duplicates(findings: &mut Vec<crate::finding::Finding>) {
    use crate::finding::Category;
    use crate::rules::env::{CREDENTIAL_SECRET, TEMPLATE_SECRET};
    let templates: std::collections::HashSet<(String, Option<u64>, Option<u64>)> = findings
        .iter()
        .filter(|f| f.rule_id == TEMPLATE_SECRET)
        .map(|f| (f.file.clone(), f.line, f.column))
        .collect();
    let credentials: std::collections::HashSet<(String, Option<u64>)> = findings
        .iter()
        .filter(|f| f.rule_id == CREDENTIAL_SECRET)
        .map(|f| (f.file.clone(), f.line))
        .collect();
    findings.retain(|f| {
        f.category != Category::Secret
            || !(templates.contains(&(f.file.clone(), f.line, f.column))
                || credentials.contains(&(f.file.clone(), f.line)))
    });
}

/// One finding per problem for a `.env` or credential file that Git must not have: the file's own
/// finding (`env-staged`, `env-tracked`, `env-not-ignored`, and their `credential-file-` peers)
/// stands for the keys inside it, whose rules would otherwise each say to move the key into a
/// `.env` file (a credential file's values stay listed, redacted, by `credential-file-secret`:
/// that is where to rotate); and a file the change stages is reported as staged, not also as
/// not ignored (that finding's fix includes the ignore line).
fn drop_env_file_duplicates(findings: &mut Vec<crate::finding::Finding>) {
    use crate::finding::Category;
    use crate::rules::env::{
        CREDENTIAL_NOT_IGNORED, CREDENTIAL_STAGED, CREDENTIAL_TRACKED, NOT_IGNORED, STAGED, TRACKED,
    };
    let of = |ids: &[&str]| -> std::collections::HashSet<String> {
        findings
            .iter()
            .filter(|f| ids.contains(&f.rule_id.as_str()))
            .map(|f| f.file.clone())
            .collect()
    };
    let kept_in_git = of(&[
        STAGED,
        TRACKED,
        NOT_IGNORED,
        CREDENTIAL_STAGED,
        CREDENTIAL_TRACKED,
        CREDENTIAL_NOT_IGNORED,
    ]);
    let staged = of(&[STAGED, CREDENTIAL_STAGED]);
    findings.retain(|f| {
        let not_ignored = f.rule_id == NOT_IGNORED || f.rule_id == CREDENTIAL_NOT_IGNORED;
        !(f.category == Category::Secret && kept_in_git.contains(&f.file)
            || not_ignored && staged.contains(&f.file))
    });
}

/// Scans `sources` for secrets and, inside a repository, runs the file-level hygiene of `scope`;
/// each file is read once, for the rules and the known local `.env` values alike.
fn scan_sources(
    ctx: &Context,
    sources: &[input::Source],
    scope: hygiene::Scope,
) -> Result<(Scanned, Option<hygiene::Hygiene>)> {
    let fingerprints = &ctx.fingerprints;
    let Some(repo) = &ctx.repo else {
        let none = KnownValues::default();
        let scanned = input::scan_files(&ctx.scanner, &none, fingerprints, sources);
        return Ok((scanned, None));
    };
    let checks = hygiene::check(repo, &ctx.config, &ctx.scanner, fingerprints, scope, None)?;
    let scanned = input::scan_files(&ctx.scanner, &checks.known, fingerprints, sources);
    Ok((scanned, Some(checks)))
}

fn scan_stdin(ctx: &Context) -> Result<Scanned> {
    let mut out = Scanned::default();
    let stdin = std::io::stdin().lock();
    let read = input::scan_reader(&ctx.scanner, stdin, |m| {
        out.findings
            .push(ctx.scanner.finding(&m, "<stdin>", &ctx.fingerprints))
    })
    .map_err(|e| Error::io("<stdin>", e))?;
    if let input::ReadOutcome::Scanned { bytes } = read {
        out.files_scanned = 1;
        out.bytes_scanned = bytes;
    }
    Ok(out)
}

/// Writes the report to `--output` or standard output.
pub fn emit(cfg: &ScanConfig, report: &Report) -> Result<()> {
    match &cfg.output {
        Some(path) => {
            let path = cfg.cwd.join(path);
            let mut file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            report::write(report, cfg.format, cfg.color, false, &mut file)
                .and_then(|()| file.flush())
                .map_err(|e| Error::io(&path, e))
        }
        None => {
            let stdout = std::io::stdout();
            let to_terminal = stdout.is_terminal();
            let mut lock = stdout.lock();
            match report::write(report, cfg.format, cfg.color, to_terminal, &mut lock)
                .and_then(|()| lock.flush())
            {
                // The reader stopped reading (`| head`): the check itself ran, its outcome stands.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| Error::io("<stdout>", e)),
            }
        }
    }
}
