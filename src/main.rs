use std::process::ExitCode;

/// glibc's allocator keeps freed memory for reuse, and raises the size from which it maps a large
/// block on its own (up to 32 MB) each time one is freed. A history audit allocates and frees
/// blob contents of every size by the tens of thousands on several threads: its resident memory
/// then grew to a quarter more than it ever used at once (104 MB on rust-lang/cargo's history,
/// 79 MB with these settings). Blocks from 1 MB are mapped and unmapped; free memory above
/// 128 KB at the top of a heap goes back to the system.
///
/// A pre-commit check (`short_lived`) is the opposite case: it uses a few MB for a few
/// milliseconds, and its threads' heaps grew 128 KB at a time, each step an `mprotect` (53 calls,
/// a tenth of the check's time on a virtual machine). Its heaps grow 8 MB at a time instead
/// (address space only: pages are still touched one by one) and are never trimmed.
fn tune_allocator(short_lived: bool) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        if short_lived {
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
            libc::mallopt(libc::M_TOP_PAD, 8 << 20);
        } else {
            libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 10);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = short_lived;
}

/// Exit codes are decided here alone: 0 clean, 1 blocking findings, 2 the check could not run.
fn main() -> ExitCode {
    // SAFETY: the first thing the process does: no other thread exists and no repository is
    // open yet.
    unsafe { keygate::git::init() };
    let cli = match keygate::cli::Cli::from_env() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    tune_allocator(cli.is_staged_check());
    // A panic is an internal error like any other: exit 2, so a hook fails closed.
    match std::panic::catch_unwind(|| keygate::cli::run(cli)) {
        Ok(Ok(keygate::cli::Outcome::Clean)) => ExitCode::SUCCESS,
        Ok(Ok(keygate::cli::Outcome::Blocked)) => ExitCode::from(1),
        Ok(Err(e)) => {
            // One line, whatever a path in it holds.
            eprintln!(
                "keygate: error: {}",
                keygate::finding::escape_control(&e.to_string())
            );
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("keygate: error: internal error (a bug in keygate); nothing was let through");
            ExitCode::from(2)
        }
    }
}
