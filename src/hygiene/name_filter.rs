//! A first look at a file name, before any literal search or glob: whether it can be named by
//! any glob of the `.env`, template and credential-file lists at all, by its first or last three
//! bytes.
//!
//! Every path of the index goes through the lists on each pre-commit check (5,000 of them in the
//! hook benchmark's repository). Every glob's last part (the file name; `*` never crosses `/`)
//! starts or ends with plain characters, `.env`'s `.en`, `*.p12`'s `p12`, so a name whose first
//! three bytes and whose last three bytes are none of those is named by no glob. Two bit sets
//! answer that for a few nanoseconds a path, where the search for the lists' literals cost a
//! fifth of the check.

/// Bits of the sets: a hash of up to three bytes picks one. A collision only lets a name on to
/// the full check.
const BITS: usize = 1 << 13;

/// How many bytes of a name's start or end are looked at.
const SPAN: usize = 3;

/// The first and last bytes of every glob's file-name part, lowercased (globs ignore case).
pub(super) struct NameFilter {
    /// Per length (1 to [`SPAN`]): the hashes of the globs' plain starts of that length.
    starts: [Bits; SPAN],
    /// The same for the plain ends.
    ends: [Bits; SPAN],
}

/// One bit set, allocated at its first insertion (most lengths hold nothing).
#[derive(Clone, Default)]
struct Bits {
    words: Vec<u64>,
}

impl Bits {
    fn insert(&mut self, bytes: &[u8]) {
        if self.words.is_empty() {
            self.words = vec![0; BITS / 64];
        }
        let h = hash(bytes);
        self.words[h / 64] |= 1 << (h % 64);
    }

    fn contains(&self, bytes: &[u8]) -> bool {
        !self.words.is_empty() && {
            let h = hash(bytes);
            self.words[h / 64] & (1 << (h % 64)) != 0
        }
    }
}

fn hash(bytes: &[u8]) -> usize {
    let h = bytes.iter().fold(0u32, |h, &b| {
        h.wrapping_mul(0x9E37_79B1) ^ u32::from(b.to_ascii_lowercase())
    });
    (h.wrapping_mul(0x9E37_79B1) >> 20) as usize % BITS
}

impl NameFilter {
    /// The filter for `globs`, or `None` when some glob's file name has neither a plain start nor
    /// a plain end (`*`, `**`, `*secret*`): any name may then match it.
    pub(super) fn new<'a>(globs: impl IntoIterator<Item = &'a str>) -> Option<NameFilter> {
        let mut filter = NameFilter {
            starts: Default::default(),
            ends: Default::default(),
        };
        for glob in globs {
            let name = glob.rsplit('/').next().unwrap_or(glob).as_bytes();
            let special = |b: &u8| matches!(b, b'*' | b'?' | b'[' | b']' | b'{' | b'}' | b'\\');
            let start = name.iter().position(special).unwrap_or(name.len());
            let end = name.len() - name.iter().rev().position(special).unwrap_or(name.len());
            let (plain_start, plain_end) = (&name[..start], &name[end..]);
            if plain_start.is_empty() && plain_end.is_empty() {
                return None;
            }
            // The longer of the two says more; a tie goes to the end (an extension).
            if plain_end.len() >= plain_start.len().min(SPAN) && !plain_end.is_empty() {
                let n = plain_end.len().min(SPAN);
                filter.ends[n - 1].insert(&plain_end[plain_end.len() - n..]);
            } else {
                let n = plain_start.len().min(SPAN);
                filter.starts[n - 1].insert(&plain_start[..n]);
            }
        }
        Some(filter)
    }

    /// Whether some glob may name a file called `name` (its last path component); `false` is
    /// certain.
    pub(super) fn may_name(&self, name: &[u8]) -> bool {
        (1..=SPAN.min(name.len())).any(|n| {
            self.starts[n - 1].contains(&name[..n])
                || self.ends[n - 1].contains(&name[name.len() - n..])
        })
    }

    /// [`NameFilter::may_name`] of the last component of `path` (`/`-separated).
    pub(super) fn may_name_path(&self, path: &[u8]) -> bool {
        let name = match memchr::memrchr(b'/', path) {
            Some(at) => &path[at + 1..],
            None => path,
        };
        self.may_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use globset::GlobBuilder;

    fn glob_matches(glob: &str, path: &str) -> bool {
        let g = GlobBuilder::new(glob.trim_start_matches('/'))
            .literal_separator(true)
            .case_insensitive(true)
            .build()
            .unwrap()
            .compile_matcher();
        let name = path.rsplit('/').next().unwrap();
        if glob.contains('/') {
            g.is_match(path)
        } else {
            g.is_match(name)
        }
    }

    /// The filter never rejects a path a glob names (it is a necessary condition only), on the
    /// built-in lists and on globs of every shape; and it rejects ordinary source files.
    #[test]
    fn never_rejects_a_named_path_and_rejects_ordinary_ones() {
        let builtin: Vec<&str> = super::super::patterns::DEFAULT_FILES
            .iter()
            .chain(super::super::patterns::DEFAULT_TEMPLATES)
            .copied()
            .chain(
                super::super::credential_patterns::DEFAULT_CREDENTIAL_FILES
                    .iter()
                    .map(|(g, _)| *g),
            )
            .collect();
        let filter = NameFilter::new(builtin.iter().copied()).expect("every glob has a plain part");
        let named = [
            ".env",
            "app/.ENV",
            "prod.env",
            ".env.local",
            ".Env.Production.Sample",
            "deploy/.netrc",
            "keys/ID_RSA",
            "putty/server.ppk",
            "config/credentials/production.key",
            "a/.docker/config.json",
            "infra/terraform.tfstate.backup",
            "x/.aws/credentials",
            "WINSCP.INI",
            "e",
        ];
        for path in named {
            let named_by_some = builtin.iter().any(|g| glob_matches(g, path));
            if named_by_some {
                assert!(filter.may_name_path(path.as_bytes()), "{path} rejected");
            }
        }
        for path in [
            "src/pkg010/module_01000.py",
            "src/main.rs",
            "README.md",
            "web/index.html",
            "Cargo.lock",
        ] {
            assert!(!filter.may_name_path(path.as_bytes()), "{path} let through");
        }

        let shapes = [
            "*.vault",
            "deploy/secrets.yml",
            "se?ret.txt",
            "[ab]c.key",
            "x{1,2}y",
            "ab",
            "a",
            "*.k",
            "**/etc/passwd",
        ];
        let filter = NameFilter::new(shapes.iter().copied()).unwrap();
        for path in [
            "a/b.vault",
            "deploy/secrets.yml",
            "SECRET.txt",
            "ac.key",
            "x1y",
            "ab",
            "A",
            "z.K",
            "root/etc/passwd",
        ] {
            assert!(
                shapes.iter().any(|g| glob_matches(g, path)),
                "{path}: table"
            );
            assert!(filter.may_name_path(path.as_bytes()), "{path} rejected");
        }
        assert!(NameFilter::new(["*.env", "*secret*"]).is_none());
        assert!(NameFilter::new(["**"]).is_none());
    }
}
