//! What gets scanned: files and standard input, read in bounded chunks, binary files skipped,
//! scanned on every core. Turns engine matches into findings with the file's own line numbers.

pub mod history;
mod novel;
pub mod staged;
pub mod worktree;

use crate::engine::known::{KnownValues, Leak};
use crate::engine::{char_count, Match, Scanner};
use crate::finding::{Finding, Fingerprinter};
use memchr::{memchr_iter, memrchr};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::PathBuf;

/// Bytes read and scanned at a time. Files up to this size are scanned in one piece.
pub const CHUNK: usize = 8 << 20;
/// Bytes kept after a chunk's reporting limit, so that a secret (a private key block included)
/// that starts before the limit is seen whole.
pub const OVERLAP: usize = 80 << 10;
// Every known value fits in the overlap, so that one chunk sees it whole.
const _: () = assert!(crate::engine::known::MAX_LEN <= OVERLAP);
/// How far back a match may start before its secret; kept when a chunk ends mid-line.
const CARRY_BEHIND: usize = 1024;
/// A NUL byte in the first this-many bytes marks a file as binary.
const BINARY_SNIFF: usize = 8 << 10;

/// Whether `bytes`, the start of a file, mark it as binary: a NUL byte in the first
/// [`BINARY_SNIFF`] bytes, as Git decides.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0)
}

/// One thing to scan.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where to read it from.
    pub path: PathBuf,
    /// How findings name it: relative to the repository root with `/` separators.
    pub display: String,
    /// A tracked file's size in the index, `None` for a file found on disk. Such a file is read
    /// without a `stat`: in one read when it still has that size, and it is skipped when it is
    /// gone or no longer a regular file (Git would not commit it as it is).
    pub size_hint: Option<u64>,
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

/// Scans `sources` in parallel for the rules and the known values alike, reading each file once.
pub fn scan_files(
    scanner: &Scanner,
    known: &KnownValues,
    fingerprints: &Fingerprinter,
    sources: &[Source],
) -> Scanned {
    sources
        .par_iter()
        .map(|source| {
            let mut out = Scanned::default();
            let mut each = |chunk: &Chunk<'_>| {
                for m in chunk.matches(scanner) {
                    out.findings
                        .push(scanner.finding(&m, &source.display, fingerprints));
                }
                for leak in chunk.leaks(known) {
                    out.findings
                        .push(known.finding(&leak, &source.display, fingerprints));
                }
            };
            match read_source(source, &mut each) {
                Ok(Some(ReadOutcome::Scanned { bytes })) => {
                    out.files_scanned = 1;
                    out.bytes_scanned = bytes;
                }
                Ok(Some(ReadOutcome::Binary) | None) => {}
                Err(e) => out.errors.push(format!("{}: {e}", source.display)),
            }
            out
        })
        .reduce(Scanned::default, Scanned::merge)
}

/// Files up to this size (from the index) are read in one piece, without the chunk machinery.
const SMALL: u64 = CHUNK as u64;

/// Reads `source` once and hands its text to `each`, in one chunk when it is small. `Ok(None)`
/// when a tracked file turns out to be gone or not a regular file: it is skipped.
///
/// A tracked file is opened without following a symbolic link and read with room for one byte
/// more than its index size: a read that returns exactly that size has reached the end of a
/// regular file (reads of regular files only come up short at the end), so open, one read and
/// close are the whole cost. Any other outcome is checked with `fstat` and read to the end.
fn read_source(
    source: &Source,
    each: &mut dyn FnMut(&Chunk<'_>),
) -> io::Result<Option<ReadOutcome>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Not a link's target; and a FIFO in a tracked file's place must not block the open.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let tracked = source.size_hint.is_some();
    #[cfg(not(target_os = "linux"))]
    if tracked && !source.path.symlink_metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let mut file = match options.open(&source.path) {
        Ok(file) => file,
        Err(e) if tracked && gone_or_not_a_file(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let hint = source.size_hint.filter(|&n| n < SMALL);
    let Some(expected) = hint else {
        if tracked && !file.metadata()?.is_file() {
            return Ok(None);
        }
        return read_chunks(file, each).map(Some);
    };
    let want = expected as usize + 1;
    let mut buf = vec![0u8; want];
    let mut len = 0;
    let complete = loop {
        let got = match file.read(&mut buf[len..]) {
            Ok(got) => got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if gone_or_not_a_file(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        len += got;
        if got == 0 || len == want {
            break got == 0;
        }
        if len == expected as usize {
            break true;
        }
    };
    if len != expected as usize || !complete {
        // Changed since Git looked at it: make sure it is still a regular file.
        if !file.metadata()?.is_file() {
            return Ok(None);
        }
    }
    if !complete {
        buf.truncate(len);
        return read_chunks(io::Cursor::new(buf).chain(file), each).map(Some);
    }
    let text = &buf[..len];
    if is_binary(text) {
        return Ok(Some(ReadOutcome::Binary));
    }
    each(&Chunk {
        text,
        skip_before: 0,
        report_before: len,
        line_base: 0,
        col_base: 0,
        offset_base: 0,
    });
    Ok(Some(ReadOutcome::Scanned { bytes: len as u64 }))
}

/// A tracked path that is gone, is a folder now, or is a symbolic link (`O_NOFOLLOW`).
fn gone_or_not_a_file(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::NotFound {
        return true;
    }
    #[cfg(target_os = "linux")]
    if let Some(code) = e.raw_os_error() {
        return [libc::ELOOP, libc::EISDIR, libc::ENOTDIR].contains(&code);
    }
    false
}

/// One piece of a stream read by [`read_chunks`]: its text, and where the text sits in the stream.
/// Chunks overlap; [`Chunk::place`] gives each match to exactly one of them.
pub struct Chunk<'a> {
    pub text: &'a [u8],
    /// Matches starting before this offset in `text` were reported by the previous chunk.
    skip_before: usize,
    /// Matches starting at or after this offset are reported by the next chunk.
    report_before: usize,
    /// Lines of the stream before `text`, and characters before it on its first line.
    line_base: u64,
    col_base: u64,
    /// Bytes of the stream before `text`.
    offset_base: usize,
}

impl Chunk<'_> {
    /// A match found in `text` at byte `offset`, 1-based `line` and `column` (relative to
    /// `text`): its offset, line and column in the stream, or `None` when another chunk reports
    /// it.
    pub fn place(&self, offset: usize, line: u64, column: u64) -> Option<(usize, u64, u64)> {
        if offset < self.skip_before || offset >= self.report_before {
            return None;
        }
        let column = if line == 1 {
            column + self.col_base
        } else {
            column
        };
        Some((self.offset_base + offset, line + self.line_base, column))
    }

    /// The rules' matches this chunk reports, placed in the stream.
    pub fn matches(&self, scanner: &Scanner) -> Vec<Match> {
        scanner
            .scan(self.text)
            .into_iter()
            .filter_map(|mut m| {
                (m.offset, m.line, m.column) = self.place(m.offset, m.line, m.column)?;
                Some(m)
            })
            .collect()
    }

    /// The known values this chunk reports, placed in the stream.
    pub fn leaks(&self, known: &KnownValues) -> Vec<Leak> {
        known
            .scan(self.text)
            .into_iter()
            .filter_map(|leak| {
                let (offset, line, column) = self.place(leak.offset, leak.line, leak.column)?;
                Some(Leak {
                    offset,
                    line,
                    column,
                    ..leak
                })
            })
            .collect()
    }
}

/// Scans a stream in chunks of bounded size, calling `on_match` with lines and columns counted
/// from the start of the stream. Memory stays bounded however long the stream or its lines are.
pub fn scan_reader(
    scanner: &Scanner,
    reader: impl Read,
    mut on_match: impl FnMut(Match),
) -> io::Result<ReadOutcome> {
    read_chunks(reader, |chunk| {
        chunk.matches(scanner).into_iter().for_each(&mut on_match)
    })
}

/// Reads a stream in chunks of at most [`CHUNK`] bytes plus an overlap, so that a match up to
/// [`OVERLAP`] bytes long lies whole in one chunk whatever its position, and calls `each` with
/// every chunk. A binary stream (a NUL byte near its start) gives no chunk.
pub fn read_chunks(
    mut reader: impl Read,
    mut each: impl FnMut(&Chunk<'_>),
) -> io::Result<ReadOutcome> {
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0u64;
    let (mut line_base, mut col_base, mut offset_base) = (0u64, 0u64, 0usize);
    let mut skip_before = 0usize; // matches before this offset were already reported
    let mut first = true;
    loop {
        let want = CHUNK + OVERLAP - buf.len();
        let got = (&mut reader).take(want as u64).read_to_end(&mut buf)?;
        total += got as u64;
        let eof = got < want;
        if first {
            first = false;
            if is_binary(&buf) {
                return Ok(ReadOutcome::Binary);
            }
        }
        // Report matches that start before `report_before`; the rest is read again next round.
        let report_before = if eof {
            buf.len()
        } else {
            let limit = buf.len() - OVERLAP;
            memrchr(b'\n', &buf[..limit]).map_or(limit, |i| i + 1)
        };
        each(&Chunk {
            text: &buf,
            skip_before,
            report_before,
            line_base,
            col_base,
            offset_base,
        });
        if eof {
            return Ok(ReadOutcome::Scanned { bytes: total });
        }
        // Carry on from the line start, or from a little before the limit when mid-line.
        let at_line_start = report_before > 0 && buf[report_before - 1] == b'\n';
        let carry_from = if at_line_start {
            report_before
        } else {
            report_before.saturating_sub(CARRY_BEHIND)
        };
        let newlines = memchr_iter(b'\n', &buf[..carry_from]).count() as u64;
        col_base = match memrchr(b'\n', &buf[..carry_from]) {
            Some(i) => char_count(&buf[i + 1..carry_from]),
            None => col_base + char_count(&buf[..carry_from]),
        };
        line_base += newlines;
        offset_base += carry_from;
        skip_before = report_before - carry_from;
        buf.drain(..carry_from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::known::KnownValue;
    use crate::finding::{Secret, Severity};

    #[test]
    fn chunked_reading_finds_each_known_value_once_where_a_whole_scan_does() {
        const KEY: &str = "tk_9fQ2mZx7LpR4vW8nB3cY6tHs";
        let known = KnownValues::new(
            vec![KnownValue {
                name: "TELNXO_API_KEY".into(),
                file: ".env".into(),
                value: Secret::new(KEY.as_bytes()),
            }],
            Severity::Block,
        );
        // Values on short lines and inside a long line, all around the first chunk's end.
        let mut text = Vec::new();
        while text.len() < CHUNK - OVERLAP {
            text.extend_from_slice(b"filler line with nothing in it\n");
        }
        for i in 0..4000 {
            if i % 7 == 0 {
                text.extend_from_slice(format!("é {KEY} {i}\n").as_bytes());
            } else {
                text.extend_from_slice(b"plain text\n");
            }
        }
        let long_at = text.len();
        text.extend(std::iter::repeat_n(b'y', CHUNK + OVERLAP - long_at - 3));
        text.extend_from_slice(KEY.as_bytes());
        text.extend_from_slice(b"yyy\n");
        text.extend_from_slice(KEY.as_bytes());
        let whole: Vec<Leak> = known.scan(&text);
        let mut chunked = Vec::new();
        read_chunks(&text[..], |chunk| chunked.extend(chunk.leaks(&known))).unwrap();
        assert!(whole.len() > 500, "{}", whole.len());
        assert_eq!(chunked, whole);
    }
}
