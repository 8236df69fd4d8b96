use clap::Parser;
use std::process::ExitCode;

/// Exit codes are decided here alone: 0 clean, 1 blocking findings, 2 the check could not run.
fn main() -> ExitCode {
    // SAFETY: the first thing the process does: no other thread exists and no repository is
    // open yet.
    unsafe { keygate::git::init() };
    let cli = match keygate::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
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
