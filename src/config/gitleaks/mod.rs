//! Switching from gitleaks: a repository with a `.gitleaks.toml` and no `.keygate.toml` keeps its
//! custom `[[rules]]` and global allowlists, read into the equivalent keygate
//! [`Config`](crate::config::Config); `keygate config import-gitleaks` writes that config out as a
//! `.keygate.toml`. What has no keygate equivalent is reported, with why, never dropped silently:
//! `.gitleaksignore` entries (tied to line numbers), commit allowlists, per-rule allowlists and
//! path-only rules.
//!
//! `schema.rs` holds gitleaks' TOML structs, `translate.rs` turns them into a config,
//! `pattern.rs` turns a gitleaks regex into a keygate pattern and keywords, `read.rs` reads the
//! files from a repository, and `import.rs` writes the `.keygate.toml`.

mod import;
mod pattern;
mod read;
mod schema;
mod translate;

pub use import::{import, render};
pub use read::{read, translate_file};
pub use schema::{FAMILY, FILE_NAME, IGNORE_FILE};
pub use translate::{translate, Import};
