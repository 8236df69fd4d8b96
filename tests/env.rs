//! `.env` hygiene, one group per rule id, both directions, plus known local secrets and
//! `keygate fix`. Every test runs the real binary in a real temporary repository.

use crate::common::*;

/// The exit code of a worktree check and its `env-*` findings (`rule@file`).
fn env_check(repo: &TestRepo) -> (i32, Vec<String>) {
    repo.check_rules("env-")
}

fn ls_files(repo: &TestRepo) -> String {
    repo.git(&["ls-files"])
}

/// A real-looking value for a `.env` file, not matched by any provider rule.
fn local_key() -> String {
    fake("lk_", 28, ALNUM)
}

// --- env-tracked ---------------------------------------------------------------------------

#[test]
fn env_tracked_blocks_a_committed_env_file_and_says_the_fix() {
    let repo = TestRepo::new();
    repo.write(".env", "PORT=3000\n")
        .stage(".env")
        .commit("oops");
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let findings = run.json_findings();
    let tracked: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "env-tracked")
        .collect();
    assert_eq!(tracked.len(), 1, "{findings:?}");
    let f = tracked[0];
    assert_eq!(f["file"], ".env");
    assert_eq!(f["category"], "env");
    assert_eq!(f["severity"], "block");
    assert!(f["line"].is_null() && f["column"].is_null() && f["redacted"].is_null());
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("keygate fix"), "{message}");
    assert!(message.contains("git rm --cached .env"), "{message}");
    assert!(message.contains("add `.env` to .gitignore"), "{message}");
}

#[test]
fn env_tracked_passes_when_the_env_file_is_ignored_and_untracked() {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n")
        .write(".env", "PORT=3000\n")
        .write("app.js", "const port = process.env.PORT;\n")
        .stage(".gitignore")
        .stage("app.js")
        .commit("init");
    assert_eq!(repo.check(), (0, vec![]));
}

#[test]
fn env_tracked_reports_an_ignored_but_still_tracked_env_file() {
    let repo = TestRepo::new();
    repo.write(".env", "PORT=3000\n")
        .stage(".env")
        .commit("oops")
        .write(".gitignore", ".env\n");
    assert_eq!(env_check(&repo), (1, vec!["env-tracked@.env".into()]));
}

/// dotenv libraries and frameworks track fixture `.env` files in their tests (Symfony's Dotenv,
/// Flask's `tests/test_apps/.env`); with nothing secret in them they are not reported, and
/// `keygate fix` leaves them tracked. One real-looking value makes them `.env` files again.
// See: issue #12 (external evaluation)
#[test]
fn a_secret_free_env_fixture_in_a_test_folder_is_left_alone() {
    let repo = TestRepo::new();
    repo.write("tests/fixtures/app/.env", "FOO=bar\nDEBUG=1\n")
        .write("src/Tests/phpt/.env.local", "SOME_VAR=foo_bar\n")
        .stage("tests/fixtures/app/.env")
        .stage("src/Tests/phpt/.env.local")
        .commit("fixtures");
    assert_eq!(env_check(&repo), (0, vec![]));
    assert_eq!(
        repo.keygate(&["fix"]).stdout(),
        "keygate fix: nothing to fix\n"
    );
    repo.write(
        "tests/fixtures/app/.env",
        format!("FOO=bar\nMIGOSMTP_API_KEY={}\n", local_key()),
    );
    let (code, found) = env_check(&repo);
    assert_eq!(code, 1);
    assert!(
        found.contains(&"env-tracked@tests/fixtures/app/.env".to_string()),
        "{found:?}"
    );
    // Outside a test folder the same harmless file is a tracked `.env` file.
    repo.write("app/.env", "FOO=bar\n").stage("app/.env");
    assert!(env_check(&repo)
        .1
        .contains(&"env-tracked@app/.env".to_string()));
}

/// Symfony's compiled `.env.local.php` fixture is read as the PHP array it is, and left alone
/// like any fixture; a real-looking value makes it a `.env` file again. A `.env` file outside a
/// test folder is tracked against the rules even when it holds only client-side settings
/// (`PUBLIC_URL=.`): the SPEC's `env-tracked` has no exception for it.
#[test]
fn a_php_dump_fixture_is_left_alone_and_a_client_only_env_is_still_tracked() {
    let repo = TestRepo::new();
    repo.write(
        "web/app/.env",
        "# relative links\nPUBLIC_URL=.\nREACT_APP_TITLE=Shop\n",
    )
    .write(
        "tests/Fixtures/.env.local.php",
        "<?php\nreturn [\n    'FOO' => 'BaR',\n    'TEST' => '1234',\n];\n",
    )
    .stage("web/app/.env")
    .stage("tests/Fixtures/.env.local.php")
    .commit("public config");
    assert_eq!(
        env_check(&repo),
        (
            1,
            vec![
                "env-not-ignored@web/app/.env".to_string(),
                "env-tracked@web/app/.env".to_string()
            ]
        )
    );
    repo.write(
        "web/app/.env",
        format!("PUBLIC_URL=.\nMIGOSMTP_API_KEY={}\n", local_key()),
    )
    .write(
        "tests/Fixtures/.env.local.php",
        format!(
            "<?php\nreturn [\n    'MIGOSMTP_API_KEY' => '{}',\n];\n",
            local_key()
        ),
    );
    let (code, found) = env_check(&repo);
    assert_eq!(code, 1);
    for file in ["web/app/.env", "tests/Fixtures/.env.local.php"] {
        assert!(found.contains(&format!("env-tracked@{file}")), "{found:?}");
    }
}

// --- env-not-ignored -------------------------------------------------------------------------

#[test]
fn env_not_ignored_blocks_env_files_in_every_folder() {
    let repo = TestRepo::new();
    repo.write(".env", "PORT=1\n")
        .write(".env.local", "PORT=2\n")
        .write("config/prod.env", "PORT=3\n")
        .write("apps/web/.env", "PORT=4\n")
        .write("apps/web/.env.production.local", "PORT=5\n")
        .write(".envrc", "use nix\n")
        .write(".env.example", "PORT=\n")
        .write("tools/.env/settings", "PORT=6\n");
    let (code, found) = env_check(&repo);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![
            "env-not-ignored@.env",
            "env-not-ignored@.env.local",
            "env-not-ignored@apps/web/.env",
            "env-not-ignored@apps/web/.env.production.local",
            "env-not-ignored@config/prod.env",
        ]
    );
    let run = repo.keygate(&["check"]);
    assert!(
        run.stdout()
            .contains("config/prod.env is a .env file that Git does not ignore; run `keygate fix`, or add `*.env` to .gitignore"),
        "{}",
        run.stdout()
    );
}

/// Waits until the working tree's folders are old enough for keygate's folder-listing cache to
/// keep their listings (2 s after their last change; see `src/git/dir_cache.rs`).
fn age_folders() {
    std::thread::sleep(std::time::Duration::from_millis(2100));
}

// See: #13 (the folder walk's listings are cached between runs, keyed by folder stamps).
#[test]
fn env_not_ignored_sees_a_new_env_file_in_a_folder_whose_listing_was_cached() {
    let repo = TestRepo::new();
    repo.write(
        "apps/web/index.js",
        "1
",
    )
    .write(
        "apps/api/main.py",
        "2
",
    )
    .stage("apps/web/index.js")
    .commit("one");
    age_folders();
    assert_eq!(env_check(&repo), (0, vec![]));
    if cfg!(unix) {
        let cache = std::fs::read(repo.path().join(".git/keygate/dirs")).unwrap();
        assert!(
            cache.windows(8).any(|w| w == b"apps/api"),
            "the listings were kept"
        );
    }
    // Runs served from the cache find the same as a fresh walk.
    assert_eq!(env_check(&repo), (0, vec![]));
    repo.write(
        "apps/api/.env",
        "PORT=1
",
    );
    assert_eq!(
        env_check(&repo),
        (1, vec!["env-not-ignored@apps/api/.env".to_string()])
    );
    // A new folder, and a file removed then put back as a folder of the same name.
    age_folders();
    assert_eq!(env_check(&repo).1, vec!["env-not-ignored@apps/api/.env"]);
    repo.write(
        "apps/web/deep/.env.local",
        "PORT=2
",
    );
    std::fs::remove_file(repo.path().join("apps/api/.env")).unwrap();
    repo.write(
        "apps/api/.env/.env",
        "PORT=3
",
    );
    assert_eq!(
        env_check(&repo).1,
        vec![
            "env-not-ignored@apps/api/.env/.env",
            "env-not-ignored@apps/web/deep/.env.local"
        ]
    );
    // A cache that does not parse is not used.
    std::fs::write(repo.path().join(".git/keygate/dirs"), b"garbage").unwrap();
    assert_eq!(
        env_check(&repo).1,
        vec![
            "env-not-ignored@apps/api/.env/.env",
            "env-not-ignored@apps/web/deep/.env.local"
        ]
    );
}

// See: #13 (the staged check's walk looks up only the names a list may give).
#[test]
fn the_staged_check_finds_the_same_untracked_env_and_credential_files_as_the_worktree_check() {
    let repo = TestRepo::new();
    repo.write(
        ".keygate.toml",
        "[credentials]\nfiles = [\"*.vault\", \"deploy/secrets.yml\"]\n",
    )
    .write("src/app.py", "print(1)\n")
    .write("src/env.py", "print(2)\n")
    .stage(".keygate.toml")
    .stage("src/app.py")
    .commit("one");
    repo.write("apps/web/.ENV", "PORT=1\n")
        .write("apps/web/prod.env", "PORT=2\n")
        .write("apps/web/.env.local.example", "PORT=\n")
        .write("ops/.aws/credentials", "[default]\n")
        .write("ops/keys/ID_RSA", "not a key\n")
        .write("ops/site.vault", "x\n")
        .write("deploy/secrets.yml", "x: 1\n")
        .write("src/environment.py", "print(3)\n")
        .stage("src/env.py");
    let staged = repo.keygate(&["check", "--staged", "--format", "json"]);
    assert_eq!(staged.code(), 1, "{}", staged.text());
    let mut found: Vec<String> = staged
        .ids()
        .into_iter()
        .filter(|id| id.contains("-not-ignored@"))
        .collect();
    found.sort();
    let expected = vec![
        "credential-file-not-ignored@deploy/secrets.yml",
        "credential-file-not-ignored@ops/.aws/credentials",
        "credential-file-not-ignored@ops/keys/ID_RSA",
        "credential-file-not-ignored@ops/site.vault",
        "env-not-ignored@apps/web/.ENV",
        "env-not-ignored@apps/web/prod.env",
    ];
    assert_eq!(found, expected);
    let (_, mut worktree) = repo.check();
    worktree.retain(|id| id.contains("-not-ignored@"));
    worktree.sort();
    assert_eq!(worktree, expected);
}

#[test]
fn env_not_ignored_follows_gits_own_ignore_rules() {
    let repo = TestRepo::new();
    // A parent folder's .gitignore, .git/info/exclude, and core.excludesFile.
    repo.write("apps/.gitignore", ".env\n")
        .write("apps/web/.env", "PORT=1\n")
        .write("config/prod.env", "PORT=2\n")
        .write(".env.local", "PORT=3\n")
        .write(".git/info/exclude", "*.env\n")
        .write("global-ignore", ".env.local\n")
        .write(".gitignore", "global-ignore\n");
    repo.git(&["config", "core.excludesFile", "global-ignore"]);
    assert_eq!(repo.check(), (0, vec![]));
    // A negation un-ignores: Git's verdict, not a glob match of keygate's. (libgit2 misses a
    // negation that lives in a deeper .gitignore than the rule it negates, libgit2#6461, so the
    // negation here is in the same file.)
    repo.write("apps/.gitignore", ".env\n!web/.env\n");
    assert_eq!(
        env_check(&repo),
        (1, vec!["env-not-ignored@apps/web/.env".into()])
    );
}

#[test]
fn an_ignored_folder_hides_its_env_files_and_a_folder_named_env_is_not_one() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "node_modules/\n")
        .write("node_modules/pkg/.env", "TOKEN=abc\n")
        .write(".env/readme.txt", "not a dotenv file\n");
    assert_eq!(repo.check(), (0, vec![]));
}

// --- env-staged (library level; through a real `git commit` in check_staged.rs) -------------

#[test]
fn env_staged_reports_a_staged_env_file_once_and_not_an_older_tracked_one() {
    use keygate::config::Config;
    use keygate::finding::Fingerprinter;
    use keygate::git::Repo;
    use keygate::hygiene::{self, Scope};
    let repo = TestRepo::new();
    repo.write("old.env", "A=1\n")
        .stage("old.env")
        .commit("old")
        .write(".env", "PORT=1\n")
        .write("app.js", "x\n")
        .stage(".env")
        .stage("app.js");
    let git = Repo::discover(repo.path()).unwrap().unwrap();
    let config = Config::default();
    let scanner = keygate::Scanner::new(config.compile_rules().unwrap(), Default::default());
    let fingerprints = Fingerprinter::default();
    let staged = git.staged_paths().unwrap();
    assert_eq!(
        staged,
        vec![std::path::PathBuf::from(".env"), "app.js".into()]
    );
    // The files found here, and by the helper thread a pre-commit check starts early (given
    // time to start first, as it has on a quiet machine), are the same.
    let ahead = hygiene::FoundAhead::start(&git, &config);
    assert!(ahead.is_some());
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut results = Vec::new();
    for found in [ahead, None] {
        let scope = Scope::Staged(staged.clone());
        let checks = hygiene::check(&git, &config, &scanner, &fingerprints, scope, found);
        let found: Vec<String> = checks
            .unwrap()
            .findings
            .iter()
            .map(|f| format!("{}@{}", f.rule_id, f.file))
            .collect();
        results.push(found);
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(
        results[0],
        vec![
            "env-staged@.env",
            "env-tracked@old.env",
            "env-not-ignored@.env",
            "env-not-ignored@old.env"
        ]
    );
    // Nothing staged: nothing for env-staged; the worktree check reports the index instead.
    repo.git(&["rm", "-q", "--cached", ".env"]);
    let scope = Scope::Staged(git.staged_paths().unwrap());
    let checks = hygiene::check(&git, &config, &scanner, &fingerprints, scope, None).unwrap();
    assert!(checks.findings.iter().all(|f| f.rule_id != "env-staged"));
    let (_, found) = repo.check();
    assert!(
        found.contains(&"env-tracked@old.env".to_string()),
        "{found:?}"
    );
}

#[test]
fn worktree_mode_reports_a_staged_env_file_as_tracked() {
    let repo = TestRepo::new();
    repo.write(".env", "PORT=1\n").stage(".env");
    assert_eq!(
        env_check(&repo),
        (
            1,
            vec!["env-not-ignored@.env".into(), "env-tracked@.env".into()]
        )
    );
}

// --- env-template-secret ---------------------------------------------------------------------

#[test]
fn a_template_with_placeholders_passes() {
    let repo = TestRepo::new();
    repo.write(
        ".env.example",
        "# copy to .env\nMIGOSMTP_API_KEY=your-migosmtp-key\nTELNXO_API_KEY=\nexport DB_PASSWORD=\"changeme\"\nSECRET_KEY=<secret>\nAPI_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx\nDATABASE_URL=postgres://localhost:5432/app\nNODE_ENV=development\n",
    )
    .write("apps/api/.env.sample", "STRIPE_SECRET_KEY=sk_test_your_key\n")
    .stage(".env.example")
    .stage("apps/api/.env.sample")
    .commit("templates");
    assert_eq!(repo.check(), (0, vec![]));
}

#[test]
fn a_template_with_a_real_looking_key_blocks() {
    let repo = TestRepo::new();
    let rule_key = migosmtp_key();
    let random = fake("", 32, ALNUM);
    repo.write(
        ".env.example",
        format!("PORT=3000\nMIGOSMTP_API_KEY={rule_key}\n"),
    )
    .write(
        "apps/api/.env.sample",
        format!("# real one\nexport SESSION_SECRET='{random}'\nOK=1\n"),
    )
    .stage(".env.example")
    .stage("apps/api/.env.sample")
    .commit("templates");
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let findings = run.json_findings();
    let template: Vec<(String, u64, u64)> = findings
        .iter()
        .filter(|f| f["rule_id"] == "env-template-secret")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        template,
        vec![
            (".env.example".into(), 2, 18),
            ("apps/api/.env.sample".into(), 2, 24)
        ]
    );
    // Each template line is reported once, not again by the rule that matched it.
    let on_line = |file: &str| {
        findings
            .iter()
            .filter(|f| f["file"] == file && f["line"] == 2)
            .count()
    };
    assert_eq!(
        (on_line(".env.example"), on_line("apps/api/.env.sample")),
        (1, 1)
    );
    let all = format!("{}{}", run.stdout(), repo.keygate(&["check"]).stdout());
    assert!(!all.contains(&rule_key) && !all.contains(&random));
    // An untracked template that Git would add is checked too; an ignored one is not.
    let repo = TestRepo::new();
    repo.write(".env.sample", format!("SESSION_SECRET={random}\n"));
    assert_eq!(env_check(&repo).1, vec!["env-template-secret@.env.sample"]);
    repo.write(".gitignore", ".env.sample\n");
    assert_eq!(repo.check(), (0, vec![]));
}

// --- env-client-exposed ----------------------------------------------------------------------

#[test]
fn env_client_exposed_warns_by_default_and_blocks_when_raised() {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n").write(
        "web/.env",
        "NEXT_PUBLIC_MIGOSMTP_API_KEY=abc\nVITE_SITE_TITLE=Shop\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_1\nREACT_APP_API_URL=/api\n",
    );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "a warning does not block: {}", run.stdout());
    let findings = run.json_findings();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["rule_id"], "env-client-exposed");
    assert_eq!(f["severity"], "warn");
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64()),
        (Some("web/.env"), Some(1))
    );
    assert!(f["message"].as_str().unwrap().contains("NEXT_PUBLIC_"));

    repo.write(
        ".keygate.toml",
        "[severity]\nenv-client-exposed = \"block\"\n",
    );
    assert_eq!(
        repo.check(),
        (1, vec!["env-client-exposed@web/.env".into()])
    );
    repo.write(".keygate.toml", "disable = [\"env-client-exposed\"]\n");
    assert_eq!(repo.check(), (0, vec![]));
    // Config prefixes replace the default list.
    repo.write(".keygate.toml", "[env]\nclient_prefixes = [\"VITE_\"]\n");
    assert_eq!(repo.check(), (0, vec![]));
}

#[test]
fn server_only_names_are_not_client_exposed() {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n")
        .write(".env", "MIGOSMTP_API_KEY=abc\nPUBLIC_URL=/\n");
    assert_eq!(repo.check(), (0, vec![]));
}

// --- env-value-leak --------------------------------------------------------------------------

#[test]
fn a_known_local_secret_in_a_comment_blocks_without_ever_being_printed() {
    let repo = TestRepo::new();
    let key = local_key();
    repo.write(".gitignore", ".env\n")
        .write(
            ".env",
            format!("export TELNXO_API_KEY=\"{key}\"\nPORT=3000\n"),
        )
        .write(
            "src/client.py",
            format!(
                "import os\n# old key, do not use: {key}\nKEY = os.environ['TELNXO_API_KEY']\n"
            ),
        )
        .write("fixtures/data.json", format!("{{\"blob\": \"x{key}x\"}}\n"))
        .write("README.md", "PORT 3000 is the default\n");
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let findings = run.json_findings();
    let leaks: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f["rule_id"], "env-value-leak", "{f}");
            assert_eq!(f["severity"], "block");
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(leaks.len(), 2, "{findings:?}");
    assert_eq!(
        (leaks[0].0.as_str(), leaks[0].1, leaks[0].2),
        ("fixtures/data.json", 1, 12)
    );
    assert_eq!(
        (leaks[1].0.as_str(), leaks[1].1, leaks[1].2),
        ("src/client.py", 2, 24)
    );
    assert!(
        leaks[1].3.contains("the value of TELNXO_API_KEY from .env"),
        "{}",
        leaks[1].3
    );
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "src"],
        &["check", "src/client.py", "--format", "json"],
    ] {
        let run = repo.keygate(args);
        assert_eq!(run.code(), 1, "{args:?}");
        let all = format!("{}{}", run.stdout(), run.stderr());
        assert!(!all.contains(&key), "{args:?} printed the value");
        assert!(
            !all.contains(&key[2..key.len() - 2]),
            "{args:?} printed most of it"
        );
    }
    // Nothing keygate wrote holds it either.
    for entry in walk(&repo.path().join(".git")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "{} holds the value",
            entry.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn local_values_come_from_nested_untracked_env_files_only_and_skip_placeholders() {
    let repo = TestRepo::new();
    let nested = local_key();
    let tracked = local_key();
    let template = local_key();
    repo.write(".gitignore", ".env\n.env.local\n")
        .write(
            "services/api/.env.local",
            format!("SERVICE_TOKEN={nested}\nAPI_KEY=your_api_key_here\nNODE_ENV=development\n"),
        )
        .write("legacy.env", format!("LEGACY_TOKEN={tracked}\n"))
        .stage("legacy.env")
        .commit("legacy")
        .write(".env.example", format!("EXAMPLE_TOKEN={template}\n"))
        .write(
            "notes.txt",
            format!("{nested}\nyour_api_key_here development\n{tracked}\n"),
        );
    let (code, found) = repo.check();
    assert_eq!(code, 1);
    let leaks: Vec<&String> = found.iter().filter(|f| f.contains("value-leak")).collect();
    assert_eq!(leaks, vec!["env-value-leak@notes.txt"]);
    // Disabled: no leak finding at all.
    repo.write(".keygate.toml", "disable = [\"env-value-leak\"]\n");
    let (_, found) = repo.check();
    assert!(found.iter().all(|f| !f.contains("value-leak")), "{found:?}");
}

#[test]
fn an_allow_marker_or_a_value_only_in_its_env_file_passes() {
    let repo = TestRepo::new();
    let key = local_key();
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("TELNXO_API_KEY={key}\n"))
        .write("doc.md", format!("rotated: {key} <!-- keygate:allow -->\n"))
        .write("app.js", "process.env.TELNXO_API_KEY\n");
    assert_eq!(repo.check(), (0, vec![]));
}

#[test]
fn an_env_file_that_does_not_parse_is_a_note_and_the_rest_is_still_checked() {
    let repo = TestRepo::new();
    let key = local_key();
    repo.write(".gitignore", ".env\n")
        .write(
            ".env",
            format!("A=1\nthis line is not an assignment {key}\nTELNXO_API_KEY={key}\n"),
        )
        .write("leak.txt", format!("{key}\n"));
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    let out = run.stdout();
    assert!(out.contains("note: .env:2: not valid .env syntax"), "{out}");
    assert!(out.contains("[env-value-leak]"), "{out}");
    assert!(!out.contains(&key) && !run.stderr().contains(&key));
    // The JSON report carries the same note, and the key nowhere.
    let json = repo.keygate(&["check", "--format", "json"]);
    assert!(json.json()["notes"].as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap()
        .starts_with(".env:2: not valid .env syntax")));
    assert!(!json.stdout().contains(&key));
    repo.write("leak.txt", "clean\n");
    assert_eq!(repo.keygate(&["check"]).code(), 0);
}

// --- config ----------------------------------------------------------------------------------

#[test]
fn config_env_file_patterns_and_rule_switches_apply() {
    let repo = TestRepo::new();
    repo.write("deploy/prod.secrets", "TOKEN=1\n")
        .write(".env", "A=1\n")
        .write(
            ".keygate.toml",
            "[env]\nfiles = [\"*.secrets\"]\ntemplates = []\n",
        );
    assert_eq!(
        repo.check(),
        (1, vec!["env-not-ignored@deploy/prod.secrets".into()])
    );
    repo.write(
        ".keygate.toml",
        "disable = [\"env-not-ignored\"]\n[env]\nfiles = [\"*.secrets\"]\n",
    );
    assert_eq!(repo.check(), (0, vec![]));
    repo.write(".keygate.toml", "[severity]\nenv-not-ignored = \"warn\"\n");
    assert_eq!(repo.check(), (0, vec!["env-not-ignored@.env".into()]));
    repo.write(".keygate.toml", "[env]\nfiles = [\"[\"]\n");
    repo.keygate(&["check"]).assert_error(".keygate.toml");
}

// --- keygate fix -----------------------------------------------------------------------------

#[test]
fn fix_dry_run_changes_nothing_then_fix_repairs_and_the_next_commit_is_clean() {
    let repo = TestRepo::new();
    let key = local_key();
    let env_bytes = format!("# keys\r\nTELNXO_API_KEY='{key}'\r\n");
    repo.write(".gitignore", "node_modules/\ntarget")
        .write(".env", &env_bytes)
        .write("apps/web/.env.local", "PORT=1\n")
        .write(".env.example", "TELNXO_API_KEY=\n")
        .write("config/prod.env", "PORT=2\n")
        .stage(".gitignore")
        .stage(".env")
        .stage(".env.example")
        .stage("config/prod.env")
        .commit("oops");
    assert_eq!(
        env_check(&repo).1,
        vec![
            "env-not-ignored@.env",
            "env-tracked@.env",
            "env-not-ignored@apps/web/.env.local",
            "env-not-ignored@config/prod.env",
            "env-tracked@config/prod.env",
        ]
    );
    let before_index = std::fs::read(repo.path().join(".git/index")).unwrap();
    let dry = repo.keygate(&["fix", "--dry-run"]);
    assert_eq!(dry.code(), 0, "{}", dry.stderr());
    let out = dry.stdout();
    for line in [
        "would add `.env` to .gitignore",
        "would add `.env.*` to .gitignore",
        "would add `*.env` to .gitignore",
        "would add `!.env.example` to .gitignore",
        "would untrack .env",
        "would untrack config/prod.env",
        "dry run: nothing was changed",
        "Revoke and rotate",
    ] {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    assert_eq!(repo.read(".gitignore"), b"node_modules/\ntarget");
    assert_eq!(
        std::fs::read(repo.path().join(".git/index")).unwrap(),
        before_index
    );

    let run = repo.keygate(&["fix"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let out = run.stdout();
    assert!(out.contains("untracked .env (`git rm --cached`"), "{out}");
    assert!(out.contains("Untracking does not erase history"), "{out}");
    assert!(!out.contains(&key));
    let gitignore = String::from_utf8(repo.read(".gitignore")).unwrap();
    assert!(
        gitignore.starts_with("node_modules/\ntarget\n\n# "),
        "{gitignore}"
    );
    let lines: Vec<&str> = gitignore.lines().collect();
    for line in [".env", ".env.*", "*.env", "!.env.example"] {
        assert!(lines.contains(&line), "{line} missing from:\n{gitignore}");
    }
    assert_eq!(
        repo.read(".env"),
        env_bytes.as_bytes(),
        "the .env file changed"
    );
    assert_eq!(repo.read("config/prod.env"), b"PORT=2\n");
    assert_eq!(ls_files(&repo), ".env.example\n.gitignore\n");

    assert_eq!(repo.check(), (0, vec![]));
    repo.stage(".gitignore")
        .commit("keep .env files out of Git");
    assert_eq!(repo.check(), (0, vec![]));
    assert_eq!(ls_files(&repo), ".env.example\n.gitignore\n");
    // Fixing again finds nothing to do and leaves .gitignore alone.
    let again = repo.keygate(&["fix"]);
    assert!(
        again.stdout().contains("nothing to fix"),
        "{}",
        again.stdout()
    );
    assert_eq!(repo.read(".gitignore"), gitignore.as_bytes());
}

#[test]
fn fix_creates_a_gitignore_and_keeps_crlf_style() {
    let repo = TestRepo::new();
    repo.write(".env", "A=1\n");
    assert_eq!(repo.keygate(&["fix"]).code(), 0);
    assert!(String::from_utf8(repo.read(".gitignore"))
        .unwrap()
        .lines()
        .any(|l| l == ".env"));
    assert_eq!(repo.check(), (0, vec![]));

    let repo = TestRepo::new();
    repo.write(".gitignore", "dist/\r\n")
        .write("prod.env", "A=1\n");
    assert_eq!(repo.keygate(&["fix"]).code(), 0);
    let text = String::from_utf8(repo.read(".gitignore")).unwrap();
    assert!(text.starts_with("dist/\r\n\r\n# "), "{text:?}");
    assert!(text.ends_with("*.env\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    assert_eq!(repo.check(), (0, vec![]));
}

#[test]
fn staged_hygiene_gives_the_checks_and_the_known_values() {
    use keygate::config::Config;
    use keygate::finding::Fingerprinter;
    use keygate::git::Repo;
    let repo = TestRepo::new();
    let key = local_key();
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("TELNXO_API_KEY={key}\n"))
        .write("prod.env", "A=1\n")
        .stage("prod.env")
        .stage(".gitignore");
    let git = Repo::discover(repo.path()).unwrap().unwrap();
    let config = Config::default();
    let scanner = keygate::Scanner::new(config.compile_rules().unwrap(), Default::default());
    let fingerprints = Fingerprinter::default();
    let scope = keygate::hygiene::Scope::Staged(git.staged_paths().unwrap());
    let staged =
        keygate::hygiene::check(&git, &config, &scanner, &fingerprints, scope, None).unwrap();
    let found: Vec<String> = staged
        .findings
        .iter()
        .map(|f| format!("{}@{}", f.rule_id, f.file))
        .collect();
    assert_eq!(
        found,
        vec!["env-staged@prod.env", "env-not-ignored@prod.env"]
    );
    let text = format!("const a = 1;\nconst k = '{key}';\n// {key}\n");
    let leaks_in = |file: &str| -> Vec<_> {
        let known = &staged.known;
        known
            .scan(text.as_bytes())
            .iter()
            .map(|leak| known.finding(leak, file, &fingerprints))
            .collect()
    };
    let leaks = leaks_in("src/a.js");
    assert_eq!(leaks.len(), 2, "the value, wherever it is");
    assert_eq!((leaks[0].line, leaks[0].column), (Some(2), Some(12)));
    assert!(leaks[0].message.contains("TELNXO_API_KEY from .env"));
    assert!(!serde_json::to_string(&leaks).unwrap().contains(&key));
    // In a `.env` file the value is not a leak: the other checks report such files.
    let mut in_env_file = leaks_in("b.env");
    assert_eq!(in_env_file.len(), 2);
    staged.drop_leaks_in_env_files(&mut in_env_file);
    assert!(in_env_file.is_empty());
}

#[test]
fn env_value_leak_severity_follows_the_config() {
    let repo = TestRepo::new();
    let key = local_key();
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("TELNXO_API_KEY={key}\n"))
        .write("a.txt", format!("{key}\n"))
        .write(".keygate.toml", "[severity]\nenv-value-leak = \"warn\"\n");
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0);
    assert_eq!(run.json()["findings"][0]["severity"], "warn");
}

#[test]
fn fix_only_untracks_when_the_ignore_rule_exists_and_needs_a_repository() {
    let repo = TestRepo::new();
    repo.write(".env", "A=1\n")
        .stage(".env")
        .commit("oops")
        .write(".gitignore", ".env\n");
    let run = repo.keygate(&["fix"]);
    assert_eq!(run.code(), 0);
    assert!(!run.stdout().contains(".gitignore"), "{}", run.stdout());
    assert_eq!(repo.read(".gitignore"), b".env\n");
    assert_eq!(ls_files(&repo), "");
    assert_eq!(repo.check(), (0, vec![]));

    let dir = TestRepo::plain();
    dir.keygate(&["fix"])
        .assert_error("not inside a Git repository");
}

#[test]
fn a_value_shared_with_a_template_is_a_default_not_a_local_secret() {
    let repo = TestRepo::new();
    let shared = local_key();
    let own = local_key();
    repo.write(".gitignore", ".env\n")
        .write(
            ".env",
            format!("FEATURE_SEED={shared}\nSESSION_SECRET={own}\n"),
        )
        .write(
            ".env.example",
            format!("# keygate:allow\nFEATURE_SEED={shared} # keygate:allow\nSESSION_SECRET=\n"),
        )
        .write("app.txt", format!("{shared}\n"));
    assert_eq!(repo.check(), (0, vec![]));
    repo.write("app.txt", format!("{own}\n"));
    assert_eq!(repo.check(), (1, vec!["env-value-leak@app.txt".into()]));
}

#[test]
fn keygate_rules_lists_the_env_rules_with_their_state() {
    let repo = TestRepo::new();
    repo.write(".keygate.toml", "disable = [\"env-staged\"]\n");
    let out = repo.keygate(&["rules"]).stdout();
    let line = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} missing:\n{out}"))
            .to_string()
    };
    assert!(line("env-client-exposed").contains(" warn "));
    assert!(line("env-tracked").contains(" block "));
    assert!(line("env-value-leak").contains(" block "));
    assert!(line("env-staged").contains(" off "));
}

/// `keygate fix` stages the .gitignore lines it adds, and speaks of exposed history only when a
/// `.env` file was in fact committed. See: issue 15.
#[test]
fn fix_stages_gitignore_and_warns_of_history_only_after_a_commit() {
    let repo = TestRepo::new();
    repo.write("README.md", "hi\n")
        .stage("README.md")
        .commit("start");
    repo.write(".env", format!("TELNXO_API_KEY={}\n", local_key()))
        .stage(".env");
    let run = repo.keygate(&["fix"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    let out = run.stdout();
    assert!(out.contains("untracked .env"), "{out}");
    assert!(out.contains("staged .gitignore"), "{out}");
    assert!(
        !out.contains("does not erase history"),
        "never committed: {out}"
    );
    let staged = repo.git(&["diff", "--cached", "--name-only"]);
    assert_eq!(staged.trim(), ".gitignore", "{staged}");
    // The next commit, with the hook, passes and carries the ignore line.
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    let out = repo.git_output(&["commit", "-q", "-m", "ignore .env"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
