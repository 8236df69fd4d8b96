//! keygate keeps API keys out of Git: a rule engine for hard-coded secrets, `.env` hygiene
//! checks, and the `keygate` command that runs them as a pre-commit hook, by hand and in CI.

mod baseline;
mod bytes;
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod finding;
pub mod git;
mod hook;
pub mod hygiene;
mod input;
mod report;
pub mod rules;

pub use engine::Scanner;
pub use error::{Error, Result};
pub use finding::{Category, Finding, Severity};

/// Entry points for the fuzz targets in `fuzz/` (not part of the API): each parser of outside
/// input, given arbitrary bytes. Each returns a value so that the work is not optimised away,
/// and panics only where the parser itself does.
#[doc(hidden)]
pub mod fuzzing {
    use std::path::Path;

    /// The scanner with every built-in rule over arbitrary bytes, whole and in chunks; checks
    /// that every match lies inside the text and that no redaction shows the whole secret.
    pub fn scan(data: &[u8]) -> usize {
        use std::sync::OnceLock;
        static SCANNER: OnceLock<crate::engine::Scanner> = OnceLock::new();
        let scanner = SCANNER.get_or_init(|| {
            let rules = crate::rules::compile_all(&[]).expect("the catalog compiles");
            crate::engine::Scanner::new(rules, Default::default())
        });
        let found = scanner.scan(data);
        for m in &found {
            let secret = m.secret.expose();
            assert!(m.offset + secret.len() <= data.len());
            assert_eq!(&data[m.offset..m.offset + secret.len()], secret);
            assert!(m.line >= 1 && m.column >= 1);
            let redacted = m.secret.redacted();
            let shown = redacted.as_str().chars().filter(|&c| c != '…').count();
            assert!(shown <= 4);
        }
        let mut chunked = 0;
        let _ = crate::input::read_chunks(data, |chunk| chunked += chunk.matches(scanner).len());
        found.len() + chunked
    }

    /// Git's index file format.
    pub fn index_file(data: &[u8]) -> usize {
        crate::git::IndexFile::parse(data).map_or(0, |index| index.entries.len())
    }

    /// The staged change's line mapping: the lines of `new` that a diff from `old` adds, split
    /// at the first `0xff` byte of `data`. The ranges are sorted, disjoint and inside `new`.
    pub fn added_lines(data: &[u8]) -> usize {
        let cut = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
        let (old, new) = (&data[..cut], &data[(cut + 1).min(data.len())..]);
        let Ok(ranges) = crate::git::added_line_ranges(old, new) else {
            return 0;
        };
        let lines = memchr::memchr_iter(b'\n', new).count() as u64 + 1;
        let mut last = 0;
        for &(first, end) in &ranges {
            assert!(
                first >= 1 && first < end && end <= lines + 1,
                "{first}..{end} of {lines}"
            );
            assert!(first >= last);
            last = end;
        }
        ranges.len()
    }

    /// A `.env` file.
    pub fn env_file(data: &[u8]) -> usize {
        crate::hygiene::parse_env_file(data).vars.len()
    }

    /// `.keygate.toml`, then the rules it adds compiled and their examples run.
    pub fn config(text: &str) -> usize {
        match crate::config::Config::parse_str(Path::new(".keygate.toml"), text) {
            Ok(config) => config.compile_rules().map_or(0, |rules| rules.len()),
            Err(e) => e.to_string().len(),
        }
    }

    /// `.keygate-baseline`.
    pub fn baseline(text: &str) -> usize {
        crate::baseline::Baseline::parse(Path::new(".keygate-baseline"), text)
            .map_or(0, |b| b.entries.len())
    }

    /// A `.gitleaks.toml` imported as keygate rules.
    pub fn gitleaks(text: &str) -> usize {
        match crate::config::gitleaks::translate(Path::new(".gitleaks.toml"), text) {
            Ok(import) => import.rules,
            Err(e) => e.to_string().len(),
        }
    }
}
