//! Rule 7: no key in client-side code. `env-client-exposed` finds secret variables that bundlers
//! inline by prefix; this also finds secret variable names read in files that ship to browsers.

use super::model::{list, Verdict};
use super::tracked::TrackedFile;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::hygiene::context::RepoContext;
use crate::hygiene::parse;
use aho_corasick::AhoCorasick;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};

/// Files that ship to browsers, by default.
pub const DEFAULT_CLIENT_FILES: &[&str] = &[
    "public/**",
    "static/**",
    "**/src/components/**",
    "src/components/**",
    "components/**",
    "**/*.client.*",
];

/// The secret names keygate exists for, looked for even when no `.env` file defines them.
const PRODUCT_KEYS: &[&str] = &["MIGOSMTP_API_KEY", "TELNXO_API_KEY"];

pub fn globs(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| Error::Usage(format!("--client-files: `{pattern}`: {}", e.kind())))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("--client-files: {e}")))
}

pub fn check(
    ctx: &RepoContext,
    tracked: &[TrackedFile],
    client_files: &GlobSet,
    findings: &[Finding],
) -> Verdict {
    const ID: &str = "client-side";
    let mut names: BTreeSet<String> = PRODUCT_KEYS.iter().map(|s| s.to_string()).collect();
    for file in &ctx.files {
        for var in file.parsed.iter().flat_map(|p| &p.vars) {
            if parse::is_secret_name(&var.name) {
                names.insert(var.name.clone());
            }
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    let matcher = AhoCorasick::new(&names).expect("variable names build a matcher");
    let mut reads = Vec::new();
    for file in tracked.iter().filter(|f| client_files.is_match(&f.display)) {
        // Each name once per file, at its first whole-word occurrence.
        let mut found: BTreeMap<usize, usize> = BTreeMap::new();
        for m in matcher.find_iter(&file.text) {
            let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let before = m.start().checked_sub(1).map(|i| file.text[i]);
            let after = file.text.get(m.end()).copied();
            if !before.is_some_and(word) && !after.is_some_and(word) {
                found.entry(m.pattern().as_usize()).or_insert(m.start());
            }
        }
        for (name, at) in found {
            let line = 1 + memchr::memchr_iter(b'\n', &file.text[..at]).count();
            reads.push(format!("{} in {}:{line}", names[name], file.display));
        }
    }
    let exposed: Vec<String> = findings
        .iter()
        .filter(|f| f.rule_id == crate::rules::env::CLIENT_EXPOSED)
        .map(|f| format!("{}:{}", f.file, f.line.unwrap_or(0)))
        .collect();
    if reads.is_empty() && exposed.is_empty() {
        return Verdict::pass(
            ID,
            7,
            "no secret variable is read in client-side code or has a bundler-inlined prefix",
        );
    }
    let mut message = Vec::new();
    if !reads.is_empty() {
        message.push(format!("client-side code reads {}", list(&reads)));
    }
    if !exposed.is_empty() {
        message.push(format!(
            "a secret variable has a prefix bundlers inline ({})",
            list(&exposed)
        ));
    }
    Verdict::fail(
        ID,
        7,
        message.join("; "),
        "read keys in server code only (an API route or backend proxy) and send the browser \
         results, never the key; rotate any key that already shipped to clients",
    )
}
