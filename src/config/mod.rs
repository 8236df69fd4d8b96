//! `.keygate.toml`: schema, loading with file:line:column errors, and validation of every value
//! (globs, regexes, rule ids, custom rules and their examples) at load, so that a typo can never
//! silently turn a check off. A repository with a `.gitleaks.toml` and no `.keygate.toml` gets
//! the equivalent config read from it (see [`gitleaks`]).
//!
//! One job a file: `schema.rs` (the serde structs), `positions.rs` (where each value sits in the
//! file), `load.rs` (discovery and reading), `validate.rs` (every value, and which rule ids
//! exist), `rules.rs` (compiling the custom rules and checking their examples, with structured
//! problems). This file only declares them and re-exports the public API.

pub mod gitleaks;
mod load;
mod positions;
mod rules;
mod schema;
mod validate;

pub use positions::Pos;
pub use rules::RuleProblem;
pub use schema::{Allow, Config, CredentialsConfig, EnvConfig, FILE_NAME};
