//! Hostile input through the real `truce` binary into a real SQLite file: each
//! case ends within a time limit with a clear error naming the input, or is
//! stored whole, and nothing is half-stored (a good report after it is stored
//! and counted as the only one).

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Entries in the event log: four shipped agreements plus one per stored report.
fn log_entries(db: &str) -> usize {
    let out = truce(&["audit", "verify", "--db", db]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    s.split_whitespace()
        .zip(s.split_whitespace().skip(1))
        .find(|(_, w)| w.starts_with("entries"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no entry count in {s:?}"))
}

#[test]
fn a_gigabyte_on_stdin_stops_at_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["ingest", "-", "--db", &db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        let mut sent = 0usize;
        // 1 GiB, unless truce stops reading first (a broken pipe ends the writer).
        for _ in 0..1024 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    let sent = writer.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("<stdin>: 20971521 bytes is over the limit"), "{}", text(&out.stderr));
    assert!(sent < 1 << 30, "truce read the whole gigabyte ({sent} bytes) instead of stopping at the limit");
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
    assert_eq!(log_entries(&db), 4, "nothing may be stored");
}

#[test]
fn deep_html_long_lines_nul_bytes_bombs_and_entity_floods_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let put = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    // 100,000 nested elements around one sentence: read without recursion.
    let deep = format!(
        "<html><body>{}Clashes in Hama killed 3 fighters.{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let deep = put("deep.html", deep.as_bytes());
    // A 10 MB single line.
    let long = put("long.txt", "Shelling was reported near Douma. ".repeat(300_000).as_bytes());
    let nul = put("nul.txt", b"Clashes in Hama\0 killed 3.");
    let bad_utf8 = put("bad.txt", b"Clashes in Dar\xffa were reported.");
    // 100 MB of zeros compressed to about 100 KB: refused, never inflated.
    let bomb = put("bomb.gz", &gzip_of_zeros(100 << 20));
    // An RSS feed whose entities would expand to a billion "lol"s.
    let mut ents = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        ents.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
    }
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [{ents}]><rss version=\"2.0\"><channel><title>t</title>\
         <item><title>Clashes in Aleppo &lol9;</title><description>Shelling hit Aleppo. &lol9;</description></item>\
         </channel></rss>"
    );
    let laughs = put("laughs.xml", laughs.as_bytes());
    let start = Instant::now();
    let out = truce(&["ingest", &deep, &long, &nul, &bad_utf8, &bomb, &laughs, "--db", &db]);
    let took = start.elapsed();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (file, problem) in [
        ("nul.txt", "NUL byte at offset 15"),
        ("bad.txt", "invalid UTF-8 at byte 14"),
        ("bomb.gz", "gzip data; decompress it first"),
    ] {
        assert!(err.lines().any(|l| l.contains(file) && l.contains(problem)), "no {file}: {problem} in\n{err}");
    }
    let stdout = text(&out.stdout);
    assert!(stdout.contains("3 stored, 0 already known, 3 failed"), "{stdout}\n{err}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert_eq!(log_entries(&db), 4 + 3);
    // The entities were not expanded: the stored feed item is short.
    let export = truce(&["export", "--db", &db, "--format", "jsonl"]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export.stderr));
    let reports = truce(&["ingest", &laughs, "--db", &db]);
    assert!(text(&reports.stdout).contains("0 stored, 1 already known"), "{}", text(&reports.stdout));
    assert!(export.stdout.len() < 1 << 20, "export of three reports' incidents is {} bytes", export.stdout.len());
    // The deep document is read like any other: its sentence is found.
    let read = truce(&["extract", "--jsonl", &jsonl_of(dir.path(), &std::fs::read_to_string(&deep).unwrap())]);
    assert_eq!(read.status.code(), Some(0), "{}", text(&read.stderr));
    let mentions = text(&read.stdout);
    assert!(mentions.contains("\"admin1_pcode\":\"SY05\"") && mentions.contains("\"fatalities\":3"), "{mentions}");
}

/// A JSON Lines file with one report holding `body`.
fn jsonl_of(dir: &std::path::Path, body: &str) -> String {
    let p = dir.join("one.jsonl");
    let line = serde_json::json!({"id": "deep", "text": body, "published": "2016-12-30"});
    std::fs::write(&p, format!("{line}\n")).unwrap();
    p.to_str().unwrap().to_owned()
}

/// `n` zero bytes compressed by the `gzip` tool when it is present, else a
/// gzip header with junk after it (sniffing looks at the magic number only).
fn gzip_of_zeros(n: usize) -> Vec<u8> {
    let child = Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
    if let Ok(mut child) = child {
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let chunk = vec![0u8; 1 << 20];
            for _ in 0..n / chunk.len() {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        if out.status.success() && out.stdout.len() > 18 {
            return out.stdout;
        }
    }
    let mut v = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    v.extend(std::iter::repeat_n(0u8, 1024));
    v
}
