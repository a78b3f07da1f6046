//! A small RFC 4180 reader for the embedded gazetteer files (quoted fields may hold commas and line breaks).

/// Parses `data` into rows of fields; `sep` is `,` or `\t` (TSVs have no quoting).
pub fn parse(data: &str, sep: u8) -> Vec<Vec<String>> {
    let b = data.as_bytes();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = Vec::new();
    let mut i = 0;
    let mut quoted = false;
    let quoting = sep == b',';
    while i < b.len() {
        let c = b[i];
        if quoted {
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == b'"' && quoting && field.is_empty() {
            quoted = true;
        } else if c == sep {
            row.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
        } else if c == b'\n' || c == b'\r' {
            if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            row.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
            rows.push(std::mem::take(&mut row));
        } else {
            field.push(c);
        }
        i += 1;
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(String::from_utf8_lossy(&field).into_owned());
        rows.push(row);
    }
    rows
}

/// Rows as header-keyed records.
pub fn records(data: &str, sep: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = parse(data, sep);
    if rows.is_empty() {
        return (Vec::new(), rows);
    }
    let header = rows.remove(0);
    (header, rows)
}

/// Index of a column by name.
pub fn col(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.trim_start_matches('\u{feff}') == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_fields_keep_commas_and_breaks() {
        let rows = super::parse("a,b\r\n\"x, y\",\"l1\r\nl2\"\r\n", b',');
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x, y", "l1\r\nl2"]]);
    }
}
