//! What a history walk says about commits: where it starts ([`Tips`]), each commit and its
//! parents, the files a commit changes, and who made it when.

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

#[cfg(test)]
mod tests {
    use super::*;

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
