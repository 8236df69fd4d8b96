//! Report formats: JSON fields as the SPEC pins them, human output, `--output`, and no whole
//! secret in any format.

use crate::common::*;

#[test]
fn json_has_every_spec_field() {
    let dir = TestRepo::plain();
    let key = aws_key_id();
    dir.write("src/config.py", format!("\n\nAWS_ID = \"{key}\"\n"));
    let run = dir.keygate(&["check", "src", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["mode"], "paths");
    let f = &json["findings"][0];
    assert_eq!(f["rule_id"], "aws-access-key-id");
    assert_eq!(f["category"], "secret");
    assert_eq!(f["severity"], "block");
    assert_eq!(f["file"], "src/config.py");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 11);
    assert!(f["commit"].is_null());
    assert_eq!(f["redacted"], format!("{}…{}", &key[..4], &key[16..]));
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    assert!(f["message"].as_str().unwrap().contains("AWS"));
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "rule_id",
        "category",
        "severity",
        "file",
        "line",
        "column",
        "commit",
        "redacted",
        "fingerprint",
        "message",
    ] {
        assert!(keys.contains(&k), "missing {k}");
    }
    let s = &json["summary"];
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(
        s["bytes_scanned"],
        format!("\n\nAWS_ID = \"{key}\"\n").len()
    );
    assert_eq!(s["findings"], 1);
    assert_eq!(s["blocking"], 1);
}

#[test]
fn fingerprint_survives_inserted_lines() {
    let dir = TestRepo::plain();
    let key = migosmtp_key();
    dir.write("a.py", format!("MIGOSMTP_API_KEY = '{key}'\n"));
    let before = dir.keygate(&["check", "a.py", "--format", "json"]).json();
    dir.write("a.py", format!("import os\n\nMIGOSMTP_API_KEY = '{key}'\n"));
    let after = dir.keygate(&["check", "a.py", "--format", "json"]).json();
    assert_eq!(
        before["findings"][0]["fingerprint"],
        after["findings"][0]["fingerprint"]
    );
    assert_ne!(before["findings"][0]["line"], after["findings"][0]["line"]);
}

#[test]
fn human_output_shows_location_rule_redacted_secret_and_remedy() {
    let dir = TestRepo::plain();
    let key = migosmtp_key();
    dir.write("app.py", format!("MIGOSMTP_API_KEY = '{key}'\n"));
    let run = dir.keygate(&["check", "app.py"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1);
    assert!(out.contains("app.py:1:21"), "{out}");
    assert!(out.contains("[migosmtp-api-key]"), "{out}");
    assert!(out.contains(&format!("{}…", &key[..4])), "{out}");
    assert!(out.contains("os.environ['MIGOSMTP_API_KEY']"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "NO_COLOR output has escape codes: {out}"
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = TestRepo::plain();
    dir.write(
        "app.py",
        format!("MIGOSMTP_API_KEY = '{}'\n", migosmtp_key()),
    );
    let run = dir.keygate(&[
        "check",
        "app.py",
        "--format",
        "json",
        "--output",
        "report.json",
    ]);
    assert_eq!(run.code(), 1);
    assert!(run.stdout().is_empty());
    let json: serde_json::Value = serde_json::from_slice(&dir.read("report.json")).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn no_format_prints_a_whole_secret() {
    let dir = TestRepo::plain();
    let secrets = [migosmtp_key(), aws_key_id(), fake("", 28, ALNUM)];
    dir.write(
        "leak.py",
        format!(
            "MIGOSMTP_API_KEY = '{}'\nid = '{}'\nTELNXO_API_KEY = \"{}\"\n",
            secrets[0], secrets[1], secrets[2]
        ),
    );
    for format in ["human", "json"] {
        let run = dir.keygate(&["check", ".", "--format", format]);
        assert_eq!(run.code(), 1, "{format}");
        let all = format!("{}{}", run.stdout(), run.stderr());
        for secret in &secrets {
            assert!(
                !all.contains(secret.as_str()),
                "{format} output holds a whole secret"
            );
            // Nor any long piece of it.
            assert!(
                !all.contains(&secret[2..secret.len() - 2]),
                "{format} output holds most of a secret"
            );
        }
    }
}
