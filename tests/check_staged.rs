//! `keygate check --staged`: only the lines the staged change adds, read from the index (or the
//! index named by `GIT_INDEX_FILE`), numbered as in the staged version.

use crate::common::*;

fn staged(repo: &TestRepo) -> Run {
    repo.keygate(&["check", "--staged", "--format", "json"])
}

fn one(rule: &str, file: &str, line: u64) -> Vec<(String, String, Option<u64>)> {
    vec![(rule.into(), file.into(), Some(line))]
}

#[test]
fn only_added_lines_are_reported_with_staged_line_numbers() {
    let repo = TestRepo::new();
    let old = migosmtp_key();
    repo.write(
        "app.py",
        format!("import os\n{}x = 1\n", migosmtp_line(&old)),
    )
    .stage("app.py")
    .commit("an old secret, already in history");
    let new = migosmtp_key();
    repo.write(
        "app.py",
        format!(
            "# header\nimport os\n{}x = 2\ny = 3\n{}",
            migosmtp_line(&old),
            migosmtp_line(&new)
        ),
    )
    .stage("app.py");
    let run = staged(&repo);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(run.findings(), one("migosmtp-api-key", "app.py", 6));
    let json = run.json();
    assert_eq!(json["mode"], "staged");
    assert_eq!(json["findings"][0]["column"], 21);
    assert_eq!(json["summary"]["files_scanned"], 1);
    assert!(!run.stdout().contains(&new), "the secret is printed whole");
}

#[test]
fn nothing_staged_is_clean() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n").stage("a.txt").commit("init");
    let run = staged(&repo);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert_eq!(run.json()["summary"]["files_scanned"], 0);
}

#[test]
fn the_index_is_read_not_the_working_tree() {
    let repo = TestRepo::new();
    repo.write("clean.py", "x = 1\n")
        .stage("clean.py")
        .commit("init");
    // Staged clean, working tree dirty: passes.
    repo.write("clean.py", "x = 2\n").stage("clean.py").write(
        "clean.py",
        format!("x = 2\n{}", migosmtp_line(&migosmtp_key())),
    );
    assert_eq!(staged(&repo).findings(), vec![]);
    // Staged secret, working tree cleaned: still blocks, at the staged line.
    repo.write("leak.py", format!("\n\n{}", migosmtp_line(&migosmtp_key())))
        .stage("leak.py")
        .write("leak.py", "nothing here\n");
    let run = staged(&repo);
    assert_eq!(run.code(), 1);
    assert_eq!(run.findings(), one("migosmtp-api-key", "leak.py", 3));
}

#[test]
fn the_first_commit_is_diffed_against_the_empty_tree() {
    let repo = TestRepo::new();
    repo.write(
        "src/config.py",
        format!("a = 1\n{}", migosmtp_line(&migosmtp_key())),
    )
    .stage("src/config.py");
    let run = staged(&repo);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(run.findings(), one("migosmtp-api-key", "src/config.py", 2));
}

#[test]
fn deletions_never_block() {
    let repo = TestRepo::new();
    repo.write("a.py", format!("x = 1\n{}", migosmtp_line(&migosmtp_key())))
        .write("b.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py")
        .stage("b.py")
        .commit("secrets");
    repo.write("a.py", "x = 1\n").stage("a.py");
    repo.git(&["rm", "-q", "b.py"]);
    let run = staged(&repo);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert_eq!(run.findings(), vec![]);
}

#[test]
fn renames_add_only_their_changed_lines() {
    let repo = TestRepo::new();
    let mut body = String::new();
    for i in 0..30 {
        body += &format!("line_{i} = {i}\n");
    }
    let old = migosmtp_line(&migosmtp_key());
    repo.write("old.py", format!("{old}{body}"))
        .stage("old.py")
        .commit("a secret");
    repo.git(&["mv", "old.py", "new.py"]);
    assert_eq!(
        staged(&repo).findings(),
        vec![],
        "a pure rename adds nothing"
    );
    // A rename with an edit adds only the edited line.
    repo.write(
        "new.py",
        format!("{old}{body}{}", migosmtp_line(&migosmtp_key())),
    )
    .stage("new.py");
    let run = staged(&repo);
    assert_eq!(run.findings(), one("migosmtp-api-key", "new.py", 32));
}

#[test]
fn a_mode_change_adds_nothing() {
    let repo = TestRepo::new();
    repo.write("run.sh", migosmtp_line(&migosmtp_key()))
        .stage("run.sh")
        .commit("a secret");
    repo.git(&["update-index", "--chmod=+x", "run.sh"]);
    assert_eq!(staged(&repo).code(), 0);
}

#[test]
fn binary_blobs_symlinks_and_submodules_are_skipped() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write("blob.bin", format!("\0\0{}", migosmtp_line(&key)))
        .stage("blob.bin");
    // A symbolic link is stored as its target path; it is never followed.
    repo.write("outside/secret.py", migosmtp_line(&key));
    std::os::unix::fs::symlink("outside/secret.py", repo.path().join("link.py")).unwrap();
    repo.stage("link.py");
    // A submodule entry (gitlink) names a commit, not content.
    let commit = "0123456789abcdef0123456789abcdef01234567";
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{commit},vendor/lib"),
    ]);
    let run = staged(&repo);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert_eq!(run.json()["summary"]["files_scanned"], 0);
}

#[test]
fn large_blobs_are_streamed_and_report_only_new_secrets() {
    let repo = TestRepo::new();
    let filler: String = "let filler = 0; // ".repeat(5) + "\n";
    let lines = 9 * (1 << 20) / filler.len() + 1; // over 8 MiB
    let old = migosmtp_key();
    let mut text = migosmtp_line(&old);
    text += &filler.repeat(lines);
    repo.write("big.js", &text).stage("big.js").commit("big");
    let new = migosmtp_key();
    text += &migosmtp_line(&new);
    repo.write("big.js", &text).stage("big.js");
    let run = staged(&repo);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(
        run.findings(),
        one("migosmtp-api-key", "big.js", lines as u64 + 2)
    );
}

#[test]
fn allow_markers_and_config_excludes_apply() {
    let repo = TestRepo::new();
    repo.write(".keygate.toml", "exclude = [\"fixtures/**\"]\n")
        .write(
            "a.py",
            format!(
                "MIGOSMTP_API_KEY = \"{}\"  # keygate:allow\n",
                migosmtp_key()
            ),
        )
        .write("fixtures/b.py", migosmtp_line(&migosmtp_key()))
        .stage(".keygate.toml")
        .stage("a.py")
        .stage("fixtures/b.py");
    let run = staged(&repo);
    assert_eq!(run.code(), 0, "{}", run.stdout());
}

#[test]
fn odd_file_names_are_reported_exactly() {
    let repo = TestRepo::new();
    let name = "dir with space/naïve café.py";
    repo.write(name, migosmtp_line(&migosmtp_key())).stage(name);
    let run = staged(&repo);
    assert_eq!(run.findings(), one("migosmtp-api-key", name, 1));
    let human = repo.keygate(&["check", "--staged"]);
    assert!(
        human.stdout().contains(&format!("{name}:1:21")),
        "{}",
        human.stdout()
    );
}

#[test]
fn git_index_file_and_git_dir_are_honoured() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n").stage("a.py").commit("init");
    // The regular index is clean; a temporary index holds a secret (as `git commit PATH` does).
    repo.write("a.py", format!("x = 1\n{}", migosmtp_line(&migosmtp_key())));
    let tmp_index = repo.path().join(".git/tmp-index");
    std::fs::copy(repo.path().join(".git/index"), &tmp_index).unwrap();
    let add = git_command(repo.path())
        .args(["add", "a.py"])
        .env("GIT_INDEX_FILE", &tmp_index)
        .status()
        .unwrap();
    assert!(add.success());
    assert_eq!(staged(&repo).code(), 0, "the regular index is clean");
    let sub = repo.path().join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let run = Run::of(
        keygate_command(&sub)
            .args(["check", "--staged", "--format", "json"])
            .env("GIT_DIR", repo.path().join(".git"))
            .env("GIT_WORK_TREE", repo.path())
            .env("GIT_INDEX_FILE", &tmp_index),
        None,
    );
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(run.findings(), one("migosmtp-api-key", "a.py", 2));
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let dir = TestRepo::plain();
    dir.keygate(&["check", "--staged"])
        .assert_error("not inside a Git repository");
}

#[test]
fn many_staged_files_are_all_checked() {
    // Enough files for the scan to run on every core.
    let repo = TestRepo::new();
    for i in 0..40 {
        repo.write(&format!("m/f{i:02}.py"), format!("x = {i}\n"));
    }
    repo.git(&["add", "-A"]);
    repo.commit("init");
    let mut want = Vec::new();
    for i in 0..40 {
        let mut text = format!("x = {i}\n");
        if i % 7 == 3 {
            text += &migosmtp_line(&migosmtp_key());
            want.push((
                "migosmtp-api-key".to_string(),
                format!("m/f{i:02}.py"),
                Some(2),
            ));
        } else {
            text += "y = 1\n";
        }
        repo.write(&format!("m/f{i:02}.py"), text);
    }
    repo.git(&["add", "-A"]);
    let run = staged(&repo);
    assert_eq!(run.findings(), want);
    assert_eq!(run.json()["summary"]["files_scanned"], 40);
}

#[test]
fn env_hygiene_runs_on_the_staged_change() {
    let repo = TestRepo::new();
    let value = fake("", 32, ALNUM);
    repo.write(".gitignore", ".env\n")
        .write(".env", format!("PAYMENTS_TOKEN={value}\n"))
        .stage(".gitignore")
        .commit("ignore .env");
    // A known local value pasted into a staged line, whatever its shape.
    repo.write("src/pay.py", format!("import os\nprint('{value}')\n"))
        .stage("src/pay.py");
    let run = staged(&repo);
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    assert_eq!(run.findings(), one("env-value-leak", "src/pay.py", 2));
    assert!(!run.stdout().contains(&value), "the value is printed whole");
    // A .env file forced into the index.
    repo.git(&["reset", "-q"]);
    repo.git(&["add", "-f", ".env"]);
    let found = staged(&repo).ids();
    assert!(found.contains(&"env-staged@.env".to_string()), "{found:?}");
}

/// SPEC, "The hook is quiet when it passes". See: issue 15.
#[test]
fn a_passing_staged_check_prints_nothing_unless_verbose() {
    let repo = TestRepo::new();
    repo.write("app.py", "x = 1\n").stage("app.py");
    let run = repo.keygate(&["check", "--staged"]);
    assert_eq!(run.code(), 0, "{}", run.text());
    assert_eq!(run.text(), "", "a passing commit printed something");
    let run = repo.keygate(&["check", "--staged", "--verbose"]);
    assert!(
        run.stdout().contains("keygate: ok: 0 finding(s)"),
        "{}",
        run.stdout()
    );
    // Through the real hook: git's own output only.
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    let out = repo.git_output(&["commit", "-q", "-m", "clean"]);
    assert!(out.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !said.contains("keygate"),
        "the hook spoke on a passing commit: {said}"
    );
    // A blocked commit still says everything.
    repo.write(
        "key.py",
        crate::common::migosmtp_line(&crate::common::migosmtp_key()),
    )
    .stage("key.py");
    let out = repo.git_output(&["commit", "-q", "-m", "key"]);
    assert!(!out.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("keygate: blocked"), "{said}");
}

/// One problem, one finding: a key in a staged `.env` file is the file's problem. See: issue 15.
#[test]
fn a_key_in_a_staged_env_file_is_one_finding_about_the_file() {
    let repo = TestRepo::new();
    repo.write(".env", format!("MIGOSMTP_API_KEY={}\n", migosmtp_key()))
        .stage(".env");
    let run = staged(&repo);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert_eq!(run.ids(), vec!["env-staged@.env".to_string()]);
    let message = run.json_findings()[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("add `.env` to .gitignore"), "{message}");
}

/// With nothing staged, `git commit` behaves as without keygate, and a blocked `.env` file is not
/// offered an allow marker. See: issue 15.
#[test]
fn an_empty_commit_is_gits_to_refuse_and_env_findings_offer_no_allow_marker() {
    let repo = TestRepo::new();
    repo.write(".env", "PORT=1\n")
        .stage(".env")
        .commit("tracked .env");
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    let out = repo.git_output(&["commit", "-m", "nothing"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success());
    assert!(said.contains("nothing to commit"), "{said}");
    assert!(!said.contains("keygate"), "{said}");
    // Staging anything: the tracked .env file blocks, with its fix and no allow footer.
    repo.write("a.txt", "a\n").stage("a.txt");
    let run = repo.keygate(&["check", "--staged"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    assert!(run.stdout().contains("env-tracked"), "{}", run.stdout());
    assert!(
        !run.stdout().contains("A false positive?"),
        "{}",
        run.stdout()
    );
}
