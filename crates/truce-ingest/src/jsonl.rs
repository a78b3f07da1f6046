//! JSON Lines: one report per line, `{"id","text","published"?,"source"?,"url"?,"received"?,"title"?}`.
//!
//! Lines exported by other tools carry the same facts under other names, so
//! the common ones are accepted as aliases: `date`/`published_at`/`pubDate`
//! for `published`, `headline` for `title`, `source_host`/`outlet` for
//! `source`, `link` for `url`. Other fields are ignored. A title is put in
//! front of the text (unless the text already starts with it), because the
//! reader takes places and context from the headline.

use serde::Deserialize;
use truce_model::{MediaType, Report, SourceInfo};

use crate::{IngestError, IngestMeta, Parsed, Problem};

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    text: String,
    #[serde(default, alias = "date", alias = "published_at", alias = "pubDate")]
    published: Option<String>,
    #[serde(default, alias = "source_host", alias = "outlet")]
    source: Option<String>,
    #[serde(default, alias = "link")]
    url: Option<String>,
    #[serde(default)]
    received: Option<String>,
    #[serde(default, alias = "headline")]
    title: Option<String>,
}

pub(crate) fn parse(name: &str, text: &str, meta: &IngestMeta) -> Parsed {
    let mut out = Parsed::default();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let at = format!("{name}:{}", i + 1);
        match line(raw, meta) {
            Ok(r) => out.reports.push(r),
            Err(problem) => out.errors.push(IngestError { input: at, problem }),
        }
    }
    if out.reports.is_empty() && out.errors.is_empty() {
        out.errors.push(IngestError { input: name.to_owned(), problem: Problem::Empty });
    }
    out
}

fn line(raw: &str, meta: &IngestMeta) -> Result<Report, Problem> {
    let l: Line = serde_json::from_str(raw).map_err(|e| Problem::BadJson(format!("not a report object: {e}")))?;
    let id = match l.id {
        serde_json::Value::String(s) if !s.trim().is_empty() => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(Problem::BadJson("\"id\" must be a non-empty string or a number".into())),
    };
    let time = |field: &'static str, v: Option<String>| match v {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => crate::time::parse_time(&s).map(Some).ok_or(Problem::BadTime { field, value: s }),
    };
    let published = time("published", l.published)?;
    let received = time("received", l.received)?.unwrap_or(meta.received_at);
    if l.text.trim().is_empty() {
        return Err(Problem::BadJson(format!("report {id:?} has an empty \"text\"")));
    }
    let media = if looks_html(&l.text) { MediaType::Html } else { MediaType::Text };
    let text = with_title(l.title.as_deref(), l.text, media);
    let origin = SourceInfo { name: id, source: l.source.or_else(|| meta.source.clone()), url: l.url };
    Report::new(text, media, origin, received, published).map_err(|e| Problem::BadJson(e.to_string()))
}

/// Puts a title in front of the text as its first paragraph, unless the text
/// already opens with it (or is HTML, whose own `<title>` the reader uses).
fn with_title(title: Option<&str>, text: String, media: MediaType) -> String {
    let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) else { return text };
    if media == MediaType::Html || text.trim_start().starts_with(title) {
        return text;
    }
    format!("{title}\n\n{text}")
}

fn looks_html(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    head.contains("<p>") || head.contains("<html") || head.contains("<div") || head.contains("<br")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_lines_become_reports_and_bad_lines_are_named() {
        let meta = IngestMeta { received_at: "2016-12-30T02:00:00Z".parse().unwrap(), source: Some("feed".into()) };
        let text = concat!(
            "{\"id\":\"a\",\"text\":\"Clashes in Hama.\",\"published\":\"2016-12-30\",\"received\":\"2016-12-30T01:00:00Z\"}\n",
            "\n",
            "{\"id\":\"b\"}\n",
            "{\"id\":7,\"text\":\"Shelling in Idlib.\",\"published\":\"soon\"}\n",
            "{\"id\":8,\"text\":\"Shelling in Daraa.\",\"source\":\"SOHR\"}\n",
        );
        let p = parse("x.jsonl", text, &meta);
        assert_eq!(p.reports.len(), 2);
        assert_eq!(p.reports[0].origin.name, "a");
        assert_eq!(p.reports[0].received_at.to_string(), "2016-12-30T01:00:00Z");
        assert_eq!(p.reports[0].published_at.unwrap().to_string(), "2016-12-30T00:00:00Z");
        assert_eq!(p.reports[1].origin.source.as_deref(), Some("SOHR"));
        let errs: Vec<String> = p.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].starts_with("x.jsonl:3: not a report object"), "{}", errs[0]);
        assert!(errs[1].starts_with("x.jsonl:4: published"), "{}", errs[1]);
    }

    #[test]
    fn a_file_of_html_texts_is_still_one_report_per_line() {
        // The jsonl fuzz target's crash: the sniffer saw "<html" and took the file for a page.
        let meta = IngestMeta { received_at: "2016-12-30T02:00:00Z".parse().unwrap(), source: None };
        let bytes = concat!(
            "{\"id\":\"a\",\"text\":\"<html><body><p>Clashes in Hama.</p></body></html>\"}\n",
            "{\"id\":\"b\",\"text\":\"Shelling in Idlib.\"}\n",
        );
        let p = crate::parse_bytes("h.jsonl", bytes.as_bytes(), &meta);
        assert!(p.errors.is_empty());
        assert_eq!(p.reports.len(), 2);
        assert_eq!(p.reports[0].origin.name, "a");
        assert_eq!(p.reports[0].media_type, MediaType::Html);
        assert_eq!(p.reports[1].content(), "Shelling in Idlib.");
    }

    #[test]
    fn lines_from_other_tools_are_read_through_their_aliases() {
        let meta = IngestMeta { received_at: "2016-03-01T00:00:00Z".parse().unwrap(), source: None };
        let text = concat!(
            "{\"id\":\"r1\",\"date\":\"2016-01-11 15:34:10\",\"headline\":\"Aid convoy enters Madaya\",",
            "\"source_host\":\"www.reuters.com\",\"feed_url\":\"http://x\",\"text\":\"MADAYA, Syria An aid convoy entered.\"}\n",
            "{\"id\":\"r2\",\"title\":\"Shelling in Idlib\",\"text\":\"Shelling in Idlib\\n\\nMore text.\"}\n",
        );
        let p = parse("w.jsonl", text, &meta);
        assert!(p.errors.is_empty(), "{:?}", p.errors.iter().map(ToString::to_string).collect::<Vec<_>>());
        let r = &p.reports[0];
        assert_eq!(r.published_at.unwrap().to_string(), "2016-01-11T15:34:10Z");
        assert_eq!(r.origin.source.as_deref(), Some("www.reuters.com"));
        assert!(r.content().starts_with("Aid convoy enters Madaya\n\nMADAYA, Syria"), "{}", r.content());
        assert!(
            p.reports[1].content().starts_with("Shelling in Idlib\n\nMore"),
            "title not repeated: {}",
            p.reports[1].content()
        );
    }
}
