//! Rules 4 and 6 on the values of the local `.env` files: one key per application, and keys
//! rotated within a period. Values are compared and remembered only as keyed hashes, with a
//! per-repository key kept in `.git/keygate/` (never tracked): nothing here prints or stores a
//! value.

use super::model::{list, Verdict};
use crate::error::{Error, Result};
use crate::finding::{Fingerprinter, Secret};
use crate::git::Repo;
use crate::hygiene::context::RepoContext;
use crate::hygiene::parse;
use crate::hygiene::patterns::Kind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The rotation record, under `.git/keygate/`: one line per key, `hash<TAB>first-seen<TAB>name<TAB>file`.
pub const RECORD: &str = "rotation.tsv";
const KEY_FILE: &str = "doctor.key";

/// One key of a local `.env` file, known by its keyed hash.
struct LocalKey {
    hash: String,
    name: String,
    file: String,
}

/// keygate's own state folder of `repo` (`.git/keygate`, shared by its worktrees).
fn state_dir(repo: &Repo) -> PathBuf {
    repo.common_dir().join("keygate")
}

/// The per-repository hashing key: 32 random bytes made on first use, readable by the owner only.
fn hashing_key(repo: &Repo) -> Result<Fingerprinter> {
    let dir = state_dir(repo);
    let path = dir.join(KEY_FILE);
    if let Ok(key) = std::fs::read(&path) {
        if key.len() == 32 {
            return Ok(Fingerprinter::with_key(&key));
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| Error::Usage(format!("no randomness for a key: {e}")))?;
    write_private(&path, &key)?;
    Ok(Fingerprinter::with_key(&key))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    options
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| Error::io(path, e))
}

/// Every real-looking value of the local `.env` files (on disk, not templates), hashed.
fn local_keys(ctx: &RepoContext, hasher: &Fingerprinter) -> Vec<LocalKey> {
    let mut out = Vec::new();
    for file in ctx
        .files
        .iter()
        .filter(|f| f.kind == Kind::Env && f.on_disk)
    {
        for var in file.parsed.iter().flat_map(|p| &p.vars) {
            let Some(value) = &var.value else { continue };
            if parse::looks_like_key(&var.name, value.expose()) {
                out.push(LocalKey {
                    hash: hasher.secret("doctor", "", &Secret::new(value.expose())),
                    name: var.name.clone(),
                    file: file.display.clone(),
                });
            }
        }
    }
    out
}

/// What the value checks report.
pub struct ValueChecks {
    pub shared: Verdict,
    pub rotation: Verdict,
}

/// Rule 4 (the same key in two applications' `.env` files) and rule 6 (keys older than
/// `max_age_days`), updating the rotation record with today's keys.
pub fn check(repo: &Repo, ctx: &RepoContext, max_age_days: u32, today: u32) -> Result<ValueChecks> {
    let hasher = hashing_key(repo)?;
    let keys = local_keys(ctx, &hasher);
    Ok(ValueChecks {
        shared: shared(&keys),
        rotation: rotation(repo, &keys, max_age_days, today)?,
    })
}

fn shared(keys: &[LocalKey]) -> Verdict {
    const ID: &str = "one-key-per-app";
    // An application is the folder of its `.env` file.
    let app = |file: &str| file.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
    let mut by_hash: BTreeMap<&str, Vec<&LocalKey>> = BTreeMap::new();
    for key in keys {
        by_hash.entry(&key.hash).or_default().push(key);
    }
    let mut shared = Vec::new();
    for group in by_hash.values() {
        let mut apps: Vec<String> = group.iter().map(|k| app(&k.file)).collect();
        apps.sort();
        apps.dedup();
        if apps.len() > 1 {
            let places: Vec<String> = group
                .iter()
                .map(|k| format!("{} in {}", k.name, k.file))
                .collect();
            shared.push(format!("the same key is {}", list(&places)));
        }
    }
    if shared.is_empty() {
        Verdict::pass(
            ID,
            4,
            format!(
                "no key is shared between applications ({} key(s) compared by keyed hash)",
                keys.len()
            ),
        )
    } else {
        Verdict::fail(
            ID,
            4,
            shared.join("; "),
            "give each application its own key (create one per app at the provider), so that one \
             leak can be revoked without breaking the others",
        )
    }
}

fn rotation(repo: &Repo, keys: &[LocalKey], max_age_days: u32, today: u32) -> Result<Verdict> {
    const ID: &str = "rotation";
    let path = state_dir(repo).join(RECORD);
    let known = read_record(&path)?;
    let mut text = String::from(
        "# keygate doctor: first-seen date of each local .env key, by keyed hash (no value)\n",
    );
    let mut due = Vec::new();
    let mut oldest = 0;
    for key in keys {
        let first = known.get(&key.hash).copied().unwrap_or(today);
        let age = today.saturating_sub(first);
        oldest = oldest.max(age);
        if age > max_age_days {
            due.push(format!(
                "{} in {} (first seen {}, {age} days ago)",
                key.name,
                key.file,
                date(first)
            ));
        }
        text += &format!(
            "{}\t{}\t{}\t{}\n",
            key.hash,
            date(first),
            key.name,
            key.file
        );
    }
    write_private(&path, text.as_bytes())?;
    Ok(if due.is_empty() {
        Verdict::pass(
            ID,
            6,
            format!(
                "{} key(s) tracked in .git/keygate/{RECORD}; the oldest was first seen {oldest} day(s) ago (limit {max_age_days})",
                keys.len()
            ),
        )
    } else {
        Verdict::warn(
            ID,
            6,
            format!("due for rotation: {}", list(&due)),
            "generate a new key at the provider, update every application using it, then revoke \
             the old one",
        )
    })
}

/// The record's first-seen day of each hash; a missing record is empty.
fn read_record(path: &Path) -> Result<BTreeMap<String, u32>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(hash), Some(day)) = (fields.next(), fields.next().and_then(parse_date)) else {
            return Err(Error::Usage(format!(
                "{}:{}: not a rotation record line (hash, YYYY-MM-DD, name, file); fix or delete the file",
                path.display(),
                n + 1
            )));
        };
        out.insert(hash.to_string(), day);
    }
    Ok(out)
}

/// Days since 1970-01-01 of today.
pub fn today() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (secs / 86_400) as u32
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn date(days: u32) -> String {
    let (year, month, day) = crate::git::civil_date(i64::from(days));
    format!("{year:04}-{month:02}-{day:02}")
}

/// The day count of `YYYY-MM-DD` (days-from-civil), or `None` when it is not a date.
pub fn parse_date(text: &str) -> Option<u32> {
    let mut parts = text.trim().split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u32::try_from(era * 146_097 + doe - 719_468).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(parse_date("2026-12-02"), Some(20_789));
        for day in [0, 59, 60, 365, 10_956, 20_789, 40_000] {
            assert_eq!(parse_date(&date(day)), Some(day), "{day}");
        }
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}
