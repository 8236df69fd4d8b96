//! Credential files (`.netrc`, `.pgpass`, private keys, token-holding `.npmrc`, …): one group
//! per rule id, content-dependent formats both ways, `keygate fix`, the config extension, and
//! what `keygate rules` and SARIF say. Every test runs the real binary in a real temporary
//! repository; the commit tests go through a real `git commit` with the hook installed.
// See: issue #12

use crate::common::*;

/// The exit code of a worktree check and its `credential-file-*` findings (`rule@file`).
fn credential_check(repo: &TestRepo) -> (i32, Vec<String>) {
    repo.check_rules("credential-file-")
}

/// A password drawn for this run: short and weak-looking on purpose (no rule would take it for
/// a key outside a credential file).
fn weak_password() -> String {
    fake("pw", 6, ALNUM)
}

fn install(repo: &TestRepo) {
    let run = repo.keygate(&["install"]);
    assert_eq!(run.code(), 0, "{}", run.text());
}

/// `git commit` through the installed hook: whether it passed, and what it printed.
fn hooked_commit(repo: &TestRepo, message: &str) -> (bool, String) {
    let out = repo.git_output(&["commit", "-q", "-m", message]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ls_files(repo: &TestRepo) -> String {
    repo.git(&["ls-files"])
}

// --- credential-file-staged ------------------------------------------------------------------

#[test]
fn a_staged_pgpass_blocks_the_commit_without_printing_the_password() {
    let repo = TestRepo::new();
    install(&repo);
    let password = weak_password();
    repo.write(".pgpass", format!("localhost:5432:app:app:{password}\n"))
        .stage(".pgpass");
    let (passed, text) = hooked_commit(&repo, "add pgpass");
    assert!(!passed, "{text}");
    assert!(text.contains("credential-file-staged"), "{text}");
    assert!(text.contains("credential-file-secret"), "{text}");
    assert!(text.contains(".pgpass:1:"), "{text}");
    assert!(!text.contains(&password), "the password is printed: {text}");
    assert!(repo.git_output(&["rev-parse", "HEAD"]).status.code() != Some(0));
    // One finding per problem: staged (not also not ignored), and the password to rotate.
    assert_eq!(
        repo.keygate(&["check", "--staged", "--format", "json"])
            .ids(),
        vec![
            "credential-file-staged@.pgpass".to_string(),
            "credential-file-secret@.pgpass".to_string(),
        ]
    );
}

#[test]
fn every_default_credential_file_blocks_a_commit() {
    let secret = weak_password();
    let files: &[(&str, String)] = &[
        (
            ".netrc",
            format!("machine example.com login me password {secret}\n"),
        ),
        (
            ".git-credentials",
            format!("https://me:{secret}@git.example.com\n"),
        ),
        (
            ".my.cnf",
            format!("[client]\nuser=root\npassword={secret}\n"),
        ),
        (
            ".pypirc",
            format!("[pypi]\nusername = me\npassword = {secret}\n"),
        ),
        (
            ".docker/config.json",
            format!(
                "{{\n  \"auths\": {{\n    \"r.example\": {{ \"auth\": \"{secret}\" }}\n  }}\n}}\n"
            ),
        ),
        (".s3cfg", format!("[default]\nsecret_key = {secret}\n")),
        (
            ".aws/credentials",
            format!("[default]\naws_secret_access_key = {secret}\n"),
        ),
        ("deploy/id_ed25519", "not parsed: any content\n".to_string()),
        ("config/master.key", format!("{secret}\n")),
        ("public/.htpasswd", format!("admin:{secret}\n")),
        ("infra/terraform.tfstate", "{}\n".to_string()),
        ("android/release.keystore", "\u{0}binary\n".to_string()),
        (
            "kubeconfig",
            format!("users:\n- name: ci\n  user:\n    token: {secret}\n"),
        ),
        (
            "sitemanager.xml",
            format!("<Server><Pass>{secret}</Pass></Server>\n"),
        ),
        (
            "sftp-config.json",
            format!("{{\n  \"password\": \"{secret}\",\n}}\n"),
        ),
    ];
    for (path, content) in files {
        let repo = TestRepo::new();
        install(&repo);
        repo.write(path, content).stage(path);
        let (passed, text) = hooked_commit(&repo, "add");
        assert!(!passed, "{path} was committed: {text}");
        assert!(text.contains("credential-file-staged"), "{path}: {text}");
        assert!(
            !text.contains(&secret),
            "{path}: the secret is printed: {text}"
        );
    }
}

// --- content-dependent formats -----------------------------------------------------------------

#[test]
fn an_npmrc_without_a_token_commits_and_one_with_a_token_does_not() {
    let repo = TestRepo::new();
    install(&repo);
    repo.write(
        ".npmrc",
        "registry=https://registry.npmjs.org/\nsave-exact=true\n\
         //registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    )
    .stage(".npmrc");
    let (passed, text) = hooked_commit(&repo, "npmrc without a token");
    assert!(passed, "{text}");
    assert!(text.is_empty(), "a passing commit prints nothing: {text}");
    assert_eq!(credential_check(&repo), (0, vec![]));

    let token = fake("npm_", 36, ALNUM);
    repo.write(
        ".npmrc",
        format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={token}\n"),
    )
    .stage(".npmrc");
    let (passed, text) = hooked_commit(&repo, "npmrc with a token");
    assert!(!passed, "{text}");
    assert!(text.contains("credential-file-staged"), "{text}");
    assert!(!text.contains(&token), "{text}");
}

#[test]
fn token_free_kubeconfig_and_docker_config_pass() {
    let repo = TestRepo::new();
    install(&repo);
    repo.write(
        "kubeconfig",
        "apiVersion: v1\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n",
    )
    .write(
        ".docker/config.json",
        "{\n  \"auths\": { \"ghcr.io\": {} },\n  \"credsStore\": \"desktop\"\n}\n",
    )
    .stage("kubeconfig")
    .stage(".docker/config.json");
    let (passed, text) = hooked_commit(&repo, "config without credentials");
    assert!(passed, "{text}");
    assert_eq!(credential_check(&repo), (0, vec![]));
}

// --- credential-file-tracked and credential-file-secret --------------------------------------

#[test]
fn a_tracked_netrc_is_reported_by_check_with_the_password_redacted() {
    let repo = TestRepo::new();
    let password = weak_password();
    repo.write(".gitignore", ".netrc\n")
        .write(
            ".netrc",
            format!("machine api.example.com\n  login me\n  password {password}\n"),
        )
        .stage(".gitignore")
        .git(&["add", "-f", ".netrc"]);
    repo.commit("oops");
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert!(!run.stdout().contains(&password));
    let ids = run.ids();
    assert_eq!(
        ids,
        vec![
            "credential-file-tracked@.netrc".to_string(),
            "credential-file-secret@.netrc".to_string(),
        ]
    );
    let findings = run.json_findings();
    let tracked = &findings[0];
    assert_eq!(tracked["category"], "env");
    assert_eq!(tracked["severity"], "block");
    assert!(tracked["line"].is_null() && tracked["redacted"].is_null());
    let message = tracked["message"].as_str().unwrap();
    assert!(message.contains("git rm --cached .netrc"), "{message}");
    let secret = &findings[1];
    assert_eq!(
        (secret["line"].as_u64(), secret["column"].as_u64()),
        (Some(3), Some(12))
    );
    assert!(secret["redacted"].as_str().unwrap().contains('…'));
}

#[test]
fn a_secret_rule_does_not_report_a_credential_file_line_twice() {
    let repo = TestRepo::new();
    let key_id = aws_key_id();
    let secret = fake("", 40, ALNUM);
    repo.write(
        ".aws/credentials",
        format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"),
    )
    .stage(".aws/credentials")
    .commit("oops");
    let run = repo.keygate(&["check", "--format", "json"]);
    let lines: Vec<(String, Option<u64>)> = run
        .json_findings()
        .iter()
        .filter(|f| !f["line"].is_null())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
            )
        })
        .collect();
    assert!(
        lines.contains(&("credential-file-secret".into(), Some(3))),
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|(_, line)| *line == Some(3)).count(),
        1,
        "{lines:?}"
    );
    assert!(!run.stdout().contains(&secret));
}

// --- credential-file-not-ignored -------------------------------------------------------------

#[test]
fn an_unignored_private_key_is_reported_until_ignored() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n")
        .stage("README.md")
        .commit("init")
        .write("deploy/id_rsa", "placeholder for a key file\n");
    assert_eq!(
        credential_check(&repo),
        (1, vec!["credential-file-not-ignored@deploy/id_rsa".into()])
    );
    repo.write(".gitignore", "id_rsa\n");
    assert_eq!(credential_check(&repo), (0, vec![]));
}

#[test]
fn an_id_rsa_pub_is_not_a_credential_file() {
    let repo = TestRepo::new();
    repo.write("id_rsa.pub", "ssh-ed25519 AAAA me@host\n")
        .stage("id_rsa.pub")
        .commit("public key");
    assert_eq!(credential_check(&repo), (0, vec![]));
}

// --- keygate fix -----------------------------------------------------------------------------

#[test]
fn fix_ignores_and_untracks_credential_files_and_keeps_them_on_disk() {
    let repo = TestRepo::new();
    let netrc = format!("machine h login u password {}\n", weak_password());
    let npmrc = format!("//r.example/:_authToken={}\n", fake("", 20, ALNUM));
    repo.write(".netrc", &netrc)
        .write("web/.npmrc", &npmrc)
        .write(".npmrc", "registry=https://registry.npmjs.org/\n")
        .stage(".netrc")
        .stage("web/.npmrc")
        .stage(".npmrc")
        .commit("oops");
    let dry = repo.keygate(&["fix", "--dry-run"]);
    assert_eq!(dry.code(), 0, "{}", dry.text());
    assert!(
        dry.stdout().contains("would untrack .netrc"),
        "{}",
        dry.stdout()
    );
    assert!(ls_files(&repo).contains(".netrc\n"));

    let run = repo.keygate(&["fix"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    assert!(
        run.stdout().contains("Revoke and rotate"),
        "{}",
        run.stdout()
    );
    let gitignore = String::from_utf8(repo.read(".gitignore")).unwrap();
    assert!(gitignore.contains("# credential files"), "{gitignore}");
    assert!(gitignore.lines().any(|l| l == ".netrc"), "{gitignore}");
    // A content-dependent file is ignored by its own path: the token-free `.npmrc` stays.
    assert!(gitignore.lines().any(|l| l == "/web/.npmrc"), "{gitignore}");
    assert!(!gitignore.lines().any(|l| l == ".npmrc"), "{gitignore}");
    let files = ls_files(&repo);
    assert!(
        !files.contains(".netrc\n") && !files.contains("web/.npmrc"),
        "{files}"
    );
    assert!(files.contains(".npmrc\n"), "{files}");
    assert_eq!(repo.read(".netrc"), netrc.as_bytes());
    assert_eq!(repo.read("web/.npmrc"), npmrc.as_bytes());
    repo.stage(".gitignore").commit("keep credentials out");
    assert_eq!(credential_check(&repo), (0, vec![]));
    assert_eq!(
        repo.keygate(&["fix"]).stdout(),
        "keygate fix: nothing to fix\n"
    );
}

// --- config ----------------------------------------------------------------------------------

#[test]
fn config_extends_the_list_and_tunes_the_rules() {
    let repo = TestRepo::new();
    repo.write(
        ".keygate.toml",
        "[credentials]\nfiles = [\"*.vault\", \"deploy/secrets.txt\"]\n",
    )
    .write("team.vault", "anything\n")
    .write("deploy/secrets.txt", "anything\n")
    .write("other/deploy/secrets.txt", "anything\n")
    .write(".pgpass", format!("*:*:*:u:{}\n", weak_password()))
    .stage(".keygate.toml")
    .stage("team.vault")
    .stage("deploy/secrets.txt")
    .stage("other/deploy/secrets.txt")
    .commit("extended");
    let (code, found) = credential_check(&repo);
    assert_eq!(code, 1);
    assert!(
        found.contains(&"credential-file-tracked@team.vault".into()),
        "{found:?}"
    );
    assert!(
        found.contains(&"credential-file-tracked@deploy/secrets.txt".into()),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.ends_with("@other/deploy/secrets.txt")),
        "{found:?}"
    );
    // The built-in list is extended, not replaced.
    assert!(
        found.contains(&"credential-file-not-ignored@.pgpass".into()),
        "{found:?}"
    );

    repo.write(
        ".keygate.toml",
        "disable = [\"credential-file-not-ignored\", \"credential-file-secret\"]\n\
         [severity]\ncredential-file-tracked = \"warn\"\n\
         [credentials]\nfiles = [\"*.vault\"]\n",
    );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    let findings = run.json_findings();
    let vault = findings
        .iter()
        .find(|f| f["file"] == "team.vault")
        .expect("still reported");
    assert_eq!(vault["severity"], "warn");
    assert!(!run
        .ids()
        .iter()
        .any(|id| id.starts_with("credential-file-not-ignored")));
}

#[test]
fn an_invalid_credentials_glob_is_an_error_at_its_line() {
    let repo = TestRepo::new();
    repo.write(
        ".keygate.toml",
        "# team files\n[credentials]\nfiles = [\"*.vault\", \"a/[b\"]\n",
    );
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 2);
    run.assert_error(".keygate.toml:3:21");
    run.assert_error("credentials.files");
    repo.write(".keygate.toml", "[credentials]\nfile = [\"*.vault\"]\n");
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 2);
    run.assert_error(".keygate.toml:2:1");
}

// --- rules and SARIF -------------------------------------------------------------------------

#[test]
fn keygate_rules_lists_the_credential_rules() {
    let repo = TestRepo::new();
    repo.write(".keygate.toml", "disable = [\"credential-file-secret\"]\n");
    let out = repo.keygate(&["rules"]).stdout();
    for id in [
        "credential-file-staged",
        "credential-file-tracked",
        "credential-file-not-ignored",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} missing:\n{out}"));
        assert!(line.contains(" block "), "{line}");
    }
    assert!(out
        .lines()
        .any(|l| l.starts_with("credential-file-secret ") && l.contains(" off ")));
    let json = repo.keygate(&["rules", "--format", "json"]).json();
    let row = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "credential-file-tracked")
        .unwrap();
    assert_eq!(row["family"], "credential-file");
}

#[test]
fn sarif_describes_the_credential_rules() {
    let repo = TestRepo::new();
    repo.write(".pgpass", format!("*:*:*:u:{}\n", weak_password()))
        .stage(".pgpass")
        .commit("oops");
    let run = repo.keygate(&["check", "--format", "sarif"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    let sarif = run.json();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for id in [
        "credential-file-staged",
        "credential-file-tracked",
        "credential-file-not-ignored",
        "credential-file-secret",
    ] {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("driver lacks {id}"));
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("credential files"));
        assert_eq!(rule["properties"]["tags"][1], "credential-file");
    }
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"credential-file-tracked"), "{ids:?}");
    assert!(ids.contains(&"credential-file-secret"), "{ids:?}");
}

// --- keygate check PATH ----------------------------------------------------------------------

#[test]
fn a_named_credential_file_is_checked_inside_and_outside_a_repository() {
    let password = weak_password();
    for repo in [TestRepo::new(), TestRepo::plain()] {
        repo.write(".pgpass", format!("db.internal:5432:app:app:{password}\n"))
            .write("notes.txt", "the database runs on port 5432\n");
        let run = repo.keygate(&["check", ".pgpass", "notes.txt", "--format", "json"]);
        assert_eq!(run.code(), 1, "{}", run.text());
        assert_eq!(
            run.findings(),
            vec![(
                "credential-file-secret".to_string(),
                ".pgpass".to_string(),
                Some(1)
            )]
        );
        assert!(!run.stdout().contains(&password));
    }
}
