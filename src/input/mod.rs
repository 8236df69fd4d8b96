//! What gets scanned: files and standard input, read in bounded chunks, binary files skipped,
//! scanned on every core. Turns engine matches into findings with the file's own line numbers.

pub mod history;
mod novel;
pub mod staged;
pub mod worktree;

use crate::engine::{char_count, Match, Scanner};
use crate::finding::{Finding, Fingerprinter};
use memchr::{memchr_iter, memrchr};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::PathBuf;

/// Bytes read and scanned at a time. Files up to this size are scanned in one piece.
pub(crate) const CHUNK: usize = 8 << 20;
/// Bytes kept after a chunk's reporting limit, so that a secret (a private key block included)
/// that starts before the limit is seen whole.
const OVERLAP: usize = 80 << 10;
/// How far back a match may start before its secret; kept when a chunk ends mid-line.
const CARRY_BEHIND: usize = 1024;
/// A NUL byte in the first this-many bytes marks a file as binary.
pub(crate) const BINARY_SNIFF: usize = 8 << 10;

/// One thing to scan.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where to read it from.
    pub path: PathBuf,
    /// How findings name it: relative to the repository root with `/` separators.
    pub display: String,
}

/// What scanning a set of sources produced.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Sources that could not be read: the check is incomplete and must not pass.
    pub errors: Vec<String>,
}

impl Scanned {
    fn merge(mut self, other: Scanned) -> Scanned {
        self.findings.extend(other.findings);
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.errors.extend(other.errors);
        self
    }
}

/// Outcome of reading one stream.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    Scanned { bytes: u64 },
    Binary,
}

/// Scans `sources` in parallel.
pub fn scan_files(scanner: &Scanner, fingerprints: &Fingerprinter, sources: &[Source]) -> Scanned {
    sources
        .par_iter()
        .map(|source| {
            let mut out = Scanned::default();
            let file = match std::fs::File::open(&source.path) {
                Ok(file) => file,
                Err(e) => {
                    out.errors.push(format!("{}: {e}", source.display));
                    return out;
                }
            };
            match scan_reader(scanner, file, |m| {
                out.findings
                    .push(scanner.finding(&m, &source.display, fingerprints))
            }) {
                Ok(ReadOutcome::Scanned { bytes }) => {
                    out.files_scanned = 1;
                    out.bytes_scanned = bytes;
                }
                Ok(ReadOutcome::Binary) => {}
                Err(e) => out.errors.push(format!("{}: {e}", source.display)),
            }
            out
        })
        .reduce(Scanned::default, Scanned::merge)
}

/// Scans a stream in chunks of bounded size, calling `on_match` with lines and columns counted
/// from the start of the stream. Memory stays bounded however long the stream or its lines are.
pub fn scan_reader(
    scanner: &Scanner,
    mut reader: impl Read,
    mut on_match: impl FnMut(Match),
) -> io::Result<ReadOutcome> {
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0u64;
    let mut line_base = 0u64; // lines before buf[0]
    let mut col_base = 0u64; // characters before buf[0] on its line
    let mut skip_before = 0usize; // matches before this offset were already reported
    let mut first = true;
    loop {
        let want = CHUNK + OVERLAP - buf.len();
        let got = (&mut reader).take(want as u64).read_to_end(&mut buf)?;
        total += got as u64;
        let eof = got < want;
        if first {
            first = false;
            if buf[..buf.len().min(BINARY_SNIFF)].contains(&0) {
                return Ok(ReadOutcome::Binary);
            }
        }
        // Report matches that start before `keep_before`; the rest is scanned again next round.
        let keep_before = if eof {
            buf.len()
        } else {
            let limit = buf.len() - OVERLAP;
            memrchr(b'\n', &buf[..limit]).map_or(limit, |i| i + 1)
        };
        for mut m in scanner.scan(&buf) {
            if m.offset < skip_before || m.offset >= keep_before {
                continue;
            }
            if m.line == 1 {
                m.column += col_base;
            }
            m.line += line_base;
            on_match(m);
        }
        if eof {
            return Ok(ReadOutcome::Scanned { bytes: total });
        }
        // Carry on from the line start, or from a little before the limit when mid-line.
        let at_line_start = keep_before > 0 && buf[keep_before - 1] == b'\n';
        let carry_from = if at_line_start {
            keep_before
        } else {
            keep_before.saturating_sub(CARRY_BEHIND)
        };
        let newlines = memchr_iter(b'\n', &buf[..carry_from]).count() as u64;
        col_base = match memrchr(b'\n', &buf[..carry_from]) {
            Some(i) => char_count(&buf[i + 1..carry_from]),
            None => col_base + char_count(&buf[..carry_from]),
        };
        line_base += newlines;
        skip_before = keep_before - carry_from;
        buf.drain(..carry_from);
    }
}
