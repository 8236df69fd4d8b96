//! `.env` hygiene: the checks that keep `.env` files out of Git and their values out of code.

/// The ids of the hygiene rules, public API like the catalog's ids.
pub const RULE_IDS: &[&str] = &[
    "env-staged",
    "env-tracked",
    "env-not-ignored",
    "env-template-secret",
    "env-client-exposed",
    "env-value-leak",
];
