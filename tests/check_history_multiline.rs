//! `keygate check --history` where a secret spans lines, or a line's finding depends on its
//! neighbours: a version is scanned by its new lines only when nothing in it can make one line's
//! finding depend on another, judged from what its base and its new lines hold together.
// See: issue 13

use crate::check_history::{audit, commit_file, places};
use crate::common::{fake, TestRepo, ALNUM};

/// Filler that keeps the versions long, so that each is scanned against the one before.
fn notes(n: usize) -> String {
    (0..n)
        .map(|i| format!("note {i}: nothing here\n"))
        .collect()
}

/// `.netrc` lines written one commit at a time: the host first (alone it cannot hold a
/// password), then the password on the next line. The second commit's new line holds no
/// `machine`, its base no `password`: together they do, and the password is found there.
#[test]
fn a_netrc_password_added_under_an_earlier_machine_line_is_found() {
    let repo = TestRepo::new();
    let password = fake("", 18, ALNUM);
    let head = format!("{}machine api.example.com\n  login ci\n", notes(40));
    commit_file(
        &repo,
        "ops/deploy.md",
        &format!("{head}{}", notes(5)),
        "host",
    );
    let added = commit_file(
        &repo,
        "ops/deploy.md",
        &format!("{head}  password {password}\n{}", notes(5)),
        "password",
    );
    let findings = audit(&repo, &[], 1);
    assert_eq!(places(&findings), vec![(added, "ops/deploy.md".into(), 43)]);
    assert_eq!(findings[0]["rule_id"], "netrc-password");
}

/// A webhook payload's `token` is not a secret beside its `timestamp` and `signature`
/// (`reject_nearby`). Deleting the `timestamp` line adds no line, yet makes the token a finding
/// at that commit.
#[test]
fn a_token_freed_by_deleting_its_sibling_line_is_found_at_that_commit() {
    let repo = TestRepo::new();
    let token = fake("", 26, ALNUM);
    let payload = |with_timestamp: bool| {
        let timestamp = if with_timestamp {
            "  \"timestamp\": 1661621710,\n"
        } else {
            ""
        };
        format!(
            "{}{{\n{timestamp}  \"token\": \"{token}\",\n  \"signature\": \"ef24c5\"\n}}\n",
            notes(40)
        )
    };
    commit_file(&repo, "fixtures/hook.json", &payload(true), "sample");
    let freed = commit_file(&repo, "fixtures/hook.json", &payload(false), "trim");
    let findings = audit(&repo, &[], 1);
    assert_eq!(
        places(&findings),
        vec![(freed, "fixtures/hook.json".into(), 42)]
    );
    assert_eq!(findings[0]["rule_id"], "generic-api-key");
}
