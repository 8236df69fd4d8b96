//! Byte-slice comparisons shared by the layers above: how much two versions of one thing (two
//! versions of a file, of a folder's raw tree) share at their start and at their end.

/// Bytes `a` and `b` share at the start, compared a block at a time (`memcmp`), then bytewise.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Bytes `a` and `b` share at the end.
pub(crate) fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_start_and_end_across_block_edges() {
        let base: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
        for at in [0, 1, 63, 64, 65, 128, 299] {
            let mut other = base.clone();
            other[at] ^= 0xff;
            assert_eq!(common_prefix(&base, &other), at);
            assert_eq!(common_suffix(&base, &other), base.len() - 1 - at);
        }
        assert_eq!(common_prefix(&base, &base[..100]), 100);
        assert_eq!(common_suffix(&base, &base[200..]), 100);
        assert_eq!(common_prefix(b"", &base), 0);
        assert_eq!(common_suffix(&base, b""), 0);
    }
}
