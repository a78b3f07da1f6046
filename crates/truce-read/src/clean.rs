//! Cleaning: HTML to text (own streaming tag skipper, so every kept byte maps
//! back to the raw input), then line-level boilerplate dropping with a reason
//! per dropped block, keeping the headline and dateline.

use std::ops::Range;

/// Maps clean-text offsets back to raw-input offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Segment starts: (clean offset, raw offset); bytes inside a segment map one to one.
    segs: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The raw offset of a clean offset.
    pub fn raw(&self, clean: usize) -> usize {
        match self.segs.binary_search_by_key(&clean, |s| s.0) {
            Ok(i) => self.segs[i].1,
            Err(0) => clean,
            Err(i) => self.segs[i - 1].1 + (clean - self.segs[i - 1].0),
        }
    }
}

/// The result of cleaning.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// Main text, one paragraph per line.
    pub text: String,
    /// Map back to the raw input.
    pub map: OffsetMap,
    /// Headline range in `text`.
    pub headline: Option<Range<usize>>,
    /// Dropped blocks: (raw range, reason, excerpt).
    pub dropped: Vec<(Range<usize>, &'static str, String)>,
}

const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "nav",
    "footer",
    "aside",
    "form",
    "figcaption",
    "button",
    "svg",
    "iframe",
    "select",
    "template",
    "head",
    "textarea",
];
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "table",
    "section",
    "article",
    "header",
    "figure",
    "blockquote",
    "title",
    "main",
    "hr",
    "dd",
    "dt",
    "pre",
];

fn entity(s: &str) -> Option<(char, usize)> {
    // Search bytes: the 12-byte window may end inside a multi-byte character,
    // but ';' is ASCII, so its position is always a character boundary.
    let end = s.as_bytes()[..s.len().min(12)].iter().position(|&b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" | "#160" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        _ if name.starts_with("#x") => char::from_u32(u32::from_str_radix(&name[2..], 16).ok()?)?,
        _ if name.starts_with('#') => char::from_u32(name[1..].parse().ok()?)?,
        _ => return None,
    };
    Some((c, end + 1))
}

/// HTML to text lines with an offset map; the title is kept as the first line.
fn html_text(raw: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(raw.len() / 3);
    let mut segs: Vec<(usize, usize)> = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    let mut skip: Option<String> = None;
    let mut space_pending = false;
    let newline = |out: &mut String| {
        while out.ends_with(' ') {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    while i < b.len() {
        if b[i] == b'<' {
            if raw[i..].starts_with("<!--") {
                i = raw[i..].find("-->").map(|e| i + e + 3).unwrap_or(b.len());
                continue;
            }
            let close = raw[i..].find('>');
            let end = close.map(|e| i + e + 1).unwrap_or(b.len());
            // An unclosed tag runs to the end of the text (whose last byte may sit
            // inside a multi-byte character, so it is not cut one byte short).
            let tag = match close {
                Some(e) => &raw[i + 1..i + e],
                None => &raw[i + 1..],
            };
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(s) = &skip {
                if closing && *s == name {
                    skip = None;
                }
                i = end;
                continue;
            }
            let attrs = tag.to_ascii_lowercase();
            let noisy = [
                "cookie",
                "share",
                "social",
                "comment",
                "subscribe",
                "newsletter",
                "caption",
                "credit",
                "byline",
                "related",
                "sidebar",
                "promo",
                "banner",
            ]
            .iter()
            .any(|k| {
                attrs.contains(&format!("class=\"{k}"))
                    || attrs.contains(&format!("id=\"{k}"))
                    || attrs.contains(&format!("class=\"{k}-"))
            });
            if !closing
                && !tag.ends_with('/')
                && (SKIP_TAGS.contains(&name.as_str()) && name != "head" || noisy && name != "body")
            {
                skip = Some(name.clone());
            } else if name == "title" && !closing {
                // The title is kept.
            }
            if BLOCK_TAGS.contains(&name.as_str()) {
                newline(&mut out);
                space_pending = false;
            }
            i = end;
            continue;
        }
        if skip.is_some() {
            i += 1;
            continue;
        }
        let c = raw[i..].chars().next().unwrap_or(' ');
        let (ch, len) = if c == '&' { entity(&raw[i..]).unwrap_or(('&', 1)) } else { (c, c.len_utf8()) };
        if ch.is_whitespace() {
            space_pending = true;
        } else {
            if space_pending && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            space_pending = false;
            let pos = out.len();
            out.push(ch);
            if segs.last().is_none_or(|&(cs, rs)| pos - cs != i - rs) || c == '&' {
                segs.push((pos, i));
            }
        }
        i += len;
    }
    (out, segs)
}

fn is_desk_tag(l: &str) -> bool {
    let t = l.trim();
    t.len() <= 14
        && t.contains('/')
        && t.split([' ', '/'])
            .filter(|p| !p.is_empty())
            .all(|p| p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// Strings one of which every banner and comment-form test below needs: a line
/// without any of them (most lines) skips those tests after one scan.
const BANNER_CUES: &[&str] = &[
    "is not supported",
    "enable javascript",
    "update your browser",
    "cookie",
    "akismet",
    "be the first to comment",
    "leave a comment",
    "leave a reply",
    "your email address will not be published",
    "required fields are marked",
    "to reduce spam",
];

fn banner_cues() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| aho_corasick::AhoCorasick::new(BANNER_CUES).expect("banner cues are valid patterns"))
}

fn reason(line: &str, seen: &[&str]) -> Option<&'static str> {
    let t = line.trim();
    let l = t.to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    // A long paragraph that ends in a site footer (FA-KES bodies are one line) is
    // body text with a tail, not a banner: dropping it would drop the report.
    let cued = t.len() < 600 && banner_cues().is_match(&l);
    if cued
        && (l.contains("is not supported") && (l.contains("browser") || l.contains("ie "))
            || l.contains("enable javascript")
            || l.contains("update your browser"))
    {
        return Some("browser banner");
    }
    if cued && l.contains("cookie") && (l.contains("accept") || l.contains("policy") || l.contains("we use")) {
        return Some("cookie banner");
    }
    if cued
        && (l.contains("akismet")
            || l.contains("be the first to comment")
            || l.contains("leave a comment")
            || l.contains("leave a reply")
            || l.contains("your email address will not be published")
            || l.contains("required fields are marked")
            || l.contains("to reduce spam"))
        || l.starts_with("notify me of")
        || l == "post comment"
        || l.starts_with("comments") && t.len() < 30
    {
        return Some("comment form");
    }
    if (l.starts_with("share") || l.starts_with("subscribe") || l.starts_with("follow us") || l.starts_with("sign up"))
        && t.len() < 80
    {
        return Some("share or subscribe widget");
    }
    if l.starts_with("image:")
        || l.starts_with("photo:")
        || l.starts_with("caption:")
        || l.starts_with("file photo")
        || l.starts_with("pictured:")
    {
        return Some("photo caption");
    }
    let credit = [
        "/ reuters",
        "/reuters",
        "/ afp",
        "/afp",
        "afp photo",
        "getty images",
        "ap photo",
        "/ ap",
        "/ sana",
        "photo credit",
        "(photo",
        "epa/",
        "/ epa",
        "anadolu agency via",
    ];
    if t.len() < 400 && credit.iter().any(|c| l.contains(c)) && !t.ends_with("said.") {
        return Some("photo caption or credit");
    }
    if is_desk_tag(t) {
        return Some("desk tag");
    }
    let quotes = t.matches('"').count() + t.matches("=>").count() * 2 + t.matches('{').count() + t.matches('[').count();
    if l.starts_with("array(")
        || l.starts_with("string(")
        || l.starts_with("object(")
        || (t.starts_with('{') || t.starts_with('[')) && quotes > 4
        || quotes > 12 && quotes * 40 > t.len()
    {
        return Some("dumped JSON or PHP array");
    }
    if l.starts_with("by ") && t.len() < 60 && !t.ends_with('.') {
        return Some("byline");
    }
    if seen.contains(&t) && t.len() > 15 {
        return Some("repeated headline or line");
    }
    None
}

/// Cleans a report: HTML (if `is_html`) to text, then boilerplate lines dropped.
pub fn clean(raw: &str, is_html: bool) -> Cleaned {
    let (text, segs) = if is_html { html_text(raw) } else { (raw.to_string(), vec![(0, 0)]) };
    let inner = OffsetMap { segs };
    let mut out = Cleaned::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut pos = 0;
    let mut in_dump = false;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim();
        if t.is_empty() {
            if !out.text.is_empty() && !out.text.ends_with("\n\n") {
                out.text.push('\n');
            }
            continue;
        }
        let mut why = reason(body, &seen);
        if in_dump
            && why.is_none()
            && (t.starts_with('"')
                || t.starts_with('}')
                || t.starts_with(']')
                || t.starts_with('[')
                || t.starts_with('{'))
        {
            why = Some("dumped JSON or PHP array");
        }
        in_dump = why == Some("dumped JSON or PHP array");
        if let Some(r) = why {
            let rs = inner.raw(start);
            out.dropped.push((
                rs..inner.raw(start + body.len().saturating_sub(1)) + 1,
                r,
                t.chars().take(60).collect(),
            ));
            continue;
        }
        seen.push(t);
        let lead = body.len() - body.trim_start().len();
        let cs = out.text.len();
        out.text.push_str(t);
        out.text.push('\n');
        // Record the mapping of this line.
        let raw_start = start + lead;
        for &(c, r) in inner.segs.iter().filter(|(c, _)| *c > raw_start && *c < raw_start + t.len()) {
            out.map.segs.push((cs + (c - raw_start), r));
        }
        out.map.segs.insert(out.map.segs.partition_point(|s| s.0 < cs), (cs, inner.raw(raw_start)));
        if out.headline.is_none() {
            let words = t.split_whitespace().count();
            if (3..=25).contains(&words) && !t.ends_with('.') {
                out.headline = Some(cs..cs + t.len());
            }
        }
    }
    while out.text.ends_with('\n') {
        out.text.pop();
    }
    out
}

/// A dateline at the start of a paragraph: "MADAYA, Syria —", "BEIRUT (Reuters) -".
pub fn dateline(text: &str, para: Range<usize>) -> Option<Range<usize>> {
    let p = &text[para.clone()];
    let mut cut = p.len().min(60);
    while !p.is_char_boundary(cut) {
        cut -= 1;
    }
    let head: &str = &p[..cut];
    let dash = head.find(['—', '–']).or_else(|| head.find(" - "))?;
    let first = &head[..dash];
    let word = first.split([',', '(']).next()?.trim();
    if word.len() >= 3 && word.chars().all(|c| c.is_uppercase() || c == ' ' || c == '-' || c == '\'') {
        return Some(para.start..para.start + word.len());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_tag_before_a_multi_byte_end_is_read_to_the_end() {
        // Found by cargo fuzz (read target): "<" with no ">" and text ending in U+FFFD.
        let raw = "\u{FFFD}<<<<<<<<<<<<\u{FFFD}\u{FFFD}(\u{FFFD}J\u{FFFD}";
        let c = clean(raw, true);
        assert!(!c.text.contains('<'), "{:?}", c.text);
        let c = clean("Clashes in Hama.<p unclosed \u{00e9}", true);
        assert!(c.text.starts_with("Clashes in Hama."), "{:?}", c.text);
    }

    #[test]
    fn html_keeps_text_with_a_raw_offset_map() {
        let raw = "<html><head><title>T</title><script>var x=1;</script></head><body><p>Clashes in <b>Hama</b> &amp; Homs.</p><div class=\"share-bar\">Share on X</div><p>Second para.</p></body></html>";
        let c = clean(raw, true);
        assert!(c.text.contains("Clashes in Hama & Homs."));
        assert!(!c.text.contains("var x") && !c.text.contains("Share on"));
        let at = c.text.find("Hama").unwrap();
        assert_eq!(&raw[c.map.raw(at)..c.map.raw(at) + 4], "Hama");
        let at = c.text.find("Second").unwrap();
        assert_eq!(&raw[c.map.raw(at)..c.map.raw(at) + 6], "Second");
    }

    #[test]
    fn boilerplate_lines_are_dropped_with_reasons() {
        let raw = "IE 11 is not supported. For an optimal experience visit our site on another browser.\nTruce holds in Syria\nTruce holds in Syria\nS/SH 11\nImage: Children walk near an ambulance\nThe truce held.\nBe the first to comment\n";
        let c = clean(raw, false);
        assert_eq!(c.text, "Truce holds in Syria\nThe truce held.");
        let reasons: Vec<&str> = c.dropped.iter().map(|d| d.1).collect();
        assert!(
            reasons.contains(&"browser banner") && reasons.contains(&"desk tag") && reasons.contains(&"comment form")
        );
        assert_eq!(c.headline, Some(0..20));
    }

    #[test]
    fn datelines_are_found() {
        let t = "MADAYA, Syria — Aid arrived.";
        assert_eq!(dateline(t, 0..t.len()), Some(0..6));
        assert_eq!(dateline("Aid arrived - later.", 0..20), None);
    }
}

#[cfg(test)]
mod fuzz_regressions {
    #[test]
    fn an_ampersand_before_multibyte_characters_does_not_split_them() {
        // Found by `cargo fuzz run read`: "&" followed by U+FFFD characters.
        let text = format!("&{}", "\u{fffd}".repeat(20));
        assert_eq!(super::entity(&text), None);
        assert_eq!(super::entity("&amp; rest"), Some(('&', 5)));
    }
}
