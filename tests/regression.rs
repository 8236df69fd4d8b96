//! One test per fixed bug, named after its issue. Each failed before its fix.

use crate::common::*;

/// A real-looking local `.env` value that no provider rule matches.
fn local_key() -> String {
    fake("lk_", 28, ALNUM)
}

/// A repository whose `.env` (ignored, untracked) holds `DB_PASSWORD=<value>`.
fn repo_with_local_env(value: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("DB_PASSWORD={value}\n"))
        .stage(".gitignore")
        .commit("init");
    repo
}

// See: issue #14 (1) — env-value-leak was skipped for staged files over 8 MiB.
#[test]
fn issue14_1_a_known_local_value_in_a_large_staged_file_blocks() {
    let value = local_key();
    let repo = repo_with_local_env(&value);
    let mut dump = Vec::with_capacity(9 << 20);
    while dump.len() < (9 << 20) {
        dump.extend_from_slice(b"INSERT INTO t VALUES (1, 'nothing to see here');\n");
    }
    dump.extend_from_slice(format!("-- password {value}\n").as_bytes());
    repo.write("dump.sql", &dump).stage("dump.sql");
    let run = repo.keygate(&["check", "--staged", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert_eq!(run.ids(), vec!["env-value-leak@dump.sql"]);
    assert!(!run.text().contains(&value));
}
