//! `keygate check` on a working tree, on paths (inside and outside a repository) and on stdin.

use crate::common::*;

#[test]
fn worktree_scans_tracked_and_untracked_but_not_ignored_files() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write(".gitignore", "ignored/\n")
        .write("tracked.py", migosmtp_line(&key))
        .stage(".gitignore")
        .stage("tracked.py")
        .commit("init")
        .write(
            "untracked.js",
            format!("\nconst migosmtpApiKey = '{key}';\n"),
        )
        .write("ignored/secret.py", migosmtp_line(&key));
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(
        run.findings(),
        vec![
            ("migosmtp-api-key".into(), "tracked.py".into(), Some(1)),
            ("migosmtp-api-key".into(), "untracked.js".into(), Some(2)),
        ]
    );
    let json = run.json();
    assert_eq!(json["mode"], "worktree");
    assert_eq!(json["summary"]["files_scanned"], 3);
}

#[test]
fn reading_the_key_from_the_environment_passes() {
    let repo = TestRepo::new();
    repo.write(
        "app.py",
        "import os\nMIGOSMTP_API_KEY = os.environ[\"MIGOSMTP_API_KEY\"]\nkey = os.getenv('TELNXO_API_KEY')\n",
    )
    .write("app.js", "const key = process.env.MIGOSMTP_API_KEY;\n")
    .write("app.php", "<?php $key = getenv('MIGOSMTP_API_KEY');\n");
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
}

#[test]
fn column_is_the_secret_start_in_characters() {
    let repo = TestRepo::plain();
    let key = fake("", 24, ALNUM);
    repo.write(
        "a.py",
        format!("# é\nnamé = 1; TELNXO_API_KEY = \"{key}\"\n"),
    );
    let run = repo.keygate(&["check", "a.py", "--format", "json"]);
    let f = &run.json()["findings"][0];
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 29);
}

#[test]
fn worktree_outside_a_repository_is_a_usage_error_that_suggests_a_path() {
    let dir = TestRepo::plain();
    dir.keygate(&["check"]).assert_error("keygate check .");
}

#[test]
fn paths_work_outside_a_repository_and_recurse() {
    let dir = TestRepo::plain();
    let key = aws_key_id();
    dir.write("a/b/c.txt", format!("id: {key}\n"))
        .write("a/clean.txt", "nothing\n");
    let run = dir.keygate(&["check", ".", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(
        run.findings(),
        vec![("aws-access-key-id".into(), "a/b/c.txt".into(), Some(1))]
    );
    assert_eq!(run.json()["mode"], "paths");
}

#[test]
fn paths_inside_a_repository_skip_ignored_files_and_are_reported_from_the_root() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write(".gitignore", "*.log\n")
        .write("sub/app.py", format!("MIGOSMTP_API_KEY = '{key}'\n"))
        .write("sub/debug.log", format!("MIGOSMTP_API_KEY = '{key}'\n"));
    let run = repo.keygate_in("sub", &["check", ".", "--format", "json"], None);
    assert_eq!(
        run.findings(),
        vec![("migosmtp-api-key".into(), "sub/app.py".into(), Some(1))]
    );
}

#[test]
fn stdin_is_reported_as_stdin() {
    let dir = TestRepo::plain();
    let key = migosmtp_key();
    let run = dir.keygate_stdin(
        &["check", "-", "--format", "json"],
        format!("x\nMIGOSMTP_API_KEY={key}\n").as_bytes(),
    );
    assert_eq!(run.code(), 1);
    assert_eq!(
        run.findings(),
        vec![("migosmtp-api-key".into(), "<stdin>".into(), Some(2))]
    );
    assert_eq!(run.json()["mode"], "stdin");
    let clean = dir.keygate_stdin(&["check", "-"], b"hello\n");
    assert_eq!(clean.code(), 0);
}

#[test]
fn binary_files_are_skipped_and_non_utf8_text_is_scanned() {
    let dir = TestRepo::plain();
    let key = migosmtp_key();
    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend(format!("MIGOSMTP_API_KEY='{key}'").as_bytes());
    let mut latin1 = b"caf\xe9 \xff\n".to_vec();
    latin1.extend(format!("MIGOSMTP_API_KEY='{key}'\n").as_bytes());
    dir.write("blob.bin", binary).write("latin1.txt", latin1);
    let run = dir.keygate(&["check", ".", "--format", "json"]);
    assert_eq!(
        run.findings(),
        vec![("migosmtp-api-key".into(), "latin1.txt".into(), Some(2))]
    );
    assert_eq!(run.json()["summary"]["files_scanned"], 1);
}

#[test]
fn a_huge_single_line_is_scanned_with_exact_columns() {
    let dir = TestRepo::plain();
    let key = migosmtp_key();
    // 20 MB of minified-looking text on one line, with the key near the end.
    let filler = "var a=1;".repeat(20 << 17);
    let text = format!("{filler}MIGOSMTP_API_KEY='{key}';\n");
    dir.write("bundle.min.js", &text);
    let run = dir.keygate(&["check", "bundle.min.js", "--format", "json"]);
    let f = &run.json()["findings"][0];
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"].as_u64().unwrap() as usize, filler.len() + 19);
    assert_eq!(
        run.json()["summary"]["bytes_scanned"].as_u64().unwrap() as usize,
        text.len()
    );
}

#[test]
fn secrets_across_chunk_boundaries_are_found_once_with_exact_lines() {
    let dir = TestRepo::plain();
    // 300,000 lines (over 8 MiB), a key every 50,000 lines.
    let mut text = String::new();
    let mut want = Vec::new();
    for i in 1..=300_000u64 {
        if i % 50_000 == 0 {
            text += &migosmtp_line(&migosmtp_key());
            want.push((
                "migosmtp-api-key".to_string(),
                "big.txt".to_string(),
                Some(i),
            ));
        } else {
            text += "let value = compute(alpha, beta);\n";
        }
    }
    dir.write("big.txt", &text);
    let run = dir.keygate(&["check", "big.txt", "--format", "json"]);
    assert_eq!(run.findings(), want);
}

#[test]
fn inline_allow_markers_suppress_the_line() {
    let dir = TestRepo::plain();
    let text = format!(
        "MIGOSMTP_API_KEY = '{}'  # keygate:allow\nTELNXO_API_KEY = '{}' // gitleaks:allow\nMIGOSMTP_API_KEY='{}' # pragma: allowlist secret\n",
        migosmtp_key(),
        migosmtp_key(),
        migosmtp_key()
    );
    dir.write("a.py", text);
    assert_eq!(dir.keygate(&["check", "a.py"]).code(), 0);
}

#[test]
fn an_unreadable_path_is_an_error() {
    let dir = TestRepo::plain();
    dir.keygate(&["check", "does-not-exist"])
        .assert_error("does-not-exist");
}

/// A key `HEAD` already holds is leaked: `keygate check` says what to do, like a history audit;
/// a key only in the working tree is not. See: issue 15.
#[test]
fn a_committed_key_in_the_working_tree_gets_the_incident_checklist() {
    let repo = TestRepo::new();
    repo.write("new.py", migosmtp_line(&migosmtp_key()));
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(
        !run.stdout().contains("Incident checklist"),
        "{}",
        run.stdout()
    );
    repo.stage("new.py").commit("committed");
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 1);
    let out = run.stdout();
    let tail = &out[out.find("Incident checklist").expect("a checklist")..];
    assert!(tail.contains("already committed"), "{tail}");
    assert!(
        tail.contains("MigoSMTP dashboard → API Keys → Revoke"),
        "{tail}"
    );
    assert!(tail.contains("keygate check --history"), "{tail}");
}
