//! The pre-commit hook under a real `git commit`: blocked and allowed commits, partial staging,
//! `commit -a` and `commit PATH`, chaining, `core.hooksPath`, linked worktrees, hook managers,
//! reinstall, byte-exact uninstall, the missing-binary message, and `install.sh`.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `git commit -m msg ARGS...` with the hook running (keygate on PATH): whether it went through
/// (`.ok()`) and what it printed (`.text()`).
fn commit(repo: &TestRepo, args: &[&str]) -> Run {
    let mut all = vec!["commit", "-m", "change"];
    all.extend_from_slice(args);
    Run::from(repo.git_output(&all))
}

fn commits(repo: &TestRepo) -> usize {
    let out = repo.git_output(&["rev-list", "--count", "HEAD"]);
    if !out.status.success() {
        return 0; // no commit yet
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn install(repo: &TestRepo) -> Run {
    let run = repo.keygate(&["install"]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    run
}

fn hooks(repo: &TestRepo) -> PathBuf {
    repo.path().join(".git/hooks")
}

/// Every file in `dir`: name, bytes (a symbolic link's target) and mode.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.path().symlink_metadata().unwrap();
            let bytes = if meta.file_type().is_symlink() {
                std::fs::read_link(e.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
                    .into_bytes()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes,
                meta.permissions().mode(),
            )
        })
        .collect();
    out.sort();
    out
}

fn write_hook(path: &Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_secret_blocks_the_commit_and_the_output_says_what_to_do() {
    let repo = TestRepo::new();
    let run = install(&repo);
    assert!(
        run.stdout().contains(".git/hooks/pre-commit"),
        "{}",
        run.stdout()
    );
    let key = migosmtp_key();
    repo.write("src/app.py", format!("import os\n{}", migosmtp_line(&key)))
        .stage("src/app.py");
    let c = commit(&repo, &[]);
    assert!(!c.ok(), "{}", c.text());
    assert_eq!(commits(&repo), 0);
    for needle in [
        "src/app.py:2:21",
        "migosmtp-api-key",
        "keygate:allow",
        "keygate baseline",
        ".keygate.toml",
        "git commit --no-verify",
    ] {
        assert!(c.text().contains(needle), "no {needle:?} in:\n{}", c.text());
    }
    assert!(!c.text().contains(&key), "the secret is printed whole");
    // Fixed: the commit goes through.
    repo.write(
        "src/app.py",
        "import os\nMIGOSMTP_API_KEY = os.environ[\"MIGOSMTP_API_KEY\"]\n",
    )
    .stage("src/app.py");
    let c = commit(&repo, &[]);
    assert!(c.ok(), "{}", c.text());
    assert_eq!(commits(&repo), 1);
}

#[test]
fn partial_staging_checks_what_is_committed() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n").stage("a.py").commit("init");
    install(&repo);
    // Staged clean, working tree dirty: passes.
    repo.write("a.py", "x = 2\n")
        .stage("a.py")
        .write("a.py", format!("x = 2\n{}", migosmtp_line(&migosmtp_key())));
    let c = commit(&repo, &[]);
    assert!(c.ok(), "{}", c.text());
    // Staged secret, working tree cleaned: still blocks.
    repo.write("a.py", format!("x = 3\n{}", migosmtp_line(&migosmtp_key())))
        .stage("a.py")
        .write("a.py", "x = 3\n");
    let c = commit(&repo, &[]);
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("a.py:2:21"), "{}", c.text());
    assert_eq!(commits(&repo), 2);
}

#[test]
fn commit_all_and_commit_path_check_git_s_temporary_index() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n")
        .write("b.py", "b = 1\n")
        .stage("a.py")
        .stage("b.py")
        .commit("init");
    install(&repo);
    // `commit -a` picks up an unstaged secret: blocked.
    repo.write("a.py", format!("a = 1\n{}", migosmtp_line(&migosmtp_key())));
    let c = commit(&repo, &["-a"]);
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("a.py:2:21"), "{}", c.text());
    // `commit PATH` commits only PATH's working-tree version: a secret staged elsewhere is not
    // part of it...
    repo.stage("a.py").write("b.py", "b = 2\n");
    let c = commit(&repo, &["b.py"]);
    assert!(c.ok(), "{}", c.text());
    // ...and an unstaged secret in PATH is.
    repo.write("b.py", format!("b = 2\n{}", migosmtp_line(&migosmtp_key())));
    let c = commit(&repo, &["b.py"]);
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("b.py:2:21"), "{}", c.text());
    assert_eq!(commits(&repo), 2);
}

#[test]
fn deleting_a_secret_is_never_blocked() {
    let repo = TestRepo::new();
    repo.write("a.py", format!("x = 1\n{}", migosmtp_line(&migosmtp_key())))
        .write("b.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py")
        .stage("b.py")
        .commit("leaked");
    install(&repo);
    repo.write("a.py", "x = 1\n").stage("a.py");
    repo.git(&["rm", "-q", "b.py"]);
    let c = commit(&repo, &[]);
    assert!(c.ok(), "{}", c.text());
}

#[test]
fn odd_file_names_are_reported_exactly() {
    let repo = TestRepo::new();
    install(&repo);
    let name = "my docs/ünïcode file.py";
    repo.write(name, migosmtp_line(&migosmtp_key())).stage(name);
    let c = commit(&repo, &[]);
    assert!(!c.ok());
    assert!(c.text().contains(&format!("{name}:1:21")), "{}", c.text());
}

#[test]
fn an_existing_hook_is_chained_and_restored_byte_for_byte() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n").stage("a.txt").commit("init");
    // No trailing newline, odd mode: restored exactly.
    let original =
        "#!/bin/sh\necho original-hook-ran >> \"$(git rev-parse --git-dir)/ran\"\nexit 0";
    let hook = hooks(&repo).join("pre-commit");
    write_hook(&hook, original);
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();
    let before = listing(&hooks(&repo));

    let run = install(&repo);
    assert!(
        run.stdout().contains("pre-commit.keygate-chained"),
        "{}",
        run.stdout()
    );
    // Passes: both ran.
    repo.write("a.txt", "b\n").stage("a.txt");
    let c = commit(&repo, &[]);
    assert!(c.ok(), "{}", c.text());
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".git/ran")).unwrap(),
        "original-hook-ran\n"
    );
    // keygate still blocks when the chained hook passes.
    repo.write("a.txt", migosmtp_line(&migosmtp_key()))
        .stage("a.txt");
    assert!(!commit(&repo, &[]).ok());

    // Reinstalling leaves one hook and one chained original.
    let again = install(&repo);
    assert!(
        again.stdout().contains("already installed"),
        "{}",
        again.stdout()
    );
    let names: Vec<String> = listing(&hooks(&repo)).into_iter().map(|f| f.0).collect();
    let mut want: Vec<String> = before.iter().map(|f| f.0.clone()).collect();
    want.push("pre-commit.keygate-chained".into());
    want.push("pre-merge-commit".into());
    want.sort();
    assert_eq!(names, want);
    let text = std::fs::read_to_string(&hook).unwrap();
    assert_eq!(text.matches("# keygate-managed-hook").count(), 1);

    let run = repo.keygate(&["uninstall"]);
    assert_eq!(run.code(), 0);
    assert!(run.stdout().contains("restored"), "{}", run.stdout());
    assert_eq!(listing(&hooks(&repo)), before);
}

#[test]
fn a_failing_chained_hook_still_blocks() {
    let repo = TestRepo::new();
    write_hook(
        &hooks(&repo).join("pre-commit"),
        "#!/bin/sh\necho 'lint failed' >&2\nexit 3\n",
    );
    install(&repo);
    repo.write("a.txt", "fine\n").stage("a.txt");
    let c = commit(&repo, &[]);
    assert!(!c.ok());
    assert!(c.text().contains("lint failed"), "{}", c.text());
    assert_eq!(commits(&repo), 0);
}

#[test]
fn uninstall_without_keygate_s_hook_changes_nothing() {
    let repo = TestRepo::new();
    write_hook(&hooks(&repo).join("pre-commit"), "#!/bin/sh\nexit 0\n");
    let before = listing(&hooks(&repo));
    let run = repo.keygate(&["uninstall"]);
    assert_eq!(run.code(), 0);
    assert!(run.stdout().contains("not installed"), "{}", run.stdout());
    assert_eq!(listing(&hooks(&repo)), before);
    // Install then uninstall on a repository without a hook leaves no hook.
    let repo = TestRepo::new();
    let before = listing(&hooks(&repo));
    install(&repo);
    assert_eq!(repo.keygate(&["uninstall"]).code(), 0);
    assert_eq!(listing(&hooks(&repo)), before);
}

#[test]
fn core_hooks_path_is_where_the_hook_goes() {
    let repo = TestRepo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let run = install(&repo);
    assert!(
        run.stdout().contains(".githooks/pre-commit"),
        "{}",
        run.stdout()
    );
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    assert!(!hooks(&repo).join("pre-commit").exists());
    repo.write("a.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py");
    assert!(!commit(&repo, &[]).ok());
    repo.keygate(&["uninstall"]);
    assert!(!repo.path().join(".githooks/pre-commit").exists());
}

#[test]
fn a_linked_worktree_shares_the_common_hook() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n").stage("a.txt").commit("init");
    let wt = TestRepo::plain();
    let wt_path = wt.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    let run = Run::of(keygate_command(&wt_path).arg("install"), None);
    assert!(run.ok(), "{}", run.text());
    assert!(hooks(&repo).join("pre-commit").is_file());
    std::fs::write(wt_path.join("b.py"), migosmtp_line(&migosmtp_key())).unwrap();
    let git = |args: &[&str]| git_in(&wt_path, args);
    assert!(git(&["add", "b.py"]).status.success());
    let c = Run::from(git(&["commit", "-m", "leak"]));
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("b.py:1:21"), "{}", c.text());
    std::fs::write(wt_path.join("b.py"), "fine\n").unwrap();
    assert!(git(&["add", "b.py"]).status.success());
    // The .env checks look at this worktree's own files: an unignored .env here blocks.
    std::fs::write(wt_path.join(".env"), "PORT=1\n").unwrap();
    let c = Run::from(git(&["commit", "-m", "fine"]));
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("[env-not-ignored]"), "{}", c.text());
    std::fs::remove_file(wt_path.join(".env")).unwrap();
    let c = Run::from(git(&["commit", "-m", "fine"]));
    assert!(c.ok(), "{}", c.text());
}

#[test]
fn a_missing_binary_blocks_with_install_advice() {
    let repo = TestRepo::new();
    // Install from a copy of the binary, so that the recorded path can disappear.
    let bin_dir = TestRepo::plain();
    let copy = bin_dir.path().join("keygate");
    std::fs::copy(keygate_bin(), &copy).unwrap();
    // A test on another thread may fork while the copy is still open for writing: retry while
    // the file is "busy" (ETXTBSY).
    let run = (0..100)
        .find_map(|_| {
            match Command::new(&copy)
                .arg("install")
                .current_dir(repo.path())
                .output()
            {
                Err(e) if e.raw_os_error() == Some(26) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    None
                }
                other => Some(other.unwrap()),
            }
        })
        .expect("the copied binary runs");
    assert!(run.status.success());
    let path = system_path();
    let commit_without_keygate = |repo: &TestRepo| {
        Run::of(
            git_command(repo.path())
                .args(["commit", "-m", "x"])
                .env("PATH", &path),
            None,
        )
    };
    // The recorded path is used when keygate is not on PATH.
    repo.write("a.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py");
    let c = commit_without_keygate(&repo);
    assert!(!c.ok());
    assert!(c.text().contains("a.py:1:21"), "{}", c.text());
    // Neither on PATH nor at the recorded path: blocked, with advice.
    std::fs::remove_file(&copy).unwrap();
    repo.write("a.py", "fine\n").stage("a.py");
    let c = commit_without_keygate(&repo);
    assert!(!c.ok(), "{}", c.text());
    for needle in [
        "keygate binary was not found",
        "./install.sh",
        "cargo install",
        "git commit --no-verify",
    ] {
        assert!(c.text().contains(needle), "no {needle:?} in:\n{}", c.text());
    }
    assert_eq!(commits(&repo), 0);
}

/// A PATH with git and the system tools, but neither keygate nor cargo.
fn system_path() -> std::ffi::OsString {
    let git = which("git");
    let dirs = [
        git.parent().unwrap(),
        Path::new("/usr/bin"),
        Path::new("/bin"),
    ];
    for dir in dirs {
        for tool in ["keygate", "cargo"] {
            assert!(!dir.join(tool).exists(), "{tool} in {}", dir.display());
        }
    }
    std::env::join_paths(dirs).unwrap()
}

fn which(name: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .expect("on PATH")
}

#[test]
fn an_invalid_config_fails_closed() {
    let repo = TestRepo::new();
    install(&repo);
    repo.write(".keygate.toml", "exclude = 3\n")
        .write("a.txt", "fine\n")
        .stage("a.txt");
    let c = commit(&repo, &[]);
    assert!(!c.ok());
    assert!(
        c.text().contains("could not check this commit"),
        "{}",
        c.text()
    );
    assert!(c.text().contains(".keygate.toml:1"), "{}", c.text());
}

#[test]
fn husky_gets_a_line_in_its_script_and_uninstall_restores_it() {
    let repo = TestRepo::new();
    // husky 9: core.hooksPath is .husky/_, whose generated hooks run .husky/pre-commit.
    repo.git(&["config", "core.hooksPath", ".husky/_"]);
    write_hook(
        &repo.path().join(".husky/_/pre-commit"),
        "#!/bin/sh\nexec sh -e \"$(dirname \"$0\")/../pre-commit\" \"$@\"\n",
    );
    let script = repo.path().join(".husky/pre-commit");
    std::fs::write(&script, "npm test").unwrap();
    let generated = listing(&repo.path().join(".husky/_"));

    let run = install(&repo);
    assert!(run.stdout().contains("husky"), "{}", run.stdout());
    assert!(
        run.stdout().contains(".husky/pre-commit"),
        "{}",
        run.stdout()
    );
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.starts_with("npm test\n"), "{text}");
    assert!(text.contains("keygate check --staged"), "{text}");
    assert_eq!(listing(&repo.path().join(".husky/_")), generated);
    let again = install(&repo);
    assert!(
        again.stdout().contains("nothing changed"),
        "{}",
        again.stdout()
    );
    assert_eq!(std::fs::read_to_string(&script).unwrap(), text);

    // The generated hook runs the script: `npm test` is not there, so stub it.
    let stub = TestRepo::plain();
    write_hook(&stub.path().join("npm"), "#!/bin/sh\nexit 0\n");
    let mut path = std::ffi::OsString::from(stub.path());
    path.push(":");
    path.push(path_with_keygate());
    repo.write("a.py", migosmtp_line(&migosmtp_key()))
        .stage("a.py");
    let c = Run::of(
        git_command(repo.path())
            .args(["commit", "-m", "leak"])
            .env("PATH", &path),
        None,
    );
    assert!(!c.ok(), "{}", c.text());
    assert!(c.text().contains("a.py:1:21"), "{}", c.text());
    assert!(c.text().contains("--no-verify"), "{}", c.text());

    let run = repo.keygate(&["uninstall"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(std::fs::read(&script).unwrap(), b"npm test");
}

#[test]
fn husky_script_created_by_install_is_deleted_by_uninstall() {
    let repo = TestRepo::new();
    repo.git(&["config", "core.hooksPath", ".husky"]); // husky 4 to 8
    std::fs::create_dir_all(repo.path().join(".husky")).unwrap();
    install(&repo);
    assert!(repo.path().join(".husky/pre-commit").is_file());
    repo.keygate(&["uninstall"]);
    assert!(!repo.path().join(".husky/pre-commit").exists());
}

#[test]
fn lefthook_and_pre_commit_get_a_snippet_and_nothing_changes() {
    for (file, config, needles) in [
        (
            "lefthook.yml",
            "pre-commit:\n  commands:\n    lint:\n      run: make lint\n",
            &["lefthook", "commands:", "run: keygate check --staged"][..],
        ),
        (
            ".pre-commit-config.yaml",
            "repos: []\n",
            &[
                "pre-commit",
                "id: keygate",
                "entry: keygate check --pre-commit",
                "pass_filenames: true",
            ][..],
        ),
    ] {
        let repo = TestRepo::new();
        repo.write(file, config);
        let before = listing(&hooks(&repo));
        let run = install(&repo);
        for needle in needles {
            assert!(
                run.stdout().contains(needle),
                "{file}: no {needle:?} in:\n{}",
                run.stdout()
            );
        }
        assert!(run.stdout().contains("changed nothing"), "{}", run.stdout());
        assert_eq!(repo.read(file), config.as_bytes());
        assert_eq!(listing(&hooks(&repo)), before);
        // Once the snippet is in, install says so.
        let snippet = run.stdout();
        let snippet = &snippet[snippet.find(":\n\n").unwrap() + 3..];
        repo.write(file, snippet);
        let run = install(&repo);
        assert!(run.stdout().contains("already runs"), "{}", run.stdout());
    }
}

#[test]
fn pre_commit_hooks_yaml_declares_keygate() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    for needle in [
        "- id: keygate",
        "entry: keygate check --pre-commit",
        "pass_filenames: true",
        "- id: keygate-pre-push",
        "entry: keygate check --pre-push",
        "language: rust",
    ] {
        assert!(
            text.contains(needle),
            "no {needle:?} in .pre-commit-hooks.yaml"
        );
    }
}

/// `install.sh` with a stub `cargo` that "installs" the test binary into CARGO_HOME, and a stub
/// `rustc` that names a Linux glibc host.
fn install_sh(cwd: &Path, args: &[&str], with_cargo: bool) -> (Output, TestRepo) {
    install_sh_env(cwd, args, with_cargo, &[])
}

/// [`install_sh`] with more environment: `STUB_HOST` names the host the stub `rustc` gives, and
/// `FAIL_STATIC=yes` makes the stub `cargo` fail a build with `--target`.
fn install_sh_env(
    cwd: &Path,
    args: &[&str],
    with_cargo: bool,
    env: &[(&str, &str)],
) -> (Output, TestRepo) {
    let home = TestRepo::plain();
    let stubs = home.path().join("stubs");
    if with_cargo {
        write_hook(
            &stubs.join("cargo"),
            &format!(
                "#!/bin/sh\necho \"$@ RUSTFLAGS=$RUSTFLAGS\" >> \"$CARGO_HOME/cargo-args\"\n\
                 case \"$* $FAIL_STATIC\" in *--target*yes) exit 101 ;; esac\n\
                 mkdir -p \"$CARGO_HOME/bin\"\n\
                 ln -sf '{}' \"$CARGO_HOME/bin/keygate\"\n",
                keygate_bin().display()
            ),
        );
        write_hook(
            &stubs.join("rustc"),
            "#!/bin/sh\necho \"host: ${STUB_HOST:-x86_64-unknown-linux-gnu}\"\n",
        );
    }
    std::fs::create_dir_all(&stubs).unwrap();
    let mut path = stubs.into_os_string();
    path.push(":");
    path.push(system_path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let out = Command::new("sh")
        .arg(script)
        .args(args)
        .current_dir(cwd)
        .env("PATH", path)
        .env("CARGO_HOME", home.path())
        .env_remove("CARGO_INSTALL_ROOT")
        .env_remove("GIT_DIR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out, home)
}

#[test]
fn install_sh_builds_then_installs_the_hook() {
    let repo = TestRepo::new();
    // Inside a repository: installs there.
    let (out, home) = install_sh(repo.path(), &[], true);
    let text = Run::from(out);
    assert!(text.ok(), "{}", text.text());
    let args = std::fs::read_to_string(home.path().join("cargo-args")).unwrap();
    assert!(args.starts_with("install --path "), "{args}");
    assert!(args.contains("--locked"), "{args}");
    // On Linux with glibc, one build, linked statically for the machine's own target.
    assert_eq!(args.lines().count(), 1, "{args}");
    assert!(args.contains("--target x86_64-unknown-linux-gnu"), "{args}");
    assert!(args.contains("+crt-static"), "{args}");
    assert!(hooks(&repo).join("pre-commit").is_file(), "{}", text.text());
    // Safe to re-run.
    let (out, _home) = install_sh(repo.path(), &[], true);
    let again = Run::from(out);
    assert!(again.ok(), "{}", again.text());
    assert!(
        again.text().contains("already installed"),
        "{}",
        again.text()
    );
    // Another repository, named on the command line.
    let other = TestRepo::new();
    let outside = TestRepo::plain();
    let (out, _home) = install_sh(outside.path(), &[other.path().to_str().unwrap()], true);
    let c = Run::from(out);
    assert!(c.ok(), "{}", c.text());
    assert!(hooks(&other).join("pre-commit").is_file());
    // Outside a repository, with no argument: the binary only.
    let (out, _home) = install_sh(outside.path(), &[], true);
    let c = Run::from(out);
    assert!(c.ok(), "{}", c.text());
    assert!(c.text().contains("keygate install"), "{}", c.text());
}

/// A static build that fails (no static libc on the machine) is followed by the usual one; other
/// systems get the usual build only.
#[test]
fn install_sh_falls_back_to_a_dynamically_linked_build() {
    let repo = TestRepo::new();
    let (out, home) = install_sh_env(repo.path(), &[], true, &[("FAIL_STATIC", "yes")]);
    let text = Run::from(out);
    assert!(text.ok(), "{}", text.text());
    assert!(
        text.text().contains("statically linked build failed"),
        "{}",
        text.text()
    );
    let args = std::fs::read_to_string(home.path().join("cargo-args")).unwrap();
    let builds: Vec<&str> = args.lines().collect();
    assert_eq!(builds.len(), 2, "{args}");
    assert!(
        builds[0].contains("--target") && !builds[1].contains("--target"),
        "{args}"
    );
    assert!(hooks(&repo).join("pre-commit").is_file());

    let repo = TestRepo::new();
    let mac = [("STUB_HOST", "aarch64-apple-darwin")];
    let (out, home) = install_sh_env(repo.path(), &[], true, &mac);
    assert!(Run::from(out).ok());
    let args = std::fs::read_to_string(home.path().join("cargo-args")).unwrap();
    assert_eq!(args.lines().count(), 1, "{args}");
    assert!(
        !args.contains("--target") && !args.contains("crt-static"),
        "{args}"
    );
}

#[test]
fn install_sh_explains_missing_cargo_and_bad_repositories() {
    let dir = TestRepo::plain();
    let (out, _home) = install_sh(dir.path(), &[], false);
    let c = Run::from(out);
    assert!(!c.ok());
    assert!(c.text().contains("cargo"), "{}", c.text());
    assert!(c.text().contains("rustup"), "{}", c.text());
    let (out, home) = install_sh(dir.path(), &[dir.path().to_str().unwrap()], true);
    let c = Run::from(out);
    assert!(!c.ok());
    assert!(c.text().contains("not a Git repository"), "{}", c.text());
    assert!(
        !home.path().join("cargo-args").exists(),
        "checks the repository before building"
    );
}

#[test]
fn install_sh_explains_missing_git() {
    let home = TestRepo::plain();
    let stubs = home.path().join("stubs");
    std::fs::create_dir_all(&stubs).unwrap();
    write_hook(&stubs.join("cargo"), "#!/bin/sh\nexit 0\n");
    for tool in ["dirname", "mkdir", "ln"] {
        std::os::unix::fs::symlink(which(tool), stubs.join(tool)).unwrap();
    }
    let repo = TestRepo::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let out = Command::new("/bin/sh")
        .arg(script)
        .arg(repo.path())
        .env("PATH", &stubs)
        .env("CARGO_HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let c = Run::from(out);
    assert!(!c.ok());
    assert!(c.text().contains("git is not installed"), "{}", c.text());
}

#[test]
fn install_works_from_a_subfolder_and_needs_a_repository() {
    let repo = TestRepo::new();
    std::fs::create_dir_all(repo.path().join("a/b")).unwrap();
    let run = repo.keygate_in("a/b", &["install"], None);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains(".git/hooks/pre-commit"),
        "{}",
        run.stdout()
    );
    assert!(!run.stdout().contains("outside"), "{}", run.stdout());
    // A shared hooks folder outside the repository is named as such.
    let shared = TestRepo::plain();
    let other = TestRepo::new();
    other.git(&["config", "core.hooksPath", shared.path().to_str().unwrap()]);
    let run = install(&other);
    assert!(
        run.stdout().contains("outside this repository"),
        "{}",
        run.stdout()
    );
    assert!(shared.path().join("pre-commit").is_file());
    // Outside a repository: exit 2 with a clear message.
    let dir = TestRepo::plain();
    dir.keygate(&["install"])
        .assert_error("not inside a Git repository");
    dir.keygate(&["uninstall"])
        .assert_error("not inside a Git repository");
}

/// A merge that makes a commit runs pre-merge-commit, not pre-commit. See: issue 15.
#[test]
fn a_merge_that_brings_a_secret_is_blocked_by_the_pre_merge_commit_hook() {
    let repo = TestRepo::new();
    repo.write("README.md", "hi\n")
        .stage("README.md")
        .commit("start");
    assert_eq!(repo.keygate(&["install"]).code(), 0);
    assert!(repo.path().join(".git/hooks/pre-merge-commit").exists());
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let key = migosmtp_key();
    repo.write("key.py", migosmtp_line(&key))
        .stage("key.py")
        .commit("skipped the hook");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other.txt", "main moves on\n")
        .stage("other.txt")
        .commit("main");
    let out = repo.git_output(&["merge", "--no-ff", "-q", "-m", "merge feature", "feature"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the merge went through: {said}");
    assert!(said.contains("migosmtp-api-key"), "{said}");
    assert!(!said.contains(&key));
    // Uninstall removes both hooks.
    repo.git(&["merge", "--abort"]);
    assert_eq!(repo.keygate(&["uninstall"]).code(), 0);
    assert!(!repo.path().join(".git/hooks/pre-merge-commit").exists());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
}

/// The README's first screen, replayed: its install command (with the repository path filled in)
/// protects a separate repository, whose next commit of a key is blocked. See: issue 15.
#[test]
fn the_readme_first_screen_protects_a_separate_repository() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let first_block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let install = first_block
        .lines()
        .find(|l| l.starts_with("./install.sh"))
        .expect("the first screen installs with ./install.sh");
    let words: Vec<&str> = install
        .split('#')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(words, ["./install.sh", "/path/to/your/repo"], "{install}");
    assert!(first_block.contains("cargo test"), "{first_block}");

    let project = TestRepo::new();
    let elsewhere = TestRepo::plain();
    let (out, home) = install_sh(elsewhere.path(), &[project.path().to_str().unwrap()], true);
    let run = Run::from(out);
    assert!(run.ok(), "{}", run.text());
    // The binary went where cargo puts it; the user's PATH has it.
    let mut path = home.path().join("bin").into_os_string();
    path.push(":");
    path.push(system_path());
    project
        .write("send.py", migosmtp_line(&migosmtp_key()))
        .stage("send.py");
    let out = git_command(project.path())
        .args(["commit", "-q", "-m", "send mail"])
        .env("PATH", path)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the commit went through: {said}");
    assert!(
        said.contains("migosmtp-api-key") && said.contains("commit blocked"),
        "{said}"
    );
}

/// Every `keygate` command the README and docs show in a shell block runs as written (with its
/// placeholders filled in): no command, flag or value there is one keygate does not accept.
/// See: issue 15.
#[test]
fn every_command_in_the_readme_and_docs_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        files.push(entry.unwrap().path());
    }
    let repo = TestRepo::new();
    repo.write("src/app.py", "x = 1\n")
        .write("config.py", "y = 2\n")
        .stage("src/app.py")
        .stage("config.py")
        .commit("start");
    repo.git(&["branch", "-q", "NAME"]);
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let home = TestRepo::plain();
    let mut ran = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for block in text.split("```sh\n").skip(1) {
            let block = block.split("```").next().unwrap();
            for line in block.lines() {
                let command = line.split('#').next().unwrap().trim();
                let Some(args) = command.strip_prefix("keygate ") else {
                    continue;
                };
                if args.contains(" / ") {
                    continue; // `install / uninstall`: two commands in one line
                }
                let args: Vec<String> = args
                    .split_whitespace()
                    .map(|a| match a {
                        "A..B" => "HEAD..HEAD".to_string(),
                        "REV" => "HEAD".to_string(),
                        other => other.to_string(),
                    })
                    .collect();
                // Each command as on a repository without a baseline yet.
                let _ = std::fs::remove_file(repo.path().join(".keygate-baseline"));
                let out = keygate_command(repo.path())
                    .args(&args)
                    .env("HOME", home.path())
                    .env_remove("XDG_CONFIG_HOME")
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .stdin(Stdio::null())
                    .output()
                    .unwrap();
                let run = Run::from(out);
                assert!(
                    run.code() == 0 || run.code() == 1,
                    "{}: `{line}` exits {}:\n{}",
                    file.display(),
                    run.code(),
                    run.text()
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 20, "only {ran} commands found");
}
