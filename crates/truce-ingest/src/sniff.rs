//! Media-type sniffing: what the bytes are, whatever the file is called.

use crate::Problem;

/// Text that passed the checks, with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed<'a> {
    /// Plain text.
    Text(&'a str),
    /// An HTML page.
    Html(&'a str),
    /// One JSON object per line.
    JsonLines(&'a str),
    /// RSS 2.0, RSS 1.0 (RDF) or Atom.
    Feed(&'a str),
}

const MAGIC: [(&[u8], &str); 9] = [
    (b"\x1f\x8b", "gzip data; decompress it first"),
    (b"PK\x03\x04", "zip archive; unpack it first"),
    (b"%PDF-", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x7fELF", "executable"),
    (b"BZh", "bzip2 data; decompress it first"),
    (b"\xfd7zXZ", "xz data; decompress it first"),
];

/// Checks the bytes and says what they are.
pub(crate) fn sniff(bytes: &[u8]) -> Result<Sniffed<'_>, Problem> {
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(Problem::Binary((*what).to_owned()));
    }
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(Problem::Binary("UTF-16 text; save it as UTF-8".to_owned()));
    }
    if let Some(at) = memchr_nul(bytes) {
        return Err(Problem::Binary(format!("NUL byte at offset {at}")));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| Problem::InvalidUtf8(e.valid_up_to()))?;
    if text.trim().is_empty() {
        return Err(Problem::Empty);
    }
    let controls = text.bytes().filter(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    if controls * 100 > text.len() {
        return Err(Problem::Binary(format!("{controls} control characters")));
    }
    Ok(classify(text))
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn classify(text: &str) -> Sniffed<'_> {
    let start = text.trim_start();
    // Before the HTML markers: a JSON Lines report's text may be HTML ("<html>", "<body>").
    if start.starts_with('{') {
        let first = start.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first).is_ok() {
            return Sniffed::JsonLines(text);
        }
    }
    let head: String = start.chars().take(4096).collect::<String>().to_ascii_lowercase();
    if start.starts_with('<') {
        let feedish = head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf");
        if head.starts_with("<?xml") && feedish || head.starts_with("<rss") || head.starts_with("<feed") {
            return Sniffed::Feed(text);
        }
        return Sniffed::Html(text);
    }
    if head.contains("<!doctype html") || head.contains("<html") || head.contains("<body") {
        return Sniffed::Html(text);
    }
    Sniffed::Text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart_by_content() {
        assert!(matches!(sniff(b"<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>"), Ok(Sniffed::Feed(_))));
        assert!(matches!(sniff(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>"), Ok(Sniffed::Feed(_))));
        assert!(matches!(sniff(b"<div><p>Clashes</p></div>"), Ok(Sniffed::Html(_))));
        assert!(matches!(sniff(b"{\"id\":\"a\",\"text\":\"b\"}\n"), Ok(Sniffed::JsonLines(_))));
        assert!(matches!(sniff(b"{not json} but text"), Ok(Sniffed::Text(_))));
        assert!(matches!(sniff(b"\xef\xbb\xbfHello"), Ok(Sniffed::Text("Hello"))));
        assert!(matches!(sniff(b"a\0b"), Err(Problem::Binary(_))));
    }

    #[test]
    fn json_lines_whose_text_is_html_stay_json_lines() {
        // Found by the jsonl fuzz target: "<html" or "<body" inside a line made the
        // whole file one HTML report.
        let b = b"{\"id\":\"a\",\"text\":\"<html><body><p>Clashes in Hama.</p></body></html>\"}\n{\"id\":\"b\",\"text\":\"c\"}\n";
        assert!(matches!(sniff(b), Ok(Sniffed::JsonLines(_))));
        assert!(matches!(sniff(b"{not json} <html><body>x</body></html>"), Ok(Sniffed::Html(_))));
    }
}
