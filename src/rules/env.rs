//! The hygiene rules as data (`.env` files and credential files): one table of their ids,
//! families, descriptions, default severities and the SPEC rule each one checks. Every output (`keygate rules`, SARIF, config validation, the
//! checks themselves) reads this table; the checks that find them live in `crate::hygiene`.

use crate::finding::Severity;

pub const STAGED: &str = "env-staged";
pub const TRACKED: &str = "env-tracked";
pub const NOT_IGNORED: &str = "env-not-ignored";
pub const TEMPLATE_SECRET: &str = "env-template-secret";
pub const CLIENT_EXPOSED: &str = "env-client-exposed";
pub const VALUE_LEAK: &str = "env-value-leak";
pub const CREDENTIAL_STAGED: &str = "credential-file-staged";
pub const CREDENTIAL_TRACKED: &str = "credential-file-tracked";
pub const CREDENTIAL_NOT_IGNORED: &str = "credential-file-not-ignored";
pub const CREDENTIAL_SECRET: &str = "credential-file-secret";

/// The family of the `.env` rules, in `keygate rules` and SARIF.
pub const ENV_FAMILY: &str = "env";
/// The family of the credential-file rules.
pub const CREDENTIAL_FAMILY: &str = "credential-file";

/// One hygiene rule: public API like the catalog's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvRule {
    pub id: &'static str,
    /// [`ENV_FAMILY`] or [`CREDENTIAL_FAMILY`].
    pub family: &'static str,
    /// What the rule reports, for `keygate rules` and SARIF.
    pub description: &'static str,
    /// The severity when the config does not change it.
    pub severity: Severity,
    /// The number of the SPEC's ten rules this check enforces (2: `.env` kept out of Git;
    /// 7: keys kept out of client-side code), for `doctor` and the checklist.
    pub spec_rule: u8,
    /// What that rule asks of the user, in one line.
    pub checklist: &'static str,
}

const OUT_OF_GIT: &str = "Use environment variables; .env is in .gitignore and never committed";
const NOT_IN_SOURCE: &str = "Never hard-code keys in source code";

/// Every hygiene rule, in report order.
pub const ENV_RULES: &[EnvRule] = &[
    EnvRule {
        id: STAGED,
        family: ENV_FAMILY,
        description: "The staged change adds or modifies a .env file",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: TRACKED,
        family: ENV_FAMILY,
        description: "A .env file is tracked in the index",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: NOT_IGNORED,
        family: ENV_FAMILY,
        description: "A .env file exists in the working tree and Git does not ignore it",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: TEMPLATE_SECRET,
        family: ENV_FAMILY,
        description: "A tracked .env template holds a value that looks like a real key",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: CLIENT_EXPOSED,
        family: ENV_FAMILY,
        description:
            "A secret-looking .env variable has a prefix that bundlers inline into client code",
        severity: Severity::Warn,
        spec_rule: 7,
        checklist: "Never expose keys in client-side code (browser JS, mobile binaries, frontend)",
    },
    EnvRule {
        id: VALUE_LEAK,
        family: ENV_FAMILY,
        description: "A value of a local, untracked .env file is copied into another file",
        severity: Severity::Block,
        spec_rule: 1,
        checklist: NOT_IN_SOURCE,
    },
    EnvRule {
        id: CREDENTIAL_STAGED,
        family: CREDENTIAL_FAMILY,
        description: "The staged change adds or modifies a credential file (.netrc, .pgpass, a \
                      private key, a token-holding .npmrc, ...)",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: CREDENTIAL_TRACKED,
        family: CREDENTIAL_FAMILY,
        description: "A credential file is tracked in the index",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: CREDENTIAL_NOT_IGNORED,
        family: CREDENTIAL_FAMILY,
        description: "A credential file exists in the working tree and Git does not ignore it",
        severity: Severity::Block,
        spec_rule: 2,
        checklist: OUT_OF_GIT,
    },
    EnvRule {
        id: CREDENTIAL_SECRET,
        family: CREDENTIAL_FAMILY,
        description: "A credential file that is or would be committed holds a password, token or \
                      key (any value, however weak it looks)",
        severity: Severity::Block,
        spec_rule: 1,
        checklist: NOT_IN_SOURCE,
    },
];

/// The hygiene rule `id`, if it is one.
pub fn env_rule(id: &str) -> Option<&'static EnvRule> {
    ENV_RULES.iter().find(|r| r.id == id)
}

/// Whether `id` names a hygiene rule.
pub fn is_env_rule(id: &str) -> bool {
    env_rule(id).is_some()
}

/// The default severity of hygiene rule `id` (`block` for an id that is not one).
pub fn default_severity(id: &str) -> Severity {
    env_rule(id).map_or(Severity::Block, |r| r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_described() {
        for (i, rule) in ENV_RULES.iter().enumerate() {
            assert!(
                rule.id.starts_with(&format!("{}-", rule.family)),
                "{}",
                rule.id
            );
            assert!(!rule.description.is_empty() && !rule.checklist.is_empty());
            assert!(
                ENV_RULES[..i].iter().all(|r| r.id != rule.id),
                "{}",
                rule.id
            );
        }
        assert_eq!(default_severity(CLIENT_EXPOSED), Severity::Warn);
        assert_eq!(default_severity(TRACKED), Severity::Block);
        assert!(!is_env_rule("aws-access-key-id"));
    }
}
