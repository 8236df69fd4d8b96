//! Scan throughput on a generated tree of realistic source (at least 200 MB), reported in MB/s
//! beside baselines measured in the same run: reading every file (the I/O ceiling) and, when it is
//! installed, gitleaks' `gitleaks dir` on the same tree.
//!
//!     cargo bench --bench throughput            # 200 MB tree under $TMPDIR/keygate-bench-corpus
//!     KEYGATE_BENCH_MB=400 cargo bench --bench throughput
//!
//! gitleaks is looked up on PATH and in ~/.keygate-peers/bin (`../shared/peers/install.sh`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mb: u64 = std::env::var("KEYGATE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    // Outside any repository, so that no ignore rule applies to the tree.
    let root = std::env::temp_dir().join("keygate-bench-corpus");
    let tree = root.join(format!("tree-v2-{mb}mb"));
    let bytes = ensure_tree(&tree, mb << 20);
    let total_mb = bytes as f64 / 1e6;
    println!("tree: {} ({total_mb:.0} MB)", tree.display());

    let read = best_of(3, || {
        let mut n = 0u64;
        for f in files(&tree) {
            n += std::fs::read(f).unwrap().len() as u64;
        }
        assert_eq!(n, bytes);
    });
    let keygate = PathBuf::from(env!("CARGO_BIN_EXE_keygate"));
    let kg = best_of(3, || {
        let out = Command::new(&keygate)
            .args(["check", ".", "--format", "json", "--output", "/dev/null"])
            .current_dir(&tree)
            .stderr(Stdio::inherit())
            .status()
            .unwrap();
        assert!(
            out.code() == Some(1),
            "keygate must find the planted secrets"
        );
    });
    println!(
        "read every file     {:>8.1} MB/s  (baseline: I/O ceiling)",
        total_mb / read.as_secs_f64()
    );
    println!(
        "keygate check DIR   {:>8.1} MB/s  ({:.2}x the read baseline's time)",
        total_mb / kg.as_secs_f64(),
        kg.as_secs_f64() / read.as_secs_f64()
    );
    match peer("gitleaks") {
        Some(gitleaks) => {
            let report = std::env::temp_dir().join("keygate-bench-gitleaks.json");
            let gl = best_of(1, || {
                let status = Command::new(&gitleaks)
                    .args([
                        "dir",
                        ".",
                        "--no-banner",
                        "--exit-code",
                        "0",
                        "--report-format",
                        "json",
                    ])
                    .arg("--report-path")
                    .arg(&report)
                    .current_dir(&tree)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success(), "gitleaks failed: {status}");
            });
            println!(
                "gitleaks dir        {:>8.1} MB/s",
                total_mb / gl.as_secs_f64()
            );
            println!(
                "keygate / gitleaks  {:>8.1}x faster",
                gl.as_secs_f64() / kg.as_secs_f64()
            );
        }
        None => println!("gitleaks dir        (not installed: run ../shared/peers/install.sh)"),
    }
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn peer(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain([home.join(".keygate-peers/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// Writes the tree once (it is reused by later runs) and returns its size in bytes.
fn ensure_tree(tree: &Path, target: u64) -> u64 {
    let done = tree.with_extension("complete");
    if let Ok(size) = std::fs::read_to_string(&done) {
        return size.trim().parse().unwrap();
    }
    let _ = std::fs::remove_dir_all(tree);
    let mut rng = Rng(0x5EED_CAFE);
    let mut written = 0u64;
    let mut n = 0;
    while written < target {
        let (ext, text) = source_file(&mut rng, n);
        let dir = tree.join(format!("pkg{:03}/mod{:02}", n % 97, n % 13));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("file{n}.{ext}")), &text).unwrap();
        written += text.len() as u64;
        n += 1;
    }
    std::fs::write(&done, written.to_string()).unwrap();
    written
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn token(&mut self, len: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| A[(self.next() % 62) as usize] as char)
            .collect()
    }
}

/// Identifiers of ordinary application code. Words that name secrets (`token`, `password`,
/// `secret`, `api_key`) come in through the credential-handling lines below, at about 2% of
/// lines: an application that talks to APIs, and some 10x denser than the Python standard library
/// (where about 0.1% of lines mention `token`).
const WORDS: &[&str] = &[
    "user", "account", "request", "response", "config", "session", "cache", "client", "server",
    "handler", "message", "payload", "value", "index", "buffer", "stream", "event", "order",
    "invoice", "customer", "item", "result", "error", "status", "record", "batch", "queue",
];

/// One source file of about 20 KB in a random language: functions, comments, config reads,
/// environment reads, and now and then a planted secret.
fn source_file(rng: &mut Rng, n: usize) -> (&'static str, String) {
    let ext = rng.pick(&["py", "js", "ts", "go", "java", "rb", "yaml", "json", "php"]);
    let mut s = String::new();
    while s.len() < 20_000 {
        let a = rng.pick(WORDS);
        let b = rng.pick(WORDS);
        let c = rng.pick(WORDS);
        if rng.next().is_multiple_of(50) {
            // A line that handles a credential the right way.
            let line = match rng.next() % 4 {
                0 => format!("{a}_api_key = os.environ.get(\"MIGOSMTP_API_KEY\")"),
                1 => format!("const {a}Token = process.env.TELNXO_API_KEY;"),
                2 => format!("    password: ${{{}_PASSWORD}}", b.to_uppercase()),
                _ => format!("    if not self.{c}_secret:  # refresh the {a} token"),
            };
            writeln!(s, "{line}").unwrap();
            continue;
        }
        match rng.next() % 12 {
            0 => writeln!(s, "# Load the {a} {b} from the environment; never hard-code the {c}.").unwrap(),
            1 => writeln!(s, "{a}_{b} = os.environ.get(\"{}_{}\")", a.to_uppercase(), b.to_uppercase()).unwrap(),
            2 => writeln!(s, "const {a}{b} = settings.{c} || defaults.{a};").unwrap(),
            3 => writeln!(s, "def get_{a}_{b}(self, {c}_id: int) -> dict:\n    return self.{c}_repo.find({c}_id)").unwrap(),
            4 => writeln!(s, "    if {a}.{b}_id is None:\n        raise ValueError(\"missing {b} id for {c}\")").unwrap(),
            5 => writeln!(s, "  {a}_{b}: ${{{}_{}}}", a.to_uppercase(), c.to_uppercase()).unwrap(),
            6 => writeln!(s, "func ({a} *{b}Service) Handle{c}(ctx context.Context, req *Request) error {{").unwrap(),
            7 => writeln!(s, "    \"{a}_{b}\": \"{}\",", rng.pick(&["enabled", "disabled", "v2", "default"])).unwrap(),
            8 => writeln!(s, "    log.info(\"{a} {b} processed in %d ms\", elapsed)  // {c} refresh").unwrap(),
            9 => writeln!(s, "import {{ {a}{b}, {c}Client }} from './{a}/{b}';").unwrap(),
            10 => writeln!(s, "    private final String {a}Id = UUID.randomUUID().toString();").unwrap(),
            _ => writeln!(s, "    result = [{a} for {a} in {b}_list if {a}.{c} > threshold]").unwrap(),
        }
    }
    if n.is_multiple_of(50) {
        writeln!(s, "MIGOSMTP_API_KEY = \"mk_live_{}\"", rng.token(32)).unwrap();
    }
    (ext, s)
}
