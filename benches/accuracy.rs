//! The labelled accuracy benchmark (issue 7): generates a seeded multi-language corpus with
//! labelled secret and hard-negative lines, runs the `keygate` binary built with this bench (and
//! gitleaks and betterleaks, when installed) over it, and prints precision, recall and F1
//! overall and per family, the false positives by kind, and the misses, always redacted.
//!
//! `cargo bench --bench accuracy [-- --seed N --files N --keygate PATH --no-peers --keep DIR
//! --show N --detail gitleaks|betterleaks]`

// The corpus generator is test-support code: it lives with the suite's one helper module,
// `tests/common/` (where `tests/accuracy.rs` checks its labels), and this bench links that same
// module. A bench is a crate of its own, so naming the folder is the one way to share it
// without a second package; this is the only `#[path]` in the tests and benches.
#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::corpus::{self, Corpus, Family, Label};

struct Args {
    seed: u64,
    files: usize,
    keygate: PathBuf,
    peers: bool,
    keep: Option<PathBuf>,
    show: usize,
    /// Whose false positives and misses are listed (default keygate).
    detail: String,
}

fn parse_args() -> Args {
    let mut args = Args {
        seed: 7,
        files: 320,
        keygate: PathBuf::from(env!("CARGO_BIN_EXE_keygate")),
        peers: true,
        keep: None,
        show: 12,
        detail: "keygate".to_string(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--seed" => {
                args.seed = value("--seed")
                    .parse()
                    .unwrap_or_else(|_| fail("--seed takes a number"))
            }
            "--files" => {
                args.files = value("--files")
                    .parse()
                    .unwrap_or_else(|_| fail("--files takes a number"))
            }
            "--keygate" => args.keygate = PathBuf::from(value("--keygate")),
            "--keep" => args.keep = Some(PathBuf::from(value("--keep"))),
            "--show" => {
                args.show = value("--show")
                    .parse()
                    .unwrap_or_else(|_| fail("--show takes a number"))
            }
            "--detail" => args.detail = value("--detail"),
            "--no-peers" => args.peers = false,
            // `cargo bench` passes `--bench`; a filter argument is not meaningful here.
            _ => {}
        }
    }
    args
}

fn fail(message: &str) -> ! {
    eprintln!("accuracy: {message}");
    std::process::exit(2)
}

/// One finding of one tool: a file and an inclusive line range.
struct Hit {
    file: String,
    first: usize,
    last: usize,
    rule: String,
}

struct Run {
    tool: &'static str,
    hits: Vec<Hit>,
    elapsed: Duration,
}

fn main() {
    let args = parse_args();
    let corpus = corpus::generate(args.seed, args.files);
    let tmp = tempfile::Builder::new()
        .prefix("keygate-accuracy")
        .tempdir()
        .unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
    let dir = match &args.keep {
        Some(keep) => {
            if keep.exists() {
                fail(&format!(
                    "{} exists; give a new folder to --keep",
                    keep.display()
                ));
            }
            keep.clone()
        }
        None => tmp.path().join("corpus"),
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    corpus
        .write(&dir)
        .unwrap_or_else(|e| fail(&format!("writing the corpus: {e}")));
    if let Some(keep) = &args.keep {
        // The labels go beside the corpus, not inside it (scanners would read them), and
        // without the secrets themselves.
        let mut tsv = String::from("file\tline\tend_line\tfamily\tkind\tsecret\n");
        for l in &corpus.labels {
            tsv.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                l.file,
                l.line,
                l.end_line,
                l.family.name(),
                l.kind,
                l.secret
            ));
        }
        let path = keep.with_extension("labels.tsv");
        std::fs::write(&path, tsv).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    }

    let mut runs = vec![run_keygate(&args.keygate, &dir)];
    if args.peers {
        let bin = std::env::var_os("KEYGATE_PEERS_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".keygate-peers/bin")
            });
        for peer in ["gitleaks", "betterleaks"] {
            match run_peer(peer, &bin.join(peer), &dir, tmp.path()) {
                Ok(run) => runs.push(run),
                Err(why) => println!("({peer} not run: {why})"),
            }
        }
    }
    report(&corpus, &runs, &dir, args.show, &args.detail);
}

fn run_keygate(bin: &Path, dir: &Path) -> Run {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["check", ".", "--format", "json", "--no-color"])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| fail(&format!("running {}: {e}", bin.display())));
    let elapsed = start.elapsed();
    if !matches!(out.status.code(), Some(0 | 1)) {
        fail(&format!(
            "keygate exited with {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| fail(&format!("keygate JSON: {e}")));
    let hits = json["findings"]
        .as_array()
        .unwrap_or_else(|| fail("keygate JSON has no findings array"))
        .iter()
        .filter_map(|f| {
            let line = f["line"].as_u64()? as usize;
            Some(Hit {
                file: clean_path(f["file"].as_str()?),
                first: line,
                last: line,
                rule: f["rule_id"].as_str().unwrap_or("?").to_string(),
            })
        })
        .collect();
    Run {
        tool: "keygate",
        hits,
        elapsed,
    }
}

/// gitleaks `dir` and betterleaks `fs` with JSON reports (command lines from
/// `shared/peers/install.sh`). No `--redact`: betterleaks also redacts the secret inside file
/// paths (a password `admin` turns `admin-portal/` into `REDACTED-portal/`), which breaks
/// matching. The reports stay in the temporary folder and only their locations and rule ids
/// are read, so no secret reaches the output.
fn run_peer(tool: &'static str, bin: &Path, dir: &Path, tmp: &Path) -> Result<Run, String> {
    if !bin.exists() {
        return Err(format!("{} not found", bin.display()));
    }
    let report = tmp.join(format!("{tool}.json"));
    let report_arg = report.to_str().ok_or("temp path is not UTF-8")?;
    let args: Vec<&str> = match tool {
        "gitleaks" => vec![
            "dir",
            ".",
            "--no-banner",
            "--no-color",
            "-f",
            "json",
            "-r",
            report_arg,
            "--exit-code",
            "0",
        ],
        _ => vec![
            "fs",
            ".",
            "--no-banner",
            "--no-color",
            "-o",
            report_arg,
            "--exit-code",
            "0",
        ],
    };
    let start = Instant::now();
    let status = Command::new(bin)
        .args(&args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    if !status.success() {
        return Err(format!("exited with {:?}", status.code()));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let list = match tool {
        "gitleaks" => json.as_array(),
        _ => json["findings"].as_array(),
    }
    .cloned()
    .unwrap_or_default();
    let hits = list
        .iter()
        .filter_map(|f| {
            let (file, first, last, rule) = if tool == "gitleaks" {
                (
                    f["File"].as_str()?,
                    f["StartLine"].as_u64()?,
                    f["EndLine"].as_u64()?,
                    f["RuleID"].as_str(),
                )
            } else {
                let loc = &f["location"];
                (
                    loc["path"].as_str()?,
                    loc["start_line"].as_u64()?,
                    loc["end_line"].as_u64()?,
                    f["rule_id"].as_str(),
                )
            };
            Some(Hit {
                file: clean_path(file),
                first: first as usize,
                last: (last as usize).max(first as usize),
                rule: rule.unwrap_or("?").to_string(),
            })
        })
        .collect();
    Ok(Run {
        tool,
        hits,
        elapsed,
    })
}

fn clean_path(p: &str) -> String {
    p.trim_start_matches("./").replace('\\', "/")
}

/// What one tool scored.
#[derive(Default)]
struct Score {
    /// Secret labels found (index into corpus.labels) with the rules that found them.
    found: HashMap<usize, Vec<String>>,
    /// False-positive lines: (file, line) → (negative label index if any, rules).
    false_positives: BTreeMap<(String, usize), (Option<usize>, Vec<String>)>,
}

fn score(corpus: &Corpus, run: &Run) -> Score {
    let mut by_line: HashMap<(&str, usize), usize> = HashMap::new();
    for (i, label) in corpus.labels.iter().enumerate() {
        for line in label.line..=label.end_line {
            by_line.insert((label.file.as_str(), line), i);
        }
    }
    let mut s = Score::default();
    for hit in &run.hits {
        let secret = (hit.first..=hit.last)
            .filter_map(|l| by_line.get(&(hit.file.as_str(), l)).copied())
            .find(|&i| corpus.labels[i].secret);
        match secret {
            Some(i) => s.found.entry(i).or_default().push(hit.rule.clone()),
            None => {
                let label = by_line.get(&(hit.file.as_str(), hit.first)).copied();
                s.false_positives
                    .entry((hit.file.clone(), hit.first))
                    .or_insert_with(|| (label, Vec::new()))
                    .1
                    .push(hit.rule.clone());
            }
        }
    }
    s
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn family_of_fp(corpus: &Corpus, label: Option<usize>) -> Option<Family> {
    label.map(|i| corpus.labels[i].family)
}

fn report(corpus: &Corpus, runs: &[Run], dir: &Path, show: usize, detail: &str) {
    let secrets = corpus.secrets().count();
    let scores: Vec<Score> = runs.iter().map(|r| score(corpus, r)).collect();
    println!(
        "\nkeygate accuracy benchmark: seed {}, {} files, {} lines, {} secret lines, {} hard-negative lines\n",
        corpus.seed,
        corpus.files.len(),
        corpus.line_count(),
        secrets,
        corpus.negatives().count()
    );
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for label in corpus.negatives() {
        *kinds.entry(label.kind).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("hard negatives by kind: {}", kinds.join(", "));
    let providers: std::collections::BTreeSet<&str> = corpus.secrets().map(|l| l.kind).collect();
    println!(
        "secret kinds (providers and contexts): {}\n",
        providers.len()
    );
    println!(
        "{:<12} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6} {:>9}",
        "tool", "TP", "FP", "FN", "precision", "recall", "F1", "time"
    );
    for (run, s) in runs.iter().zip(&scores) {
        let tp = s.found.len();
        let fp = s.false_positives.len();
        let p = ratio(tp, tp + fp);
        let r = ratio(tp, secrets);
        println!(
            "{:<12} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3} {:>8.2}s",
            run.tool,
            tp,
            fp,
            secrets - tp,
            p,
            r,
            f1(p, r),
            run.elapsed.as_secs_f64()
        );
    }

    println!("\nper family: precision recall F1 (secrets/hard negatives)");
    print!("{:<20} {:>8}", "family", "sec/neg");
    for run in runs {
        print!(" {:>18}", run.tool);
    }
    println!();
    let per_family = corpus.per_family();
    for family in Family::ALL {
        let (sec, neg) = per_family[&family];
        print!("{:<20} {:>8}", family.name(), format!("{sec}/{neg}"));
        for s in &scores {
            let tp = s
                .found
                .keys()
                .filter(|&&i| corpus.labels[i].family == family)
                .count();
            let fp = s
                .false_positives
                .values()
                .filter(|(l, _)| family_of_fp(corpus, *l) == Some(family))
                .count();
            let (p, r) = (ratio(tp, tp + fp), ratio(tp, sec));
            print!(" {:>18}", format!("{p:.2} {r:.2} {:.2}", f1(p, r)));
        }
        println!();
    }
    print!("{:<20} {:>8}", "(unlabelled lines)", "");
    for s in &scores {
        let fp = s
            .false_positives
            .values()
            .filter(|(l, _)| l.is_none())
            .count();
        print!(" {:>18}", format!("{fp} FP"));
    }
    println!();

    // Recall per form of issue 12 (labels `vendor/form`), every tool side by side.
    let mut forms: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, label) in corpus.labels.iter().enumerate() {
        if label.secret && label.kind.contains('/') {
            let row = forms
                .entry(label.kind)
                .or_insert_with(|| vec![0; runs.len() + 1]);
            row[runs.len()] += 1;
            for (t, s) in scores.iter().enumerate() {
                row[t] += usize::from(s.found.contains_key(&i));
            }
        }
    }
    if !forms.is_empty() {
        println!("\nrecall per form (vendor/form: found/secrets)");
        for (kind, row) in &forms {
            print!("{kind:<32}");
            for found in &row[..runs.len()] {
                print!(" {:>18}", format!("{found}/{}", row[runs.len()]));
            }
            println!();
        }
    }

    // False positives by kind of negative, every tool side by side.
    let mut kinds: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (t, s) in scores.iter().enumerate() {
        for (label, _) in s.false_positives.values() {
            let kind = label.map_or("unlabelled", |i| corpus.labels[i].kind);
            kinds.entry(kind).or_insert_with(|| vec![0; runs.len()])[t] += 1;
        }
    }
    if !kinds.is_empty() {
        println!("\nfalse positives by kind of hard negative");
        print!("{:<28}", "kind");
        for run in runs {
            print!(" {:>12}", run.tool);
        }
        println!();
        let mut rows: Vec<_> = kinds.into_iter().collect();
        rows.sort_by_key(|(_, counts)| std::cmp::Reverse(counts[0]));
        for (kind, counts) in rows {
            print!("{kind:<28}");
            for c in counts {
                print!(" {c:>12}");
            }
            println!();
        }
    }

    let files: HashMap<&str, &corpus::File> =
        corpus.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut secrets_at: HashMap<(&str, usize), Vec<&str>> = HashMap::new();
    for label in corpus.secrets() {
        secrets_at
            .entry((label.file.as_str(), label.line))
            .or_default()
            .push(label.needle.as_str());
    }
    let line_text = |file: &str, line: usize| {
        let secrets = secrets_at.get(&(file, line)).cloned().unwrap_or_default();
        files
            .get(file)
            .and_then(|f| f.lines.get(line - 1))
            .map_or(String::new(), |t| redact(t, &secrets))
    };

    // keygate's worst false positives: grouped by rule and kind, biggest group first.
    let d = runs.iter().position(|r| r.tool == detail).unwrap_or(0);
    let tool = runs[d].tool;
    let k = &scores[d];
    let mut groups: BTreeMap<(String, String), Vec<&(String, usize)>> = BTreeMap::new();
    for (at, (label, rules)) in &k.false_positives {
        let kind = label.map_or("unlabelled".to_string(), |i| {
            format!(
                "{}/{}",
                corpus.labels[i].family.name(),
                corpus.labels[i].kind
            )
        });
        let mut rules = rules.clone();
        rules.sort();
        rules.dedup();
        groups.entry((rules.join("+"), kind)).or_default().push(at);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    println!("\n{tool}: worst false positives (rule, family/kind of the line), redacted");
    if groups.is_empty() {
        println!("  none");
    }
    for ((rule, kind), ats) in groups.iter().take(show) {
        println!("  {:>4} × {rule} on {kind}", ats.len());
        for (file, line) in ats.iter().take(2) {
            println!("         {file}:{line}: {}", line_text(file, *line));
        }
    }

    // keygate's misses, by family and provider.
    let mut misses: BTreeMap<(Family, &str), Vec<&Label>> = BTreeMap::new();
    for (i, label) in corpus.labels.iter().enumerate() {
        if label.secret && !k.found.contains_key(&i) {
            misses
                .entry((label.family, label.kind))
                .or_default()
                .push(label);
        }
    }
    println!("\n{tool}: misses by family/provider, redacted");
    if misses.is_empty() {
        println!("  none");
    }
    let mut misses: Vec<_> = misses.into_iter().collect();
    misses.sort_by_key(|((f, _), v)| (*f, std::cmp::Reverse(v.len())));
    for ((family, kind), labels) in misses.iter() {
        let total = corpus.secrets().filter(|l| l.kind == *kind).count();
        println!(
            "  {:>4}/{:<4} {}/{kind}",
            labels.len(),
            total,
            family.name()
        );
        for l in labels.iter().take(if show > 0 { 2 } else { 0 }) {
            println!(
                "         {}:{}: {}",
                l.file,
                l.line,
                line_text(&l.file, l.line)
            );
        }
    }
    println!(
        "\ncorpus written to {} (removed at exit unless --keep)",
        dir.display()
    );
}

/// Redacts a line for printing: every labelled secret on it keeps its first 4 and last 2
/// characters, and every other long digit-bearing token (hashes, blobs, key bodies) its first 6
/// and last 2, so no secret is printed whole while names stay readable.
fn redact(line: &str, secrets: &[&str]) -> String {
    let mut line = line.to_string();
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        if chars.len() >= 8 {
            let masked: String = chars[..4]
                .iter()
                .chain(['…'].iter())
                .chain(chars[chars.len() - 2..].iter())
                .collect();
            line = line.replace(secret, &masked);
        }
    }
    let token = |c: char| c.is_ascii_alphanumeric() || "+/_-".contains(c);
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() >= 24 && chars.iter().any(|c| c.is_ascii_digit()) {
            out.extend(&chars[..6]);
            out.push('…');
            out.extend(&chars[chars.len() - 2..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if token(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    let trimmed = out.trim();
    if trimmed.chars().count() > 150 {
        trimmed.chars().take(150).collect::<String>() + "…"
    } else {
        trimmed.to_string()
    }
}
