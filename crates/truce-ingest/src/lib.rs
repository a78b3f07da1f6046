//! Ingest: turns files, folders and stdin into [`Report`]s.
//!
//! The media type is sniffed from the bytes, never trusted from a file name.
//! Plain text and HTML files are one report each; JSON Lines files hold one
//! report per line; RSS 2.0 and Atom feeds hold one report per item. A bad input
//! becomes an [`IngestError`] naming the input and the problem, and the rest of
//! the batch goes on. Storing is not this crate's job: the engine hands the
//! reports to the store, which keys them on their content hash.

mod feed;
mod html;
mod jsonl;
mod sniff;
mod time;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use truce_model::{MediaType, Report, SourceInfo};

pub use sniff::Sniffed;

/// Limits and defaults for one ingest run. There is no `Default`: the caller
/// (the CLI's configuration) decides.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// The largest input accepted, in bytes.
    pub max_size: u64,
}

/// Per-run metadata applied to every report.
#[derive(Debug, Clone)]
pub struct IngestMeta {
    /// When the reports count as received.
    pub received_at: Timestamp,
    /// A source to record when the input names none.
    pub source: Option<String>,
}

/// One input named by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or folder.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// `-` means stdin; anything else is a path.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" { Input::Stdin } else { Input::Path(PathBuf::from(arg)) }
    }

    /// The name used in messages.
    pub fn display(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_owned(),
        }
    }
}

/// Why an input (or one item of it) was not ingested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {problem}")]
pub struct IngestError {
    /// The file (with `:LINE` for a JSON Lines item), or `<stdin>`.
    pub input: String,
    /// What was wrong.
    pub problem: Problem,
}

/// The problems ingest recognises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The path does not exist.
    #[error("no such file or folder")]
    NotFound,
    /// It could not be read.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// It holds nothing but white space.
    #[error("empty input")]
    Empty,
    /// It is larger than the configured limit.
    #[error("{size} bytes is over the limit of {limit} bytes (set ingest.max_size or --max-size)")]
    TooLarge {
        /// The size, or a lower bound when reading stopped at the limit.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// It is binary data, not text.
    #[error("binary content ({0}), not a text report")]
    Binary(String),
    /// It is not valid UTF-8.
    #[error("invalid UTF-8 at byte {0}")]
    InvalidUtf8(usize),
    /// A JSON Lines line was not usable.
    #[error("{0}")]
    BadJson(String),
    /// A feed could not be parsed.
    #[error("not a readable feed: {0}")]
    BadFeed(String),
    /// A time field was not understood.
    #[error("{field}: cannot read {value:?} as a time (expected RFC 3339 or YYYY-MM-DD)")]
    BadTime {
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
    },
}

/// What one input yielded: its reports and the problems of items that failed.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The reports.
    pub reports: Vec<Report>,
    /// Items that failed (a whole-input failure is a single entry).
    pub errors: Vec<IngestError>,
}

impl Parsed {
    fn failed(input: &str, problem: Problem) -> Parsed {
        Parsed { reports: Vec::new(), errors: vec![IngestError { input: input.to_owned(), problem }] }
    }
}

/// File name extensions taken from folders. A file named explicitly is always
/// read; inside a folder, other files (a `gold.json`, a `README.md`) are skipped
/// and listed. Either way the content is sniffed, not trusted from the name.
pub const REPORT_EXTENSIONS: [&str; 10] =
    ["txt", "text", "html", "htm", "xhtml", "jsonl", "ndjson", "xml", "rss", "atom"];

/// The files to read, the inputs that failed, and the files skipped by extension.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Files (and stdin) to read, in order.
    pub files: Vec<Input>,
    /// Missing or unreadable inputs.
    pub errors: Vec<IngestError>,
    /// Files in folders whose extension is not a report type.
    pub skipped: Vec<PathBuf>,
}

/// Expands inputs into the files to read: folders recursively in name order,
/// hidden entries skipped, symbolic links to folders not followed. Missing paths
/// come back as errors.
pub fn expand(inputs: &[Input]) -> Expanded {
    let mut out = Expanded::default();
    for input in inputs {
        match input {
            Input::Stdin => out.files.push(Input::Stdin),
            Input::Path(p) => walk(p, &mut out, 0),
        }
    }
    out
}

fn is_report_file(p: &Path) -> bool {
    match p.extension().and_then(|e| e.to_str()) {
        None => true,
        Some(e) => REPORT_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)),
    }
}

fn walk(path: &Path, out: &mut Expanded, depth: usize) {
    let (files, errors) = (&mut out.files, &mut out.errors);
    let err = |problem| IngestError { input: path.display().to_string(), problem };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return errors.push(err(Problem::NotFound)),
        Err(e) => return errors.push(err(Problem::Unreadable(e.to_string()))),
    };
    if meta.is_file() {
        if depth == 0 || is_report_file(path) {
            files.push(Input::Path(path.to_owned()));
        } else {
            out.skipped.push(path.to_owned());
        }
        return;
    }
    if !meta.is_dir() {
        return errors.push(err(Problem::Unreadable("not a regular file or folder".into())));
    }
    if depth > 64 {
        return errors.push(err(Problem::Unreadable("folders nested more than 64 deep".into())));
    }
    let entries = match fs::read_dir(path) {
        Ok(rd) => rd,
        Err(e) => return errors.push(err(Problem::Unreadable(e.to_string()))),
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().map(|t| !t.is_symlink() || e.path().is_file()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    children.sort();
    for c in children {
        walk(&c, out, depth + 1);
    }
}

/// Reads one expanded input and parses it.
pub fn read_input(input: &Input, cfg: &IngestConfig, meta: &IngestMeta) -> Parsed {
    let name = input.display();
    let bytes = match input {
        Input::Stdin => read_limited(std::io::stdin().lock(), cfg.max_size),
        Input::Path(p) => match fs::metadata(p) {
            Ok(m) if m.len() > cfg.max_size => Err(Problem::TooLarge { size: m.len(), limit: cfg.max_size }),
            Ok(_) => fs::File::open(p)
                .map_err(|e| Problem::Unreadable(e.to_string()))
                .and_then(|f| read_limited(f, cfg.max_size)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Problem::NotFound),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        },
    };
    match bytes {
        Ok(b) => parse_bytes(&name, &b, meta),
        Err(problem) => Parsed::failed(&name, problem),
    }
}

/// Reads at most `limit` bytes; more is an error, so a huge stdin never fills memory.
fn read_limited(r: impl Read, limit: u64) -> Result<Vec<u8>, Problem> {
    let mut buf = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut buf).map_err(|e| Problem::Unreadable(e.to_string()))?;
    if buf.len() as u64 > limit {
        return Err(Problem::TooLarge { size: buf.len() as u64, limit });
    }
    Ok(buf)
}

/// Parses the bytes of one input named `name`.
pub fn parse_bytes(name: &str, bytes: &[u8], meta: &IngestMeta) -> Parsed {
    let text = match sniff::sniff(bytes) {
        Ok(t) => t,
        Err(problem) => return Parsed::failed(name, problem),
    };
    let base = file_name(name);
    match text {
        Sniffed::Text(t) => single(
            name,
            t,
            MediaType::Text,
            SourceInfo { name: base, source: meta.source.clone(), url: None },
            None,
            meta,
        ),
        Sniffed::Html(t) => {
            let m = html::metadata(t);
            let origin = SourceInfo { name: base, source: m.source.or_else(|| meta.source.clone()), url: m.url };
            single(name, t, MediaType::Html, origin, m.published, meta)
        }
        Sniffed::JsonLines(t) => jsonl::parse(name, t, meta),
        Sniffed::Feed(t) => feed::parse(name, t, meta),
    }
}

fn single(
    name: &str,
    text: &str,
    media: MediaType,
    origin: SourceInfo,
    published: Option<Timestamp>,
    meta: &IngestMeta,
) -> Parsed {
    match Report::new(text.to_owned(), media, origin, meta.received_at, published) {
        Ok(r) => Parsed { reports: vec![r], errors: Vec::new() },
        Err(_) => Parsed::failed(name, Problem::Empty),
    }
}

fn file_name(name: &str) -> String {
    Path::new(name).file_name().map_or_else(|| name.to_owned(), |f| f.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> IngestMeta {
        IngestMeta { received_at: "2016-12-30T02:00:00Z".parse().unwrap(), source: None }
    }

    #[test]
    fn text_is_one_report_named_after_the_file() {
        let p = parse_bytes("dir/000.txt", "Clashes were reported in Hama.".as_bytes(), &meta());
        assert!(p.errors.is_empty());
        assert_eq!(p.reports[0].origin.name, "000.txt");
        assert_eq!(p.reports[0].media_type, MediaType::Text);
    }

    #[test]
    fn the_extension_is_not_trusted() {
        let html = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Clashes in Hama.</p></body></html>";
        let p = parse_bytes("looks-like.txt", html, &meta());
        assert_eq!(p.reports[0].media_type, MediaType::Html);
        let p = parse_bytes("looks-like.html", b"just words", &meta());
        assert_eq!(p.reports[0].media_type, MediaType::Text);
    }

    #[test]
    fn bad_inputs_name_their_problem() {
        let cases: [(&[u8], &str); 5] = [
            (b"", "empty input"),
            (b"  \n\t ", "empty input"),
            (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary content"),
            (b"caf\xc3 ok", "invalid UTF-8 at byte 3"),
            (b"\x1f\x8b\x08\x00\x00", "binary content (gzip"),
        ];
        for (bytes, want) in cases {
            let p = parse_bytes("x.txt", bytes, &meta());
            assert!(p.reports.is_empty());
            let msg = p.errors[0].to_string();
            assert!(msg.starts_with("x.txt: ") && msg.contains(want), "{msg:?} should contain {want:?}");
        }
    }

    #[test]
    fn stdin_style_reading_stops_at_the_limit() {
        let big = vec![b'a'; 1000];
        assert!(matches!(read_limited(&big[..], 999), Err(Problem::TooLarge { .. })));
        assert_eq!(read_limited(&big[..], 1000).unwrap().len(), 1000);
    }

    #[test]
    fn folders_expand_recursively_in_order_and_missing_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        fs::write(dir.path().join("b/c/2.txt"), "two").unwrap();
        fs::write(dir.path().join("a.txt"), "one").unwrap();
        fs::write(dir.path().join(".hidden"), "no").unwrap();
        fs::write(dir.path().join("gold.json"), "{}").unwrap();
        let Expanded { files, errors, skipped } =
            expand(&[Input::Path(dir.path().into()), Input::Path(dir.path().join("missing"))]);
        assert_eq!(skipped, [dir.path().join("gold.json")]);
        let names: Vec<String> =
            files.iter().map(|f| f.display().replace(&dir.path().display().to_string(), "")).collect();
        assert_eq!(names, ["/a.txt", "/b/c/2.txt"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::NotFound);
    }
}
