//! Property tests (proptest): for any text around a planted secret of any built-in rule, the
//! finding points at the secret; for any input and every output format, no whole secret appears.

use crate::common::keygate_command;
use crate::common::Run;
use keygate::engine::Scanner;
use keygate::rules::compile_all;
use proptest::prelude::*;
use std::sync::OnceLock;

/// The built-in catalog behind one scanner, built once.
fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let mut rules = compile_all(&[]).expect("the catalog compiles");
        for rule in &mut rules {
            rule.enabled = true;
        }
        Scanner::new(rules, Default::default())
    })
}

/// Every (rule, example) of the catalog whose example the engine reports alone, with the byte
/// offset of the secret in the example.
fn examples() -> &'static [(usize, String, usize)] {
    static EXAMPLES: OnceLock<Vec<(usize, String, usize)>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let scanner = scanner();
        let mut out = Vec::new();
        for (index, rule) in scanner.rules().iter().enumerate() {
            for example in rule.spec.examples.iter() {
                let Some(start) = rule
                    .regex()
                    .first_secret(example.as_bytes())
                    .map(|g| g.start)
                else {
                    continue;
                };
                let alone = scanner.scan(example.as_bytes());
                if alone.iter().any(|m| m.rule == index && m.offset == start) {
                    out.push((index, example.to_string(), start));
                }
            }
        }
        assert!(out.len() > 100, "the catalog's examples: {}", out.len());
        out
    })
}

/// Filler text that no rule matches: words of lower-case letters and `é`, spaces, newlines.
fn filler() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-z]{1,9}".prop_map(|w| w + " "),
            Just("\n".to_string()),
            Just("é ".to_string()),
            Just("\t".to_string()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// 1-based line and character column of byte `offset` in `text`, counted independently of the
/// engine.
fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (line, column)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any filler before and after a line holding any rule's example (indented by any number of
    /// spaces): the rule reports it, with line and column at the secret's first character.
    #[test]
    fn a_planted_secret_is_reported_where_it_is(
        pick in any::<prop::sample::Index>(),
        before in filler(),
        indent in 0usize..6,
        after in filler(),
    ) {
        let (rule, example, start) = pick.get(examples()).clone();
        let mut text = before.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&" ".repeat(indent));
        let at = text.len() + start;
        text.push_str(&example);
        text.push('\n');
        text.push_str(&after);
        let found = scanner().scan(text.as_bytes());
        let id = scanner().rule(rule).id();
        let hit = found.iter().find(|m| m.offset == at);
        prop_assert!(hit.is_some(), "{id}: not reported at byte {at}");
        let hit = hit.unwrap();
        prop_assert_eq!((hit.line, hit.column), line_column(&text, at), "{}", id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any input holding any rule's example, in every output format: no whole secret appears
    /// in the report.
    #[test]
    fn no_output_format_holds_a_whole_secret(
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
        before in filler(),
        after in filler(),
    ) {
        let mut text = before;
        let mut secrets = Vec::new();
        for pick in &picks {
            let (rule, example, start) = pick.get(examples()).clone();
            text.push('\n');
            let rule = scanner().rule(rule);
            let secret = rule
                .regex()
                .first_secret(example.as_bytes())
                .map(|g| example[start..g.end].to_string())
                .unwrap();
            secrets.push(secret);
            text.push_str(&example);
            text.push('\n');
        }
        text.push_str(&after);
        let dir = tempfile::tempdir().unwrap();
        for format in ["human", "json", "sarif"] {
            let run = Run::of(
                keygate_command(dir.path()).args(["check", "-", "--format", format]),
                Some(text.as_bytes()),
            );
            // The check runs (some examples need a file name or neighbouring lines to be
            // reported, so not every input blocks through standard input).
            prop_assert_ne!(run.code(), 2, "{}", format);
            let out = run.text();
            for secret in &secrets {
                // Shorter values may occur in rule texts by chance; no key is that short.
                if secret.chars().count() >= 10 {
                    prop_assert!(
                        !out.contains(secret.as_str()),
                        "{} output holds a whole secret of {} characters",
                        format,
                        secret.chars().count()
                    );
                }
            }
        }
    }
}
