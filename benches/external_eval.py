#!/usr/bin/env python3
"""External evaluation (run by hand): keygate, gitleaks and betterleaks on public repositories
that keygate's authors did not write, scored against hand-made verdicts kept in this repository.

    benches/external_eval.py [--eval-dir DIR] [--only NAME,...] [--unjudged] [--missed]
                             [--json FILE]

The script fetches nothing. Each repository of benches/external/repos.tsv is expected as a
clone in EVAL_DIR/NAME (default /tmp/kg-eval); missing ones are listed and skipped. Peers come
from $PEERS (default ~/.keygate-peers/bin); keygate is $KEYGATE, else the newer of
target/release/keygate and target/debug/keygate.

Every tool scans the working tree of the clone with its default rules: the clones' own
configs are set aside (gitleaks' repository carries a .gitleaks.toml that allowlists its
testdata, and a .gitleaksignore), so keygate runs with an empty config, gitleaks with
`[extend] useDefault = true` and an empty ignore folder, betterleaks with its embedded config.
Inline allow markers stay honoured by all three.

Verdicts (benches/external/verdicts.tsv, tab-separated): repo, file, line (a number, `-` for a
finding about a whole file, `*` for every line of that rule in that file), rule, verdict
(`tp` or `fp`), note. A verdict names a place, never a secret. `tp`: the value is a credential
(a live one or a deliberately fake one shaped like one: planted test data counts); `fp`: it is
not a credential at all (code, hashes, identifiers, placeholders, documentation).

Peers are scored by place (file and line). A place a peer reports that keygate also reports
(same file, on the lines the peer's match spans or one line either side: tools place
multi-line secrets differently) takes keygate's verdict
there. Any other peer place is judged by its own row: the peer's rule id in the rule column and a
note beginning `peer:` (one row serves gitleaks and betterleaks where their rule ids agree), else
by a row for keygate's finding of the same rule on that very line (keygate may have stopped
reporting it). A
keygate finding with no row of its own rule takes the verdict of a row at the same place, so a
place judged once for a peer stays judged when keygate starts reporting it.

Prints per repository: size of the scanned tree (MB, without .git), keygate's findings with
TP / FP / unjudged from the verdicts, gitleaks' and betterleaks' finding counts, keygate's
false positives per 20 MB, and the distinct places (file and line; a whole-file finding once per
file) each tool reports, since the tools split one secret into findings differently, and how
many of those places are true positives for each tool. `--unjudged` lists keygate's findings that
no verdict covers (rule, file:line, the redacted value keygate prints) and the peers' places no
verdict covers, to judge them. `--missed` lists the places gitleaks or betterleaks report and
keygate does not, with their verdicts.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def read_tsv(path):
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def tree_bytes(repo):
    total = 0
    for dirpath, dirnames, filenames in os.walk(repo):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def run(cmd, cwd):
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, time.monotonic() - start


def keygate(binary, repo, empty_config):
    proc, secs = run([binary, "check", "--format", "json", "--config", empty_config], repo)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"keygate failed on {repo}: {proc.stderr.decode(errors='replace')}")
    findings = json.loads(proc.stdout)["findings"]
    return [
        {
            "rule": f["rule_id"],
            "file": f["file"],
            "line": f["line"],
            "redacted": f.get("redacted"),
        }
        for f in findings
    ], secs


def gitleaks(peers, repo, work):
    config = work / "gitleaks-default.toml"
    config.write_text("[extend]\nuseDefault = true\n")
    no_ignore = work / "no-ignore"
    no_ignore.mkdir(exist_ok=True)
    report = work / "gitleaks.json"
    cmd = [
        str(peers / "gitleaks"), "dir", ".", "-c", str(config), "-i", str(no_ignore),
        "-f", "json", "-r", str(report), "--no-banner", "--exit-code", "0", "--redact",
        "-l", "error",
    ]
    proc, secs = run(cmd, repo)
    if proc.returncode != 0:
        raise SystemExit(f"gitleaks failed on {repo}: {proc.stderr.decode(errors='replace')}")
    found = json.loads(report.read_text() or "[]")
    return [
        {"rule": f["RuleID"], "file": f["File"], "line": f["StartLine"], "end": f.get("EndLine")}
        for f in found
    ], secs


def betterleaks(peers, repo, work):
    report = work / "betterleaks.json"
    cmd = [
        str(peers / "betterleaks"), "fs", ".", "-o", str(report), "--no-banner",
        "--exit-code", "0", "--redact", "-l", "error",
    ]
    proc, secs = run(cmd, repo)
    if proc.returncode != 0:
        raise SystemExit(f"betterleaks failed on {repo}: {proc.stderr.decode(errors='replace')}")
    found = json.loads(report.read_text() or "{}").get("findings") or []
    return [
        {
            "rule": f["rule_id"],
            "file": unredact_path(repo, f["location"]["path"].removeprefix("./")),
            "line": f["location"].get("start_line"),
            "end": f["location"].get("end_line"),
        }
        for f in found
    ], secs


def unredact_path(repo, path):
    """betterleaks' --redact also masks the secret where it occurs in a file's path
    (`REDACTEDs/…` for `tests/…` when the secret is `test`): find the file it names."""
    if "REDACTED" not in path or (Path(repo) / path).exists():
        return path
    pattern = re.compile(".+".join(re.escape(part) for part in path.split("REDACTED")) + "$")
    for dirpath, dirnames, filenames in os.walk(repo):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), repo)
            if pattern.match(rel):
                return rel
    return path


def distinct_lines(findings):
    """Places a tool reports: distinct (file, line), a whole-file finding counting once per
    file. Tools split one secret into several findings differently; this compares coverage."""
    return len({(f["file"], f["line"]) for f in findings})


def verdict_for(verdicts, repo, finding, any_rule=False, peer=False):
    """The verdict of the row for this finding's rule at its place; with `any_rule`, of any
    row naming exactly its place (a place judged for a peer's rule); with `peer`, only rows
    written for peers (note `peer:`), since peers share many rule ids with keygate."""
    line = "-" if finding["line"] is None else str(finding["line"])
    for v_repo, v_file, v_line, v_rule, verdict, *rest in verdicts:
        if (v_repo, v_file) != (repo, finding["file"]):
            continue
        if peer and not (rest and rest[0].startswith("peer:")):
            continue
        if v_rule == finding["rule"] and v_line in (line, "*"):
            return verdict
        if any_rule and v_line == line:
            return verdict
    return None


def exact_verdict(verdicts, repo, finding):
    line = "-" if finding["line"] is None else str(finding["line"])
    for v_repo, v_file, v_line, v_rule, verdict, *_ in verdicts:
        if (v_repo, v_file, v_line, v_rule) == (repo, finding["file"], line, finding["rule"]):
            return verdict
    return None


def place_verdicts(findings, judged):
    """Each place (file, line) with its verdict: tp when any finding there is tp."""
    places = {}
    for f, v in zip(findings, judged):
        key = (f["file"], f["line"])
        if places.get(key) != "tp" and v is not None:
            places[key] = v
        places.setdefault(key, None)
    return places


def near(places, file, line, end=None):
    """keygate's place that covers a peer's place: same file, on the lines the peer's match
    spans or one line either side, or a keygate finding about the whole file (a private key
    file, a credential file)."""
    for other in (line, None):
        if (file, other) in places:
            return (file, other)
    if line is None:
        return None
    for other in range(line - 1, max(line, end or line) + 2):
        if (file, other) in places:
            return (file, other)
    return None


def score_peer(verdicts, repo, found, kg_places):
    """Per place of a peer: (place, rules, verdict, covered by keygate)."""
    rules, ends = {}, {}
    for f in found:
        rules.setdefault((f["file"], f["line"]), []).append(f["rule"])
        key = (f["file"], f["line"])
        ends[key] = max(ends.get(key) or 0, f.get("end") or 0) or None
    scored = []
    for (file, line), names in sorted(rules.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        covered = near(kg_places, file, line, ends[(file, line)])
        if covered is not None:
            verdict = kg_places[covered]
        else:
            verdict = None
            for rule in names:
                place = {"file": file, "line": line, "rule": rule}
                verdict = verdict_for(verdicts, repo, place, peer=True)
                if verdict is not None:
                    break
            # A row written for a keygate finding that keygate no longer reports still judges
            # the place when it names this very line and rule (never a `*` row: those were
            # written for one tool's rule in one file).
            for rule in names if verdict is None else ():
                place = {"file": file, "line": line, "rule": rule}
                verdict = exact_verdict(verdicts, repo, place)
                if verdict is not None:
                    break
        scored.append(((file, line), sorted(set(names)), verdict, covered is not None))
    return scored


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=os.environ.get("EVAL_DIR", "/tmp/kg-eval"))
    parser.add_argument("--only", help="comma-separated repository names")
    parser.add_argument("--unjudged", action="store_true", help="list unjudged findings")
    parser.add_argument(
        "--missed", action="store_true", help="list peers' places that keygate does not report"
    )
    parser.add_argument("--json", help="also write every tool's findings to FILE")
    args = parser.parse_args()

    peers = Path(os.environ.get("PEERS", Path.home() / ".keygate-peers/bin"))
    binary = os.environ.get("KEYGATE")
    if not binary:
        built = [p for p in (ROOT / "target/release/keygate", ROOT / "target/debug/keygate")
                 if p.exists()]
        if not built:
            raise SystemExit("no keygate binary: run `cargo build --release` first")
        binary = max(built, key=lambda p: p.stat().st_mtime)
    binary = str(Path(binary).resolve())
    repos = read_tsv(HERE / "external/repos.tsv")
    verdicts = read_tsv(HERE / "external/verdicts.tsv")
    if args.only:
        wanted = set(args.only.split(","))
        repos = [r for r in repos if r[0] in wanted]

    eval_dir = Path(args.eval_dir)
    rows, dump, missing, unjudged, missed, peer_unjudged = [], {}, [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        empty_config = work / "empty.keygate.toml"
        empty_config.write_text("")
        for name, source, kind, ecosystem in repos:
            repo = eval_dir / name
            if not (repo / ".git").exists():
                missing.append(f"{name} ({source})")
                continue
            head = subprocess.run(
                ["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True
            ).stdout.strip()
            mb = tree_bytes(repo) / 1e6
            kg, kg_s = keygate(binary, repo, str(empty_config))
            gl, gl_s = gitleaks(peers, repo, work)
            bl, bl_s = betterleaks(peers, repo, work)
            judged = [
                verdict_for(verdicts, name, f) or verdict_for(verdicts, name, f, any_rule=True)
                for f in kg
            ]
            lines = [distinct_lines(found) for found in (kg, gl, bl)]
            kg_places = place_verdicts(kg, judged)
            place_tp = [sum(v == "tp" for v in kg_places.values())]
            missed_here = {}
            for tool, found in (("gitleaks", gl), ("betterleaks", bl)):
                scored = score_peer(verdicts, name, found, kg_places)
                place_tp.append(sum(v == "tp" for _, _, v, _ in scored))
                for place, names, verdict, covered in scored:
                    if covered:
                        continue
                    entry = missed_here.setdefault(place, [set(), set(), verdict])
                    entry[0].add(tool)
                    entry[1].update(names)
                    if verdict is None:
                        peer_unjudged.append((name, tool, names, place))
            for place, (tools, names, verdict) in sorted(
                missed_here.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
            ):
                missed.append((name, place, sorted(tools), sorted(names), verdict))
            tp, fp = judged.count("tp"), judged.count("fp")
            open_ = judged.count(None)
            for f, v in zip(kg, judged):
                if v is None:
                    unjudged.append((name, f))
            rows.append(
                {
                    "repo": name,
                    "kind": kind,
                    "ecosystem": ecosystem,
                    "head": head,
                    "mb": mb,
                    "keygate": len(kg),
                    "tp": tp,
                    "fp": fp,
                    "unjudged": open_,
                    "gitleaks": len(gl),
                    "betterleaks": len(bl),
                    "fp_per_20mb": fp / max(mb, 1e-9) * 20,
                    "secs": (kg_s, gl_s, bl_s),
                    "lines": lines,
                    "place_tp": place_tp,
                }
            )
            dump[name] = {"keygate": kg, "gitleaks": gl, "betterleaks": bl}

    header = (
        f"{'repo':18} {'kind':8} {'head':12} {'MB':>7}  {'keygate':>7} {'TP':>4} {'FP':>4} "
        f"{'?':>3}  {'gitleaks':>8} {'betterleaks':>11}  {'FP/20MB':>7}  {'places kg/gl/bl':>15}  "
        f"{'TP places kg/gl/bl':>18}  {'seconds kg/gl/bl':>17}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        secs = "/".join(f"{s:.1f}" for s in r["secs"])
        places = "/".join(str(n) for n in r["lines"])
        place_tp = "/".join(str(n) for n in r["place_tp"])
        print(
            f"{r['repo']:18} {r['kind']:8} {r['head']:12} {r['mb']:7.1f}  {r['keygate']:7} "
            f"{r['tp']:4} {r['fp']:4} {r['unjudged']:3}  {r['gitleaks']:8} {r['betterleaks']:11}  "
            f"{r['fp_per_20mb']:7.2f}  {places:>15}  {place_tp:>18}  {secs:>17}"
        )
    for kind in ("planted", "ordinary"):
        part = [r for r in rows if r["kind"] == kind]
        if not part:
            continue
        mb = sum(r["mb"] for r in part)
        fp = sum(r["fp"] for r in part)
        print(
            f"{'total ' + kind:18} {'':8} {'':12} {mb:7.1f}  {sum(r['keygate'] for r in part):7} "
            f"{sum(r['tp'] for r in part):4} {fp:4} {sum(r['unjudged'] for r in part):3}  "
            f"{sum(r['gitleaks'] for r in part):8} {sum(r['betterleaks'] for r in part):11}  "
            f"{fp / max(mb, 1e-9) * 20:7.2f}  {'':15}  "
            f"{'/'.join(str(sum(r['place_tp'][i] for r in part)) for i in range(3)):>18}"
        )
    if missing:
        print("\nnot cloned (skipped): " + ", ".join(missing))
    if args.unjudged and unjudged:
        print("\nunjudged keygate findings (repo, rule, file:line, redacted):")
        for name, f in unjudged:
            line = "-" if f["line"] is None else f["line"]
            print(f"  {name}\t{f['rule']}\t{f['file']}:{line}\t{f['redacted'] or ''}")
    if args.unjudged and peer_unjudged:
        print("\nunjudged peers' places keygate does not report (repo, tool, rules, file:line):")
        for name, tool, names, (file, line) in peer_unjudged:
            print(f"  {name}\t{tool}\t{','.join(names)}\t{file}:{'-' if line is None else line}")
    if args.missed and missed:
        print("\npeers' places keygate does not report (repo, verdict, tools, rules, file:line):")
        for name, (file, line), tools, names, verdict in missed:
            where = f"{file}:{'-' if line is None else line}"
            print(f"  {name}\t{verdict or '?'}\t{'+'.join(tools)}\t{','.join(names)}\t{where}")
    if args.json:
        Path(args.json).write_text(json.dumps(dump, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
