//! Shannon entropy, the randomness measure that separates keys from words.

/// Shannon entropy in bits per byte of `data` (0 for empty input).
pub fn shannon(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_table() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("aaaaaaaa", 0.0),
            ("abababab", 1.0),
            ("abcdefgh", 3.0),
            ("0123456789abcdef", 4.0),
        ];
        for (s, want) in cases {
            let got = shannon(s.as_bytes());
            assert!((got - want).abs() < 1e-9, "{s}: {got} != {want}");
        }
    }
}
