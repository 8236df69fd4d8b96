//! Walks the whole built-in catalog through the real engine: every example found with the span of
//! its secret group, no near miss found, metadata complete.

use keygate::rules::{builtin_specs, check_examples, compile_all};

#[test]
fn every_builtin_rule_passes_its_examples_through_the_engine() {
    let rules = compile_all(&[]).expect("built-in catalog compiles");
    let problems = check_examples(&rules, 0..rules.len());
    assert!(
        problems.is_empty(),
        "catalog problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_builtin_rule_has_complete_metadata() {
    let mut ids = std::collections::HashSet::new();
    for spec in builtin_specs() {
        assert!(ids.insert(spec.id.clone()), "duplicate id {}", spec.id);
        assert!(!spec.description.is_empty(), "{}: no description", spec.id);
        assert!(!spec.remedy.is_empty(), "{}: no remedy", spec.id);
        assert!(!spec.examples.is_empty(), "{}: no example", spec.id);
        assert!(
            !spec.negative_examples.is_empty(),
            "{}: no near miss",
            spec.id
        );
        assert!(!spec.family.is_empty(), "{}: no family", spec.id);
    }
}

#[test]
fn a_broken_example_is_reported_with_the_rule_id_and_index() {
    let toml = r#"
[[rules]]
id = "acme-token"
description = "ACME token"
pattern = 'acme_(?P<secret>[a-z0-9]{20})\b'
keywords = ["acme_"]
examples = ["t = acme_q8f3kzp0lmxw2rty7uvb", "nothing to see here"]
negative_examples = ["t = acme_short", "t = acme_9f3kzp0lmxw2rty7uvbq"]
remedy = "rotate"
"#;
    let spec = keygate::rules::parse_rule_file("custom.toml", toml).unwrap();
    let mut rules = compile_all(&[]).unwrap();
    rules.push(keygate::rules::Rule::compile(spec[0].clone()).unwrap());
    let n = rules.len();
    let problems = check_examples(&rules, n - 1..n);
    assert_eq!(
        problems,
        vec![
            "rule acme-token: example 1 does not match the pattern".to_string(),
            "rule acme-token: negative example 1 is reported".to_string(),
        ]
    );
}

