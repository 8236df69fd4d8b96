//! The CI integrations: the GitHub Action and the GitLab template parse and name what they need,
//! and the script both run checks a real repository's range as CI would.

use crate::common::{migosmtp_key, migosmtp_line, path_with_keygate, TestRepo};
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn yaml(rel: &str) -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}");
    docs.remove(0)
}

#[test]
fn the_action_is_a_composite_action_with_its_inputs_and_steps() {
    let action = yaml("action.yml");
    assert!(action["name"].as_str().is_some() && action["description"].as_str().is_some());
    for input in ["base", "head", "sarif", "upload-sarif"] {
        let spec = &action["inputs"][input];
        assert!(spec["description"].as_str().is_some(), "input {input}");
        assert!(
            !spec["required"].as_bool().unwrap(),
            "input {input} must be optional"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter().any(|r| r.contains("scripts/keygate-ci.sh")),
        "{runs:?}"
    );
    for step in steps.iter().filter(|s| s["run"].as_str().is_some()) {
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "a composite run step needs a shell"
        );
    }
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
}

#[test]
fn the_gitlab_template_runs_the_same_script_on_the_whole_history() {
    let template = yaml("ci-templates/gitlab-ci.yml");
    let job = &template["keygate"];
    assert_eq!(job["variables"]["GIT_DEPTH"].as_str(), Some("0"));
    let script: Vec<&str> = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert!(
        script.iter().any(|l| l.contains("scripts/keygate-ci.sh")),
        "{script:?}"
    );
    assert!(
        script
            .iter()
            .any(|l| l.contains("CI_MERGE_REQUEST_DIFF_BASE_SHA")),
        "{script:?}"
    );
    let hooks = yaml(".pre-commit-hooks.yaml");
    assert_eq!(hooks.as_vec().unwrap().len(), 2);
}

/// Runs scripts/keygate-ci.sh in `repo` with `env`.
fn ci(repo: &TestRepo, env: &[(&str, &str)]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/keygate-ci.sh");
    let mut command = std::process::Command::new("sh");
    command
        .arg(script)
        .current_dir(repo.path())
        .env("PATH", path_with_keygate())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_ci_script_checks_a_push_range_and_writes_sarif() {
    let repo = TestRepo::new();
    repo.write("README.md", "hi\n")
        .stage("README.md")
        .commit("start");
    let before = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write("clean.py", "x = 1\n")
        .stage("clean.py")
        .commit("clean");
    let (code, text) = ci(&repo, &[("KEYGATE_BASE", &before)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(&format!("--range {before}..HEAD")), "{text}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.path().join("keygate.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    let key = migosmtp_key();
    repo.write("app.py", migosmtp_line(&key))
        .stage("app.py")
        .commit("key");
    let (code, text) = ci(
        &repo,
        &[("KEYGATE_BASE", &before), ("KEYGATE_SARIF", "out.sarif")],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("migosmtp-api-key"), "{text}");
    assert!(!text.contains(&key));
    let sarif = std::fs::read_to_string(repo.path().join("out.sarif")).unwrap();
    assert!(sarif.contains("migosmtp-api-key") && !sarif.contains(&key));
    // A new branch (all-zero "before") with no remote: the whole history of HEAD.
    let zeros = "0".repeat(40);
    let (code, text) = ci(&repo, &[("KEYGATE_BASE", &zeros)]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("--history"), "{text}");
}
