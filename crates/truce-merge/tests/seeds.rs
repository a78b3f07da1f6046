//! Merge on the five seed articles, read by the real read step.

use jiff::Timestamp;
use truce_merge::{ReadReport, merge};
use truce_model::ReportId;
use truce_read::{RefData, ReportInput, read};
use truce_test_support::shared_dir;

struct Doc {
    id: ReportId,
    name: String,
    reading: truce_read::Reading,
    received: Timestamp,
}

fn seeds() -> Vec<Doc> {
    let refdata = RefData::bundled().expect("reference data");
    let dir = shared_dir().join("corpus/seeds");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let id = ReportId::for_content(text.as_bytes());
            let published: Timestamp = "2016-12-30T06:00:00Z".parse().unwrap();
            let input =
                ReportInput { id: id.as_str(), name: &name, text: &text, is_html: false, published: Some(published) };
            let (reading, _) = read(&input, &refdata);
            Doc { id, name, reading, received: published }
        })
        .collect()
}

#[test]
fn the_sentence_repeated_in_000_and_003_is_one_fact_with_two_sources() {
    let docs = seeds();
    let reports: Vec<ReadReport<'_>> = docs
        .iter()
        .map(|d| ReadReport {
            id: &d.id,
            name: &d.name,
            source: None,
            received_at: d.received,
            published: Some(d.received),
            reading: &d.reading,
        })
        .collect();
    let merged = merge(&reports);
    let talks: Vec<_> =
        merged.facts.iter().filter(|f| f.text.contains("would hold peace talks in Kazakhstan")).collect();
    assert_eq!(talks.len(), 1, "one fact, not {}: {:#?}", talks.len(), talks);
    assert_eq!(talks[0].sources, 2);
    let names: Vec<&str> = talks[0].mentions.iter().map(|m| m.report_name.as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with("000_")) && names.iter().any(|n| n.starts_with("003_")), "{names:?}");
    // The sources disagree on when the Astana talks take place, and say so.
    let talks =
        merged.contradictions.iter().find(|c| c.subject == "timing of the peace talks").expect("talks contradiction");
    let values: Vec<&str> = talks.sides.iter().map(|(v, _)| v.as_str()).collect();
    for want in ["next month", "mid-January", "no date announced"] {
        assert!(values.contains(&want), "{want} missing from {values:?}");
    }
    let no_date = &talks.sides.iter().find(|(v, _)| v == "no date announced").unwrap().1;
    assert_eq!(no_date.len(), 2, "000 and 003 both say it: {no_date:#?}");
    // Every incident rests on evidence that is really in its report.
    for inc in &merged.incidents {
        for m in &inc.mentions {
            let doc = docs.iter().find(|d| d.id == m.report).unwrap();
            assert_eq!(&doc.reading.clean[m.range.clone()], m.text);
        }
        assert!(inc.incident.sources as usize <= inc.reports.len());
    }
}
