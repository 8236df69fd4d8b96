//! The parts of a `.gitleaks.toml` that keygate reads, as serde structs (unknown keys are
//! ignored: gitleaks has many that do not matter here), and the names of gitleaks' files.

use serde::Deserialize;
use toml::Spanned;

pub const FILE_NAME: &str = ".gitleaks.toml";
pub const IGNORE_FILE: &str = ".gitleaksignore";
/// The `family` of rules read from a `.gitleaks.toml`.
pub const FAMILY: &str = crate::rules::GITLEAKS_FAMILY;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GlFile {
    pub(super) extend: Option<GlExtend>,
    pub(super) rules: Vec<GlRule>,
    #[serde(alias = "allowList", alias = "AllowList")]
    pub(super) allowlist: Option<GlAllowlist>,
    #[serde(alias = "allowLists", alias = "AllowLists")]
    pub(super) allowlists: Vec<GlAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GlExtend {
    #[serde(alias = "useDefault", alias = "usedefault")]
    pub(super) use_default: bool,
    #[serde(alias = "disabledRules", alias = "disabledrules")]
    pub(super) disabled_rules: Vec<String>,
    pub(super) path: Option<String>,
    pub(super) url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GlRule {
    pub(super) id: Option<Spanned<String>>,
    pub(super) description: Option<String>,
    pub(super) regex: Option<Spanned<String>>,
    #[serde(alias = "secretGroup", alias = "secretgroup")]
    pub(super) secret_group: Option<usize>,
    pub(super) entropy: Option<f64>,
    pub(super) keywords: Vec<String>,
    pub(super) path: Option<String>,
    #[serde(alias = "allowList")]
    pub(super) allowlist: Option<GlAllowlist>,
    #[serde(alias = "allowLists")]
    pub(super) allowlists: Vec<GlAllowlist>,
    #[serde(alias = "skipReport", alias = "skipreport")]
    pub(super) skip_report: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GlAllowlist {
    pub(super) condition: Option<String>,
    pub(super) commits: Vec<String>,
    pub(super) paths: Vec<Spanned<String>>,
    pub(super) regexes: Vec<Spanned<String>>,
    #[serde(alias = "stopWords", alias = "StopWords")]
    pub(super) stopwords: Vec<String>,
    #[serde(alias = "targetRules", alias = "targetrules")]
    pub(super) target_rules: Vec<String>,
}
