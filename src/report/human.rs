//! The report people read: one block per finding with where, what, the redacted secret and what
//! to do instead. The only place that decides about colour.

use super::model::{Color, Mode, Report};
use crate::finding::Severity;
use owo_colors::OwoColorize;
use std::io::Write;

/// Colour only when allowed, writing to a terminal, and `NO_COLOR` is unset or empty.
pub fn use_color(color: Color, to_terminal: bool) -> bool {
    color == Color::Auto && to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn write(report: &Report, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let paint = |text: &str, style: fn(&str) -> String| {
        if color {
            style(text)
        } else {
            text.to_string()
        }
    };
    for f in &report.findings {
        let location = match (f.line, f.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", f.file),
            _ => f.file.clone(),
        };
        let (label, style): (&str, fn(&str) -> String) = match f.severity {
            Severity::Block => ("error", |s| s.red().bold().to_string()),
            Severity::Warn => ("warning", |s| s.yellow().bold().to_string()),
        };
        writeln!(
            out,
            "{}: {} [{}]",
            paint(label, style),
            f.message,
            paint(&f.rule_id, |s| s.cyan().to_string())
        )?;
        writeln!(out, "  --> {}", paint(&location, |s| s.bold().to_string()))?;
        if let Some(commit) = &f.commit {
            writeln!(out, "  commit: {commit}")?;
        }
        if let Some(p) = &f.provenance {
            writeln!(out, "  introduced: {} by {}", p.date, p.author)?;
            writeln!(
                out,
                "  still in {} later commit(s); {}",
                p.later_commits,
                if p.present_at_head {
                    "still present at HEAD"
                } else {
                    "no longer at HEAD (but still in the history)"
                }
            )?;
        }
        if let Some(redacted) = &f.redacted {
            writeln!(out, "  secret: {redacted}")?;
        }
        if !f.remedy.is_empty() {
            writeln!(out, "  fix: {}", f.remedy)?;
        }
        writeln!(out)?;
    }
    for note in &report.notes {
        writeln!(
            out,
            "{}: {note}",
            paint("note", |s| s.blue().bold().to_string())
        )?;
    }
    let s = &report.summary;
    let verdict = if report.is_blocking() {
        paint("blocked", |s| s.red().bold().to_string())
    } else {
        paint("ok", |s| s.green().bold().to_string())
    };
    writeln!(
        out,
        "keygate: {verdict}: {} finding(s), {} blocking, in {} file(s) ({} bytes) scanned",
        s.findings, s.blocking, s.files_scanned, s.bytes_scanned
    )?;
    // Only a secret rule's finding can be a false positive to allow; a `.env` file is not.
    let allowable = report
        .findings
        .iter()
        .any(|f| f.is_blocking() && f.category == crate::finding::Category::Secret);
    if allowable {
        writeln!(
            out,
            "  A false positive? Add `keygate:allow` in a comment on the line, record it with \
             `keygate baseline`, or tune `.keygate.toml`."
        )?;
    }
    if (report.mode == Mode::History && !report.findings.is_empty()) || !report.committed.is_empty()
    {
        write_checklist(report, out)?;
    }
    Ok(())
}

/// The incident checklist that ends a history report: every key that was ever committed is
/// compromised, whatever happened to the commit afterwards.
fn write_checklist(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // The compromise checklist of the SPEC, in its order, naming each key's provider where the
    // rule knows where keys are revoked.
    let revoke_at = |rule_id: &str| {
        report
            .rules
            .iter()
            .find(|r| r.id == rule_id)
            .and_then(|r| r.revoke.clone())
            .unwrap_or_else(|| "at the service it belongs to".to_string())
    };
    // History: every key found. A working tree: the keys `HEAD` already holds.
    let keys: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.provenance.is_some() || report.committed.contains(&f.fingerprint))
        .filter_map(|f| Some((f, f.redacted.as_ref()?)))
        .collect();
    writeln!(out)?;
    let lead = if report.mode == Mode::History {
        "every key above"
    } else {
        "every key above that is already committed"
    };
    writeln!(
        out,
        "Incident checklist: treat {lead} as compromised, in this order:"
    )?;
    writeln!(
        out,
        "  1. Revoke each key now (deleting the line or the commit does not):"
    )?;
    for (f, redacted) in &keys {
        writeln!(
            out,
            "     - {} {redacted} ({}): {}",
            f.rule_id,
            f.file,
            revoke_at(&f.rule_id)
        )?;
    }
    writeln!(
        out,
        "  2. Generate a replacement and update every application that uses the key; keep it \
         outside Git (an untracked .env file, or a secret manager)."
    )?;
    writeln!(
        out,
        "  3. Review the provider's API logs for the exposure window, from the introducing commit's date:"
    )?;
    for (f, redacted) in &keys {
        match &f.provenance {
            Some(p) => {
                let short = &p.commit[..p.commit.len().min(12)];
                writeln!(
                    out,
                    "     - {} {redacted} ({}): since {} (commit {short})",
                    f.rule_id, f.file, p.date
                )?;
            }
            None => writeln!(
                out,
                "     - {} {redacted} ({}): since the commit that added it (`keygate check \
                 --history` names it)",
                f.rule_id, f.file
            )?,
        }
    }
    writeln!(
        out,
        "  4. Assess the damage: unexpected volume, unknown recipients, quota drained early, \
         access from unknown IPs or countries; for email and SMS providers, delivery reports, \
         bounce and complaint spikes and suppression lists."
    )?;
    writeln!(
        out,
        "  5. Notify the people affected where messages were sent in your name."
    )?;
    writeln!(out, "  6. Contact the provider's support.")?;
    writeln!(
        out,
        "  7. Only then, if policy requires it, rewrite history (git filter-repo) and force-push: \
         a rewrite does not un-leak a key that clones, forks and caches already hold."
    )?;
    Ok(())
}
