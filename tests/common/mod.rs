//! The one integration-test helper: real temporary Git repositories driven with the `git` CLI
//! (so hooks run under a real `git commit`), the real `keygate` binary, and fake secrets built at
//! run time from the run's seed (`seed.rs`), so that this repository passes its own scan and a
//! failure can be replayed.

// The test binary and the accuracy bench each use a part of this module.
#![allow(dead_code, unused_imports)]

pub mod corpus;
pub mod rng;
pub mod seed;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// What a run of the binary produced.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exited normally")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout()))
    }
    /// `(rule_id, file, line)` of every finding in a JSON report.
    pub fn findings(&self) -> Vec<(String, String, Option<u64>)> {
        self.json()["findings"]
            .as_array()
            .unwrap()
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
        use std::io::Write;
        let mut child = Command::new(keygate_bin())
            .args(args)
            .current_dir(self.path().join(rel))
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(bytes) = stdin {
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        Run {
            output: child.wait_with_output().unwrap(),
        }
    }
}

/// Runs `git` in `dir` with keygate's binary folder first on PATH and none of the variables a
/// hook inherits, without asserting success.
pub fn git_in(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_keygate())
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
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
