//! The custom rules: compiled after the built-in catalog (an id that is taken is a problem), their
//! examples and near misses run through the real engine, each problem kept as data (which rule,
//! which field) and placed at that value in the file.

use super::schema::Config;
use super::validate::owner_of;
use crate::engine::examples::{check_examples, Problem};
use crate::error::{Error, Result};
use crate::rules::{Rule, RuleError, SpecField};
use std::fmt;

/// What is wrong with one custom rule: the rule (its index in [`Config::rules`]) and the field
/// at fault, as data, and the text the user reads (`rule ID: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub rule: usize,
    pub field: SpecField,
    pub message: String,
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The built-in rules followed by the custom rules that compile, and a problem for each custom
/// rule that does not.
struct Compiled {
    rules: Vec<Rule>,
    /// How many of `rules` are built-in.
    builtin: usize,
    /// For each rule after the built-ins, its index in [`Config::rules`].
    custom: Vec<usize>,
    problems: Vec<RuleProblem>,
}

impl Config {
    /// Compiles the custom rules and runs their examples through the real engine; the first
    /// problem is the error, at the position of the value at fault. (A check does the same work
    /// in [`Config::compile_rules`].)
    pub fn check_rules(&self) -> Result<()> {
        match self.rule_problems()?.first() {
            Some(problem) => Err(self.rule_error(problem)),
            None => Ok(()),
        }
    }

    /// Every problem with the custom rules, each naming the rule and the field at fault: rules
    /// that do not compile, ids that are taken, and examples the engine does not report as the
    /// rule says (or near misses that it does). `Err` only when the built-in catalog does not
    /// compile.
    pub fn rule_problems(&self) -> Result<Vec<RuleProblem>> {
        let compiled = self.compile()?;
        let mut problems = self.example_problems(&compiled);
        problems.splice(0..0, compiled.problems);
        Ok(problems)
    }

    /// The config error for `problem`, at the position of the value at fault (else the rule's
    /// id, else the start of the file).
    pub fn rule_error(&self, problem: &RuleProblem) -> Error {
        let pos = self.positions.of_rule(problem.rule, problem.field);
        self.error_at(pos, problem.message.clone())
    }

    /// The rules a check runs with: built-ins plus the custom rules, with `disable` and
    /// `severity` applied, and the custom rules' examples checked through the real engine.
    pub fn compile_rules(&self) -> Result<Vec<Rule>> {
        let compiled = self.compile()?;
        if let Some(problem) = compiled.problems.first() {
            return Err(self.rule_error(problem));
        }
        self.check_rule_ids()?;
        if let Some(problem) = self.example_problems(&compiled).first() {
            return Err(self.rule_error(problem));
        }
        let mut rules = compiled.rules;
        for rule in &mut rules {
            rule.enabled = !self.disable.iter().any(|id| *id == rule.spec.id);
            if let Some(&severity) = self.severity.get(rule.spec.id.as_ref()) {
                rule.severity = severity;
            }
        }
        Ok(rules)
    }

    /// The built-in rules, then each custom rule whose id is not taken (by a built-in rule, a
    /// `.env` rule or an earlier custom rule) and that compiles.
    fn compile(&self) -> Result<Compiled> {
        let mut rules = crate::rules::compile_all(&[])?;
        let builtin = rules.len();
        let (mut custom, mut problems) = (Vec::new(), Vec::new());
        for (i, spec) in self.rules.iter().enumerate() {
            let result = match owner_of(&spec.id, &self.rules[..i]) {
                Some(_) => Err(RuleError {
                    id: spec.id.to_string(),
                    field: SpecField::Id,
                    message: "duplicate rule id (a built-in or earlier rule has it)".into(),
                }),
                None => Rule::compile(spec.clone()),
            };
            match result {
                Ok(rule) => {
                    rules.push(rule);
                    custom.push(i);
                }
                Err(e) => problems.push(RuleProblem {
                    rule: i,
                    field: e.field,
                    message: e.to_string(),
                }),
            }
        }
        Ok(Compiled {
            rules,
            builtin,
            custom,
            problems,
        })
    }

    /// The examples and near misses of the compiled custom rules that the engine (built from all
    /// the rules, so that overlaps apply as in a check) does not treat as the rule says.
    fn example_problems(&self, compiled: &Compiled) -> Vec<RuleProblem> {
        let Compiled { rules, builtin, .. } = compiled;
        check_examples(rules, *builtin..rules.len())
            .into_iter()
            .map(|p| RuleProblem {
                rule: compiled.custom[p.rule - builtin],
                field: match p.problem {
                    Problem::Unmatched(n) | Problem::Unreported(n) => SpecField::Example(n),
                    Problem::NearMissReported(n) => SpecField::NegativeExample(n),
                },
                message: p.to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema::FILE_NAME;
    use std::path::Path;

    /// A token for the test rules' pattern, made at run time so that this file holds no secret.
    fn token() -> String {
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let random: String = (0..24)
            .map(|i| alphabet[(i * 7 + 3) % alphabet.len()] as char)
            .collect();
        format!("acme_{random}")
    }

    fn rule(id: &str, extra: &str, examples: &str, near_misses: &str) -> String {
        format!(
            "[[rules]]\nid = \"{id}\"\ndescription = \"d\"\n\
             pattern = '''\\b(?P<secret>acme_[a-z0-9]{{24}})\\b'''\nkeywords = [\"acme_\"]\n\
             {extra}examples = [{examples}]\nnegative_examples = [{near_misses}]\nremedy = \"r\"\n"
        )
    }

    /// Each problem names its rule and field as data, and is placed at that value.
    #[test]
    fn problems_are_placed_at_their_field() {
        let good = format!("\"acme = {}\"", token());
        let text = [
            rule(
                "acme-one",
                "validator = \"no-such\"\n",
                &good,
                "\"acme_short\"",
            ),
            rule("acme-one", "", &good, "\"acme_short\""),
            rule("acme-two", "", "", "\"acme_short\""),
            rule(
                "acme-three",
                "",
                &format!("{good}, \"nothing here\""),
                &format!("\"acme_short\", {good}"),
            ),
        ]
        .concat();
        let config = Config::parse_str(Path::new(FILE_NAME), &text).unwrap();
        let placed: Vec<(usize, SpecField, (usize, usize))> = config
            .rule_problems()
            .unwrap()
            .iter()
            .map(|p| match config.rule_error(p) {
                Error::Config { line, column, .. } => (p.rule, p.field, (line, column)),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            placed,
            vec![
                (0, SpecField::Validator, (6, 13)),
                (1, SpecField::Id, (11, 6)),
                (2, SpecField::Examples, (23, 12)),
                (3, SpecField::Example(1), (31, 53)),
                (3, SpecField::NegativeExample(1), (32, 36)),
            ]
        );
    }
}
