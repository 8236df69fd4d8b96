//! Rules carry their own examples: strings they must match and near misses they must not. This
//! runs them through the real engine (prefilter, entropy, placeholders, checksums and overlap
//! with other rules all apply) for the catalog test, `keygate rules --check` and user rules.

use super::Scanner;
use crate::rules::Rule;
use std::fmt;
use std::ops::Range;

/// What is wrong with one example of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Example `n` does not match the rule's pattern at all.
    Unmatched(usize),
    /// Example `n` matches the pattern, but the engine does not report it.
    Unreported(usize),
    /// Near miss `n` is reported.
    NearMissReported(usize),
}

/// A [`Problem`] with the rule it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleProblem {
    /// Index of the rule in the list checked.
    pub rule: usize,
    pub id: String,
    pub problem: Problem,
}

impl fmt::Display for ExampleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.id;
        match self.problem {
            Problem::Unmatched(n) => write!(f, "rule {id}: example {n} does not match the pattern"),
            Problem::Unreported(n) => write!(
                f,
                "rule {id}: example {n} matches the pattern but the engine does not report it \
                 (keywords, entropy, placeholder, checksum or a more specific rule)"
            ),
            Problem::NearMissReported(n) => {
                write!(f, "rule {id}: negative example {n} is reported")
            }
        }
    }
}

/// Runs the examples and near misses of the rules in `which` through one engine built from all
/// of `rules` (each enabled), and returns every problem, in rule and example order.
pub fn check_examples(rules: &[Rule], which: Range<usize>) -> Vec<ExampleProblem> {
    if which.is_empty() {
        // No rule to check (no custom rules): skip building a whole second scanner, which
        // every check, the pre-commit hook's included, would pay for at start.
        return Vec::new();
    }
    let mut all = rules.to_vec();
    for rule in &mut all {
        rule.enabled = true;
    }
    let scanner = Scanner::new(all, Default::default());
    let mut problems = Vec::new();
    for index in which {
        let rule = scanner.rule(index);
        let mut push = |problem| {
            problems.push(ExampleProblem {
                rule: index,
                id: rule.id().to_string(),
                problem,
            })
        };
        for (n, example) in rule.spec.examples.iter().enumerate() {
            let expected = rule
                .regex()
                .first_secret(example.as_bytes())
                .map(|g| g.start);
            let reported = |start| {
                scanner
                    .scan(example.as_bytes())
                    .iter()
                    .any(|m| m.rule == index && m.offset == start)
            };
            match expected {
                None => push(Problem::Unmatched(n)),
                Some(start) if !reported(start) => push(Problem::Unreported(n)),
                Some(_) => {}
            }
        }
        for (n, near_miss) in rule.spec.negative_examples.iter().enumerate() {
            if scanner
                .scan(near_miss.as_bytes())
                .iter()
                .any(|m| m.rule == index)
            {
                push(Problem::NearMissReported(n));
            }
        }
    }
    problems
}
