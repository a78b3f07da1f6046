//! GeoJSON (RFC 7946) FeatureCollection of incidents, written as a stream:
//! `start`, one `feature` per incident, `finish`. Coordinates are WGS84
//! `[lon, lat]`; an incident without a place has a `null` geometry.

use std::io::{self, Write};

use serde::Serialize;

use crate::acled::{RulingSummary, primary};
use crate::records::IncidentRecord;

/// Streams a FeatureCollection.
#[derive(Debug, Default)]
pub struct GeoJsonWriter {
    features: u64,
}

#[derive(Serialize)]
struct Props<'a> {
    id: &'a str,
    event_type: &'a str,
    sub_event_type: &'a str,
    time_from: &'a str,
    time_to: &'a str,
    time_precision: &'a str,
    admin1: Option<&'a str>,
    admin1_pcode: Option<&'a str>,
    admin2: Option<&'a str>,
    location: Option<&'a str>,
    geo_precision: Option<u8>,
    actors: Vec<&'a str>,
    fatalities: u32,
    corroboration: u32,
    status: &'a str,
    verdict: Option<&'a str>,
    agreement: Option<&'a str>,
    guarantors: Vec<&'a str>,
}

impl GeoJsonWriter {
    /// A writer with no features yet.
    pub fn new() -> Self {
        GeoJsonWriter::default()
    }

    /// Writes the collection's opening.
    pub fn start<W: Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
    }

    /// Writes one incident as a Feature.
    pub fn feature<W: Write>(&mut self, w: &mut W, i: &IncidentRecord, rulings: &[RulingSummary]) -> io::Result<()> {
        if self.features > 0 {
            w.write_all(b",\n")?;
        }
        self.features += 1;
        let r = primary(rulings);
        let props = Props {
            id: &i.id,
            event_type: &i.event_type,
            sub_event_type: &i.sub_event_type,
            time_from: &i.time_utc[0],
            time_to: &i.time_utc[1],
            time_precision: &i.time_precision,
            admin1: i.admin1.as_deref(),
            admin1_pcode: i.admin1_pcode.as_deref(),
            admin2: i.admin2.as_deref(),
            location: i.location.as_deref(),
            geo_precision: i.geo_precision,
            actors: i.actors.iter().map(|a| a.name.as_str()).collect(),
            fatalities: i.fatalities,
            corroboration: i.sources,
            status: &i.status,
            verdict: r.map(|r| r.verdict.as_str()),
            agreement: r.map(|r| r.agreement.as_str()),
            guarantors: r.map(|r| r.guarantors.iter().map(String::as_str).collect()).unwrap_or_default(),
        };
        w.write_all(b"{\"type\":\"Feature\",\"id\":")?;
        serde_json::to_writer(&mut *w, &i.id)?;
        match (i.lon, i.lat) {
            (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => {
                write!(w, ",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}}")?
            }
            _ => w.write_all(b",\"geometry\":null")?,
        }
        w.write_all(b",\"properties\":")?;
        serde_json::to_writer(&mut *w, &props)?;
        w.write_all(b"}")
    }

    /// Closes the collection; returns how many features were written.
    pub fn finish<W: Write>(self, w: &mut W) -> io::Result<u64> {
        w.write_all(b"\n]}\n")?;
        Ok(self.features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::ActorRecord;

    #[test]
    fn a_collection_parses_and_keeps_lon_lat_order() {
        let mut i = IncidentRecord {
            id: "x".into(),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            time_utc: ["2016-12-29T22:00:00Z".into(), "2016-12-30T01:00:00Z".into()],
            time_precision: "hour".into(),
            admin1: Some("Hama".into()),
            admin1_pcode: None,
            admin2: None,
            location: None,
            lat: Some(35.13),
            lon: Some(36.75),
            geo_precision: Some(3),
            actors: vec![ActorRecord { name: "A".into(), inter: None }],
            sources: 1,
            reports: vec![],
            fatalities: 0,
            status: "reported".into(),
            mentions: vec![],
        };
        let mut out = Vec::new();
        let mut g = GeoJsonWriter::new();
        g.start(&mut out).unwrap();
        g.feature(&mut out, &i, &[]).unwrap();
        i.lat = None;
        g.feature(&mut out, &i, &[]).unwrap();
        assert_eq!(g.finish(&mut out).unwrap(), 2);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["features"][0]["geometry"]["coordinates"], serde_json::json!([36.75, 35.13]));
        assert!(v["features"][1]["geometry"].is_null());
        assert_eq!(v["features"][0]["properties"]["verdict"], serde_json::Value::Null);
    }
}
