//! Tidy: standing rules of the codebase, checked over every source file.
//! Every module starts with a `//!` doc comment; no `should_panic` or ignored
//! tests; SQL is never built from strings (`format!`/`write!` with a
//! placeholder, `push_str`, `+`, `AssertSqlSafe`) in `crates/*/src` except the
//! allow-listed database names below, validated because identifiers cannot be
//! bound. Values always go through bind parameters.

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

// ---------- SQL built from strings ----------

/// One lexical token of Rust source, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A string literal's contents (normal, raw, byte or C string).
    Lit(String),
    Ident(String),
    /// `+=` is one token; every other punctuation character is its own.
    Punct(&'static str),
    Other(char),
}

/// Rust source as tokens, without comments, char literals or lifetimes.
fn tokens(src: &str) -> Vec<(usize, Tok)> {
    let c: Vec<char> = src.chars().collect();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            let start = line;
            let mut lit = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    lit.push(c[i]);
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                lit.push(at(i));
                i += 1;
            }
            i += 1;
            out.push((start, Tok::Lit(lit)));
        } else if ch == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a, 'static).
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let s = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[s..i].iter().collect();
            let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                // A raw string: ends at a quote followed by as many hashes.
                let start = line;
                i += hashes + 1;
                let mut lit = String::new();
                while i < c.len()
                    && !(c[i] == '"' && c[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes)
                {
                    line += usize::from(c[i] == '\n');
                    lit.push(c[i]);
                    i += 1;
                }
                i += 1 + hashes;
                out.push((start, Tok::Lit(lit)));
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                // The string itself is read on the next turn.
            } else {
                out.push((line, Tok::Ident(word)));
            }
        } else if ch == '+' && at(i + 1) == '=' {
            out.push((line, Tok::Punct("+=")));
            i += 2;
        } else {
            let p = match ch {
                '+' => Tok::Punct("+"),
                '!' => Tok::Punct("!"),
                '(' => Tok::Punct("("),
                ')' => Tok::Punct(")"),
                '[' => Tok::Punct("["),
                ']' => Tok::Punct("]"),
                '{' => Tok::Punct("{"),
                '}' => Tok::Punct("}"),
                '.' => Tok::Punct("."),
                '&' => Tok::Punct("&"),
                other => Tok::Other(other),
            };
            out.push((line, p));
            i += 1;
        }
    }
    out
}

/// Whether a string literal reads as SQL: an upper-case keyword, or a
/// lower-case phrase only SQL uses.
fn looks_like_sql(s: &str) -> bool {
    const UPPER: [&str; 14] = [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "WHERE",
        "VALUES",
        "JOIN",
        "UNION",
        "CREATE",
        "DROP",
        "ALTER",
        "TRUNCATE",
        "PRAGMA",
        "RETURNING",
    ];
    let words: Vec<&str> =
        s.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| UPPER.contains(w)) {
        return true;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let has = |w: &str| lower.iter().any(|x| x == w);
    let pair = |a: &str, b: &str| lower.windows(2).any(|p| p[0] == a && p[1] == b);
    (has("select") && has("from"))
        || (has("update") && has("set") && has("where"))
        || pair("insert", "into")
        || pair("delete", "from")
        || pair("drop", "table")
        || pair("create", "table")
        || pair("alter", "table")
        || (has("where") && (s.contains(" = ") || s.contains(" like ") || s.contains(" in (")))
}

/// Whether a format string interpolates something (`{x}`, `{}`, not `{{`).
fn has_placeholder(s: &str) -> bool {
    let mut it = s.chars().peekable();
    while let Some(ch) = it.next() {
        if ch == '{' {
            if it.peek() == Some(&'{') {
                it.next();
            } else {
                return true;
            }
        }
    }
    false
}

/// Where `src` builds SQL from strings: (line, how).
fn sql_built_from_strings(src: &str) -> Vec<(usize, &'static str)> {
    const FORMATTERS: [&str; 4] = ["format", "format_args", "write", "writeln"];
    let t = tokens(src);
    let mut hits = Vec::new();
    for (k, (line, tok)) in t.iter().enumerate() {
        let next = |n: usize| t.get(k + n).map(|x| &x.1);
        match tok {
            Tok::Ident(name) if name == "AssertSqlSafe" => hits.push((*line, "AssertSqlSafe on a built string")),
            Tok::Ident(name)
                if FORMATTERS.contains(&name.as_str())
                    && next(1) == Some(&Tok::Punct("!"))
                    && matches!(next(2), Some(Tok::Punct("(" | "[" | "{"))) =>
            {
                // The format string: the first literal directly inside the macro's brackets.
                let mut depth = 0;
                for (_, x) in &t[k + 2..] {
                    match x {
                        Tok::Punct("(" | "[" | "{") => depth += 1,
                        Tok::Punct(")" | "]" | "}") => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Tok::Lit(s) if depth == 1 => {
                            if looks_like_sql(s) && has_placeholder(s) {
                                hits.push((*line, "SQL format string with a placeholder"));
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            Tok::Lit(s) if looks_like_sql(s) => {
                let prev = |n: usize| k.checked_sub(n).and_then(|j| t.get(j)).map(|x| &x.1);
                if matches!(prev(1), Some(Tok::Punct("+" | "+="))) {
                    hits.push((*line, "SQL literal appended with +"));
                    continue;
                }
                let pushed = |j: usize| matches!(prev(j), Some(Tok::Ident(n)) if n == "push_str");
                let open = |j: usize| prev(j) == Some(&Tok::Punct("("));
                if (open(1) && pushed(2)) || (prev(1) == Some(&Tok::Punct("&")) && open(2) && pushed(3)) {
                    hits.push((*line, "SQL literal passed to push_str"));
                    continue;
                }
                // "…".to_owned() + x, String::from("…") + x.
                for (_, x) in t[k + 1..].iter().take(8) {
                    match x {
                        Tok::Punct("+") => {
                            hits.push((*line, "SQL literal followed by +"));
                            break;
                        }
                        Tok::Punct(")" | "(" | ".") | Tok::Ident(_) => {}
                        _ => break,
                    }
                }
            }
            _ => {}
        }
    }
    hits.dedup();
    hits
}

/// SQL that is built from strings on purpose, each with its reason: (path,
/// the line's text, why it is safe). Values are never among them.
const SQL_ALLOWED: [(&str, &str, &str); 6] = [
    (
        "crates/truce-store/src/lib.rs",
        r#"conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await?;"#,
        "a database name cannot be a bind parameter; check_ident allows [a-z][a-z0-9_]{0,62} only",
    ),
    (
        "crates/truce-store/src/lib.rs",
        r#"conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;"#,
        "a database name cannot be a bind parameter; check_ident allows [a-z][a-z0-9_]{0,62} only",
    ),
    (
        "crates/truce-test-support/src/lib.rs",
        r#"let create = format!("CREATE DATABASE {name}");"#,
        "a test database name made here from the process id, a counter and the clock",
    ),
    (
        "crates/truce-test-support/src/lib.rs",
        "conn.execute(sqlx::AssertSqlSafe(create)).await.expect(\"create test database\");",
        "the name above",
    ),
    (
        "crates/truce-test-support/src/lib.rs",
        r#"let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");"#,
        "the name made when the database was created",
    ),
    ("crates/truce-test-support/src/lib.rs", "let _ = c.execute(sqlx::AssertSqlSafe(drop)).await;", "the name above"),
];

#[test]
fn sql_is_never_built_from_strings() {
    let root = project_root();
    let mut files = Vec::new();
    rust_files(&root.join("xtask/src"), &mut files);
    let Ok(crates) = std::fs::read_dir(root.join("crates")) else { panic!("no crates folder") };
    for c in crates.flatten() {
        rust_files(&c.path().join("src"), &mut files);
    }
    files.sort();
    assert!(files.len() > 20, "found only {} files", files.len());
    let (mut hits, mut used) = (Vec::new(), vec![false; SQL_ALLOWED.len()]);
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let lines: Vec<&str> = text.lines().collect();
        for (line, how) in sql_built_from_strings(&text) {
            let src = lines.get(line - 1).map_or("", |l| l.trim());
            match SQL_ALLOWED.iter().position(|(path, l, _)| *path == rel && *l == src) {
                Some(k) => used[k] = true,
                None => hits.push(format!("{rel}:{line}: {how}: {src}")),
            }
        }
    }
    assert!(
        hits.is_empty(),
        "SQL built from strings (bind values as parameters; see SQL_ALLOWED):\n{}",
        hits.join("\n")
    );
    let stale: Vec<String> =
        SQL_ALLOWED.iter().zip(&used).filter(|(_, u)| !**u).map(|((p, l, _), _)| format!("{p}: {l}")).collect();
    assert!(stale.is_empty(), "allow-list entries that match nothing any more:\n{}", stale.join("\n"));
    // The store validates the name before building (the allow-list's reason).
    let store = std::fs::read_to_string(root.join("crates/truce-store/src/lib.rs")).unwrap();
    for f in ["pub async fn create_pg_database", "pub async fn drop_pg_database"] {
        let body = &store[store.find(f).unwrap_or_else(|| panic!("{f} moved"))..];
        let check = body.find("check_ident(name)?").unwrap_or(usize::MAX);
        assert!(check < body.find("AssertSqlSafe").unwrap_or(0), "{f} builds SQL before check_ident");
    }
}

#[test]
fn the_sql_scanner_flags_built_sql_and_passes_bound_sql() {
    let flagged = [
        r#"let q = format!("SELECT * FROM users WHERE name = '{}'", user);"#,
        r#"let q = format!("SELECT id FROM t WHERE id = {id}");"#,
        "let q = format!(\n    \"DELETE FROM t \\\n     WHERE id = {}\",\n    id\n);",
        r##"let q = format!(r#"UPDATE t SET a = 1 WHERE b = '{b}'"#);"##,
        r#"let q = format!("select * from t where id = {}", id);"#,
        r#"write!(out, "INSERT INTO t VALUES ({})", v)?;"#,
        r#"let q = "SELECT * FROM t WHERE name = '".to_owned() + user + "'";"#,
        r#"let q = String::from("SELECT * FROM t WHERE a = ") + &v;"#,
        r#"q += " WHERE name = 'x'";"#,
        r#"sql.push_str(" WHERE name = '"); sql.push_str(user);"#,
        r#"sql.push_str(&" ORDER BY time DESC, id WHERE x".to_string());"#,
        r#"sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;"#,
    ];
    for src in flagged {
        assert!(!sql_built_from_strings(src).is_empty(), "not flagged: {src}");
    }
    let passed = [
        r#"sqlx::query("SELECT * FROM t WHERE id = $1").bind(id).fetch_one(pool).await?;"#,
        r#"let q = include_str!(concat!("queries/", $dir, "/access/user_get.sql"));"#,
        r#"// let q = format!("SELECT * FROM t WHERE id = {}", id);"#,
        r#"/* format!("DELETE FROM t WHERE id = {id}") */ let x = 1;"#,
        r#"let m = format!("where did {name} go? pick one from the list");"#,
        r#"let m = format!("status {:?}: expected one of {}", s, allowed.join(", "));"#,
        r#"let q = format!("{{SELECT}}");"#,
        r#"let c = '"'; let s = "a"; fn f<'a>(x: &'a str) {} let q = "SELECT 1 FROM t WHERE a = $1";"#,
        r#"let words = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");"#,
        r#"let n = rows.len() + 1; let q = "SELECT * FROM t WHERE id = $1";"#,
    ];
    for src in passed {
        assert!(sql_built_from_strings(src).is_empty(), "flagged: {src}: {:?}", sql_built_from_strings(src));
    }
    // Lines are counted across comments and multi-line strings.
    let src = "/* a\n b */\nlet s = \"x\ny\";\nlet q = format!(\"SELECT {}\", v);";
    assert_eq!(sql_built_from_strings(src), vec![(5, "SQL format string with a placeholder")]);
}
