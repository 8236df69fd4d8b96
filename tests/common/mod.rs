//! The one integration-test helper: real temporary Git repositories driven with the `git` CLI
//! (so hooks run under a real `git commit`), the real `keygate` binary, and fake secrets built at
//! run time from the run's seed (`seed.rs`), so that this repository passes its own scan and a
//! failure can be replayed.

// The test binary and the accuracy bench each use a part of this module.
#![allow(dead_code)]

pub mod corpus;
pub mod rng;
pub mod seed;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)] // by the tests, not the bench
pub use rng::{ALNUM, BASE32, LOWER_ALNUM};

/// The `keygate` binary under test.
pub fn keygate_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_keygate"))
}

/// A fake secret: `prefix` followed by `len` random characters from `alphabet`, the next draw
/// from the calling test's stream (see `seed.rs`): different on every call, the same for the same
/// test under the same `KEYGATE_TEST_SEED`.
pub fn fake(prefix: &str, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    seed::with_test_rng(|rng| {
        let mut out = String::from(prefix);
        let mut last = None;
        while out.len() < prefix.len() + len {
            let c = chars[rng.below(chars.len())];
            // No runs of one character, so a fake never looks like a `xxxx` placeholder.
            if last != Some(c) {
                out.push(c);
                last = Some(c);
            }
        }
        out
    })
}

/// A MigoSMTP-style key value.
pub fn migosmtp_key() -> String {
    fake("mk_live_", 32, ALNUM)
}

/// An AWS access key id (AKIA + 16 base32 characters).
pub fn aws_key_id() -> String {
    fake("AKIA", 16, BASE32)
}

/// A GitHub- or npm-style token: `prefix`, 30 random characters and their checksum, as the
/// `crc32-base62` validator wants it.
pub fn checksummed_token(prefix: &str) -> String {
    with_crc32_base62(prefix, &fake("", 30, ALNUM))
}

/// `prefix`, `random`, then the CRC32 of `random` in base62 (6 characters, left-padded with `0`):
/// the shape of GitHub's and npm's tokens.
pub fn with_crc32_base62(prefix: &str, random: &str) -> String {
    let crc = keygate::rules::validators::base62(u64::from(crc32fast::hash(random.as_bytes())), 6);
    format!("{prefix}{random}{crc}")
}

/// The line a careless developer writes: a MigoSMTP key assigned in Python (the key starts at
/// column 21).
pub fn migosmtp_line(key: &str) -> String {
    format!("MIGOSMTP_API_KEY = \"{key}\"\n")
}

/// What a run of a command produced.
pub struct Run {
    pub output: Output,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run { output }
    }
}

impl Run {
    /// Runs `command` to the end, feeding it `stdin` when given (else an empty standard input).
    pub fn of(command: &mut Command, stdin: Option<&[u8]>) -> Run {
        use std::io::Write;
        let mut child = command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        if let Some(bytes) = stdin {
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        Run::from(child.wait_with_output().unwrap())
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exited normally")
    }
    pub fn ok(&self) -> bool {
        self.output.status.success()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Standard output then standard error: all that a user sees (a `git commit`'s hook
    /// output lands on either).
    pub fn text(&self) -> String {
        self.stdout() + &self.stderr()
    }
    /// Asserts that the command could not run (exit 2) and that its error message holds
    /// `needle`.
    pub fn assert_error(&self, needle: &str) {
        assert_eq!(self.code(), 2, "{}", self.text());
        assert!(
            self.stderr().contains(needle),
            "no {needle:?} in stderr:\n{}",
            self.stderr()
        );
    }
    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.text()))
    }
    /// The findings of a JSON report, as JSON.
    pub fn json_findings(&self) -> Vec<serde_json::Value> {
        self.json()["findings"]
            .as_array()
            .expect("a JSON report has a findings array")
            .clone()
    }
    /// `(rule_id, file, line)` of every finding in a JSON report.
    pub fn findings(&self) -> Vec<(String, String, Option<u64>)> {
        self.json_findings()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64(),
                )
            })
            .collect()
    }
    /// `rule_id@file` of every finding in a JSON report, in report order.
    pub fn ids(&self) -> Vec<String> {
        self.findings()
            .into_iter()
            .map(|(rule, file, _)| format!("{rule}@{file}"))
            .collect()
    }
}

/// A temporary folder, optionally a Git repository, with a fluent API.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    /// A new repository with an identity configured and no commits.
    pub fn new() -> TestRepo {
        let repo = TestRepo::plain();
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// A temporary folder that is not a Git repository.
    pub fn plain() -> TestRepo {
        TestRepo {
            dir: tempfile::Builder::new()
                .prefix("keygate-test")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `rel`, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path().join(rel)).unwrap()
    }

    pub fn stage(&self, rel: &str) -> &Self {
        self.git(&["add", "--", rel]);
        self
    }

    /// Commits without hooks (`--no-verify`), for setting up history.
    pub fn commit(&self, message: &str) -> &Self {
        self.git(&[
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            message,
        ]);
        self
    }

    /// Runs `git` in the repository and asserts success; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `git` with keygate's binary folder first on PATH, without asserting success.
    pub fn git_output(&self, args: &[&str]) -> Output {
        git_in(self.path(), args)
    }

    /// Runs keygate in the repository.
    pub fn keygate(&self, args: &[&str]) -> Run {
        self.keygate_in(".", args, None)
    }

    /// Runs keygate with standard input.
    pub fn keygate_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        self.keygate_in(".", args, Some(stdin))
    }

    /// Runs keygate from folder `rel`, feeding `stdin` when given.
    pub fn keygate_in(&self, rel: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
        Run::of(keygate_command(&self.path().join(rel)).args(args), stdin)
    }

    /// `keygate check --format json` on the working tree: the exit code, after asserting that
    /// the check ran (0 or 1), and `rule_id@file` of each finding, in report order.
    pub fn check(&self) -> (i32, Vec<String>) {
        let run = self.keygate(&["check", "--format", "json"]);
        assert_ne!(run.code(), 2, "check failed: {}", run.text());
        (run.code(), run.ids())
    }

    /// [`TestRepo::check`], keeping the findings whose rule id starts with `prefix` (`env-`,
    /// `credential-file-`).
    pub fn check_rules(&self, prefix: &str) -> (i32, Vec<String>) {
        let (code, found) = self.check();
        let found = found
            .into_iter()
            .filter(|f| f.starts_with(prefix))
            .collect();
        (code, found)
    }
}

/// The keygate binary, run in `dir` without colour and without the variables a hook inherits
/// (`GIT_DIR`, `GIT_INDEX_FILE`, `GIT_WORK_TREE`): add arguments and anything a test changes.
pub fn keygate_command(dir: &Path) -> Command {
    let mut command = Command::new(keygate_bin());
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    command
}

/// `git` run in `dir` without colour, standard input, or the variables a hook inherits; PATH is
/// the caller's (see `git_in` for keygate on PATH).
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null());
    command
}

/// Runs `git` in `dir` with keygate's binary folder first on PATH and none of the variables a
/// hook inherits, without asserting success.
pub fn git_in(dir: &Path, args: &[&str]) -> Output {
    git_command(dir)
        .args(args)
        .env("PATH", path_with_keygate())
        .output()
        .unwrap()
}

/// PATH with the folder of the binary under test first, as after `install.sh`.
pub fn path_with_keygate() -> std::ffi::OsString {
    let dir = keygate_bin().parent().unwrap().to_path_buf();
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}
