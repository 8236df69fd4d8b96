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
    // At most 4 characters in all, and a quarter of the key at most (issue #14.5).
    assert_eq!(f["redacted"], format!("{}…{}", &key[..2], &key[18..]));
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
    // In a repository: the fingerprint key is kept in `.git/keygate/` (outside one, each run
    // draws a fresh key, so fingerprints are stable within a run only; see SECURITY.md).
    let dir = TestRepo::new();
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
    assert!(out.contains(&format!("{}…", &key[..2])), "{out}");
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
    for format in ["human", "json", "sarif"] {
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

/// A SARIF report from a repository with a few findings (one in a file whose name needs
/// percent-encoding), with the JSON report of the same check for comparison.
fn sarif_and_json() -> (serde_json::Value, serde_json::Value, Vec<String>) {
    let repo = TestRepo::new();
    let secrets = vec![migosmtp_key(), aws_key_id()];
    repo.write("app.py", format!("\nMIGOSMTP_API_KEY = '{}'\n", secrets[0]))
        .write("conf/my settings.ini", format!("key = {}\n", secrets[1]))
        .write("deploy/.env", "DEBUG=1\n");
    let sarif = repo.keygate(&["check", "--format", "sarif"]);
    assert_eq!(sarif.code(), 1, "{}", sarif.stderr());
    let json = repo.keygate(&["check", "--format", "json"]);
    (sarif.json(), json.json(), secrets)
}

/// The SARIF 2.1.0 schema (OASIS errata 01, `tests/fixtures/sarif-schema-2.1.0.json`), validated
/// with the `jsonschema` crate, formats (URIs) included.
#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let (sarif, _, _) = sarif_and_json();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    broken["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a URI".into();
    assert!(!validator.is_valid(&broken), "`uri` formats are checked");
    // And an empty run is valid too.
    let clean = TestRepo::new();
    clean.write("a.py", "x = 1\n");
    let run = clean.keygate(&["check", "--format", "sarif"]);
    assert_eq!(run.code(), 0);
    assert!(validator.is_valid(&run.json()));
}

#[test]
fn sarif_has_rules_results_locations_and_fingerprints() {
    let (sarif, json, secrets) = sarif_and_json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "keygate");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for spec in keygate::rules::builtin_specs() {
        assert!(
            ids.contains(&spec.id.as_ref()),
            "driver lacks rule {}",
            spec.id
        );
    }
    let migo = rules
        .iter()
        .find(|r| r["id"] == "migosmtp-api-key")
        .unwrap();
    assert!(migo["help"]["text"]
        .as_str()
        .unwrap()
        .contains("os.environ['MIGOSMTP_API_KEY']"));
    assert_eq!(migo["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert_eq!(results.len(), 3);
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule_id"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], f["rule_id"],
            "ruleIndex points at the rule"
        );
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        if f["line"].is_null() {
            assert!(loc.get("region").is_none(), "a finding about a whole file");
        } else {
            assert_eq!(loc["region"]["startLine"], f["line"]);
            assert_eq!(loc["region"]["startColumn"], f["column"]);
        }
        assert_eq!(r["partialFingerprints"]["keygate/v1"], f["fingerprint"]);
        if !f["redacted"].is_null() {
            assert_eq!(r["properties"]["redacted"], f["redacted"]);
        }
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["app.py", "conf/my%20settings.ini", "deploy/.env"]);
    assert!(
        ids.contains(&"env-not-ignored"),
        "hygiene rules are described too"
    );
    let text = sarif.to_string();
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "SARIF holds a whole secret");
    }
}

#[test]
fn a_reader_that_stops_early_does_not_turn_findings_into_an_error() {
    use std::process::Stdio;
    let dir = TestRepo::plain();
    // Far more report than a pipe buffer holds. One key on every line: each distinct secret
    // costs a deliberately slow hash (issue #14.5), and this test is about the pipe.
    let key = migosmtp_key();
    let text: String = (0..3000)
        .map(|_| format!("MIGOSMTP_API_KEY = '{key}'\n"))
        .collect();
    dir.write("many.py", text);
    let mut child = keygate_command(dir.path())
        .args(["check", "many.py"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
