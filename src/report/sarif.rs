//! SARIF 2.1.0, as GitHub code scanning accepts it: `tool.driver.rules[]` from the catalog's
//! metadata (description, remedy, references), one result per finding with its location and
//! keygate's line-independent fingerprint in `partialFingerprints`. Secrets appear redacted only.

use super::model::{Report, RuleInfo};
use crate::finding::{Category, Finding, Severity};
use serde_json::{json, Map, Value};
use std::io::Write;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `partialFingerprints` key: keygate's fingerprint, versioned with its algorithm.
pub const FINGERPRINT_KEY: &str = "keygate/v1";

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

/// The SARIF log for `report`.
pub fn document(report: &Report) -> Value {
    // The rules the check ran, then any rule a result names that they do not hold, described
    // from its first finding.
    let mut rules: Vec<Value> = report.rules.iter().map(descriptor).collect();
    let mut ids: Vec<String> = report.rules.iter().map(|r| r.id.clone()).collect();
    for f in &report.findings {
        if !ids.contains(&f.rule_id) {
            ids.push(f.rule_id.clone());
            rules.push(finding_descriptor(f));
        }
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = ids.iter().position(|id| *id == f.rule_id).unwrap_or(0);
            result(f, index)
        })
        .collect();
    let notifications: Vec<Value> = report
        .notes
        .iter()
        .map(|n| json!({ "level": "note", "message": { "text": n } }))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "keygate",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": { "mode": report.mode },
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Block => "error",
        Severity::Warn => "warning",
    }
}

fn descriptor(info: &RuleInfo) -> Value {
    let severity = info.severity;
    let security_severity = if severity == Severity::Block {
        "8.5"
    } else {
        "5.0"
    };
    if info.category == Category::Env {
        let help = if info.family == "env" {
            "Keep .env files out of Git: list them in .gitignore, untrack them (`keygate fix`), \
             and keep only placeholders in templates."
        } else {
            "Keep credential files (.netrc, .pgpass, private keys, token-holding .npmrc, cloud \
             CLI credentials, keystores, Terraform state, ...) out of Git: list them in \
             .gitignore and untrack them (`keygate fix`); revoke and rotate what they held."
        };
        return json!({
            "id": info.id,
            "name": pascal_case(&info.id),
            "shortDescription": { "text": info.description },
            "help": { "text": help },
            "defaultConfiguration": { "level": level(severity) },
            "properties": {
                "tags": ["security", info.family],
                "security-severity": security_severity,
            },
        });
    }
    let mut help_md = info.remedy.clone();
    for r in &info.references {
        help_md.push_str(&format!("\n\n- <{r}>"));
    }
    let mut rule = json!({
        "id": info.id,
        "name": pascal_case(&info.id),
        "shortDescription": { "text": info.description },
        "fullDescription": { "text": format!("{} hard-coded in source", info.description) },
        "help": { "text": info.remedy, "markdown": help_md },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": ["security", "secret", info.family],
            "precision": if info.generic { "medium" } else { "high" },
            "security-severity": security_severity,
        },
    });
    if let Some(uri) = info.references.first().filter(|r| r.contains("://")) {
        rule["helpUri"] = json!(uri);
    }
    rule
}

fn finding_descriptor(f: &Finding) -> Value {
    json!({
        "id": f.rule_id,
        "name": pascal_case(&f.rule_id),
        "shortDescription": { "text": f.message },
        "help": { "text": if f.remedy.is_empty() { &f.message } else { &f.remedy } },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": ["security", format!("{:?}", f.category).to_lowercase()],
            "security-severity": if f.severity == Severity::Block { "8.5" } else { "5.0" },
        },
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let text = match &f.redacted {
        Some(redacted) => format!("{} ({redacted})", f.message),
        None => f.message.clone(),
    };
    let mut physical = json!({
        "artifactLocation": { "uri": uri_reference(&f.file), "uriBaseId": "%SRCROOT%" },
    });
    if let Some(line) = f.line {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(column) = f.column {
            region.insert("startColumn".into(), json!(column));
        }
        physical["region"] = Value::Object(region);
    }
    let mut properties = json!({ "category": f.category, "severity": f.severity });
    if let Some(redacted) = &f.redacted {
        properties["redacted"] = json!(redacted);
    }
    if let Some(commit) = &f.commit {
        properties["commit"] = json!(commit);
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": properties,
    })
}

/// `aws-access-key-id` → `AwsAccessKeyId`, the form SARIF viewers show as a rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path as a URI reference: unreserved characters and `/` kept, the rest
/// percent-encoded (spaces, `<stdin>`'s brackets, non-ASCII bytes).
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_reference_table() {
        let cases: &[(&str, &str)] = &[
            ("src/config.py", "src/config.py"),
            ("my file.py", "my%20file.py"),
            ("<stdin>", "%3Cstdin%3E"),
            ("é.txt", "%C3%A9.txt"),
            ("a#b?c", "a%23b%3Fc"),
        ];
        for (path, want) in cases {
            assert_eq!(uri_reference(path), *want, "{path}");
        }
    }

    #[test]
    fn pascal_case_table() {
        assert_eq!(pascal_case("aws-access-key-id"), "AwsAccessKeyId");
        assert_eq!(pascal_case("env-tracked"), "EnvTracked");
    }
}
