//! Adopting keygate in an existing repository: every `.keygate.toml` key taking effect, config
//! errors with their line and column, custom rules checked against their examples, fingerprints
//! that survive edits and modes, the baseline, and switching from gitleaks.
// See: issue 5

use crate::common::*;

/// A token of the fictional Acme service that the custom rule below describes.
fn acme_token() -> String {
    fake("acme_", 24, LOWER_ALNUM)
}

/// A custom rule for Acme tokens, with one example and one near miss.
fn acme_rule(example: &str, near_miss: &str) -> String {
    format!(
        r#"
[[rules]]
id = "acme-token"
description = "Acme API token"
pattern = '''\b(?P<secret>acme_[a-z0-9]{{24}})\b'''
keywords = ["acme_"]
min_entropy = 3.0
examples = ["acme = {example}"]
negative_examples = ["{near_miss}"]
remedy = "Rotate it in the Acme console and read ACME_TOKEN from the environment."
"#
    )
}

// ---- every config key takes effect ----

#[test]
fn exclude_globs_skip_files() {
    let repo = TestRepo::new();
    let line = format!("id = '{}'\n", aws_key_id());
    repo.write(".keygate.toml", "exclude = [\"vendor/**\", \"*.min.js\"]\n")
        .write("vendor/lib/a.py", &line)
        .write("static/app.min.js", &line)
        .write("src/a.py", &line);
    let (code, ids) = repo.check();
    assert_eq!(code, 1);
    assert_eq!(ids, ["aws-access-key-id@src/a.py"]);
}

#[test]
fn disable_turns_a_rule_off() {
    let repo = TestRepo::new();
    repo.write("a.py", format!("id = '{}'\n", aws_key_id()));
    assert_eq!(repo.check().0, 1);
    repo.write(".keygate.toml", "disable = [\"aws-access-key-id\"]\n");
    assert_eq!(repo.check(), (0, vec![]));
    let rules = repo.keygate(&["rules", "--format", "json"]).json();
    let aws = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "aws-access-key-id")
        .unwrap();
    assert_eq!(aws["enabled"], false);
}

#[test]
fn severity_overrides_what_blocks() {
    let repo = TestRepo::new();
    repo.write("a.py", format!("id = '{}'\n", aws_key_id()))
        .write(
            ".keygate.toml",
            "[severity]\naws-access-key-id = \"warn\"\n",
        );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "a warning does not block");
    assert_eq!(run.json()["findings"][0]["severity"], "warn");
    assert_eq!(run.json()["summary"]["blocking"], 0);
}

#[test]
fn allow_regexes_match_the_secret_or_its_line() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write("a.py", format!("MIGOSMTP_API_KEY = '{key}'\n"))
        .write("b.py", format!("id = '{}'  # fixture-data\n", aws_key_id()))
        .write("c.py", format!("id = '{}'\n", aws_key_id()))
        .write(
            ".keygate.toml",
            "[allow]\nregexes = ['^mk_live_', 'fixture-data']\n",
        );
    assert_eq!(repo.check(), (1, vec!["aws-access-key-id@c.py".into()]));
}

#[test]
fn allow_stopwords_drop_secrets_that_contain_them() {
    let repo = TestRepo::new();
    repo.write(
        "a.py",
        format!("MIGOSMTP_API_KEY = '{}'\n", fake("mk_sandbox_", 24, ALNUM)),
    )
    .write("b.py", format!("MIGOSMTP_API_KEY = '{}'\n", migosmtp_key()))
    .write(".keygate.toml", "[allow]\nstopwords = [\"SANDBOX\"]\n");
    assert_eq!(repo.check(), (1, vec!["migosmtp-api-key@b.py".into()]));
}

#[test]
fn allow_paths_drop_findings_in_matching_files() {
    let repo = TestRepo::new();
    let line = format!("id = '{}'\n", aws_key_id());
    repo.write("legacy/old.py", &line)
        .write("src/new.py", &line)
        .write(".keygate.toml", "[allow]\npaths = ['^legacy/']\n");
    assert_eq!(
        repo.check(),
        (1, vec!["aws-access-key-id@src/new.py".into()])
    );
}

#[test]
fn env_templates_and_client_prefixes_take_effect() {
    // (`env.files` is covered in tests/env.rs.)
    let repo = TestRepo::new();
    repo.write(".env.shared", "SITE_TITLE=Shop\n")
        .stage(".env.shared")
        .commit("shared settings");
    let (code, ids) = repo.check();
    assert_eq!(code, 1);
    assert!(
        ids.contains(&"env-tracked@.env.shared".to_string()),
        "{ids:?}"
    );
    repo.write(".keygate.toml", "[env]\ntemplates = [\".env.shared\"]\n");
    assert_eq!(repo.check(), (0, vec![]));

    repo.write(".gitignore", ".env\n")
        .write(".env", "MYAPP_PUBLIC_MIGOSMTP_API_KEY=abc\n")
        .write(
            ".keygate.toml",
            "[severity]\nenv-client-exposed = \"block\"\n[env]\ntemplates = [\".env.shared\"]\n",
        );
    assert_eq!(repo.check(), (0, vec![]), "not a default prefix");
    repo.write(
        ".keygate.toml",
        "[severity]\nenv-client-exposed = \"block\"\n[env]\ntemplates = [\".env.shared\"]\nclient_prefixes = [\"MYAPP_PUBLIC_\"]\n",
    );
    assert_eq!(repo.check(), (1, vec!["env-client-exposed@.env".into()]));
}

#[test]
fn custom_rules_find_their_secrets_and_their_examples_do_not_block() {
    let repo = TestRepo::new();
    let token = acme_token();
    repo.write(".keygate.toml", acme_rule(&acme_token(), "acme_short"))
        .write(
            "deploy.sh",
            format!("curl -H 'X-Acme: {token}' acme.example\n"),
        );
    let (code, ids) = repo.check();
    assert_eq!(code, 1);
    // The config's own examples match by design; the config file itself is not scanned.
    assert_eq!(ids, ["acme-token@deploy.sh"]);
    let rules = repo.keygate(&["rules"]).stdout();
    assert!(rules.contains("acme-token"), "{rules}");
    assert!(rules.contains("[acme_]"), "keywords are listed: {rules}");
    // A custom rule can be disabled and have its severity changed like a built-in one.
    let mut config = String::from("[severity]\nacme-token = \"warn\"\n");
    config += &acme_rule(&acme_token(), "acme_short");
    repo.write(".keygate.toml", config);
    assert_eq!(repo.check().0, 0);
}

// ---- config errors name the file, line and column ----

fn config_error(text: &str) -> String {
    let repo = TestRepo::new();
    repo.write(".keygate.toml", text).write("a.py", "x = 1\n");
    let run = repo.keygate(&["check"]);
    assert_eq!(run.code(), 2, "{text}: {}", run.stdout());
    run.stderr()
}

#[test]
fn each_kind_of_config_error_names_line_and_column() {
    let token = acme_token();
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "exclude = []\ndisabel = [\"x\"]\n".into(),
            ":2:1:",
            "disabel",
        ),
        ("[allow]\nregexs = []\n".into(), ":2:1:", "regexs"),
        ("exclude = [\"a/[b\"]\n".into(), ":1:12:", "invalid glob"),
        (
            "[allow]\nregexes = [\"(oops\"]\n".into(),
            ":2:12:",
            "invalid regex",
        ),
        (
            "[allow]\npaths = [\"[z-a]\"]\n".into(),
            ":2:10:",
            "allow.paths",
        ),
        (
            "disable = [\"aws-acess-key-id\"]\n".into(),
            ":1:12:",
            "unknown rule id",
        ),
        (
            "[severity]\nmigosmtp-key = \"block\"\n".into(),
            ":2:1:",
            "unknown rule id",
        ),
        (
            "[severity]\ngeneric-api-key = \"high\"\n".into(),
            ":2:19:",
            "unknown variant",
        ),
        (
            "[env]\ntemplates = [\"{a\"]\n".into(),
            ":2:14:",
            "env.templates",
        ),
        ("exclude = [\n".into(), ":2:1:", "invalid array"),
        (
            acme_rule(&token, "acme_short").replace("(?P<secret>", "(?P<secret"),
            ":5:11:",
            "pattern does not compile",
        ),
        (
            acme_rule(&token, "acme_short").replace("keywords = [\"acme_\"]\n", ""),
            ":2:1:",
            "missing field `keywords`",
        ),
        (
            acme_rule(&token, "acme_short").replace("[\"acme_\"]", "[\"a\"]"),
            ":6:12:",
            "keyword",
        ),
        (
            acme_rule(&token, "acme_short").replace("\nmin_entropy", "\nmin_entrop"),
            ":7:1:",
            "min_entrop",
        ),
        (
            format!("{0}{0}", acme_rule(&token, "acme_short")),
            ":13:6:",
            "duplicate rule id",
        ),
    ];
    for (text, position, needle) in &cases {
        let stderr = config_error(text);
        assert!(
            stderr.contains(&format!(".keygate.toml{position}")),
            "{text:?}: want {position} in {stderr}"
        );
        assert!(
            stderr.contains(needle),
            "{text:?}: want {needle} in {stderr}"
        );
        assert!(!stderr.contains(&token), "no secret in errors");
    }
}

#[test]
fn a_custom_rule_whose_examples_fail_is_rejected() {
    let token = acme_token();
    // The example does not match the rule's own pattern (too short): line 8, column 13.
    let stderr = config_error(&acme_rule("acme_abc", "acme_short"));
    assert!(stderr.contains(".keygate.toml:8:13:"), "{stderr}");
    assert!(stderr.contains("example 0 does not match"), "{stderr}");
    // The near miss is reported by the rule: line 9, column 22.
    let stderr = config_error(&acme_rule(&token, &format!("acme = {token}")));
    assert!(stderr.contains(".keygate.toml:9:22:"), "{stderr}");
    assert!(
        stderr.contains("negative example 0 is reported"),
        "{stderr}"
    );
    // The example matches the pattern but the engine drops it (a placeholder).
    let stderr = config_error(&acme_rule("acme_xxxxxxxxxxxxxxxxxxxxxxxx", "acme_short"));
    assert!(stderr.contains(".keygate.toml:8:13:"), "{stderr}");
    assert!(stderr.contains("engine does not report it"), "{stderr}");
    // A rule without examples does not load either.
    let stderr = config_error(
        &acme_rule(&token, "x")
            .replace(&format!("examples = [\"acme = {token}\"]"), "examples = []"),
    );
    assert!(stderr.contains("needs at least one example"), "{stderr}");
}

#[test]
fn an_explicit_config_file_is_named_in_its_errors() {
    let repo = TestRepo::new();
    repo.write("ci/keygate.toml", "\n\nexclude = 3\n");
    repo.keygate(&["check", "--config", "ci/keygate.toml"])
        .assert_error("ci/keygate.toml:3:11:");
}

#[test]
fn rules_check_reports_every_failing_example_with_its_position() {
    let repo = TestRepo::new();
    let good = acme_rule(&acme_token(), "acme_short");
    repo.write("rules.toml", &good);
    let run = repo.keygate(&["rules", "--check", "rules.toml"]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert!(
        run.stdout().contains("keygate: ok: 1 custom"),
        "{}",
        run.stdout()
    );

    let token = acme_token();
    let bad = acme_rule("acme_abc", &format!("acme = {token}"));
    repo.write(".keygate.toml", &bad);
    let run = repo.keygate(&["rules", "--check"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let out = run.stdout();
    assert!(
        out.contains(".keygate.toml:8:13: rule acme-token: example 0"),
        "{out}"
    );
    assert!(
        out.contains(".keygate.toml:9:22: rule acme-token: negative example 0"),
        "{out}"
    );
    assert!(out.contains("2 problem(s)"), "{out}");
    assert!(!out.contains(&token));
}

// ---- fingerprints ----

fn fingerprints(run: &Run) -> Vec<String> {
    run.json_findings()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fingerprints_agree_across_modes_and_survive_inserted_lines() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write("app.py", format!("MIGOSMTP_API_KEY = '{key}'\n"))
        .stage("app.py");
    let worktree = fingerprints(&repo.keygate(&["check", "--format", "json"]));
    assert_eq!(worktree.len(), 1);
    let paths = fingerprints(&repo.keygate(&["check", "app.py", "--format", "json"]));
    assert_eq!(paths, worktree, "paths mode agrees with worktree mode");
    let staged = repo.keygate(&["check", "--staged", "--format", "json"]);
    {
        assert_eq!(fingerprints(&staged), worktree, "staged mode agrees");
    }
    repo.commit("add key");
    let history = repo.keygate(&["check", "--history", "--format", "json"]);
    {
        assert_eq!(fingerprints(&history), worktree, "history mode agrees");
    }
    // Lines inserted above and the file changed elsewhere: same fingerprint, another line.
    repo.write(
        "app.py",
        format!("import os\n\n# config\nMIGOSMTP_API_KEY = '{key}'\nDEBUG = True\n"),
    );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(fingerprints(&run), worktree);
    assert_eq!(run.findings()[0].2, Some(4));
}

#[test]
fn baselined_findings_do_not_block_in_any_mode() {
    let repo = TestRepo::new();
    let key = migosmtp_key();
    repo.write("app.py", format!("MIGOSMTP_API_KEY = '{key}'\n"))
        .stage("app.py");
    assert_eq!(repo.keygate(&["baseline"]).code(), 0);
    repo.stage(".keygate-baseline");
    assert_eq!(repo.keygate(&["check"]).code(), 0);
    assert_eq!(repo.keygate(&["check", "app.py"]).code(), 0);
    let staged = repo.keygate(&["check", "--staged"]);
    {
        assert_eq!(staged.code(), 0, "staged: {}", staged.stdout());
    }
    repo.commit("adopt keygate");
    // Lines inserted above the accepted secret: still accepted, in every mode.
    repo.write(
        "app.py",
        format!("import os\n\nMIGOSMTP_API_KEY = '{key}'\n"),
    )
    .stage("app.py");
    assert_eq!(repo.keygate(&["check"]).code(), 0);
    let staged = repo.keygate(&["check", "--staged"]);
    {
        assert_eq!(staged.code(), 0, "staged: {}", staged.stdout());
    }
    repo.commit("move it");
    let history = repo.keygate(&["check", "--history"]);
    {
        assert_eq!(history.code(), 0, "history: {}", history.stdout());
    }
    // A new secret still blocks in every mode.
    repo.write(
        "mail.py",
        format!("MIGOSMTP_API_KEY = '{}'\n", migosmtp_key()),
    )
    .stage("mail.py");
    assert_eq!(repo.keygate(&["check"]).code(), 1);
    let staged = repo.keygate(&["check", "--staged"]);
    {
        assert_eq!(staged.code(), 1);
    }
    repo.commit("leak");
    let history = repo.keygate(&["check", "--history"]);
    {
        assert_eq!(history.code(), 1);
    }
}

// ---- the baseline ----

#[test]
fn baseline_accepts_existing_findings_and_a_new_secret_still_blocks() {
    let repo = TestRepo::new();
    let old = migosmtp_key();
    let aws = aws_key_id();
    repo.write("app.py", format!("MIGOSMTP_API_KEY = '{old}'\n"))
        .write("conf/aws.ini", format!("key = {aws}\n"))
        .stage("app.py")
        .commit("init");
    assert_eq!(repo.keygate(&["check"]).code(), 1);

    let run = repo.keygate(&["baseline"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains("recorded 2 finding(s)"),
        "{}",
        run.stdout()
    );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert!(run.findings().is_empty());
    let human = repo.keygate(&["check"]).stdout();
    assert!(
        human.contains("2 finding(s) recorded in .keygate-baseline"),
        "{human}"
    );

    // A new secret blocks, in a new file and next to the accepted one.
    let new = migosmtp_key();
    repo.write("mail.py", format!("MIGOSMTP_API_KEY = '{new}'\n"));
    assert_eq!(repo.check(), (1, vec!["migosmtp-api-key@mail.py".into()]));
    std::fs::remove_file(repo.path().join("mail.py")).unwrap();
    repo.write(
        "app.py",
        format!("MIGOSMTP_API_KEY = '{old}'\nMIGOSMTP_API_KEY_2 = '{new}'\n"),
    );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        run.findings(),
        vec![("migosmtp-api-key".into(), "app.py".into(), Some(2))]
    );

    // Running it again without --update is refused rather than silently accepting more.
    repo.keygate(&["baseline"]).assert_error("--update");
}

#[test]
fn baseline_file_holds_no_secret_and_is_stable_and_sorted() {
    let repo = TestRepo::new();
    let secrets = [migosmtp_key(), aws_key_id(), fake("", 28, ALNUM)];
    repo.write("b.py", format!("MIGOSMTP_API_KEY = '{}'\n", secrets[0]))
        .write("a.py", format!("id = '{}'\n", secrets[1]))
        .write("c.py", format!("TELNXO_API_KEY = \"{}\"\n", secrets[2]));
    assert_eq!(repo.keygate(&["baseline"]).code(), 0);
    let text = String::from_utf8(repo.read(".keygate-baseline")).unwrap();
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "baseline holds a secret");
        assert!(
            !text.contains(&s[4..s.len() - 4]),
            "baseline holds most of a secret"
        );
    }
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(body[0].starts_with("salt "), "{text}");
    assert_eq!(body[0].len(), "salt ".len() + 64);
    let files: Vec<&str> = body[1..]
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(files, ["a.py", "b.py", "c.py"], "sorted by file");
    assert!(body[1].contains("aws-access-key-id"));
    // An update with nothing new leaves the file byte for byte the same (salt included).
    let run = repo.keygate(&["baseline", "--update"]);
    assert_eq!(run.code(), 0);
    assert!(run.stdout().contains("(0 new)"), "{}", run.stdout());
    assert_eq!(
        String::from_utf8(repo.read(".keygate-baseline")).unwrap(),
        text
    );

    // Another repository gets another salt, so the same secret has another fingerprint there.
    let other = TestRepo::new();
    other.write("a.py", format!("id = '{}'\n", secrets[1]));
    assert_eq!(other.keygate(&["baseline"]).code(), 0);
    let other_text = String::from_utf8(other.read(".keygate-baseline")).unwrap();
    let fp = |t: &str| {
        t.lines()
            .find(|l| l.contains("a.py"))
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(fp(&text), fp(&other_text));
}

#[test]
fn baseline_update_adds_and_reports_stale_entries() {
    let repo = TestRepo::new();
    let first = migosmtp_key();
    repo.write("a.py", format!("MIGOSMTP_API_KEY = '{first}'\n"));
    assert_eq!(repo.keygate(&["baseline"]).code(), 0);

    // The accepted secret is removed and another appears.
    let aws = aws_key_id();
    repo.write(
        "a.py",
        "MIGOSMTP_API_KEY = os.environ['MIGOSMTP_API_KEY']\n",
    )
    .write("b.py", format!("id = '{aws}'\n"));
    assert_eq!(repo.keygate(&["check"]).code(), 1);
    let run = repo.keygate(&["baseline", "--update"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let out = run.stdout();
    assert!(out.contains("(1 new)"), "{out}");
    assert!(
        out.contains("stale: ") && out.contains("migosmtp-api-key  a.py"),
        "{out}"
    );
    assert!(out.contains("1 stale entr"), "{out}");
    let text = String::from_utf8(repo.read(".keygate-baseline")).unwrap();
    assert!(
        text.contains("migosmtp-api-key  a.py"),
        "stale entries are kept: {text}"
    );
    assert!(text.contains("aws-access-key-id  b.py"));
    assert_eq!(repo.keygate(&["check"]).code(), 0);

    let run = repo.keygate(&["baseline", "--update", "--prune"]);
    assert!(run.stdout().contains("removed: "), "{}", run.stdout());
    let text = String::from_utf8(repo.read(".keygate-baseline")).unwrap();
    assert!(!text.contains("a.py"), "{text}");
    assert!(text.contains("b.py"));
}

#[test]
fn a_corrupt_baseline_is_an_error() {
    let repo = TestRepo::new();
    repo.write(".keygate-baseline", "salt abc\n")
        .write("a.py", "x = 1\n");
    repo.keygate(&["check"])
        .assert_error(".keygate-baseline:1:1:");
}

// ---- switching from gitleaks ----

fn gitleaks_config() -> String {
    r#"title = "team gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "acme-token"
description = "Acme API token"
regex = '''acme_([a-z0-9]{24})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]

[[rules]]
id = "hex-blob"
description = "Any long hex string"
regex = '''[a-f0-9]{40}'''

[allowlist]
description = "global"
paths = ['''^third_party/''']
regexes = ['''acme_test''']
commits = ["0123456789abcdef0123456789abcdef01234567"]
"#
    .into()
}

#[test]
fn gitleaks_config_is_read_when_there_is_no_keygate_config() {
    let repo = TestRepo::new();
    let token = acme_token();
    repo.write(".gitleaks.toml", gitleaks_config())
        .write(".gitleaksignore", "0123abc:app.py:acme-token:1\n")
        .write("app.py", format!("acme = '{token}'\n"))
        .write("third_party/lib.py", format!("acme = '{}'\n", acme_token()))
        .write(
            "test.py",
            format!("acme = '{}'  # acme_test\n", acme_token()),
        );
    let run = repo.keygate(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(
        run.findings(),
        vec![("acme-token".into(), "app.py".into(), Some(1))]
    );
    let redacted = run.json()["findings"][0]["redacted"]
        .as_str()
        .unwrap()
        .to_string();
    // `secretGroup = 1`: the secret is the part after `acme_`, as in gitleaks.
    assert!(!redacted.starts_with("acme"), "{redacted}");

    let human = repo.keygate(&["check"]).stdout();
    assert!(
        human.contains("read 1 rule(s) and the allowlists of .gitleaks.toml"),
        "{human}"
    );
    assert!(
        human.contains("hex-blob"),
        "the keywordless rule is named: {human}"
    );
    assert!(human.contains("allowlisted commit"), "{human}");
    assert!(human.contains(".gitleaksignore not used"), "{human}");
}

#[test]
fn import_gitleaks_writes_the_equivalent_keygate_config() {
    let repo = TestRepo::new();
    repo.write(".gitleaks.toml", gitleaks_config())
        .write(".gitleaksignore", "0123abc:app.py:acme-token:1\n")
        .write("app.py", format!("acme = '{}'\n", acme_token()));
    let run = repo.keygate(&["config", "import-gitleaks"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let out = run.stdout();
    assert!(
        out.contains("wrote .keygate.toml: 1 rule(s), 1 allow regex"),
        "{out}"
    );
    assert!(
        out.contains("not imported: .gitleaksignore entry `0123abc:app.py:acme-token:1`")
            && out.contains("line number"),
        "{out}"
    );
    assert!(out.contains("not imported: rule `hex-blob`"), "{out}");
    let text = String::from_utf8(repo.read(".keygate.toml")).unwrap();
    assert!(text.contains("(?P<secret>[a-z0-9]{24})"), "{text}");
    assert!(
        text.contains("paths = [\"^third_party/\"]") || text.contains("paths = ['^third_party/']"),
        "{text}"
    );

    // Until the imported rule has examples, keygate refuses it, naming where.
    let run = repo.keygate(&["check"]);
    run.assert_error(".keygate.toml:");
    run.assert_error("needs at least one example");
    let text = text.replace(
        "examples = []\nnegative_examples = []",
        &format!(
            "examples = [\"acme = {}\"]\nnegative_examples = [\"acme_short\"]",
            acme_token()
        ),
    );
    repo.write(".keygate.toml", text);
    assert_eq!(repo.check(), (1, vec!["acme-token@app.py".into()]));

    // It never overwrites an existing config unless asked to.
    repo.keygate(&["config", "import-gitleaks"])
        .assert_error("--force");
    assert_eq!(
        repo.keygate(&["config", "import-gitleaks", "--force"])
            .code(),
        0
    );
}

#[test]
fn a_bad_gitleaks_regex_names_its_position() {
    let repo = TestRepo::new();
    repo.write(
        ".gitleaks.toml",
        "[[rules]]\nid = \"x\"\nregex = '''acme_(['''\nkeywords = [\"acme_\"]\n",
    );
    repo.keygate(&["check"]).assert_error(".gitleaks.toml:3:9:");
}

// ---- the shipped examples ----

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_annotated_example_config_loads() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    let run = repo.keygate(&["check", "--config", &example("keygate.toml")]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn the_custom_rule_example_passes_its_own_check() {
    let repo = TestRepo::new();
    let run = repo.keygate(&["rules", "--check", &example("custom-rules.toml")]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert!(run.stdout().contains("ok: 1 custom"), "{}", run.stdout());
}

#[test]
fn the_example_env_lists_start_from_the_current_defaults() {
    // The example tells users to copy the defaults before adding to them; keep it true.
    let config = keygate::config::Config::load(std::path::Path::new(&example("keygate.toml")))
        .expect("example loads");
    let env = &config.env;
    for (key, list, defaults) in [
        (
            "files",
            &env.files,
            keygate::hygiene::patterns::DEFAULT_FILES,
        ),
        (
            "templates",
            &env.templates,
            keygate::hygiene::patterns::DEFAULT_TEMPLATES,
        ),
        (
            "client_prefixes",
            &env.client_prefixes,
            keygate::hygiene::patterns::DEFAULT_CLIENT_PREFIXES,
        ),
    ] {
        let list = list.as_ref().unwrap();
        for d in defaults {
            assert!(
                list.iter().any(|x| x == d),
                "examples/keygate.toml env.{key} lacks {d}"
            );
        }
    }
}
