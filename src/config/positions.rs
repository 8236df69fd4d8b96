//! Where each value that is checked after parsing sits in the config file: the document is read
//! a second time into a mirror of the schema that keeps only spans, so that an error found later
//! (a bad glob, an unknown rule id, a custom rule's failing example) names its line and column.

use crate::error::{line_column, Error, Result};
use crate::rules::SpecField;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// A 1-based line and column in the config file.
pub type Pos = (usize, usize);

/// Positions of the values that are validated after parsing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    pub exclude: Vec<Pos>,
    pub disable: Vec<Pos>,
    pub severity: BTreeMap<String, Pos>,
    pub allow_regexes: Vec<Pos>,
    pub allow_stopwords: Vec<Pos>,
    pub allow_paths: Vec<Pos>,
    pub env_files: Vec<Pos>,
    pub env_templates: Vec<Pos>,
    pub env_client_prefixes: Vec<Pos>,
    pub credentials_files: Vec<Pos>,
    pub rules: Vec<RulePositions>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RulePositions {
    pub id: Option<Pos>,
    pub pattern: Option<Pos>,
    pub keywords: Option<Pos>,
    pub validator: Option<Pos>,
    pub examples: Vec<Pos>,
    pub negative_examples: Vec<Pos>,
    /// The `examples` array itself (for a rule whose list is empty).
    pub examples_list: Option<Pos>,
}

impl Positions {
    /// The positions of the values in `text` (the config file `path`, named in errors).
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Positions> {
        let spans: SpanDoc = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        Ok(positions(text, spans))
    }

    /// Where `field` of custom rule `rule` (its index in the config's rules) sits: the value
    /// itself, else the rule's `id`, else unknown.
    pub(crate) fn of_rule(&self, rule: usize, field: SpecField) -> Option<Pos> {
        let pos = self.rules.get(rule)?;
        let at = match field {
            SpecField::Id => None,
            SpecField::Pattern => pos.pattern,
            SpecField::Keywords => pos.keywords,
            SpecField::Validator => pos.validator,
            SpecField::Examples => pos.examples.first().copied().or(pos.examples_list),
            SpecField::Example(n) => pos.examples.get(n).copied(),
            SpecField::NegativeExample(n) => pos.negative_examples.get(n).copied(),
        };
        at.or(pos.id)
    }
}

/// The same document again, keeping only where each validated value is.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanDoc {
    exclude: Vec<Spanned<String>>,
    disable: Vec<Spanned<String>>,
    severity: BTreeMap<Spanned<String>, toml::Value>,
    allow: SpanAllow,
    env: SpanEnv,
    credentials: SpanCredentials,
    rules: Vec<SpanRule>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanAllow {
    regexes: Vec<Spanned<String>>,
    stopwords: Vec<Spanned<String>>,
    paths: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanEnv {
    files: Vec<Spanned<String>>,
    templates: Vec<Spanned<String>>,
    client_prefixes: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanCredentials {
    files: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanRule {
    id: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
    keywords: Option<Spanned<toml::Value>>,
    validator: Option<Spanned<String>>,
    examples: Option<Spanned<Vec<Spanned<String>>>>,
    negative_examples: Vec<Spanned<String>>,
}

fn positions(text: &str, spans: SpanDoc) -> Positions {
    let at = |s: std::ops::Range<usize>| line_column(text, s.start);
    let list = |v: &[Spanned<String>]| v.iter().map(|s| at(s.span())).collect::<Vec<_>>();
    Positions {
        exclude: list(&spans.exclude),
        disable: list(&spans.disable),
        severity: spans
            .severity
            .keys()
            .map(|k| (k.get_ref().clone(), at(k.span())))
            .collect(),
        allow_regexes: list(&spans.allow.regexes),
        allow_stopwords: list(&spans.allow.stopwords),
        allow_paths: list(&spans.allow.paths),
        env_files: list(&spans.env.files),
        env_templates: list(&spans.env.templates),
        env_client_prefixes: list(&spans.env.client_prefixes),
        credentials_files: list(&spans.credentials.files),
        rules: spans
            .rules
            .iter()
            .map(|r| RulePositions {
                id: r.id.as_ref().map(|s| at(s.span())),
                pattern: r.pattern.as_ref().map(|s| at(s.span())),
                keywords: r.keywords.as_ref().map(|s| at(s.span())),
                validator: r.validator.as_ref().map(|s| at(s.span())),
                examples: r
                    .examples
                    .as_ref()
                    .map_or(Vec::new(), |e| list(e.get_ref())),
                examples_list: r.examples.as_ref().map(|e| at(e.span())),
                negative_examples: list(&r.negative_examples),
            })
            .collect(),
    }
}
