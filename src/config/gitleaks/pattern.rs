//! Turning a gitleaks regex into a keygate pattern: the rule id in kebab-case, the secret as the
//! one capture group `secret`, and keywords from the literal text every match starts with.

use regex_syntax::ast::{Ast, GroupKind};

/// A gitleaks rule id as a keygate id (lowercase kebab-case).
pub(super) fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Rewrites a gitleaks regex so that the secret is keygate's one capture group `secret`: the
/// group `secret_group` (gitleaks' `secretGroup`), else the first group, else the whole match.
/// Every other capture group becomes non-capturing. Returns a note when the choice may differ
/// from gitleaks'.
pub(super) fn secret_pattern(
    pattern: &str,
    secret_group: Option<usize>,
) -> Result<(String, Option<String>), String> {
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("regex does not parse: {}", e.kind()))?;
    // (capture index, start of `(`, end of the group's opening)
    let mut groups: Vec<(u32, usize, usize)> = Vec::new();
    collect_groups(&ast, &mut groups);
    groups.sort_by_key(|g| g.0);
    let chosen = match secret_group.filter(|&n| n > 0) {
        Some(n) => Some(
            groups
                .iter()
                .position(|g| g.0 as usize == n)
                .ok_or_else(|| format!("secretGroup = {n}, but the regex has no group {n}"))?,
        ),
        None if groups.is_empty() => None,
        None => Some(0),
    };
    let note = (secret_group.is_none() && groups.len() > 1).then(|| {
        "several capture groups and no `secretGroup`: gitleaks takes the first non-empty group, \
         keygate takes group 1"
            .to_string()
    });
    let Some(chosen) = chosen else {
        return Ok((format!("(?P<secret>{pattern})"), note));
    };
    let mut edits: Vec<(usize, usize, &str)> = groups
        .iter()
        .enumerate()
        .map(|(i, &(_, start, end))| (start, end, if i == chosen { "(?P<secret>" } else { "(?:" }))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = pattern.to_string();
    for (start, end, with) in edits {
        out.replace_range(start..end, with);
    }
    Ok((out, note))
}

fn collect_groups(ast: &Ast, out: &mut Vec<(u32, usize, usize)>) {
    match ast {
        Ast::Group(g) => {
            let index = match &g.kind {
                GroupKind::CaptureIndex(i) => Some(*i),
                GroupKind::CaptureName { name, .. } => Some(name.index),
                GroupKind::NonCapturing(_) => None,
            };
            if let Some(i) = index {
                out.push((i, g.span.start.offset, g.ast.span().start.offset));
            }
            collect_groups(&g.ast, out);
        }
        Ast::Repetition(r) => collect_groups(&r.ast, out),
        Ast::Alternation(a) => a.asts.iter().for_each(|a| collect_groups(a, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|a| collect_groups(a, out)),
        _ => {}
    }
}

/// Keywords for a rule that has none: the literal texts every match starts with, when there are
/// a few and each is at least two characters.
pub(super) fn prefix_keywords(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    // Small classes (case variants) are expanded, and lowercased below; digit or letter ranges
    // end the prefix.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_class(4)
        .extract(&hir);
    let literals = seq.literals()?;
    let mut out: Vec<String> = Vec::new();
    for lit in literals {
        let text = std::str::from_utf8(lit.as_bytes()).ok()?.to_lowercase();
        if text.chars().count() < 2 {
            return None;
        }
        if !out.contains(&text) {
            out.push(text);
        }
    }
    (!out.is_empty() && out.len() <= 32).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_pattern_table() {
        let cases: &[(&str, Option<usize>, &str)] = &[
            ("abc[0-9]{4}", None, "(?P<secret>abc[0-9]{4})"),
            ("key=(abc)", None, "key=(?P<secret>abc)"),
            ("(k)=(v)", Some(2), "(?:k)=(?P<secret>v)"),
            ("(?i)(?:x)(a(b))", Some(2), "(?i)(?:x)(?:a(?P<secret>b))"),
            ("(?P<name>a)", None, "(?P<secret>a)"),
            (r"\(lit(a)", None, r"\(lit(?P<secret>a)"),
            ("[(]x(a)", None, "[(]x(?P<secret>a)"),
        ];
        for (pattern, group, want) in cases {
            assert_eq!(
                secret_pattern(pattern, *group).unwrap().0,
                *want,
                "{pattern}"
            );
        }
        assert!(secret_pattern("(a)", Some(3)).is_err());
        assert!(secret_pattern("(a)(b)", None).unwrap().1.is_some());
    }

    #[test]
    fn prefix_keywords_table() {
        assert_eq!(
            prefix_keywords("(?P<secret>acme_[a-z0-9]{20})"),
            Some(vec!["acme_".into()])
        );
        assert_eq!(
            prefix_keywords("(?:ab|cd)x[0-9]+"),
            Some(vec!["abx".into(), "cdx".into()])
        );
        assert_eq!(prefix_keywords("[a-f0-9]{40}"), None);
        assert_eq!(prefix_keywords("x+abc"), None);
        assert_eq!(
            prefix_keywords("(?i)acme_[0-9]{8}"),
            Some(vec!["acme_".into()])
        );
    }

    #[test]
    fn kebab_table() {
        assert_eq!(kebab("My Service_Key"), "my-service-key");
        assert_eq!(kebab("acme-token"), "acme-token");
    }
}
