//! JSON Lines of every record type: one object per line,
//! `{"type": "agreement" | "incident" | "ruling" | "fact" | "contradiction", "record": {...}}`.
//! Stored bodies are already canonical JSON and are written as they are.

use std::io::{self, Write};

use serde::Serialize;

/// Writes one line whose record is already JSON text (a stored body).
pub fn write_raw<W: Write>(w: &mut W, kind: &str, json: &str) -> io::Result<()> {
    w.write_all(b"{\"type\":")?;
    serde_json::to_writer(&mut *w, kind)?;
    w.write_all(b",\"record\":")?;
    w.write_all(json.trim().as_bytes())?;
    w.write_all(b"}\n")
}

/// Writes one line for a serialisable record.
pub fn write<W: Write, T: Serialize>(w: &mut W, kind: &str, record: &T) -> io::Result<()> {
    let json = serde_json::to_string(record)?;
    write_raw(w, kind, &json)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_line_is_a_typed_object() {
        let mut out = Vec::new();
        super::write_raw(&mut out, "incident", "{\"id\":\"a\"}\n").unwrap();
        super::write(&mut out, "agreement", &serde_json::json!({"key": "k"})).unwrap();
        let lines: Vec<serde_json::Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["record"]["id"], "a");
        assert_eq!(lines[1]["type"], "agreement");
    }
}
