//! Values that a file holds encoded, decoded so that the same rules can read them: the base64
//! `data:` values of Kubernetes `Secret` manifests. Each becomes a line `KEY=decoded value` (the
//! key keeps what the name says: `MIGOSMTP_API_KEY`, `password`), which the scanner scans like
//! any text and reports at the encoded value's place.

use crate::rules::validators::base64_decode;
use memchr::memmem;

/// One encoded value: where it stands in the text and the line its decoding makes.
#[derive(Debug, PartialEq, Eq)]
pub struct Encoded {
    pub start: usize,
    pub end: usize,
    /// `KEY=decoded` (or `KEY:` and the decoded lines, for a value that spans lines).
    pub text: Vec<u8>,
    /// Where the decoded value starts in `text`.
    pub value_at: usize,
}

/// The line a Kubernetes `Secret` manifest holds.
pub const K8S_SECRET_MARKER: &[u8] = b"kind: Secret";

/// Whether `text` may hold a Kubernetes `Secret` (a cheap check before [`k8s_secret_values`]).
pub fn may_hold_k8s_secret(text: &[u8]) -> bool {
    memmem::find(text, K8S_SECRET_MARKER).is_some()
}

/// The base64 values under each `data:` map of the `Secret` manifests in `text`.
pub fn k8s_secret_values(text: &[u8]) -> Vec<Encoded> {
    let mut out = Vec::new();
    if !may_hold_k8s_secret(text) {
        return out;
    }
    // The indentation of the `data:` key whose map is being read.
    let mut data_indent: Option<usize> = None;
    let mut at = 0;
    for line in text.split(|&b| b == b'\n') {
        let start = at;
        at += line.len() + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let body = &line[indent..];
        if body.is_empty() || body.starts_with(b"#") {
            continue;
        }
        if let Some(outer) = data_indent {
            if indent > outer {
                if let Some(e) = encoded_entry(body, start + indent) {
                    out.push(e);
                }
                continue;
            }
            data_indent = None;
        }
        if body == b"data:" {
            data_indent = Some(indent);
        }
    }
    out
}

/// `KEY: base64` (the value optionally quoted), decoded to printable text.
fn encoded_entry(body: &[u8], offset: usize) -> Option<Encoded> {
    let colon = body.iter().position(|&b| b == b':')?;
    let key = &body[..colon];
    if key.is_empty()
        || !key
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return None;
    }
    let rest = &body[colon + 1..];
    let skip = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let value = rest[skip..].trim_ascii_end();
    let quoted =
        value.len() >= 2 && matches!(value[0], b'"' | b'\'') && value.last() == Some(&value[0]);
    let (value, lead) = if quoted {
        (&value[1..value.len() - 1], 1)
    } else {
        (value, 0)
    };
    if value.len() < 12
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return None;
    }
    let decoded = base64_decode(value)?;
    if !decoded
        .iter()
        .all(|&b| b.is_ascii_graphic() || matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        return None;
    }
    let start = offset + colon + 1 + skip + lead;
    let mut text = key.to_vec();
    text.extend_from_slice(if decoded.contains(&b'\n') {
        b":\n"
    } else {
        b"="
    });
    let value_at = text.len();
    text.extend_from_slice(&decoded);
    Some(Encoded {
        start,
        end: start + value.len(),
        text,
        value_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_values_of_secret_manifests_are_decoded_with_their_key() {
        let text = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  API_TOKEN: c2stbGl2ZS1hYmNkZWYxMjM0NTY=\n  short: YQ==\n  note: \"aGVsbG8gd29ybGQgaGVsbG8=\"\nstringData:\n  other: YWJjZGVmZ2hpamtsbW5vcA==\n";
        let found = k8s_secret_values(text);
        let texts: Vec<String> = found
            .iter()
            .map(|e| String::from_utf8(e.text.clone()).unwrap())
            .collect();
        assert_eq!(
            texts,
            ["API_TOKEN=sk-live-abcdef123456", "note=hello world hello"]
        );
        let first = &found[0];
        assert_eq!(
            &text[first.start..first.end],
            b"c2stbGl2ZS1hYmNkZWYxMjM0NTY="
        );
        assert_eq!(first.value_at, "API_TOKEN=".len());
        assert_eq!(
            &text[found[1].start..found[1].end],
            b"aGVsbG8gd29ybGQgaGVsbG8="
        );
    }

    #[test]
    fn other_manifests_are_not_decoded() {
        let text = b"kind: ConfigMap\ndata:\n  API_TOKEN: c2stbGl2ZS1hYmNkZWYxMjM0NTY=\n";
        assert!(k8s_secret_values(text).is_empty());
    }
}
