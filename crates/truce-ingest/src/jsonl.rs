//! JSON Lines: one report per line, `{"id","text","published"?,"source"?,"url"?,"received"?}`.

use serde::Deserialize;
use truce_model::{MediaType, Report, SourceInfo};

use crate::{IngestError, IngestMeta, Parsed, Problem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    received: Option<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "accepted for compatibility with the extraction contract's input")]
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
    let origin = SourceInfo { name: id, source: l.source.or_else(|| meta.source.clone()), url: l.url };
    Report::new(l.text, media, origin, received, published).map_err(|e| Problem::BadJson(e.to_string()))
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
}
