//! Tidy: standing rules of the codebase, checked over every source file.
//! Every module starts with a `//!` doc comment; no `should_panic` or ignored
//! tests; SQL is never built with `format!` except where an identifier that
//! cannot be bound has been validated (`AssertSqlSafe` on a checked name).

use std::path::{Path, PathBuf};

use truce_test_support::project_root;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !matches!(p.file_name().and_then(|n| n.to_str()), Some("target" | "fuzz" | "node_modules")) {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&project_root().join("crates"), &mut files);
    files.retain(|p| !p.ends_with("truce-test-support/tests/tidy.rs"));
    files.sort();
    assert!(files.len() > 20, "found only {} files", files.len());
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(p, _)| p.components().any(|c| c.as_os_str() == "src"))
        .filter(|(_, text)| !text.trim_start().starts_with("//!") && !text.trim_start().starts_with("#!"))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a //! doc comment:\n{}", missing.join("\n"));
}

#[test]
fn no_skipped_or_panic_expecting_tests() {
    let banned = [concat!("should", "_panic"), concat!("#[", "ignore")];
    let hits: Vec<String> = sources()
        .into_iter()
        .flat_map(|(p, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| banned.iter().any(|b| l.contains(b)))
                .map(|(i, _)| format!("{}:{}", p.display(), i + 1))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(hits.is_empty(), "banned test attributes:\n{}", hits.join("\n"));
}

#[test]
fn sql_is_never_built_from_strings() {
    // A query built with format! or string concatenation passed to sqlx. The only
    // exception is `AssertSqlSafe(format!(…))` on a validated identifier, which
    // must sit in a function that calls a checker first (see store::check_ident).
    let mut hits = Vec::new();
    for (p, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let l = l.trim();
            let direct = (l.contains("query(&format!")
                || l.contains("query(format!")
                || l.contains("query_as(&format!")
                || l.contains("query_scalar(&format!")
                || l.contains("raw_sql(&format!"))
                && !l.starts_with("//");
            let asserted = l.contains("AssertSqlSafe(") && !l.starts_with("//");
            if direct {
                hits.push(format!("{}:{}: {l}", p.display(), i + 1));
            }
            if asserted {
                // The enclosing function must validate before building.
                let window = lines[i.saturating_sub(12)..i].join("\n");
                let checked = window.contains("check_ident(")
                    || window.contains("is_valid_ident(")
                    || p.ends_with("truce-test-support/src/lib.rs");
                if !checked {
                    hits.push(format!("{}:{}: AssertSqlSafe without a validated identifier: {l}", p.display(), i + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "SQL built from strings:\n{}", hits.join("\n"));
}
