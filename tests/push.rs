//! Beyond one laptop: `check --range`, the pre-push hook, and the server's pre-receive hook, with
//! real pushes over the `file://` transport to real bare repositories.

use crate::common::{git_in, migosmtp_key, migosmtp_line, TestRepo};
use std::path::Path;

/// A bare repository to push to, in its own temporary folder.
fn bare() -> TestRepo {
    let server = TestRepo::plain();
    server.git(&["init", "-q", "--bare", "-b", "main"]);
    server
}

/// A client whose `origin` is `server`, with one clean commit pushed.
fn client_of(server: &TestRepo) -> TestRepo {
    let client = TestRepo::new();
    let url = format!("file://{}", server.path().display());
    client.git(&["remote", "add", "origin", &url]);
    client
        .write("README.md", "hello\n")
        .stage("README.md")
        .commit("start");
    client.git(&["push", "-q", "origin", "main"]);
    client
}

fn push(client: &TestRepo, args: &[&str]) -> (bool, String) {
    let mut all = vec!["push"];
    all.extend_from_slice(args);
    let out = git_in(client.path(), &all);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn server_ref(server: &TestRepo, name: &str) -> Option<String> {
    let out = git_in(server.path(), &["rev-parse", "--verify", "-q", name]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn range_reports_what_the_commits_of_a_range_add_with_their_commit() {
    let repo = TestRepo::new();
    let (old, new) = (migosmtp_key(), migosmtp_key());
    repo.write("a.py", migosmtp_line(&old))
        .stage("a.py")
        .commit("old key");
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write("b.py", migosmtp_line(&new))
        .stage("b.py")
        .commit("new key");
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let run = repo.keygate(&[
        "check",
        "--range",
        &format!("{base}..HEAD"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code(), 1, "{}", run.text());
    let findings = run.json_findings();
    assert_eq!(findings.len(), 1, "only the range's key: {findings:?}");
    assert_eq!(findings[0]["file"], "b.py");
    assert_eq!(findings[0]["commit"], head.as_str());
    assert!(!run.stdout().contains(&new));
    // A range with nothing new passes; a malformed one is a usage error.
    assert_eq!(repo.keygate(&["check", "--range", "HEAD..HEAD"]).code(), 0);
    assert_eq!(repo.keygate(&["check", "--range", "HEAD"]).code(), 2);
}

#[test]
fn pre_push_blocks_a_secret_committed_with_no_verify_and_lets_clean_pushes_through() {
    let server = bare();
    let client = client_of(&server);
    let run = client.keygate(&["install", "--pre-push"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    assert!(run.stdout().contains("pre-push hook"), "{}", run.stdout());
    let before = server_ref(&server, "main").unwrap();
    let key = migosmtp_key();
    client
        .write("config.py", migosmtp_line(&key))
        .stage("config.py")
        .commit("skip the hook");
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(!ok, "the push went through:\n{text}");
    assert!(text.contains("migosmtp-api-key"), "{text}");
    assert!(text.contains("push blocked"), "{text}");
    assert!(!text.contains(&key), "a whole key was printed");
    assert_eq!(
        server_ref(&server, "main").unwrap(),
        before,
        "the remote moved"
    );
    // A new branch bringing the same commit is checked too.
    client.git(&["branch", "feature"]);
    let (ok, _) = push(&client, &["origin", "feature"]);
    assert!(!ok);
    assert_eq!(server_ref(&server, "feature"), None);
    // Fixed history: the key is gone from every commit being pushed.
    client.git(&["reset", "-q", "--hard", "HEAD~1"]);
    client.git(&["branch", "-q", "-D", "feature"]);
    client
        .write(
            "config.py",
            "import os\nKEY = os.environ['MIGOSMTP_API_KEY']\n",
        )
        .stage("config.py")
        .commit("read the key from the environment");
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(ok, "{text}");
    // A new branch at a commit the remote has, and a deletion, have nothing to check.
    client.git(&["branch", "other"]);
    assert!(push(&client, &["origin", "other"]).0);
    assert!(push(&client, &["origin", "--delete", "other"]).0);
    // Uninstall removes the pre-push hook too.
    assert_eq!(client.keygate(&["uninstall"]).code(), 0);
    assert!(!client.path().join(".git/hooks/pre-push").exists());
}

/// Installs keygate's pre-receive hook in `server`.
fn install_pre_receive(server: &TestRepo) {
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-receive");
    let hook = server.path().join("hooks/pre-receive");
    std::fs::copy(template, &hook).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn pre_receive_rejects_a_push_that_brings_a_secret_and_leaves_the_refs_unchanged() {
    let server = bare();
    let client = client_of(&server);
    install_pre_receive(&server);
    let before = server_ref(&server, "main").unwrap();
    let key = migosmtp_key();
    client
        .write("deep/config.py", migosmtp_line(&key))
        .stage("deep/config.py")
        .commit("key");
    client
        .write("other.txt", "more\n")
        .stage("other.txt")
        .commit("on top");
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(!ok, "the server accepted a key:\n{text}");
    assert!(
        text.contains("remote:") && text.contains("migosmtp-api-key"),
        "{text}"
    );
    assert!(text.contains("deep/config.py"), "{text}");
    assert!(!text.contains(&key), "a whole key was printed");
    assert_eq!(server_ref(&server, "main").unwrap(), before);
    // A tag and a new branch bringing it are rejected alike.
    client.git(&["tag", "v1"]);
    assert!(!push(&client, &["origin", "v1"]).0);
    assert_eq!(server_ref(&server, "v1"), None);
    assert!(!push(&client, &["origin", "main:refs/heads/new"]).0);
    // Rewritten without the key: a force push lands, and so does a clean tag and a deletion.
    client.git(&["reset", "-q", "--hard", "HEAD~2"]);
    client.git(&["tag", "-d", "v1"]);
    client
        .write("ok.txt", "fine\n")
        .stage("ok.txt")
        .commit("clean");
    let (ok, text) = push(&client, &["--force", "origin", "main"]);
    assert!(ok, "{text}");
    assert_eq!(
        server_ref(&server, "main").unwrap(),
        client.git(&["rev-parse", "HEAD"]).trim()
    );
    client.git(&["tag", "v2"]);
    assert!(push(&client, &["origin", "v2"]).0);
    assert!(push(&client, &["origin", "main:refs/heads/copy"]).0);
    assert!(push(&client, &["origin", "--delete", "copy"]).0);
    assert_eq!(server_ref(&server, "copy"), None);
}

#[test]
fn pre_commit_framework_mode_scans_named_files_whole_outside_a_commit() {
    use crate::common::keygate_command;
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write("old.py", migosmtp_line(&key))
        .stage("old.py")
        .commit("old");
    repo.write("new.py", "x = 1\n").stage("new.py");
    // `pre-commit run --files old.py`: the file whole, though it stages nothing.
    let run = repo.keygate(&["check", "--pre-commit", "old.py"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert!(run.stdout().contains("old.py"), "{}", run.stdout());
    // During `git commit` (Git names the index): the staged lines only.
    let index = repo.path().join(".git/index");
    let during = crate::common::Run::of(
        keygate_command(repo.path())
            .args(["check", "--pre-commit", "new.py"])
            .env("GIT_INDEX_FILE", &index),
        None,
    );
    assert_eq!(during.code(), 0, "{}", during.text());
}

#[test]
fn pre_push_under_the_pre_commit_framework_reads_its_refs_from_the_environment() {
    use crate::common::keygate_command;
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n").stage("a.txt").commit("a");
    let from = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let key = migosmtp_key();
    repo.write("b.py", migosmtp_line(&key))
        .stage("b.py")
        .commit("b");
    let to = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let run = |from: &str| {
        crate::common::Run::of(
            keygate_command(repo.path())
                .args(["check", "--pre-push"])
                .env("PRE_COMMIT_FROM_REF", from)
                .env("PRE_COMMIT_TO_REF", &to),
            Some(b""),
        )
    };
    assert_eq!(run(&from).code(), 1);
    assert_eq!(run(&to).code(), 0, "nothing new between the two");
}

/// With no `git` command to run, keygate reads every object through libgit2: the pushed objects,
/// still in Git's quarantine, must be seen by every handle it opens.
#[test]
fn pre_receive_reads_quarantined_objects_without_the_git_command() {
    let server = bare();
    let client = client_of(&server);
    let hook = server.path().join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nPATH=/nonexistent exec '{}' check --pre-receive --no-color\n",
            crate::common::keygate_bin().display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for i in 0..3 {
        let name = format!("f{i}.txt");
        client
            .write(&name, format!("line {i}\n"))
            .stage(&name)
            .commit("more");
    }
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(ok, "a clean push was rejected:\n{text}");
    let key = migosmtp_key();
    client
        .write("f1.txt", migosmtp_line(&key))
        .stage("f1.txt")
        .commit("key");
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(!ok && text.contains("migosmtp-api-key"), "{text}");
}

#[test]
fn install_global_protects_every_repository_and_uninstall_global_undoes_it() {
    use crate::common::{git_command, keygate_command, path_with_keygate, Run};
    let home = TestRepo::plain();
    let with_home = |mut command: std::process::Command| {
        command
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("PATH", path_with_keygate());
        command
    };
    let repo = TestRepo::new();
    let keygate = |args: &[&str]| Run::of(with_home(keygate_command(repo.path())).args(args), None);
    let git = |args: &[&str]| Run::of(with_home(git_command(repo.path())).args(args), None);
    let global = |key: &str| git(&["config", "--global", "--get", key]);

    let run = keygate(&["install", "--global"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    let dir = home.path().join(".config/keygate/hooks");
    assert_eq!(
        global("core.hooksPath").stdout().trim(),
        dir.to_str().unwrap()
    );
    // The repository's own hooks still run: a commit-msg hook of its own leaves a mark.
    repo.write(
        ".git/hooks/commit-msg",
        "#!/bin/sh\necho ran > \"$(git rev-parse --git-dir)/own-hook-ran\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let hook = repo.path().join(".git/hooks/commit-msg");
        std::fs::set_permissions(hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    repo.write("a.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py");
    let commit = git(&["commit", "-q", "-m", "key"]);
    assert_ne!(
        commit.code(),
        0,
        "the global hook let a key through: {}",
        commit.text()
    );
    assert!(
        commit.text().contains("migosmtp-api-key"),
        "{}",
        commit.text()
    );
    repo.write("a.py", "x = 1\n").stage("a.py");
    let commit = git(&["commit", "-q", "-m", "clean"]);
    assert_eq!(commit.code(), 0, "{}", commit.text());
    assert!(
        repo.path().join(".git/own-hook-ran").exists(),
        "the repository's own hook did not run"
    );
    // Installing twice changes nothing; uninstalling restores the global config exactly.
    assert_eq!(keygate(&["install", "--global"]).code(), 0);
    let run = keygate(&["uninstall", "--global"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    assert_eq!(
        global("core.hooksPath").code(),
        1,
        "core.hooksPath is still set"
    );
    assert!(!dir.exists(), "keygate's folder is left behind");
    // Another tool's global hooks folder is never replaced.
    git(&["config", "--global", "core.hooksPath", "/somewhere/else"]);
    let run = keygate(&["install", "--global"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.text().contains("already set globally"),
        "{}",
        run.text()
    );
    assert_eq!(global("core.hooksPath").stdout().trim(), "/somewhere/else");
}

#[test]
fn pre_receive_takes_its_config_from_the_server_never_from_the_pushed_tree() {
    let server = bare();
    let client = client_of(&server);
    install_pre_receive(&server);
    // A pushed config that turns the rule off changes nothing on the server.
    client
        .write(".keygate.toml", "disable = [\"migosmtp-api-key\"]\n")
        .write("a.py", migosmtp_line(&migosmtp_key()))
        .stage(".keygate.toml")
        .stage("a.py")
        .commit("key and a config that allows it");
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(!ok, "the pushed config was obeyed:\n{text}");
    // The server's own config, named in the hook's environment, is.
    let config = server.path().join("keygate.toml");
    std::fs::write(
        &config,
        "disable = [\"migosmtp-api-key\", \"generic-api-key\"]\n",
    )
    .unwrap();
    let hook = server.path().join("hooks/pre-receive");
    let text = std::fs::read_to_string(&hook).unwrap();
    let with_config = text.replacen(
        "keygate=${KEYGATE:-keygate}",
        &format!(
            "keygate=${{KEYGATE:-keygate}}\nKEYGATE_CONFIG='{}'",
            config.display()
        ),
        1,
    );
    std::fs::write(&hook, with_config).unwrap();
    let (ok, text) = push(&client, &["origin", "main"]);
    assert!(ok, "{text}");
}
