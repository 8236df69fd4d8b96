//! `keygate doctor` on real repositories built to fail and to pass each check.

use crate::common::{fake, migosmtp_key, migosmtp_line, TestRepo, ALNUM};
use serde_json::Value;

/// `keygate doctor --format json`: the exit code and each check by id.
fn doctor(repo: &TestRepo, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["doctor", "--format", "json"];
    args.extend_from_slice(extra);
    let run = repo.keygate(&args);
    assert_ne!(run.code(), 2, "doctor failed: {}", run.text());
    let checks = run.json()["checks"].as_array().unwrap().clone();
    (run.code(), checks)
}

/// The status, message and fix of check `id`.
fn verdict(checks: &[Value], id: &str) -> (String, String, String) {
    let check = checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {checks:?}"));
    let text = |k: &str| check[k].as_str().unwrap().to_string();
    (text("status"), text("message"), text("fix"))
}

fn status_of(checks: &[Value], id: &str) -> String {
    verdict(checks, id).0
}

/// A repository that passes every check: hook installed, keys in a gitignored `.env` read by
/// server code, a template with the same names, a secrets manager in production.
fn healthy() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("MIGOSMTP_API_KEY={}\n", migosmtp_key()))
        .write(".env.example", "MIGOSMTP_API_KEY=your-key-here\n")
        .write(
            "server/send.py",
            "import os\nimport hvac\nKEY = os.environ['MIGOSMTP_API_KEY']\n",
        )
        .stage(".gitignore")
        .stage(".env.example")
        .stage("server/send.py")
        .commit("app");
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    repo
}

#[test]
fn a_healthy_repository_passes_every_check_with_rule_numbers() {
    let repo = healthy();
    let (code, checks) = doctor(&repo, &[]);
    let failed: Vec<&Value> = checks.iter().filter(|c| c["status"] != "pass").collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(code, 0);
    for c in &checks {
        let rule = c["rule"].as_u64().unwrap();
        assert!((1..=10).contains(&rule), "{c}");
        assert!(c["fix"].is_string() && c["message"].is_string(), "{c}");
    }
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in [
        "hook",
        "no-hard-coded-keys",
        "env-kept-out",
        "env-template",
        "one-key-per-app",
        "rotation",
        "client-side",
        "dormant-keys",
        "secrets-manager",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let human = repo.keygate(&["doctor"]);
    assert_eq!(human.code(), 0, "{}", human.text());
    assert!(
        human.stdout().contains("pass  rule  1  hook"),
        "{}",
        human.stdout()
    );
}

#[test]
fn hook_fails_when_missing_or_shadowed_by_core_hooks_path() {
    let repo = healthy();
    repo.git(&["config", "core.hooksPath", "elsewhere"]);
    let (code, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, fix) = verdict(&checks, "hook");
    assert_eq!(status, "fail");
    assert_eq!(code, 1);
    assert!(
        message.contains("core.hooksPath (local config)"),
        "{message}"
    );
    assert!(message.contains("never runs"), "{message}");
    assert!(fix.contains("keygate install"), "{fix}");
    // Installing again puts the hook where Git now looks.
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    let (_, checks) = doctor(&repo, &["--no-history"]);
    assert_eq!(status_of(&checks, "hook"), "pass");

    let bare = TestRepo::new();
    let (_, checks) = doctor(&bare, &["--no-history"]);
    let (status, message, _) = verdict(&checks, "hook");
    assert_eq!(status, "fail");
    assert!(message.contains("no pre-commit hook"), "{message}");
}

#[test]
fn a_key_removed_from_the_tree_still_fails_with_the_incident_checklist() {
    let repo = healthy();
    let key = migosmtp_key();
    repo.write("config.py", migosmtp_line(&key))
        .stage("config.py")
        .commit("oops");
    repo.write("config.py", "KEY = os.environ['MIGOSMTP_API_KEY']\n")
        .stage("config.py")
        .commit("fix");
    let run = repo.keygate(&["doctor", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert!(!run.stdout().contains(&key), "doctor printed a whole key");
    let checks = run.json()["checks"].as_array().unwrap().clone();
    let (status, message, fix) = verdict(&checks, "no-hard-coded-keys");
    assert_eq!(status, "fail");
    assert!(
        message.contains("in the history: migosmtp-api-key in config.py"),
        "{message}"
    );
    assert!(fix.contains("revoke it at the provider"), "{fix}");
    assert!(fix.contains("review the provider's API logs"), "{fix}");
    // Without the history audit only today counts.
    let (_, checks) = doctor(&repo, &["--no-history"]);
    assert_eq!(status_of(&checks, "no-hard-coded-keys"), "pass");
}

#[test]
fn an_env_file_ever_committed_is_named_with_its_commit() {
    let repo = healthy();
    repo.write("old/.env", "A=1\n");
    repo.git(&["add", "-f", "old/.env"]);
    repo.commit("env");
    let commit = repo
        .git(&["rev-parse", "--short", "HEAD"])
        .trim()
        .to_string();
    repo.git(&["rm", "-q", "--cached", "old/.env"]);
    repo.commit("untrack");
    let (code, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, fix) = verdict(&checks, "env-kept-out");
    assert_eq!((status.as_str(), code), ("fail", 1));
    assert!(
        message.contains(&format!("old/.env in {commit}")),
        "{message}"
    );
    assert!(fix.contains("revoke and rotate"), "{fix}");
}

#[test]
fn the_same_key_in_two_apps_fails_without_printing_it() {
    let repo = healthy();
    let shared = fake("sk_live_", 24, ALNUM);
    repo.write(".gitignore", ".env\n")
        .write("apps/web/.env", format!("STRIPE_SECRET_KEY={shared}\n"))
        .write("apps/api/.env", format!("PAYMENTS_KEY={shared}\n"));
    let run = repo.keygate(&["doctor", "--no-history", "--format", "json"]);
    assert!(
        !run.stdout().contains(&shared),
        "doctor printed a whole key"
    );
    let checks = run.json()["checks"].as_array().unwrap().clone();
    let (status, message, _) = verdict(&checks, "one-key-per-app");
    assert_eq!(status, "fail");
    assert!(
        message.contains("PAYMENTS_KEY in apps/api/.env"),
        "{message}"
    );
    assert!(
        message.contains("STRIPE_SECRET_KEY in apps/web/.env"),
        "{message}"
    );
    // Different keys per app pass.
    repo.write(
        "apps/api/.env",
        format!("PAYMENTS_KEY={}\n", fake("sk_live_", 24, ALNUM)),
    );
    let (_, checks) = doctor(&repo, &["--no-history"]);
    assert_eq!(status_of(&checks, "one-key-per-app"), "pass");
}

#[test]
fn a_key_older_than_the_period_is_due_for_rotation() {
    let repo = healthy();
    let (_, checks) = doctor(&repo, &["--no-history"]);
    assert_eq!(status_of(&checks, "rotation"), "pass");
    let record = repo.path().join(".git/keygate/rotation.tsv");
    let text = std::fs::read_to_string(&record).unwrap();
    let key_line = text.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(key_line.contains("MIGOSMTP_API_KEY\t.env"), "{text}");
    assert!(
        !text.contains(&String::from_utf8(repo.read(".env")).unwrap()[17..]),
        "the record holds a value"
    );
    // Age the record: first seen 100 days ago.
    let fields: Vec<&str> = key_line.split('\t').collect();
    let aged = text.replace(fields[1], "2020-01-01");
    std::fs::write(&record, aged).unwrap();
    let (code, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, fix) = verdict(&checks, "rotation");
    assert_eq!(status, "warn");
    assert_eq!(code, 0, "a warning does not fail doctor");
    assert!(
        message.contains("MIGOSMTP_API_KEY in .env (first seen 2020-01-01"),
        "{message}"
    );
    assert!(fix.contains("revoke the old one"), "{fix}");
    // The first-seen date is kept, and a longer period passes.
    let (_, checks) = doctor(&repo, &["--no-history", "--rotation-days", "100000"]);
    assert_eq!(status_of(&checks, "rotation"), "pass");
    assert!(std::fs::read_to_string(&record)
        .unwrap()
        .contains("2020-01-01"));
}

#[test]
fn a_react_component_reading_a_secret_fails_client_side() {
    let repo = healthy();
    repo.write(
        "src/components/Send.jsx",
        "export function Send() {\n  const key = process.env.MIGOSMTP_API_KEY;\n  return null;\n}\n",
    )
    .stage("src/components/Send.jsx")
    .commit("component");
    let (code, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, fix) = verdict(&checks, "client-side");
    assert_eq!((status.as_str(), code), ("fail", 1));
    assert!(
        message.contains("MIGOSMTP_API_KEY in src/components/Send.jsx:2"),
        "{message}"
    );
    assert!(fix.contains("server code"), "{fix}");
    // The same read in server code is fine; so is another glob list without that folder.
    let (_, checks) = doctor(&repo, &["--no-history", "--client-files", "public/**"]);
    assert_eq!(status_of(&checks, "client-side"), "pass");
}

#[test]
fn a_key_nothing_reads_is_dormant_and_a_template_missing_names_warns() {
    let repo = healthy();
    let env = String::from_utf8(repo.read(".env")).unwrap();
    repo.write(
        ".env",
        format!("{env}TELNXO_API_KEY={}\n", fake("KEY", 40, ALNUM)),
    );
    let (code, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, _) = verdict(&checks, "dormant-keys");
    assert_eq!(status, "warn");
    assert!(message.contains("TELNXO_API_KEY (.env)"), "{message}");
    assert!(
        !message.contains("MIGOSMTP_API_KEY"),
        "server/send.py reads it: {message}"
    );
    let (status, message, _) = verdict(&checks, "env-template");
    assert_eq!(status, "warn");
    assert!(
        message.contains(".env.example lacks TELNXO_API_KEY"),
        "{message}"
    );
    assert_eq!(code, 0);

    repo.git(&["rm", "-q", ".env.example"]);
    let (_, checks) = doctor(&repo, &["--no-history"]);
    let (_, message, _) = verdict(&checks, "env-template");
    assert!(
        message.contains(".env has no template beside it"),
        "{message}"
    );
}

#[test]
fn no_secrets_manager_is_a_warning() {
    let repo = healthy();
    repo.write(
        "server/send.py",
        "import os\nKEY = os.environ['MIGOSMTP_API_KEY']\n",
    )
    .stage("server/send.py")
    .commit("no vault");
    let (code, checks) = doctor(&repo, &["--no-history"]);
    assert_eq!(status_of(&checks, "secrets-manager"), "warn");
    assert_eq!(code, 0);
}

#[test]
fn doctor_outside_a_repository_says_what_it_needs() {
    let dir = TestRepo::plain();
    let run = dir.keygate(&["doctor"]);
    assert_eq!(run.code(), 2);
    assert!(run.text().contains("keygate doctor"), "{}", run.text());
}

#[test]
fn the_readme_example_repository_reports_what_the_readme_shows() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/doctor-demo.sh");
    let out = std::process::Command::new("sh")
        .arg(script)
        .env("KEYGATE", crate::common::keygate_bin())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "pass  rule  1  hook",
        "warn  rule  3  env-template        .env.example lacks OLD_SMS_TOKEN (defined in .env)",
        "fail  rule  7  client-side         client-side code reads TELNXO_API_KEY in web/src/components/SmsStatus.jsx:3",
        "warn  rule  9  dormant-keys        no tracked file reads OLD_SMS_TOKEN (.env)",
        "keygate doctor: 5 pass, 3 warn, 1 fail (exit 1)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

// See: issue #12 (credential files)
#[test]
fn a_credential_file_kept_in_or_ever_committed_fails_rule_2() {
    let repo = healthy();
    repo.write(
        "deploy/id_ed25519",
        "any content: the name makes it a key file\n",
    );
    repo.git(&["add", "-f", "deploy/id_ed25519"]);
    repo.commit("key");
    let commit = repo
        .git(&["rev-parse", "--short", "HEAD"])
        .trim()
        .to_string();
    let (_, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, _) = verdict(&checks, "env-kept-out");
    assert_eq!(status, "fail");
    assert!(
        message.contains("deploy/id_ed25519 (credential-file-tracked)"),
        "{message}"
    );
    repo.git(&["rm", "-q", "--cached", "deploy/id_ed25519"]);
    repo.write(".gitignore", ".env\nid_ed25519\n")
        .stage(".gitignore")
        .commit("untrack");
    let (_, checks) = doctor(&repo, &["--no-history"]);
    let (status, message, _) = verdict(&checks, "env-kept-out");
    assert_eq!(status, "fail");
    assert!(
        message.contains(&format!("deploy/id_ed25519 in {commit}")),
        "{message}"
    );
}
