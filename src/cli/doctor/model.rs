//! What `keygate doctor` says about one check: its status against one of the ten rules, what it
//! saw, and what to do about it.

use serde::Serialize;

/// How a check came out. A warning never fails `doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Stable kebab-case id (`hook`, `env-kept-out`, …).
    pub id: &'static str,
    /// The number of the rule among the ten that this check serves.
    pub rule: u8,
    pub status: Status,
    /// What the check saw, in one or a few sentences; never a secret.
    pub message: String,
    /// What to do; empty when the check passes.
    pub fix: String,
}

impl Verdict {
    pub fn pass(id: &'static str, rule: u8, message: impl Into<String>) -> Verdict {
        Verdict {
            id,
            rule,
            status: Status::Pass,
            message: message.into(),
            fix: String::new(),
        }
    }

    pub fn warn(
        id: &'static str,
        rule: u8,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Verdict {
        Verdict::with_fix(Status::Warn, id, rule, message.into(), fix.into())
    }

    pub fn fail(
        id: &'static str,
        rule: u8,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Verdict {
        Verdict::with_fix(Status::Fail, id, rule, message.into(), fix.into())
    }

    fn with_fix(
        status: Status,
        id: &'static str,
        rule: u8,
        message: String,
        fix: String,
    ) -> Verdict {
        Verdict {
            id,
            rule,
            status,
            message,
            fix,
        }
    }
}

/// `a`, `a and b`, `a, b and 3 more`: a short list for a message.
pub fn list(items: &[String]) -> String {
    const SHOWN: usize = 3;
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n if n <= SHOWN => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
        n => format!("{} and {} more", items[..SHOWN].join(", "), n - SHOWN),
    }
}
