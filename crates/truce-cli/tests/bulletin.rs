//! `truce bulletin` end to end on the seeds: the 30 Dec 2016 bulletin with a
//! 22:00 UTC cut-off, in every format, verified, tampered with, and its PDF
//! turned into page images (pdftoppm) kept under target/artifacts/.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

fn ok(out: &Output) -> String {
    truce_test_support::stdout_ok(out)
}

fn seeded(dir: &Path) -> String {
    let db = format!("sqlite://{}", dir.join("t.db").display());
    ok(&truce(&["demo", "--no-serve", "--demo-db", &db]));
    ok(&truce(&["judge", "--db", &db]));
    db
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("artifacts/bulletin");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bulletin(db: &str, format: &str, out: &Path) {
    ok(&truce(&[
        "bulletin",
        "--db",
        db,
        "--agreement",
        "sy-ceasefire-2016-12-30",
        "--date",
        "2016-12-30",
        "--cutoff",
        "22:00",
        "--tz",
        "UTC",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ]));
}

#[test]
fn the_30_december_bulletin_lists_the_violations_cites_sources_and_names_the_guarantors() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let md = dir.path().join("b.md");
    bulletin(&db, "md", &md);
    let text = std::fs::read_to_string(&md).unwrap();
    let act = text.lines().find(|l| l.starts_with("In force since")).unwrap();
    assert!(act.contains("Government of Russia") && act.contains("Government of Turkey"), "{act}");
    assert!(!act.contains("Iran"), "Iran monitors; it is not a guarantor to act: {act}");
    let gov = text.split("### By governorate").nth(1).unwrap().split("###").next().unwrap();
    for g in ["Hama", "Idleb"] {
        assert!(gov.lines().any(|l| l.starts_with(&format!("| {g} | 1 |"))), "no {g} violation in\n{gov}");
    }
    // Notable incidents and every digest sentence carry numbered citations that resolve.
    let notable = text.split("### Notable incidents").nth(1).unwrap().split("##").next().unwrap();
    let hama = notable.lines().find(|l| l.contains("in Hama")).expect("a notable Hama incident");
    assert!(hama.trim_end().ends_with(']'), "{hama}");
    let digest = text.split("## Digest").nth(1).unwrap().split("##").next().unwrap();
    for sentence in digest.split("] ").filter(|s| s.trim().len() > 3) {
        assert!(sentence.contains('['), "a digest sentence without a source: {sentence}");
    }
    let sources = text.split("## Sources").nth(1).unwrap();
    assert!(sources.contains("1. 001_") || sources.contains("1. 000_"), "{sources}");
    assert!(sources.contains("Hama"), "the Hama report is quoted");
    // The violations near Damascus are in the period too (the capital or its countryside).
    assert!(
        gov.lines().any(|l| l.starts_with("| Damascus | 1 |") || l.starts_with("| Rural Damascus | 1 |")),
        "no Damascus-area violation in\n{gov}"
    );
    assert!(notable.lines().any(|l| l.contains("Damascus")), "no notable Damascus-area incident in\n{notable}");
    // The live judge referred each violation to Russia and Turkey over the hotline.
    let refs = text.split("### Referrals by guarantor").nth(1).unwrap().split("###").next().unwrap();
    for g in ["Government of Russia (2000-)", "Government of Turkey (2016-)"] {
        for state in ["referred", "open"] {
            let line = refs.lines().find(|l| l.starts_with(&format!("| {g}: {state} | "))).unwrap_or_else(|| {
                panic!("no {g} {state} line in\n{refs}");
            });
            assert!(line.starts_with(&format!("| {g}: {state} | 3 | 0 | 3 |")), "{line}");
        }
    }
    assert!(text.contains("As of 2016-12-30T22:00:00Z") && text.contains("sy-ceasefire-2016-12-30 v1"));
}

#[test]
fn every_format_verifies_and_an_edit_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let mut shas = Vec::new();
    for f in ["md", "html", "json", "pdf"] {
        let path = dir.path().join(format!("b.{f}"));
        bulletin(&db, f, &path);
        let out = ok(&truce(&["bulletin", "verify", path.to_str().unwrap()]));
        assert!(out.contains("verified"), "{out}");
        shas.push(out.split("SHA-256 ").nth(1).unwrap().trim().to_owned());
        // The same request gives the same bytes: reproducible.
        let again = dir.path().join(format!("again.{f}"));
        bulletin(&db, f, &again);
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&again).unwrap(), "{f} is not reproducible");
    }
    assert!(shas.windows(2).all(|w| w[0] == w[1]), "one content, one hash: {shas:?}");
    let html = dir.path().join("b.html");
    let edited = std::fs::read_to_string(&html).unwrap().replacen("<h2>Digest</h2>", "<h2>Digest (edited)</h2>", 1);
    std::fs::write(&html, edited).unwrap();
    let out = truce(&["bulletin", "verify", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("edited after stamping"));
    let json = dir.path().join("b.json");
    let edited = std::fs::read_to_string(&json).unwrap().replacen("\"Hama\"", "\"Homs\"", 1);
    std::fs::write(&json, edited).unwrap();
    let out = truce(&["bulletin", "verify", json.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match the stamp"), "{out:?}");
}

#[test]
fn the_pdf_renders_to_page_images() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let art = artifacts();
    let pdf = art.join("bulletin-2016-12-30.pdf");
    bulletin(&db, "pdf", &pdf);
    bulletin(&db, "html", &art.join("bulletin-2016-12-30.html"));
    for f in std::fs::read_dir(&art).unwrap().flatten() {
        if f.file_name().to_string_lossy().ends_with(".png") {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
    // pdftoppm comes from Debian's poppler-utils, which CI installs.
    let out = Command::new("pdftoppm")
        .args(["-r", "50", "-png", pdf.to_str().unwrap(), art.join("page").to_str().unwrap()])
        .output()
        .expect("pdftoppm (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let pages: Vec<_> = std::fs::read_dir(&art)
        .unwrap()
        .flatten()
        .filter(|f| f.file_name().to_string_lossy().ends_with(".png"))
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for p in &pages {
        let png = std::fs::read(p.path()).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 2_000, "{:?} is not a real page", p.path());
    }
}

#[test]
fn bad_requests_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = truce(&["bulletin", "--db", &db, "--date", "30/12/2016"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--date"));
    let out = truce(&["bulletin", "--db", &db, "--date", "2016-12-30", "--agreement", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let not = dir.path().join("x.md");
    std::fs::write(&not, "# hello\n").unwrap();
    let out = truce(&["bulletin", "verify", not.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("carries no Truce bulletin"));
}
