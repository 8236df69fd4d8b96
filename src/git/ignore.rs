//! Git's own verdict on ignore rules: a `git check-ignore --stdin` process kept open for a check,
//! one path per question. libgit2's ignore matcher disagrees with Git on nested negations
//! (libgit2 #6461: `!.env` in `sub/.gitignore` under a root `.env` rule), and a `.env` file
//! judged differently from Git is either reported wrongly or not checked at all.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A running `git check-ignore --stdin -z --verbose --non-matching --no-index`.
pub struct CheckIgnore {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl CheckIgnore {
    /// Starts the process for the repository at `git_dir` with its working tree at `root`;
    /// `None` when there is no `git` command (the caller then asks libgit2).
    pub fn start(git_dir: &Path, root: &Path) -> Option<CheckIgnore> {
        let mut child = Command::new("git")
            .current_dir(root)
            .env("GIT_DIR", git_dir)
            .env("GIT_WORK_TREE", root)
            .env("GIT_FLUSH", "1")
            .env_remove("GIT_INDEX_FILE")
            .args([
                "check-ignore",
                "--stdin",
                "-z",
                "--verbose",
                "--non-matching",
                "--no-index",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let input = BufWriter::new(child.stdin.take()?);
        let output = BufReader::new(child.stdout.take()?);
        Some(CheckIgnore {
            child,
            input,
            output,
        })
    }

    /// Whether Git ignores `rel` (relative to the root, `/` separators, as bytes).
    pub fn is_ignored(&mut self, rel: &[u8]) -> std::io::Result<bool> {
        self.input.write_all(rel)?;
        self.input.write_all(b"\0")?;
        self.input.flush()?;
        // Four fields: source, line number, pattern, path; the pattern is empty when nothing
        // matched, and starts with `!` when a negation re-included the path.
        let mut fields: [Vec<u8>; 4] = Default::default();
        for field in &mut fields {
            self.output.read_until(0, field)?;
            if field.pop() != Some(0) {
                return Err(std::io::Error::other("git check-ignore stopped answering"));
            }
        }
        let pattern = &fields[2];
        Ok(!pattern.is_empty() && pattern[0] != b'!')
    }
}

impl Drop for CheckIgnore {
    fn drop(&mut self) {
        let _ = self.input.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
