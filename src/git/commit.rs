//! What a history walk says about commits: where it starts ([`Tips`]), each commit and its
//! parents (and the head of a commit object, where Git reads them), the files a commit changes,
//! and who made it when.

use super::object::ObjectId;

/// Which commits a history walk starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tips {
    /// `HEAD` (nothing when `HEAD` is unborn).
    Head,
    /// Every ref, plus `HEAD`.
    All,
    /// One branch: a local branch, else a remote-tracking branch, else any revision.
    Branch(String),
    /// These revisions (the commits a push brings, say).
    Revs(Vec<String>),
}

/// A commit of the walk, its root tree and its parents.
#[derive(Debug, Clone)]
pub struct CommitNode {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
}

/// A file whose content differs between a commit and its parent. Only regular files count:
/// symbolic links and submodules are neither scanned nor tracked.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The path, `/`-separated, as Git stores it.
    pub path: Vec<u8>,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// Who made a commit, and when.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    /// `Name <email>`.
    pub author: String,
    /// Author date, RFC 3339 in the author's own offset.
    pub date: String,
}

/// The year, month and day of `days` since 1970-01-01 (Howard Hinnant's civil-from-days).
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `seconds` since the epoch at UTC offset `offset` (minutes), as RFC 3339.
pub fn rfc3339(seconds: i64, offset: i32) -> String {
    let local = seconds + i64::from(offset) * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_date(days);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        off / 60,
        off % 60
    )
}

/// What a commit walk reads of a commit: the lines at the head of its object.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct CommitHeader {
    pub(super) tree: ObjectId,
    pub(super) parents: Vec<ObjectId>,
    /// The committer date, as Git reads it for ordering (0 when it cannot).
    pub(super) date: u64,
}

/// A commit's tree, parents and committer date, read as Git's `parse_commit_buffer` and
/// `parse_commit_date` do: the tree line first, then the parent lines, then author and committer
/// (a date Git cannot find there is 0, and orders as 0).
pub(super) fn parse_commit(raw: &[u8]) -> Option<CommitHeader> {
    /// `NAME ID\n` at the start of `rest`: `None` when `rest` starts otherwise, `Some(None)`
    /// when the line is malformed.
    fn line(rest: &mut &[u8], name: &[u8]) -> Option<Option<ObjectId>> {
        let after = rest.strip_prefix(name)?;
        let id = after
            .get(..41)
            .filter(|l| l.ends_with(b"\n"))
            .and_then(|l| ObjectId::from_hex(&l[..40]));
        *rest = after.get(41..).unwrap_or_default();
        Some(id)
    }
    let mut rest = raw;
    let tree = line(&mut rest, b"tree ")??;
    let mut parents = Vec::new();
    while let Some(parent) = line(&mut rest, b"parent ") {
        parents.push(parent?);
    }
    Some(CommitHeader {
        tree,
        parents,
        date: commit_date(rest),
    })
}

fn commit_date(rest: &[u8]) -> u64 {
    let mut lines = rest.split(|&b| b == b'\n');
    let author = lines.next().unwrap_or_default();
    if !author.starts_with(b"author") || rest.len() <= author.len() + 1 {
        return 0;
    }
    // The committer line must end in a newline; the date follows its last `>`.
    let after = &rest[author.len() + 1..];
    let Some(eol) = memchr::memchr(b'\n', after) else {
        return 0;
    };
    let line = &after[..eol];
    if !line.starts_with(b"committer") {
        return 0;
    }
    let Some(gt) = memchr::memrchr(b'>', line) else {
        return 0;
    };
    let date = line[gt + 1..].trim_ascii_start();
    let (negative, digits) = match date.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, date),
    };
    // `strtoumax`: the leading digits; out of range, the largest value whatever the sign; a
    // minus sign negates (wrapping).
    let n = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .try_fold(0u64, |n, &d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        });
    match (n, negative) {
        (None, _) => u64::MAX,
        (Some(n), true) => n.wrapping_neg(),
        (Some(n), false) => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_commit_as_git_does() {
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        let parent = "1111111111111111111111111111111111111111";
        let raw = format!(
            "tree {tree}\nparent {parent}\nparent {parent}\nauthor A <a@x> 5 +0000\n\
             committer C <c> d> \t 1700000000 -0500\ngpgsig x\n\nmessage\n"
        );
        let parsed = parse_commit(raw.as_bytes()).unwrap();
        assert_eq!(parsed.tree.to_string(), tree);
        assert_eq!(parsed.parents.len(), 2);
        assert_eq!(parsed.date, 1_700_000_000);

        let dated = |lines: &str| parse_commit(format!("tree {tree}\n{lines}").as_bytes());
        // No author line first, no committer line second, no `>`: Git orders these as 0.
        assert_eq!(dated("committer C <c> 7 +0000\n").unwrap().date, 0);
        assert_eq!(
            dated("author A <a> 5 +0000\nx\ncommitter C <c> 7\n")
                .unwrap()
                .date,
            0
        );
        assert_eq!(dated("author A <a> 5\ncommitter C 7\n").unwrap().date, 0);
        assert_eq!(dated("author A <a> 5\ncommitter C <c> 7").unwrap().date, 0);
        assert_eq!(
            dated("author A <a> 5\ncommitter C <c> 99999999999999999999\n")
                .unwrap()
                .date,
            u64::MAX
        );
        assert_eq!(
            dated("author A <a> 5\ncommitter C <c> -2\n").unwrap().date,
            2u64.wrapping_neg()
        );
        // Out of range: the largest value, negative or not; the largest value itself negates.
        assert_eq!(
            dated("author A <a> 5\ncommitter C <c> -18446744073709551616\n")
                .unwrap()
                .date,
            u64::MAX
        );
        assert_eq!(
            dated("author A <a> 5\ncommitter C <c> -18446744073709551615\n")
                .unwrap()
                .date,
            1
        );
        // No tree, a short id, a malformed parent: not a commit.
        assert!(parse_commit(b"parent 1111111111111111111111111111111111111111\n").is_none());
        assert!(parse_commit(b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee490\n").is_none());
        assert!(dated("parent 11111111111111111111111111111111111111\nauthor A <a> 5\n").is_none());
    }

    #[test]
    fn rfc3339_dates() {
        let cases: &[(i64, i32, &str)] = &[
            (0, 0, "1970-01-01T00:00:00+00:00"),
            (1_700_000_000, 60, "2023-11-14T23:13:20+01:00"),
            (1_709_164_800, -300, "2024-02-28T19:00:00-05:00"),
            (951_782_400, 0, "2000-02-29T00:00:00+00:00"),
        ];
        for &(s, o, want) in cases {
            assert_eq!(rfc3339(s, o), want, "{s} {o}");
        }
    }
}
