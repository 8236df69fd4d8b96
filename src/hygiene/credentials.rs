//! The credential values a credential file holds, by format: the password of each `.netrc`
//! machine, the password of each `.git-credentials` URL, the fifth field of each `.pgpass` line,
//! an `.npmrc`'s `_authToken`, a kubeconfig's `token`, and so on. In a credential file any such
//! value is a secret, however weak it looks: no entropy or placeholder filter applies. Only
//! references to a value kept elsewhere are not values (`${NPM_TOKEN}`, `$TOKEN`, `%(pw)s`,
//! `{{ token }}`, `<password>`), and neither is an empty value.
//!
//! A content-dependent format (an `.npmrc`, a kubeconfig, …) is a credential file only through
//! its values, so there an obvious placeholder (`YOUR_TOKEN_HERE`, `changeme`, `xxxxxxxx`, the
//! engine's placeholder test) is not a value either: such a file is documentation.
//!
//! Pure text in, values out: the checks decide what a file that holds (or not) a value means.

use super::credential_patterns::CredentialFormat;
use super::parse::is_secret_name;
use crate::engine::filters::is_placeholder;
use crate::finding::Secret;
use regex::Regex;
use std::sync::LazyLock;

/// One credential value in a file.
pub struct CredentialValue {
    /// 1-based line.
    pub line: u64,
    /// 1-based column of the value, in characters.
    pub column: u64,
    /// The field that holds it (`password`, `_authToken`, …), for messages.
    pub field: String,
    pub value: Secret,
}

/// The credential values `text`, a file of `format`, holds, in file order. Binary formats and
/// whole-file keys (`id_rsa`: the catalog's private-key rule reports the key block) hold none
/// here; a Rails key file holds its one line.
pub fn values(format: CredentialFormat, text: &[u8]) -> Vec<CredentialValue> {
    use CredentialFormat::*;
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut push = |field: &str, start: usize, value: &str| {
            if !is_reference(value) {
                out.push(CredentialValue {
                    line: i as u64 + 1,
                    column: line[..start].chars().count() as u64 + 1,
                    field: field.to_string(),
                    value: Secret::new(value.as_bytes()),
                });
            }
        };
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with(';') || trimmed.starts_with("//") {
            // Comments; an `.npmrc` key starts with `//` but always holds a `=`.
            if !(format == Npmrc && trimmed.starts_with("//") && trimmed.contains('=')) {
                continue;
            }
        }
        match format {
            Netrc => netrc(line, &mut push),
            GitCredentials => git_credentials(line, &mut push),
            Pgpass => pgpass(line, &mut push),
            Htpasswd => {
                if let Some(colon) = line.find(':') {
                    push("password hash", colon + 1, line[colon + 1..].trim_end());
                }
            }
            RailsKey if !trimmed.is_empty() => {
                push("master key", line.len() - trimmed.len(), trimmed.trim_end())
            }
            FileZilla => filezilla(line, &mut push),
            Npmrc => key_value(line, &['='], |k| {
                k.ends_with("_authToken") || k.ends_with("_auth") || k.ends_with("_password")
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            MyCnf => key_value(line, &['='], |k| {
                k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("pass")
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            Pypirc => key_value(line, &['=', ':'], |k| k.eq_ignore_ascii_case("password"))
                .map_or((), |(k, at, v)| push(k, at, v)),
            S3cfg => key_value(line, &['='], |k| {
                matches!(k, "secret_key" | "access_token" | "gpg_passphrase")
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            AwsCredentials => key_value(line, &['='], |k| {
                matches!(
                    k.to_ascii_lowercase().as_str(),
                    "aws_secret_access_key" | "aws_session_token" | "aws_security_token"
                )
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            WinScp => key_value(line, &['='], |k| {
                k.to_ascii_lowercase().ends_with("password")
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            Docker => {
                for (k, at, v) in json_pairs(line) {
                    if matches!(k, "auth" | "identitytoken" | "registrytoken" | "password") {
                        push(k, at, v);
                    }
                }
            }
            JsonPasswords => {
                for (k, at, v) in json_pairs(line) {
                    let k_lower = k.to_ascii_lowercase();
                    if k_lower == "pass"
                        || k_lower.ends_with("password")
                        || k_lower.ends_with("passphrase")
                    {
                        push(k, at, v);
                    }
                }
            }
            FirefoxLogins => {
                for (k, at, v) in json_pairs(line) {
                    if k == "encryptedPassword" {
                        push(k, at, v);
                    }
                }
            }
            Shadow => {
                let mut fields = line.splitn(3, ':');
                if let (Some(_user), Some(hash)) = (fields.next(), fields.next()) {
                    let locked = hash.starts_with('!') || hash.starts_with('*') || hash == "x";
                    if !locked {
                        push("password hash", line.find(':').map_or(0, |c| c + 1), hash);
                    }
                }
            }
            Kubeconfig => key_value(line, &[':'], |k| {
                matches!(
                    k,
                    "token"
                        | "client-key-data"
                        | "password"
                        | "id-token"
                        | "refresh-token"
                        | "access-token"
                        | "client-secret"
                )
            })
            .map_or((), |(k, at, v)| push(k, at, v)),
            Tfstate => {
                for (k, at, v) in json_pairs(line) {
                    if is_secret_name(k) {
                        push(k, at, v);
                    }
                }
            }
            Custom => {
                key_value(line, &['=', ':'], is_secret_name).map_or((), |(k, at, v)| push(k, at, v))
            }
            RailsKey | PrivateKey | Keystore => {}
        }
    }
    // A Rails key file is one line: only its first non-empty line is the key.
    if format == RailsKey {
        out.truncate(1);
    }
    if !format.always() {
        out.retain(|v| !is_placeholder(v.value.expose()));
    }
    out
}

/// Whether `value` is no value but a reference to one kept elsewhere, or empty.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty()
        || v.starts_with("${")
        || v.starts_with("$(")
        || v.starts_with("%(")
        || v.starts_with("{{")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.len() > 2 && v.starts_with('%') && v.ends_with('%'))
    {
        return true;
    }
    if let Some(name) = v.strip_prefix('$') {
        return !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    }
    false
}

/// `key SEP value` on one line (INI, YAML and one-key-a-line JSON alike), when `wanted(key)`:
/// the key (unquoted), the byte offset of the value and the value (unquoted, without a
/// trailing `,`). The key ends at the first of `seps`; a quoted key at its closing quote.
fn key_value<'l>(
    line: &'l str,
    seps: &[char],
    wanted: impl Fn(&str) -> bool,
) -> Option<(&'l str, usize, &'l str)> {
    let start = line.len() - line.trim_start().len();
    let mut rest = &line[start..];
    if let Some(item) = rest.strip_prefix("- ") {
        rest = item.trim_start();
    }
    let (key, after) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let close = rest[1..].find(q)? + 1;
            let after = rest[close + 1..].trim_start();
            let after = after.strip_prefix(|c| seps.contains(&c))?;
            (&rest[1..close], after)
        }
        _ => {
            let sep = rest.find(|c| seps.contains(&c))?;
            (rest[..sep].trim_end(), &rest[sep + 1..])
        }
    };
    if key.is_empty() || !wanted(key) {
        return None;
    }
    let mut value = after.trim().trim_end_matches(',').trim_end();
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            value = &value[1..value.len() - 1];
        }
    }
    if value.is_empty() || value.starts_with('{') || value.starts_with('[') {
        return None;
    }
    let at = value.as_ptr() as usize - line.as_ptr() as usize;
    Some((key, at, value))
}

/// Every `"key": "value"` on a JSON line (however many objects it holds): the key, the byte
/// offset of the value and the value as written (escapes kept).
fn json_pairs(line: &str) -> Vec<(&str, usize, &str)> {
    static PAIR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""([^"\\]+)"\s*:\s*"((?:[^"\\]|\\.)*)""#).expect("valid"));
    PAIR.captures_iter(line)
        .filter_map(|c| {
            let (key, value) = (c.get(1)?, c.get(2)?);
            Some((key.as_str(), value.start(), value.as_str()))
        })
        .collect()
}

/// `.netrc`: the token after each `password` (or `passwd`) on the line.
fn netrc(line: &str, push: &mut impl FnMut(&str, usize, &str)) {
    let mut tokens = line
        .split_ascii_whitespace()
        .map(|t| (t.as_ptr() as usize - line.as_ptr() as usize, t));
    while let Some((_, token)) = tokens.next() {
        if token == "password" || token == "passwd" {
            if let Some((mut at, mut value)) = tokens.next() {
                if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
                    (at, value) = (at + 1, &value[1..value.len() - 1]);
                }
                push("password", at, value);
            }
        }
    }
}

/// `.git-credentials`: `scheme://user:password@host`; a token given as the user alone
/// (`https://TOKEN@github.com`) is the credential too.
fn git_credentials(line: &str, push: &mut impl FnMut(&str, usize, &str)) {
    let Some(scheme_end) = line.find("://") else {
        return;
    };
    let auth_start = scheme_end + 3;
    let rest = &line[auth_start..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return;
    };
    let userinfo = &authority[..at];
    match userinfo.find(':') {
        Some(colon) => push("password", auth_start + colon + 1, &userinfo[colon + 1..]),
        None => push("token", auth_start, userinfo),
    }
}

/// `.pgpass`: `host:port:database:user:password`, `\:` escaping a colon.
fn pgpass(line: &str, push: &mut impl FnMut(&str, usize, &str)) {
    let bytes = line.as_bytes();
    let mut fields = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b':' => {
                fields += 1;
                if fields == 4 {
                    push("password", i + 1, line[i + 1..].trim_end());
                    return;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// FileZilla: `<Pass>…</Pass>` (`<Pass encoding="base64">` too).
fn filezilla(line: &str, push: &mut impl FnMut(&str, usize, &str)) {
    let Some(open) = line.find("<Pass") else {
        return;
    };
    let Some(gt) = line[open..].find('>').map(|g| open + g + 1) else {
        return;
    };
    if line[open..gt].ends_with("/>") {
        return;
    }
    let end = line[gt..].find("</Pass>").map_or(line.len(), |e| gt + e);
    push("Pass", gt, &line[gt..end]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use CredentialFormat::*;

    /// `field=value@line:column` for each value (test values only: these are not secrets).
    fn found(format: CredentialFormat, text: &str) -> Vec<String> {
        values(format, text.as_bytes())
            .iter()
            .map(|v| {
                format!(
                    "{}={}@{}:{}",
                    v.field,
                    String::from_utf8_lossy(v.value.expose()),
                    v.line,
                    v.column
                )
            })
            .collect()
    }

    #[test]
    fn value_table() {
        let cases: &[(CredentialFormat, &str, &[&str])] = &[
            (
                Netrc,
                "machine h login u password pw1\nmachine g\n  login v\n  password pw2\n", // keygate:allow
                &["password=pw1@1:28", "password=pw2@4:12"],
            ),
            (Netrc, "# password nope\nmachine h login u\n", &[]),
            (
                GitCredentials,
                "https://bob:hunter2@github.com\nhttps://tok123@gitlab.com/x\nhttps://host\n",
                &["password=hunter2@1:13", "token=tok123@2:9"],
            ),
            (
                Pgpass,
                "# c\nlocalhost:5432:db:u:pw\n*:*:*:u:a\\:b\n",
                &["password=pw@2:21", "password=a\\:b@3:9"],
            ),
            (Pgpass, "localhost:5432:db:u:\n", &[]),
            (
                MyCnf,
                "[client]\nuser=root\npassword = root\n",
                &["password=root@3:12"],
            ),
            (MyCnf, "[client]\nuser=root\n", &[]),
            (
                Npmrc,
                "registry=https://r.example/\n//r.example/:_authToken=abc123\n",
                &["//r.example/:_authToken=abc123@2:25"],
            ),
            (
                Npmrc,
                "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nsave-exact=true\n",
                &[],
            ),
            (Npmrc, "//r.example/:_authToken=YOUR_TOKEN_HERE\n", &[]),
            (Kubeconfig, "    token: changeme\n", &[]),
            (Pgpass, "*:*:*:u:changeme\n", &["password=changeme@1:9"]),
            (
                Pypirc,
                "[pypi]\nusername: __token__\npassword: pypi-x\n",
                &["password=pypi-x@3:11"],
            ),
            (Pypirc, "[distutils]\nindex-servers = pypi\n", &[]),
            (
                Docker,
                "{\n  \"auths\": {\n    \"r.io\": {\n      \"auth\": \"dTpw\"\n    }\n  }\n}\n",
                &["auth=dTpw@4:16"],
            ),
            (
                Docker,
                "{ \"auths\": { \"ghcr.io\": {} }, \"credsStore\": \"desktop\" }\n",
                &[],
            ),
            (
                Docker,
                "{\"auths\":{\"a.io\":{\"auth\":\"eA==\"},\"b.io\":{\"auth\":\"\"}}}\n",
                &["auth=eA==@1:27"],
            ),
            (
                S3cfg,
                "[default]\naccess_key = AK\nsecret_key = sk\n",
                &["secret_key=sk@3:14"],
            ),
            (
                AwsCredentials,
                "[default]\naws_access_key_id = AK\naws_secret_access_key=weak\n",
                &["aws_secret_access_key=weak@3:23"],
            ),
            (Htpasswd, "admin:$apr1$x$y\n", &["password hash=$apr1$x$y@1:7"]),
            (RailsKey, "\n0123abcd\n", &["master key=0123abcd@2:1"]),
            (
                Kubeconfig,
                "users:\n- name: a\n  user:\n    token: t0k\n- name: b\n  user:\n    client-key-data: LS0t\n",
                &["token=t0k@4:12", "client-key-data=LS0t@7:22"],
            ),
            (
                Kubeconfig,
                "users:\n- name: a\n  user:\n    exec:\n      command: aws\n",
                &[],
            ),
            (
                FileZilla,
                "<Server>\n<Pass encoding=\"base64\">cHc=</Pass>\n</Server>\n",
                &["Pass=cHc=@2:25"],
            ),
            (WinScp, "[Sessions\\a]\nPassword=A35C\n", &["Password=A35C@2:10"]),
            (
                Netrc,
                "hostname smtp.example.com:587\npassword \"pw3\"\n",
                &["password=pw3@2:11"],
            ),
            (
                JsonPasswords,
                "{ \"userName\": \"u\", \"userPassword\": \"pw4\", \"promptForPass\": false }\n",
                &["userPassword=pw4@1:37"],
            ),
            (
                FirefoxLogins,
                "{\"logins\":[{\"encryptedUsername\":\"MDo\",\"encryptedPassword\":\"MEI\"}]}\n",
                &["encryptedPassword=MEI@1:60"],
            ),
            (FirefoxLogins, "[{ \"user\": \"a\", \"password\": \"b\" }]\n", &[]),
            (Shadow, "root:*:17431:0:::\nbin:!:1::\n", &[]),
            (
                Shadow,
                "root::17431:0:::\ndaemon:*:17431:0:::\nbob:!$6$x:1::\nu:$6$salt$hash:1:::\n",
                &["password hash=$6$salt$hash@4:3"],
            ),
            (
                JsonPasswords,
                "{\n  // \"password\": \"old\",\n  \"password\": \"pw\",\n}\n",
                &["password=pw@3:16"],
            ),
            (
                Tfstate,
                "{\n  \"name\": \"db\",\n  \"password\": \"pw\",\n  \"port\": 5432\n}\n",
                &["password=pw@3:16"],
            ),
            (Custom, "db_password: x\nhost: h\n", &["db_password=x@1:14"]),
            (PrivateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\n", &[]),
        ];
        for (format, text, want) in cases {
            assert_eq!(found(*format, text), *want, "{format:?}: {text:?}");
        }
    }

    #[test]
    fn references_are_not_values() {
        for v in [
            "",
            "${TOKEN}",
            "$TOKEN",
            "%(pw)s",
            "{{ token }}",
            "<password>",
            "%PW%",
        ] {
            assert!(is_reference(v), "{v}");
        }
        for v in ["x", "hunter2", "$apr1$x$y", "$x y"] {
            assert!(!is_reference(v), "{v}");
        }
    }
}
