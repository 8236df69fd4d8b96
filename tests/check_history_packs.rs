//! `keygate check --history` on packed repositories: versions stored as deltas of each other are
//! rebuilt from the pack files in-process; the findings are those of the same history kept as
//! loose objects, and those of libgit2 reading it.
// See: issue 13

use crate::check_history::{audit, audit_without_git, commit_file, places};
use crate::common::{aws_key_id, fake, migosmtp_key, migosmtp_line, TestRepo, ALNUM};

/// A history where many versions of two files are deltas of each other once packed: a key comes
/// and goes in the middle of a long file, another replaces a line later, and a private key block
/// is completed by deleting the line that broke it (no new line at all).
fn long_history(repo: &TestRepo) {
    let file = "app/settings.py";
    let mut lines: Vec<String> = (0..300).map(|i| format!("setting_{i} = {i}")).collect();
    let text = |lines: &[String]| lines.join("\n") + "\n";
    let label = format!("{} KEY", "PRIVATE");
    let body: Vec<String> = (0..8).map(|_| fake("", 64, ALNUM)).collect();
    let block = |broken: bool, v: usize| {
        let mut out = vec![
            format!("notes, version {v}"),
            format!("-----BEGIN {label}-----"),
        ];
        out.push(body[0].clone());
        if broken {
            out.push("!! redacted for the docs !!".into());
        }
        out.extend(body[1..].iter().cloned());
        out.push(format!("-----END {label}-----"));
        out.join("\n") + "\n"
    };
    let key = migosmtp_line(&migosmtp_key()).trim_end().to_string();
    for v in 0..30 {
        lines[v * 7 % 300] = format!("setting_{v} = 'version {v}'");
        match v {
            8 => lines.insert(150, key.clone()),
            16 => drop(lines.remove(150)),
            22 => lines[40] = format!("aws_access_key_id = \"{}\"", aws_key_id()),
            _ => {}
        }
        repo.write(file, text(&lines));
        repo.write("docs/tls.txt", block(v < 25, v));
        repo.git(&["add", "-A"]);
        repo.commit(&format!("version {v}"));
    }
}

#[test]
fn a_packed_history_has_the_findings_of_its_loose_objects() {
    let repo = TestRepo::new();
    long_history(&repo);
    let loose = audit(&repo, &["--all"], 1);
    assert_eq!(loose.len(), 3, "{loose:?}");

    repo.git(&["repack", "-adfq", "--window=50", "--depth=50"]);
    repo.git(&["prune-packed"]);
    assert!(repo.git(&["count-objects", "-v"]).starts_with("count: 0\n"));
    let packed = audit(&repo, &["--all"], 1);
    assert_eq!(packed, loose);
    assert_eq!(audit_without_git(&repo, &["--all"], 1), loose);

    // Versions committed after the repack are loose objects whose bases are in the pack.
    let file = "app/settings.py";
    let mut text = String::from_utf8(repo.read(file)).unwrap();
    text.push_str(&migosmtp_line(&migosmtp_key()));
    let added = commit_file(&repo, file, &text, "after the repack");
    let mixed = audit(&repo, &["--all"], 1);
    assert_eq!(mixed.len(), 4, "{mixed:?}");
    let line = text.lines().count() as u64;
    assert!(places(&mixed).contains(&(added, file.to_string(), line)));
    assert_eq!(audit_without_git(&repo, &["--all"], 1), mixed);
}
