//! The rule schema, the embedded built-in catalog, user rules, compilation and catalog checks.

pub mod env;
mod pattern;
pub mod published;
pub mod validators;

use crate::error::{Error, Result};
use crate::finding::Severity;
pub use pattern::{compile_for_small_inputs, Pattern};
use regex::bytes::Regex;
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

/// The family of rules imported from a `.gitleaks.toml`: they come without examples (gitleaks
/// keeps its rule tests in Go code), so the example check does not apply to them.
pub const GITLEAKS_FAMILY: &str = "gitleaks";

/// The most neighbouring lines a rule may read on each side of its keyword's line.
pub const MAX_CONTEXT_LINES: usize = 8;

/// A list of texts: borrowed from the binary, or owned.
pub type Texts = Cow<'static, [Cow<'static, str>]>;

/// A text: borrowed from the binary, or owned.
pub type Text = Cow<'static, str>;

/// A rule as written in TOML, built-in or in a user's `.keygate.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Text,
    pub description: Text,
    /// A regex whose group `secret` (or else group 1) is the secret itself.
    pub pattern: Text,
    /// Case-insensitive literals of which at least one occurs wherever the rule can match; only
    /// rules whose keywords occur near a spot have their regex run there.
    pub keywords: Vec<String>,
    /// A regex run on the text of the line before a match's secret (anchor it at the end with
    /// `$`): where it matches, the match is dropped. For names that say the value is no secret
    /// (`hashed_secret = "…"`, `publicToken: "…"`). It runs on matches only, never on the input.
    #[serde(default)]
    pub reject_before: Option<Text>,
    /// Regexes run on the lines around a match (3 each side): where all of them match, the match
    /// is dropped. For a value whose siblings say what it is (a webhook `token` beside its
    /// `signature` and `timestamp` is a nonce).
    #[serde(default)]
    pub reject_nearby: Vec<String>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Shortest secret accepted.
    #[serde(default)]
    pub min_length: Option<usize>,
    /// Name of a checksum validator in `validators.rs`.
    #[serde(default)]
    pub validator: Option<Text>,
    /// Generic rules give way to a specific rule that matches the same secret.
    #[serde(default)]
    pub generic: bool,
    /// The secret may span lines (private key blocks): the rule sees up to 64 KiB after its keyword.
    #[serde(default)]
    pub multiline: bool,
    /// The name may sit on a neighbouring line (`- name: X_API_KEY` then `value: "…"`, a
    /// `[section]` then `key = "…"`): the rule's regex sees this many lines before and after the
    /// line of its keyword (bounded in bytes), so that it can span from the name to the value.
    /// The secret group still locates the secret exactly.
    #[serde(default)]
    pub context_lines: usize,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Borrowed from the binary for built-in rules (making a copy of every example at each start
    /// would cost a pre-commit check more than its scan), owned for rules read at run time.
    pub examples: Texts,
    pub negative_examples: Texts,
    #[serde(default)]
    pub references: Texts,
    pub remedy: Text,
    /// Where to revoke a leaked key: the provider's page, or its dashboard path
    /// (`Dashboard → API Keys → Revoke`), for the incident checklist.
    #[serde(default)]
    pub revoke: Option<Text>,
    /// The catalog file the rule came from (`aws`, `github`, …) or `custom`; not read from TOML.
    #[serde(skip)]
    pub family: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Vec<RuleSpec>,
}

/// The part of a [`RuleSpec`] that a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecField {
    Id,
    Pattern,
    Keywords,
    Validator,
    /// The examples as a whole (a rule without any).
    Examples,
    /// Example `n` (0-based).
    Example(usize),
    /// Near miss `n` (0-based).
    NegativeExample(usize),
}

/// A rule that does not compile: its id, the field at fault and what is wrong with it. It becomes
/// [`Error::Rule`], with the same text, through [`RuleError::into_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub id: String,
    pub field: SpecField,
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule {}: {}", self.id, self.message)
    }
}

impl RuleError {
    /// The crate error, with the same text. (Not a `From` impl: a second conversion into
    /// [`Error`] would make `?` on closures' results ambiguous elsewhere.)
    pub fn into_error(self) -> Error {
        Error::Rule {
            id: self.id,
            message: self.message,
        }
    }

    fn new(spec: &RuleSpec, field: SpecField, message: impl Into<String>) -> RuleError {
        RuleError {
            id: spec.id.to_string(),
            field,
            message: message.into(),
        }
    }
}

/// A rule ready to run. Its regex is compiled on first use: a commit that touches three files
/// should not pay for compiling 150 patterns whose keywords never occur.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    compiled: OnceLock<Pattern>,
    /// The compiled `reject_before` and `reject_nearby`, on the first match they are asked
    /// about: most checks that compile a rule find nothing with it, and a generic rule's
    /// look-behind is as large as its pattern.
    filters: OnceLock<Filters>,
    /// For built-in rules: lowercase literals of which every match starts with one, found in the
    /// pattern at build time. Where none occurs the regex cannot match, and is not compiled.
    first_literals: Option<&'static [&'static [u8]]>,
    /// For built-in rules: the fewest bytes a match spans (build time; 0 for others). A first
    /// literal with fewer bytes after its start in the window cannot begin a match there.
    min_len: usize,
    pub validator: Option<validators::Validator>,
    pub severity: Severity,
    pub enabled: bool,
}

/// A rule's filters, compiled on the first match they are asked about.
#[derive(Debug, Clone)]
struct Filters {
    reject_before: Option<Regex>,
    reject_nearby: Vec<Regex>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Whether the regex may match in `window`: `false` only when it is not compiled yet and
    /// none of its first literals occurs there (no match can start without one), so that a
    /// keyword hit that cannot lead to a match costs no compilation. Results never depend on it.
    pub fn may_match(&self, window: &[u8]) -> bool {
        self.compiled.get().is_some() || self.may_start_in(window)
    }

    /// Whether a match could start in `window`, by its first literals and least length.
    fn may_start_in(&self, window: &[u8]) -> bool {
        let Some(literals) = self.first_literals else {
            return true;
        };
        // A match starts at most `min_len` bytes before the window's end, so its first literal
        // ends at most that far plus its own length: a keyword at the end of a line
        // (`os.environ["MIGOSMTP_API_KEY"]`) leaves no room for a value.
        let Some(last_start) = window.len().checked_sub(self.min_len) else {
            return false;
        };
        literals.iter().any(|l| {
            let room = window.len().min(last_start + l.len());
            contains_ignore_ascii_case(&window[..room], l)
        })
    }

    /// The rule's pattern, compiled on first use.
    pub fn regex(&self) -> &Pattern {
        self.compiled()
    }

    /// The compiled `reject_before`: where it matches the line before a secret, the match is
    /// dropped.
    pub fn reject_before(&self) -> Option<&Regex> {
        self.filters().reject_before.as_ref()
    }

    /// The compiled `reject_nearby`.
    pub fn reject_nearby(&self) -> &[Regex] {
        &self.filters().reject_nearby
    }

    fn filters(&self) -> &Filters {
        self.filters.get_or_init(|| {
            compile_filters(&self.spec)
                .unwrap_or_else(|e| panic!("{e} (built-in rules are checked by tests/catalog.rs)"))
        })
    }

    fn compiled(&self) -> &Pattern {
        self.compiled.get_or_init(|| {
            compile_pattern(&self.spec)
                .unwrap_or_else(|e| panic!("{e} (built-in rules are checked by tests/catalog.rs)"))
        })
    }

    /// Validates `spec` and compiles its regex now: for rules from a user's config, so that a
    /// mistake is reported before any scan.
    pub fn compile(spec: RuleSpec) -> Result<Rule, RuleError> {
        let compiled = compile_pattern(&spec)?;
        let filters = compile_filters(&spec)?;
        let rule = Rule::lazy(spec)?;
        let _ = rule.compiled.set(compiled);
        let _ = rule.filters.set(filters);
        Ok(rule)
    }

    /// Validates everything but the pattern, which is compiled on first use.
    fn lazy(spec: RuleSpec) -> Result<Rule, RuleError> {
        let err = |field, message: &str| RuleError::new(&spec, field, message);
        if spec.id.is_empty()
            || !spec
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err(SpecField::Id, "id must be non-empty kebab-case"));
        }
        if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
            return Err(err(
                SpecField::Keywords,
                "needs at least one keyword of two or more characters",
            ));
        }
        if spec.context_lines > MAX_CONTEXT_LINES {
            return Err(err(
                SpecField::Pattern,
                &format!("context_lines must be at most {MAX_CONTEXT_LINES}"),
            ));
        }
        let validator = spec
            .validator
            .as_deref()
            .map(|name| {
                validators::Validator::by_name(name).ok_or_else(|| {
                    err(SpecField::Validator, &format!("unknown validator `{name}`"))
                })
            })
            .transpose()?;
        // Rules read from a `.gitleaks.toml` come without examples (gitleaks keeps its rule tests
        // in Go code); every other rule needs both.
        if spec.family != GITLEAKS_FAMILY
            && (spec.examples.is_empty() || spec.negative_examples.is_empty())
        {
            return Err(err(
                SpecField::Examples,
                "needs at least one example and one negative example",
            ));
        }
        Ok(Rule {
            severity: spec.severity.unwrap_or(Severity::Block),
            enabled: true,
            spec,
            compiled: OnceLock::new(),
            filters: OnceLock::new(),
            first_literals: None,
            min_len: 0,
            validator,
        })
    }
}

/// Whether `needle` (lowercase) occurs in `haystack`, ASCII case-insensitively.
fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), haystack).any(|at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(needle))
    })
}

/// Compiles a rule's pattern (see [`pattern`]).
fn compile_pattern(spec: &RuleSpec) -> Result<Pattern, RuleError> {
    Pattern::new(&spec.pattern).map_err(|e| RuleError::new(spec, SpecField::Pattern, e))
}

/// Compiles a rule's `reject_before` and `reject_nearby`.
fn compile_filters(spec: &RuleSpec) -> Result<Filters, RuleError> {
    let filter = |p: &str, field: &str| {
        pattern::filter(p, field).map_err(|e| RuleError::new(spec, SpecField::Pattern, e))
    };
    Ok(Filters {
        reject_before: spec
            .reject_before
            .as_deref()
            .map(|p| filter(p, "reject_before"))
            .transpose()?,
        reject_nearby: spec
            .reject_nearby
            .iter()
            .map(|p| filter(p, "reject_nearby"))
            .collect::<Result<_, _>>()?,
    })
}

// `BUILTIN_FILES` (name and text of each catalog file) and `BUILTIN_RULES`, generated by
// build.rs from `src/rules/builtin/*.toml` (an explicit list there), so that no run parses the
// catalog's TOML at start.
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A built-in rule as build.rs wrote it: [`RuleSpec`]'s fields, borrowed from the binary.
pub struct RawRule {
    id: &'static str,
    description: &'static str,
    pattern: &'static str,
    reject_before: Option<&'static str>,
    reject_nearby: &'static [&'static str],
    remedy: &'static str,
    revoke: Option<&'static str>,
    keywords: &'static [&'static str],
    examples: &'static [Cow<'static, str>],
    negative_examples: &'static [Cow<'static, str>],
    references: &'static [Cow<'static, str>],
    min_entropy: Option<f64>,
    min_length: Option<usize>,
    validator: Option<&'static str>,
    generic: bool,
    multiline: bool,
    context_lines: usize,
    severity: Option<Severity>,
    family: &'static str,
    /// Every match of `pattern` starts with one of these (see build.rs `first_literals`).
    first_literals: Option<&'static [&'static [u8]]>,
    /// The fewest bytes a match of `pattern` spans (see build.rs `min_len`).
    min_len: usize,
}

impl RawRule {
    fn spec(&self) -> RuleSpec {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        RuleSpec {
            id: Cow::Borrowed(self.id),
            description: Cow::Borrowed(self.description),
            pattern: Cow::Borrowed(self.pattern),
            keywords: strings(self.keywords),
            reject_before: self.reject_before.map(Cow::Borrowed),
            reject_nearby: strings(self.reject_nearby),
            min_entropy: self.min_entropy,
            min_length: self.min_length,
            validator: self.validator.map(Cow::Borrowed),
            generic: self.generic,
            multiline: self.multiline,
            context_lines: self.context_lines,
            severity: self.severity,
            examples: Cow::Borrowed(self.examples),
            negative_examples: Cow::Borrowed(self.negative_examples),
            references: Cow::Borrowed(self.references),
            remedy: Cow::Borrowed(self.remedy),
            revoke: self.revoke.map(Cow::Borrowed),
            family: Cow::Borrowed(self.family),
        }
    }
}

/// Parses one TOML document of `[[rules]]`.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<RuleSpec>> {
    let family = name.strip_suffix(".toml").unwrap_or(name);
    toml::from_str::<RuleFile>(text)
        .map(|f| {
            f.rules
                .into_iter()
                .map(|mut r| {
                    r.family = family.to_string().into();
                    r
                })
                .collect()
        })
        .map_err(|e| Error::toml(name.as_ref(), text, &e))
}

static BUILTIN_SPECS: LazyLock<Vec<RuleSpec>> =
    LazyLock::new(|| BUILTIN_RULES.iter().map(RawRule::spec).collect());

/// The built-in rule specs, as written.
pub fn builtin_specs() -> &'static [RuleSpec] {
    &BUILTIN_SPECS
}

/// The prefilter's minimal keywords and the rules each triggers, computed at build time, when
/// `keywords` (each rule's keywords, in order) are exactly the built-in catalog's: the default,
/// every rule enabled and no custom rule.
pub(crate) fn builtin_prefilter(
    keywords: &[&[String]],
) -> Option<(&'static [&'static str], &'static [&'static [u16]])> {
    let same = keywords.len() == BUILTIN_RULES.len()
        && keywords
            .iter()
            .zip(BUILTIN_RULES)
            .all(|(mine, raw)| mine.iter().eq(raw.keywords.iter()));
    same.then_some((BUILTIN_MINIMAL_KEYWORDS, BUILTIN_RULES_OF))
}

/// Whether `id` names a built-in rule (without building the specs).
pub fn is_builtin_id(id: &str) -> bool {
    BUILTIN_RULES.iter().any(|r| r.id == id)
}

/// Compiles the built-in rules followed by `extra` (user rules), rejecting duplicate ids.
pub fn compile_all(extra: &[RuleSpec]) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // The built-in specs are made straight from the generated data: no parse, no second copy.
    let builtin = BUILTIN_RULES
        .iter()
        .map(|r| (r.spec(), (r.first_literals, r.min_len), false));
    let custom = extra.iter().map(|s| (s.clone(), (None, 0), true));
    for (spec, first_literals, eager) in builtin.chain(custom) {
        if !seen.insert(spec.id.clone()) {
            return Err(Error::Rule {
                id: spec.id.to_string(),
                message: "duplicate rule id".into(),
            });
        }
        let rule = if eager {
            Rule::compile(spec)
        } else {
            Rule::lazy(spec)
        };
        let mut rule = rule.map_err(RuleError::into_error)?;
        (rule.first_literals, rule.min_len) = first_literals;
        rules.push(rule);
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// build.rs checks the schema by hand; this keeps it honest: the generated catalog is exactly
    /// what serde (`deny_unknown_fields`, defaults) makes of the same TOML files.
    #[test]
    fn generated_catalog_equals_the_parsed_toml() {
        let parsed: Vec<RuleSpec> = BUILTIN_FILES
            .iter()
            .flat_map(|(name, text)| parse_rule_file(name, text).unwrap())
            .collect();
        assert_eq!(parsed.len(), builtin_specs().len());
        for (want, got) in parsed.iter().zip(builtin_specs()) {
            assert_eq!(format!("{want:?}"), format!("{got:?}"), "rule {}", want.id);
        }
        assert!(is_builtin_id("migosmtp-api-key"));
    }

    /// Built-in rules compile their pattern and look-behind only when first needed: each must.
    #[test]
    fn every_builtin_pattern_and_look_behind_compiles() {
        for rule in BUILTIN_RULES {
            let spec = rule.spec();
            assert!(compile_pattern(&spec).is_ok(), "{}", spec.id);
            assert!(compile_filters(&spec).is_ok(), "{}", spec.id);
        }
    }

    /// Every match of a built-in rule, in its examples and near misses, starts with one of the
    /// first literals build.rs found for it and spans at least its least length, so that the
    /// rule may start in the text: where it may not, skipping the regex loses nothing.
    #[test]
    fn every_match_starts_with_a_first_literal() {
        let rules = compile_all(&[]).unwrap();
        let with_literals = rules.iter().filter(|r| r.first_literals.is_some()).count();
        assert!(with_literals > rules.len() / 2, "{with_literals}");
        for rule in &rules {
            let Some(literals) = rule.first_literals else {
                continue;
            };
            let texts = rule
                .spec
                .examples
                .iter()
                .chain(rule.spec.negative_examples.iter());
            for text in texts {
                let text = text.as_bytes();
                for (start, end) in rule.regex().match_spans(text) {
                    assert!(end - start >= rule.min_len, "{}: {start}..{end}", rule.id());
                    assert!(rule.may_start_in(text), "{}", rule.id());
                    let rest = &text[start..];
                    assert!(
                        literals
                            .iter()
                            .any(|l| rest.len() >= l.len()
                                && rest[..l.len()].eq_ignore_ascii_case(l)),
                        "rule {}: a match at {} starts with none of its first literals",
                        rule.id(),
                        start
                    );
                }
            }
        }
        let migo = rules.iter().find(|r| r.id() == "migosmtp-api-key").unwrap();
        assert!(!migo.may_start_in(br#"    return os.environ["MIGOSMTP_API_KEY"]"#));
        assert!(migo.may_start_in(br#"MIGOSMTP_API_KEY = "mgo_0123456789abcdefghij""#));
        assert!(contains_ignore_ascii_case(b"x = MiGo_smtp", b"migo"));
        assert!(!contains_ignore_ascii_case(b"x = mig", b"migo"));
        assert!(!is_builtin_id("env-tracked"));
    }
}
