//! The scanner's own tests: windows, overlaps, wanted lines, and the catalog through it.
use super::*;

/// A token base64-encoded in a Kubernetes `Secret` is found, under the rule that finds it
/// decoded, at the encoded value's line and column.
#[test]
fn secret_manifest_values_are_decoded_and_scanned() {
    let rules = crate::rules::compile_all(&[]).unwrap();
    let scanner = Scanner::new(rules, Allowlist::default());
    let key = "mk_3f9Kq2LxV8pR7tZ1wYb4N6cD";
    let encoded = b64(key.as_bytes());
    let text = format!(
        "apiVersion: v1\nkind: Secret\ndata:\n  MIGOSMTP_API_KEY: {encoded}\n  other: {}\n",
        b64(b"plain words here")
    );
    let found = scanner.scan(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(scanner.rule(m.rule).id(), "migosmtp-api-key");
    assert_eq!((m.line, m.column), (4, 21));
    assert_eq!(m.secret.expose(), key.as_bytes());
    let lines = scanner.scan_lines(text.as_bytes(), |first, last| (first..=last).contains(&4));
    assert_eq!(lines.iter().filter(|m| m.line == 4).count(), 1);
}

/// A value ends where its string does: a `.netrc` line written from Python keeps its
/// password, not the `\n")` after it.
#[test]
fn values_inside_strings_do_not_run_on() {
    let rules = crate::rules::compile_all(&[]).unwrap();
    let scanner = Scanner::new(rules, Allowlist::default());
    // The password is built at run time, so that keygate's own check finds nothing here.
    let text = format!(
        r#"netrc.write_text("machine api.acme.io login ci password {}\n")"#,
        ["Vq8mZ2k", "R7xLw4"].concat()
    );
    let found = scanner.scan(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].secret.expose(), b"Vq8mZ2kR7xLw4");
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn context_window_spans_neighbouring_lines() {
    let text = b"a\nbb\nccc\ndddd\ne";
    let at = |s: &str| {
        text.windows(s.len())
            .position(|w| w == s.as_bytes())
            .unwrap()
    };
    let (start, end) = (at("ccc"), at("ccc") + 3);
    let slice = |(s, e): (usize, usize)| String::from_utf8(text[s..e].to_vec()).unwrap();
    assert_eq!(slice(context_window(text, start, end, 1)), "bb\nccc\ndddd");
    assert_eq!(
        slice(context_window(text, start, end, 2)),
        "a\nbb\nccc\ndddd\ne"
    );
    assert_eq!(
        slice(context_window(text, start, end, 5)),
        "a\nbb\nccc\ndddd\ne"
    );
    assert_eq!(slice(context_window(text, 0, 1, 1)), "a\nbb");
}

/// `scan_lines` reports exactly the matches of `scan` on the wanted lines, over every
/// example of the catalog (many rules, overlapping and multi-line secrets), for several
/// choices of wanted lines.
#[test]
fn scan_lines_equals_scan_on_the_wanted_lines() {
    let rules = crate::rules::compile_all(&[]).unwrap();
    let scanner = Scanner::new(rules, Allowlist::default());
    let text: String = crate::rules::builtin_specs()
        .iter()
        .flat_map(|s| s.examples.iter().chain(s.negative_examples.iter()))
        .map(|e| format!("{e}\nfiller line\n"))
        .collect();
    let text = text.as_bytes();
    let all = scanner.scan(text);
    let key = |m: &Match| (m.rule, m.offset, m.line, m.column);
    for modulus in [2, 3, 7, 50] {
        let wanted = |first: u64, last: u64| (first..=last).any(|l| l % modulus == 1);
        // The matches on a wanted line (a multi-line secret: any of its lines).
        let on_wanted = |found: &[Match]| -> Vec<_> {
            found
                .iter()
                .filter(|m| {
                    let newlines = m.secret.expose().iter().filter(|&&b| b == b'\n').count();
                    wanted(m.line, m.line + newlines as u64)
                })
                .map(key)
                .collect()
        };
        let want = on_wanted(&all);
        let got = on_wanted(&scanner.scan_lines(text, wanted));
        assert!(!want.is_empty());
        assert_eq!(got, want, "lines = 1 mod {modulus}");
    }
}

/// A webhook payload's `token` is dropped by its `signature` and `timestamp` siblings on the
/// lines around it (`reject_nearby`), not by one of them alone nor by ones further away; and a
/// text holding both of them is not line-local, so that a history audit scans such a
/// version whole.
#[test]
fn nearby_siblings_drop_a_webhook_nonce() {
    let rules = crate::rules::compile_all(&[]).unwrap();
    let scanner = Scanner::new(rules, Allowlist::default());
    // Built at run time, so that keygate's own check finds nothing here.
    let nonce = ["Zx4mT8vQ2x", "K6wR9nB3cL7hF1pW"].concat();
    let payload = format!("{{\n  \"timestamp\": 1661621710,\n  \"token\": \"{nonce}\",\n  \"signature\": \"ef24c5\"\n}}\n");
    assert!(scanner.scan(payload.as_bytes()).is_empty());
    let locality = scanner.locality();
    assert!(!locality.is_local(&locality.evidence(payload.as_bytes())));
    let alone = format!("{{\n  \"token\": \"{nonce}\",\n  \"signature\": \"ef24c5\"\n}}\n");
    assert_eq!(scanner.scan(alone.as_bytes()).len(), 1);
    let far = format!(
        "\"timestamp\": 1661621710,\n{}  \"token\": \"{nonce}\",\n  \"signature\": \"ef24c5\"\n",
        "  \"x\": 1,\n".repeat(4)
    );
    assert_eq!(scanner.scan(far.as_bytes()).len(), 1);
}
