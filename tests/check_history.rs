//! `keygate check --history`: each secret once, at the commit that introduced it; `--all`,
//! `--since`, `--branch`; merges, renames, removals; the JSON fields and the incident checklist.
// See: issue 6

use crate::common::{
    aws_key_id, checksummed_token, fake, keygate_command, migosmtp_key, migosmtp_line, Run,
    TestRepo, ALNUM,
};
use serde_json::Value;

pub(crate) fn head(repo: &TestRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// Commits `contents` at `rel` and returns the new commit's full id.
pub(crate) fn commit_file(repo: &TestRepo, rel: &str, contents: &str, message: &str) -> String {
    repo.write(rel, contents).stage(rel).commit(message);
    head(repo)
}

/// The findings of `keygate check --history --format json ARGS`, after checking the exit code.
pub(crate) fn audit(repo: &TestRepo, args: &[&str], code: i32) -> Vec<Value> {
    history_findings(repo.keygate(&history_args(args)), code)
}

/// The same with no `git` command on PATH, so that libgit2 walks and reads everything.
pub(crate) fn audit_without_git(repo: &TestRepo, args: &[&str], code: i32) -> Vec<Value> {
    let empty = tempfile::tempdir().unwrap();
    let mut command = keygate_command(repo.path());
    command.args(history_args(args)).env("PATH", empty.path());
    history_findings(Run::of(&mut command, None), code)
}

fn history_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["check", "--history", "--format", "json"];
    all.extend_from_slice(args);
    all
}

fn history_findings(run: Run, code: i32) -> Vec<Value> {
    assert_eq!(run.code(), code, "{}", run.text());
    assert_eq!(run.json()["mode"], "history");
    run.json_findings()
}

/// `(commit, file, line)` of each finding.
pub(crate) fn places(findings: &[Value]) -> Vec<(String, String, u64)> {
    findings
        .iter()
        .map(|f| {
            (
                f["commit"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_secret_kept_through_many_commits_is_reported_once_at_commit_one() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let mut text = format!("# settings\n{}", migosmtp_line(&key));
    let first = commit_file(&repo, "app/settings.py", &text, "add settings");
    for i in 0..6 {
        text = format!("# edit {i}\n{text}");
        commit_file(&repo, "app/settings.py", &text, &format!("edit {i}"));
    }
    let findings = audit(&repo, &[], 1);
    assert_eq!(
        places(&findings),
        vec![(first.clone(), "app/settings.py".into(), 2)]
    );
    let f = &findings[0];
    assert_eq!(f["rule_id"], "migosmtp-api-key");
    assert_eq!(f["column"], 21);
    let p = &f["provenance"];
    assert_eq!(p["commit"], first.as_str());
    assert_eq!(p["author"], "Test <test@example.com>");
    assert!(p["date"].as_str().unwrap().contains('T'), "{p}");
    assert_eq!(p["later_commits"], 6);
    assert_eq!(p["present_at_head"], true);
    assert_eq!(first.len(), 40);
}

#[test]
fn a_secret_added_then_removed_is_still_reported_and_not_at_head() {
    let repo = TestRepo::new();
    commit_file(&repo, "README.md", "hello\n", "readme");
    let key = aws_key_id();
    let added = commit_file(
        &repo,
        "deploy.sh",
        &format!("export AWS_ACCESS_KEY_ID={key}\n"),
        "deploy",
    );
    commit_file(&repo, "README.md", "hello again\n", "docs");
    commit_file(
        &repo,
        "deploy.sh",
        "export AWS_ACCESS_KEY_ID=\"$FROM_ENV\"\n",
        "remove key",
    );
    commit_file(&repo, "README.md", "bye\n", "docs");
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(added, "deploy.sh".into(), 1)]);
    assert_eq!(findings[0]["rule_id"], "aws-access-key-id");
    assert_eq!(findings[0]["provenance"]["later_commits"], 1);
    assert_eq!(findings[0]["provenance"]["present_at_head"], false);
    // The worktree is clean now: the history still blocks.
    assert_eq!(repo.keygate(&["check"]).code(), 0);
}

#[test]
fn a_renamed_file_keeps_its_one_finding_at_the_original_commit() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let first = commit_file(&repo, "old/config.py", &migosmtp_line(&key), "config");
    std::fs::create_dir_all(repo.path().join("new")).unwrap();
    repo.git(&["mv", "old/config.py", "new/settings.py"]);
    repo.commit("rename");
    commit_file(
        &repo,
        "new/settings.py",
        &format!("# moved\n{}", migosmtp_line(&key)),
        "edit",
    );
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(first, "old/config.py".into(), 1)]);
    assert_eq!(findings[0]["provenance"]["later_commits"], 2);
    assert_eq!(findings[0]["provenance"]["present_at_head"], true);
}

#[test]
fn a_secret_from_a_merged_branch_is_reported_at_the_branch_commit_not_the_merge() {
    let repo = TestRepo::new();
    commit_file(&repo, "main.txt", "base\n", "base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let key = migosmtp_key();
    let on_branch = commit_file(
        &repo,
        "feature.py",
        &migosmtp_line(&key),
        "feature with key",
    );
    commit_file(
        &repo,
        "feature.py",
        &format!("{}# more\n", migosmtp_line(&key)),
        "feature edit",
    );
    repo.git(&["checkout", "-q", "main"]);
    commit_file(&repo, "main.txt", "base\nmain work\n", "main work");
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    let merge = head(&repo);
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(on_branch, "feature.py".into(), 1)]);
    // Present in: the branch edit and the merge.
    assert_eq!(findings[0]["provenance"]["later_commits"], 2);
    assert_ne!(findings[0]["commit"], merge.as_str());
}

#[test]
fn a_secret_that_only_a_merge_adds_is_reported_at_the_merge() {
    let repo = TestRepo::new();
    commit_file(&repo, "conf.py", "A = 1\n", "base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    commit_file(&repo, "conf.py", "A = 2\n", "side");
    repo.git(&["checkout", "-q", "main"]);
    commit_file(&repo, "conf.py", "A = 3\n", "main");
    // A conflicting merge, resolved by hand with a line neither parent has.
    let out = repo.git_output(&["merge", "-q", "side"]);
    assert!(!out.status.success(), "the merge should conflict");
    let key = migosmtp_key();
    repo.write("conf.py", format!("A = 4\n{}", migosmtp_line(&key)))
        .stage("conf.py")
        .commit("merge side");
    let merge = head(&repo);
    assert_eq!(
        repo.git(&["rev-list", "--parents", "-n1", "HEAD"])
            .split_whitespace()
            .count(),
        3
    );
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(merge, "conf.py".into(), 2)]);
}

#[test]
fn all_finds_a_secret_that_lives_only_on_another_branch() {
    let repo = TestRepo::new();
    commit_file(&repo, "a.txt", "a\n", "base");
    repo.git(&["checkout", "-q", "-b", "experiment"]);
    let key = migosmtp_key();
    let leak = commit_file(&repo, "try.py", &migosmtp_line(&key), "try");
    repo.git(&["checkout", "-q", "main"]);
    commit_file(&repo, "a.txt", "a\nb\n", "more");

    assert!(audit(&repo, &[], 0).is_empty());
    assert_eq!(
        places(&audit(&repo, &["--all"], 1)),
        vec![(leak.clone(), "try.py".into(), 1)]
    );
    assert_eq!(
        places(&audit(&repo, &["--branch", "experiment"], 1)),
        vec![(leak, "try.py".into(), 1)]
    );
    assert!(audit(&repo, &["--branch", "main"], 0).is_empty());
    // Not at HEAD (main), even though the branch still holds it.
    let f = &audit(&repo, &["--all"], 1)[0];
    assert_eq!(f["provenance"]["present_at_head"], false);
}

#[test]
fn since_reports_only_what_came_after_rev() {
    let repo = TestRepo::new();
    let old_key = migosmtp_key();
    commit_file(&repo, "old.py", &migosmtp_line(&old_key), "old leak");
    let rev = commit_file(
        &repo,
        "old.py",
        &format!("# edited\n{}", migosmtp_line(&old_key)),
        "edit",
    );
    let new_key = aws_key_id();
    let leak = commit_file(
        &repo,
        "new.sh",
        &format!("AWS_ACCESS_KEY_ID={new_key}\n"),
        "new leak",
    );
    commit_file(
        &repo,
        "old.py",
        &format!("# again\n# edited\n{}", migosmtp_line(&old_key)),
        "edit old",
    );

    let findings = audit(&repo, &["--since", &rev], 1);
    assert_eq!(places(&findings), vec![(leak, "new.sh".into(), 1)]);
    assert!(audit(&repo, &["--since", "HEAD"], 0).is_empty());
    assert_eq!(audit(&repo, &[], 1).len(), 2);
}

#[test]
fn bad_revisions_and_branches_are_errors() {
    let repo = TestRepo::new();
    commit_file(&repo, "a.txt", "a\n", "base");
    repo.keygate(&["check", "--history", "--since", "no-such-rev"])
        .assert_error("no-such-rev");
    assert_eq!(
        repo.keygate(&["check", "--history", "--branch", "nope"])
            .code(),
        2
    );
    assert_eq!(
        repo.keygate(&["check", "--history", "--all", "--branch", "main"])
            .code(),
        2
    );
    assert_eq!(repo.keygate(&["check", "--branch", "main"]).code(), 2);
}

#[test]
fn an_empty_repository_has_a_clean_history() {
    let repo = TestRepo::new();
    assert!(audit(&repo, &[], 0).is_empty());
    assert!(audit(&repo, &["--all"], 0).is_empty());
}

#[test]
fn the_same_secret_in_two_files_is_one_key_to_revoke() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let first = commit_file(&repo, "a.py", &migosmtp_line(&key), "a");
    commit_file(&repo, "b.py", &migosmtp_line(&key), "b");
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(first, "a.py".into(), 1)]);
}

#[test]
fn inline_allows_and_config_excludes_apply_to_history() {
    let repo = TestRepo::new();
    let allowed = format!(
        "MIGOSMTP_API_KEY = \"{}\"  # keygate:allow\n",
        migosmtp_key()
    );
    commit_file(&repo, "a.py", &allowed, "allowed");
    commit_file(
        &repo,
        "fixtures/b.py",
        &migosmtp_line(&migosmtp_key()),
        "fixture",
    );
    commit_file(
        &repo,
        ".keygate.toml",
        "exclude = [\"fixtures/**\"]\n",
        "config",
    );
    assert!(audit(&repo, &[], 0).is_empty());
}

#[test]
fn history_and_worktree_share_the_fingerprint_of_a_secret() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    commit_file(&repo, "app.py", &migosmtp_line(&key), "leak");
    commit_file(
        &repo,
        "app.py",
        &format!("# moved down\n{}", migosmtp_line(&key)),
        "edit",
    );
    let history = audit(&repo, &[], 1);
    let worktree = repo.keygate(&["check", "--format", "json"]).json();
    assert_eq!(
        history[0]["fingerprint"],
        worktree["findings"][0]["fingerprint"]
    );
    assert_eq!(worktree["findings"][0]["line"], 2);
    assert_eq!(history[0]["line"], 1);
}

#[test]
fn the_human_report_ends_with_the_incident_checklist_and_never_shows_the_key() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let first = commit_file(&repo, "app.py", &migosmtp_line(&key), "leak");
    let run = repo.keygate(&["check", "--history"]);
    assert_eq!(run.code(), 1);
    let out = run.stdout();
    assert!(out.contains(&format!("commit: {first}")), "{out}");
    assert!(out.contains("introduced: "), "{out}");
    let checklist = out.find("Incident checklist").expect("a checklist");
    let tail = &out[checklist..];
    for step in [
        "Revoke each key",
        "MigoSMTP dashboard → API Keys → Revoke",
        "Generate a replacement",
        "API logs",
        "Assess the damage",
        "Notify",
        "provider's support",
        "rewrite history",
    ] {
        assert!(tail.contains(step), "{step} missing:\n{tail}");
    }
    assert!(tail.contains(&first[..12]), "{tail}");
    assert!(tail.contains("does not un-leak"), "{tail}");
    assert!(
        tail.trim_end().lines().last().unwrap().contains("un-leak"),
        "{tail}"
    );
    for output in [
        run.stdout(),
        run.stderr(),
        repo.keygate(&["check", "--history", "--format", "json"])
            .stdout(),
    ] {
        assert!(!output.contains(&key), "a whole key was printed");
    }
    // No progress bar when standard error is not a terminal.
    assert!(run.stderr().is_empty(), "{}", run.stderr());
}

#[test]
fn a_clean_history_exits_zero_without_a_checklist() {
    let repo = TestRepo::new();
    commit_file(
        &repo,
        "a.py",
        "import os\nKEY = os.environ['MIGOSMTP_API_KEY']\n",
        "ok",
    );
    let run = repo.keygate(&["check", "--history"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert!(!run.stdout().contains("Incident checklist"));
}

#[test]
fn without_a_git_command_blobs_are_read_through_libgit2_with_the_same_result() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let first = commit_file(&repo, "a.py", &migosmtp_line(&key), "leak");
    commit_file(
        &repo,
        "a.py",
        &format!("# edit\n{}", migosmtp_line(&key)),
        "edit",
    );
    let with_git = audit(&repo, &[], 1);
    let without_git = audit_without_git(&repo, &[], 1);
    assert_eq!(places(&without_git), vec![(first, "a.py".into(), 1)]);
    assert_eq!(without_git, with_git);
}

/// The history audit scans an edited file by the lines the edit brings; these pin that down
/// against whole-file expectations: lines anywhere in a long file, moved lines, edits elsewhere.
#[test]
fn edits_anywhere_in_a_long_file_are_found_on_their_exact_lines_and_moves_add_nothing() {
    let repo = TestRepo::new();
    let file = "service/config.py";
    let mut lines: Vec<String> = (1..=300).map(|i| format!("setting_{i} = {i}")).collect();
    let text = |lines: &[String]| lines.join("\n") + "\n";
    commit_file(&repo, file, &text(&lines), "config");

    // An edit near the top, a key in the middle, a line at the end.
    let key = migosmtp_key();
    lines[4] = "setting_5 = 'five'".into();
    lines.insert(149, migosmtp_line(&key).trim_end().to_string());
    lines.push("setting_end = True".into());
    let added = commit_file(&repo, file, &text(&lines), "add key");

    // The key moves to the top and another line changes: nothing new.
    let moved = lines.remove(149);
    lines.insert(0, moved);
    lines[298] = "setting_298 = 'changed'".into();
    commit_file(&repo, file, &text(&lines), "reorder");

    // The key goes; another key replaces an ordinary line.
    lines.remove(0);
    let aws = aws_key_id();
    lines[9] = format!("aws_access_key_id = \"{aws}\"");
    let replaced = commit_file(&repo, file, &text(&lines), "swap key");

    let findings = audit(&repo, &[], 1);
    let mut got = places(&findings);
    got.sort_by_key(|p| p.2);
    assert_eq!(
        got,
        vec![
            (replaced, file.to_string(), 10),
            (added, file.to_string(), 150)
        ]
    );
    let migo = findings
        .iter()
        .find(|f| f["rule_id"] == "migosmtp-api-key")
        .unwrap();
    assert_eq!(migo["column"], 21);
    assert_eq!(migo["provenance"]["later_commits"], 1);
    assert_eq!(migo["provenance"]["present_at_head"], false);
    let aws = findings
        .iter()
        .find(|f| f["rule_id"] == "aws-access-key-id")
        .unwrap();
    assert_eq!(aws["provenance"]["present_at_head"], true);
}

/// A multi-line secret can appear without any new line: deleting the line that broke a private
/// key block completes it. Such edits are scanned whole.
#[test]
fn a_private_key_completed_by_deleting_a_line_is_found_at_that_commit() {
    let repo = TestRepo::new();
    let label = format!("{} KEY", "PRIVATE");
    let body: Vec<String> = (0..10)
        .map(|_| crate::common::fake("", 64, crate::common::ALNUM))
        .collect();
    let block = |broken: bool| {
        let mut lines = vec![format!("-----BEGIN {label}-----")];
        lines.push(body[0].clone());
        if broken {
            lines.push("!! redacted for the docs !!".into());
        }
        lines.extend(body[1..].iter().cloned());
        lines.push(format!("-----END {label}-----"));
        format!("notes\n{}\nmore notes\n", lines.join("\n"))
    };
    commit_file(&repo, "docs/tls.txt", &block(true), "docs");
    let completed = commit_file(&repo, "docs/tls.txt", &block(false), "tidy");
    let findings = audit(&repo, &[], 1);
    assert_eq!(
        places(&findings),
        vec![(completed, "docs/tls.txt".into(), 3)]
    );
    assert_eq!(findings[0]["rule_id"], "private-key");
}

/// A version too large to keep at hand as the next edit's base is read again for that edit.
#[test]
fn an_edit_of_a_large_file_is_found_on_its_exact_line() {
    let repo = TestRepo::new();
    let file = "data/fixtures.csv";
    let mut lines: Vec<String> = (0..90_000)
        .map(|i| format!("{i},row-{i},value-{},{}", i * 7, "padding;".repeat(4)))
        .collect();
    let text = |lines: &[String]| lines.join("\n") + "\n";
    assert!(text(&lines).len() > 5 << 20);
    commit_file(&repo, file, &text(&lines), "fixtures");
    let key = migosmtp_key();
    lines[45_000] = migosmtp_line(&key).trim_end().to_string();
    let added = commit_file(&repo, file, &text(&lines), "add key");
    lines[10] = "10,row-10,changed".into();
    commit_file(&repo, file, &text(&lines), "edit");
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(added, file.to_string(), 45_001)]);
    assert_eq!(findings[0]["provenance"]["later_commits"], 1);
    assert_eq!(findings[0]["provenance"]["present_at_head"], true);
}

/// Paths with spaces and non-ASCII letters come back exactly; symbolic links are not followed
/// nor scanned; a mode change alone adds nothing.
#[test]
fn odd_paths_symlinks_and_mode_changes_in_history() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    let odd = "conf dir/clé secrète.py";
    let added = commit_file(&repo, odd, &migosmtp_line(&key), "odd name");
    // A link whose target text holds a key-shaped string: a link is not content.
    let target = migosmtp_key();
    std::os::unix::fs::symlink(&target, repo.path().join("link")).unwrap();
    repo.stage("link").commit("link");
    // The executable bit alone.
    repo.git(&["update-index", "--chmod=+x", odd]);
    repo.commit("chmod");
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(added, odd.to_string(), 1)]);
    assert_eq!(findings[0]["provenance"]["later_commits"], 2);
    assert_eq!(findings[0]["provenance"]["present_at_head"], true);
}

/// `git rev-list` and `git cat-file` (the fast path) and libgit2 (the fallback) see the same
/// history: branches and a merge, edits, a rename, a deletion, a type change and odd names.
#[test]
fn git_and_libgit2_audits_agree_on_a_branching_history() {
    let repo = TestRepo::new();
    let mut text: Vec<String> = (0..80).map(|i| format!("value_{i} = {i}")).collect();
    let join = |t: &[String]| t.join("\n") + "\n";
    commit_file(&repo, "app/settings.py", &join(&text), "settings");
    commit_file(&repo, "docs/ré sumé.md", "# notes\n", "docs");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    text[40] = migosmtp_line(&migosmtp_key()).trim_end().to_string();
    commit_file(&repo, "app/settings.py", &join(&text), "feature key");
    commit_file(
        &repo,
        "docs/ré sumé.md",
        &format!("# notes\n{}", migosmtp_line(&migosmtp_key())),
        "odd path key",
    );
    repo.git(&["checkout", "-q", "main"]);
    commit_file(
        &repo,
        "deploy.sh",
        &format!("export AWS_ACCESS_KEY_ID={}\n", aws_key_id()),
        "deploy",
    );
    repo.git(&["merge", "-q", "--no-edit", "feature"]);
    std::fs::create_dir_all(repo.path().join("scripts")).unwrap();
    repo.git(&["mv", "deploy.sh", "scripts/deploy.sh"]);
    repo.commit("move");
    repo.git(&["rm", "-q", "docs/ré sumé.md"]);
    repo.commit("drop notes");
    text[10] = migosmtp_line(&migosmtp_key()).trim_end().to_string();
    commit_file(&repo, "app/settings.py", &join(&text), "another key");

    for args in [&[][..], &["--all"][..]] {
        let with_git = audit(&repo, args, 1);
        assert_eq!(with_git.len(), 4, "{with_git:?}");
        assert_eq!(audit_without_git(&repo, args, 1), with_git);
    }
}

/// The incident checklist names where each provider's keys are revoked. See: issue 15.
#[test]
fn the_incident_checklist_names_each_providers_revoke_location() {
    let repo = TestRepo::new();
    let lines = [
        migosmtp_line(&migosmtp_key()),
        format!("TELNXO_API_KEY = \"{}\"\n", fake("KEY", 26, ALNUM)),
        format!("token = \"{}\"\n", checksummed_token("ghp_")),
        format!("aws_access_key_id = \"{}\"\n", aws_key_id()),
        format!("stripe_key = \"{}\"\n", fake("sk_live_", 24, ALNUM)),
    ];
    commit_file(&repo, "keys.py", &lines.concat(), "leak");
    let run = repo.keygate(&["check", "--history"]);
    assert_eq!(run.code(), 1, "{}", run.text());
    let out = run.stdout();
    let tail = &out[out.find("Incident checklist").expect("a checklist")..];
    for (rule, place) in [
        ("migosmtp-api-key", "MigoSMTP dashboard → API Keys → Revoke"),
        ("telnxo-api-key", "Telnxo portal → API Keys → Revoke"),
        (
            "github-personal-access-token",
            "https://github.com/settings/tokens",
        ),
        ("aws-access-key-id", "IAM → Users → Security credentials"),
        ("stripe-secret-key", "https://dashboard.stripe.com/apikeys"),
    ] {
        let line = tail
            .lines()
            .find(|l| l.contains(rule) && l.contains(place))
            .unwrap_or_else(|| panic!("no revoke line for {rule}:\n{tail}"));
        assert!(line.trim_start().starts_with("- "), "{line}");
    }
}
