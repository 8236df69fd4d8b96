//! keygate keeps API keys out of Git: a rule engine for hard-coded secrets, `.env` hygiene
//! checks, and the `keygate` command that runs them as a pre-commit hook, by hand and in CI.

mod baseline;
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod finding;
pub mod git;
mod hook;
pub mod hygiene;
mod input;
mod report;
pub mod rules;

pub use engine::Scanner;
pub use error::{Error, Result};
pub use finding::{Category, Finding, Severity};
