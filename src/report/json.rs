//! The SPEC's JSON document, version 1.

use super::model::{Mode, Report, Summary};
use crate::finding::Finding;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    mode: Mode,
    findings: &'a [Finding],
    summary: &'a Summary,
    /// What the user should know that is not a finding (a `.env` file that does not parse, a
    /// file that could not be read); an addition to the SPEC's fields, omitted when empty.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let doc = Document {
        version: 1,
        mode: report.mode,
        findings: &report.findings,
        summary: &report.summary,
        notes: &report.notes,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
