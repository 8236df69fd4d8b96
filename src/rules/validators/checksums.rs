//! Provider checksums and token structure: GitHub's and npm's CRC32 in base62, PyPI's macaroons;
//! and the base62 and base64 codings they (and the shape checks) use.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `n` in base62, left-padded with `0` to `width` characters.
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).expect("base62 alphabet is ASCII")
}

pub(super) fn crc32_base62(secret: &[u8]) -> bool {
    // The random part follows the prefix's underscore; the checksum is its last 6 characters.
    let Some(underscore) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let body = &secret[underscore + 1..];
    if body.len() <= 6 {
        return false;
    }
    let (random, checksum) = body.split_at(body.len() - 6);
    base62(u64::from(crc32fast::hash(random)), 6).as_bytes() == checksum
}

/// Decodes standard or URL-safe base64, with or without padding; `None` on any other byte.
pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or(text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub(super) fn pypi_macaroon(secret: &[u8]) -> bool {
    let Some(body) = secret.strip_prefix(b"pypi-") else {
        return false;
    };
    base64_decode(body).is_some_and(|m| macaroon_v2(&m))
}

/// Walks a version 2 binary macaroon: header fields (location 1, identifier 2), an end of
/// section, caveat sections, an end of caveats, then the signature field (6) of 32 bytes.
fn macaroon_v2(m: &[u8]) -> bool {
    fn varint(m: &[u8], pos: &mut usize) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..35).step_by(7) {
            let b = *m.get(*pos)?;
            *pos += 1;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    // A field: its type and data, or `None` at an end of section (type 0).
    fn field<'a>(m: &'a [u8], pos: &mut usize) -> Option<Option<(u8, &'a [u8])>> {
        let kind = *m.get(*pos)?;
        *pos += 1;
        if kind == 0 {
            return Some(None);
        }
        let len = varint(m, pos)?;
        let data = m.get(*pos..pos.checked_add(len)?)?;
        *pos += len;
        Some(Some((kind, data)))
    }
    let mut pos = 1;
    if m.first() != Some(&2) {
        return false;
    }
    let (mut location, mut identifier) = (None, false);
    loop {
        match field(m, &mut pos) {
            Some(Some((1, data))) => location = Some(data),
            Some(Some((2, data))) => identifier = !data.is_empty(),
            Some(Some(_)) => {}
            Some(None) => break,
            None => return false,
        }
    }
    if !identifier || !matches!(location, Some(b"pypi.org") | Some(b"test.pypi.org")) {
        return false;
    }
    // Caveat sections, each ended by an end of section; an empty section ends the caveats.
    loop {
        let mut empty = true;
        loop {
            match field(m, &mut pos) {
                Some(Some(_)) => empty = false,
                Some(None) => break,
                None => return false,
            }
        }
        if empty {
            break;
        }
    }
    matches!(field(m, &mut pos), Some(Some((6, sig))) if sig.len() == 32) && pos == m.len()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn token(prefix: &str, random: &str) -> String {
        format!(
            "{prefix}{random}{}",
            base62(u64::from(crc32fast::hash(random.as_bytes())), 6)
        )
    }

    #[test]
    fn crc32_base62_table() {
        let random = "Abcdefghijklmnopqrstuvwxyz0123";
        let good = token("ghp_", random);
        let mut bad = good.clone();
        bad.replace_range(5..6, "Z");
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&token("npm_", random), true),
            (&bad, false),
            ("ghp_short", false),
            ("no-underscore", false),
        ];
        for (secret, want) in cases {
            assert_eq!(crc32_base62(secret.as_bytes()), *want, "{secret}");
        }
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
    }

    #[test]
    fn base64_table() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(base64_decode(b"a b").is_none());
    }

    pub(in crate::rules::validators) fn b64url(data: &[u8]) -> String {
        const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHA[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    fn macaroon(location: &[u8], signature_len: u8) -> Vec<u8> {
        let mut m = vec![2, 1, location.len() as u8];
        m.extend_from_slice(location);
        m.extend_from_slice(&[2, 4, b'i', b'd', b'0', b'1', 0]);
        m.extend_from_slice(&[2, 3, b'c', b'a', b'v', 0, 0]);
        m.extend_from_slice(&[6, signature_len]);
        m.extend(std::iter::repeat_n(7u8, usize::from(signature_len)));
        m
    }

    #[test]
    fn pypi_macaroon_table() {
        let good = format!("pypi-{}", b64url(&macaroon(b"pypi.org", 32)));
        let test = format!("pypi-{}", b64url(&macaroon(b"test.pypi.org", 32)));
        let other = format!("pypi-{}", b64url(&macaroon(b"evil.org", 32)));
        let short_sig = format!("pypi-{}", b64url(&macaroon(b"pypi.org", 31)));
        let cut = &good[..good.len() - 10];
        let cases: &[(&str, bool)] = &[
            (&good, true),
            (&test, true),
            (&other, false),
            (&short_sig, false),
            (cut, false),
            ("pypi-AgEIcHlwaS5vcmc", false),
        ];
        for (secret, want) in cases {
            assert_eq!(pypi_macaroon(secret.as_bytes()), *want, "{secret}");
        }
    }
}
