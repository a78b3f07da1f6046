//! Places outside Syria that news about the war names ("killed in Ankara",
//! "a car bomb in Turkey's southeast", "BRUSSELS —"): recognised so that an
//! event abroad is placed abroad instead of falling back to a Syrian place (or
//! to no place, which a nationwide scope would count as in scope).
//!
//! Names match case-sensitively on whole tokens, so "Nice" the city is not
//! "nice" the word. A sentence that names a Syrian place keeps it: a name
//! abroad only places an event when nothing in Syria does.

use std::collections::HashMap;
use std::ops::Range;

use crate::ReadError;
use crate::csv::{col, records};
use crate::text::Token;

/// A place abroad.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Display name ("Ankara", "Turkey").
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// True for a whole country (geo-precision 3), false for a city or region.
    pub is_country: bool,
}

/// A name abroad found in the text.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// Token range of the name.
    pub tokens: Range<usize>,
    /// Entry index.
    pub entry: u32,
}

/// The places abroad, indexed by their first word.
#[derive(Debug, Default)]
pub(crate) struct Abroad {
    pub entries: Vec<Entry>,
    /// First word → (remaining words, entry).
    first: HashMap<String, Vec<(Vec<String>, u32)>>,
}

impl Abroad {
    /// Builds the table from `data/places_abroad.csv`.
    pub fn bundled() -> Result<Abroad, ReadError> {
        Abroad::from_csv(include_str!("../data/places_abroad.csv"))
    }

    fn from_csv(data: &str) -> Result<Abroad, ReadError> {
        let bad = |what: &str| ReadError::Data(format!("places_abroad.csv: {what}"));
        let (h, rows) = records(data, b',');
        let (cn, cc, clat, clon, ck) = (
            col(&h, "names").ok_or_else(|| bad("no names column"))?,
            col(&h, "country").ok_or_else(|| bad("no country column"))?,
            col(&h, "lat").ok_or_else(|| bad("no lat column"))?,
            col(&h, "lon").ok_or_else(|| bad("no lon column"))?,
            col(&h, "kind").ok_or_else(|| bad("no kind column"))?,
        );
        let mut out = Abroad::default();
        for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.len() > ck) {
            let num = |c: usize| {
                r[c].trim().parse::<f64>().map_err(|_| bad(&format!("row {}: {:?} is not a number", i + 2, r[c])))
            };
            let names: Vec<&str> = r[cn].split('|').map(str::trim).filter(|n| !n.is_empty()).collect();
            let Some(&display) = names.first() else { return Err(bad(&format!("row {}: no name", i + 2))) };
            let id = out.entries.len() as u32;
            out.entries.push(Entry {
                name: display.to_owned(),
                country: r[cc].trim().to_owned(),
                lat: num(clat)?,
                lon: num(clon)?,
                is_country: r[ck].trim() == "country",
            });
            for n in names {
                let mut words = n.split_whitespace().map(str::to_owned);
                let Some(w0) = words.next() else { continue };
                out.first.entry(w0).or_default().push((words.collect(), id));
            }
        }
        Ok(out)
    }

    /// Names abroad among `tokens[range]` of `text`, longest first at each start.
    pub fn find(&self, text: &str, tokens: &[Token], range: Range<usize>) -> Vec<Hit> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            let w = &text[tokens[i].range.clone()];
            // "Falluja's outskirts": the possessive is no part of the name.
            let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
            let starts_upper = w.chars().next().is_some_and(char::is_uppercase);
            let best = starts_upper
                .then(|| self.first.get(w))
                .flatten()
                .into_iter()
                .flatten()
                .filter(|(rest, _)| {
                    i + rest.len() < range.end
                        && rest.iter().enumerate().all(|(k, r)| &text[tokens[i + 1 + k].range.clone()] == r)
                })
                .max_by_key(|(rest, _)| rest.len());
            match best {
                Some((rest, id)) => {
                    out.push(Hit { tokens: i..i + 1 + rest.len(), entry: *id });
                    i += 1 + rest.len();
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn names_abroad_match_whole_capitalised_tokens() {
        let a = Abroad::bundled().unwrap();
        let text = "A nice day: the envoy was shot in Ankara, and a bomb hit Tel Aviv and Nice.";
        let t = tokenize(text);
        let hits = a.find(text, &t, 0..t.len());
        let names: Vec<&str> = hits.iter().map(|h| a.entries[h.entry as usize].name.as_str()).collect();
        assert_eq!(names, ["Ankara", "Tel Aviv", "Nice"]);
        assert_eq!(a.entries[hits[0].entry as usize].country, "TR");
        assert!(!a.entries[hits[0].entry as usize].is_country);
    }

    #[test]
    fn a_malformed_row_is_named() {
        let e = Abroad::from_csv("names,country,lat,lon,kind\nAnkara,TR,north,32.8,city\n").unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }
}
