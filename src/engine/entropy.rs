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

/// Ceiling on the entropy a rule may demand of a hexadecimal value: 16 symbols give at most 4 bits
/// per character, and a random 32-character hex key often measures under 3.5.
pub const HEX_CEILING: f64 = 3.0;

/// The entropy `secret` must reach for a rule asking `min`: the rule's figure, capped for
/// hexadecimal values whose alphabet cannot reach it.
pub fn threshold(secret: &[u8], min: f64) -> f64 {
    if secret.iter().all(u8::is_ascii_hexdigit) {
        min.min(HEX_CEILING)
    } else {
        min
    }
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

    #[test]
    fn hex_threshold_is_capped() {
        assert_eq!(
            threshold(b"7b912ac28417377df767c6a4200771f2", 3.5),
            HEX_CEILING
        );
        assert_eq!(threshold(b"7b912ac28417377df767c6a4200771f2", 2.5), 2.5);
        assert_eq!(threshold(b"Se0sGv0dk7kLa3Evdh2Gu08V", 3.5), 3.5);
    }
}
