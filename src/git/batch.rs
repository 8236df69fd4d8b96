//! `git` itself, for the history audit: `git cat-file --batch` streams the blob contents the
//! pack reader leaves (loose objects, alternates). Git's
//! own object reader keeps a larger delta-base cache than libgit2's and its processes run beside
//! keygate's threads; when there is no `git` command, callers fall back to libgit2.

use super::object::ObjectId;
use crate::error::{Error, Result};
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ChildStdout;

/// A blob's content as [`stream_blobs`] hands it over.
pub enum BlobContent<'a> {
    /// Read whole.
    Whole(Vec<u8>),
    /// A blob of at least `large_from` bytes: a reader over its content, and its size.
    Stream(&'a mut dyn std::io::Read, u64),
}

/// Streams the contents of `ids` from `git cat-file --batch`, in order, to `each`, each with the
/// tag it was asked with. Git's own
/// object reader keeps a much larger delta-base cache than libgit2's (fixed at 16 MB), which
/// makes it several times faster at reading every version of every file; `Ok(false)` when the
/// `git` command is not available, so that the caller falls back to
/// [`BlobReader`](super::object::BlobReader).
pub fn stream_blobs<T: Send>(
    git_dir: &Path,
    ids: impl Iterator<Item = (ObjectId, T)> + Send,
    large_from: usize,
    mut each: impl FnMut(ObjectId, T, std::result::Result<BlobContent<'_>, String>),
) -> Result<bool> {
    use std::io::{BufRead, Read};
    let args = [
        "-c",
        "core.deltaBaseCacheLimit=32m",
        // Git streams a packed, undeltified blob only above this size (512 MiB by default);
        // below it, a blob is inflated whole in git's memory.
        "-c",
        "core.bigFileThreshold=8m",
        "cat-file",
        "--batch",
        "--buffer",
    ];
    // The tags go to the reader in the order their ids go to `git`.
    let (tag_tx, tag_rx) = std::sync::mpsc::channel::<T>();
    let write = move |w: &mut dyn Write| -> std::io::Result<u64> {
        let mut sent = 0;
        for (id, tag) in ids {
            let _ = tag_tx.send(tag);
            writeln!(w, "{}", id.0)?;
            sent += 1;
        }
        Ok(sent)
    };
    let read = |r: &mut BufReader<ChildStdout>| -> std::io::Result<u64> {
        let mut header = String::new();
        let mut read = 0u64;
        loop {
            header.clear();
            if r.read_line(&mut header)? == 0 {
                return Ok(read);
            }
            let mut parts = header.split_whitespace();
            let (name, kind, size) = (parts.next(), parts.next(), parts.next());
            let id = name
                .and_then(|n| git2::Oid::from_str(n).ok())
                .ok_or_else(|| std::io::Error::other("unexpected git cat-file output"))?;
            read += 1;
            let tag = tag_rx
                .recv()
                .map_err(|_| std::io::Error::other("git cat-file answered more than asked"))?;
            match (kind, size.and_then(|n| n.parse::<usize>().ok())) {
                (Some("blob"), Some(size)) if size >= large_from => {
                    // Too large to hold: handed over as a stream of exactly `size` bytes, and
                    // what the callee leaves unread is skipped.
                    let mut body = (&mut *r).take(size as u64);
                    each(
                        ObjectId(id),
                        tag,
                        Ok(BlobContent::Stream(&mut body, size as u64)),
                    );
                    std::io::copy(&mut body, &mut std::io::sink())?;
                    if body.limit() != 0 {
                        return Err(std::io::Error::other("git cat-file output cut short"));
                    }
                    let mut lf = [0u8; 1];
                    r.read_exact(&mut lf)?;
                }
                (Some("blob"), Some(size)) => {
                    let mut content = Vec::with_capacity(size);
                    r.take(size as u64).read_to_end(&mut content)?;
                    if content.len() != size {
                        return Err(std::io::Error::other("git cat-file output cut short"));
                    }
                    let mut lf = [0u8; 1];
                    r.read_exact(&mut lf)?;
                    each(ObjectId(id), tag, Ok(BlobContent::Whole(content)));
                }
                _ => each(
                    ObjectId(id),
                    tag,
                    Err(format!("not readable: {}", header.trim())),
                ),
            }
        }
    };
    run_batch(git_dir, "git cat-file", &args, write, read)
}

/// Runs the `git` command `args` on `git_dir`, which reads requests on its standard input and
/// answers on its standard output (a 1 MiB pipe): `write` sends the requests on a thread of its
/// own while `read` parses the answers on this one. Each returns how many requests it sent or
/// answers it read; a count that differs, like a failed command, is an error naming `what`.
/// `Ok(false)` when there is no `git` command.
fn run_batch(
    git_dir: &Path,
    what: &str,
    args: &[&str],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<u64> + Send,
    read: impl FnOnce(&mut BufReader<ChildStdout>) -> std::io::Result<u64>,
) -> Result<bool> {
    use std::process::{Command, Stdio};
    let spawned = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        // Pack files mapped 16 MB at a time, at most 48 MB (Git's 64-bit defaults: 1 GB windows
        // up to 8 GB). These processes read every pack whole, and every mapped page they touched
        // counted in their memory: 112 MB on rust-lang/cargo's 100 MB pack, 80 MB like this.
        .args([
            "-c",
            "core.packedGitWindowSize=16m",
            "-c",
            "core.packedGitLimit=48m",
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = spawned else {
        return Ok(false);
    };
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    widen_pipe(&stdout);
    let io = |e: std::io::Error| Error::io(what, e);
    let (sent, answered) = std::thread::scope(|s| {
        let writer = s.spawn(move || -> std::io::Result<u64> {
            let mut w = BufWriter::with_capacity(64 << 10, stdin);
            let sent = write(&mut w)?;
            w.flush()?;
            Ok(sent)
        });
        let answered = read(&mut BufReader::with_capacity(1 << 20, stdout));
        let sent = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("writer panicked")));
        (sent, answered)
    });
    let status = child.wait().map_err(io)?;
    let (sent, answered) = (sent.map_err(io)?, answered.map_err(io)?);
    if !status.success() || sent != answered {
        return Err(Error::io(
            what,
            std::io::Error::other(format!("{status}; {answered} of {sent} requests answered")),
        ));
    }
    Ok(true)
}

/// Asks for a 1 MiB pipe from a `git` batch command (Linux allows it by default): with the 64 KiB default,
/// streaming a gigabyte of blobs costs tens of thousands of extra wake-ups on both sides.
#[cfg(target_os = "linux")]
fn widen_pipe(pipe: &std::process::ChildStdout) {
    use std::os::fd::AsRawFd;
    // SAFETY: F_SETPIPE_SZ on a pipe this process owns; failure leaves the default size.
    unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20);
    }
}

#[cfg(not(target_os = "linux"))]
fn widen_pipe(_pipe: &std::process::ChildStdout) {}
