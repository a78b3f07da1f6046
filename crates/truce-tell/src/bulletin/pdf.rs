//! A minimal PDF 1.4 writer: A4 pages, the standard Helvetica fonts (no font
//! embedding), wrapped text, and vector scenes. Deterministic: the same
//! content gives the same bytes, so a bulletin PDF can be verified by
//! rendering it again.

use std::fmt::Write as _;

use super::scene::Scene;

/// Helvetica advance widths (1/1000 em) for ASCII 32..=126, from the AFM.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

/// One character in WinAnsiEncoding (what Helvetica uses here).
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2026}' => 0x85,
        '\u{2192}' => b'>',
        _ => b'?',
    }
}

/// Text as a PDF hex string body.
pub fn hex_text(s: &str) -> String {
    s.chars().map(|c| format!("{:02X}", win_ansi(c))).collect()
}

/// The width of `s` in Helvetica at `size` points.
pub fn text_width(s: &str, size: f64) -> f64 {
    let units: u32 = s
        .chars()
        .map(|c| {
            let b = win_ansi(c);
            if (32..=126).contains(&b) { u32::from(WIDTHS[usize::from(b - 32)]) } else { 556 }
        })
        .sum();
    f64::from(units) * size / 1000.0
}

const PAGE_W: f64 = 595.0;
const PAGE_H: f64 = 842.0;
const MARGIN: f64 = 50.0;

/// Lays out a document page by page.
#[derive(Debug)]
pub struct PdfDoc {
    pages: Vec<String>,
    y: f64,
    title: String,
}

impl PdfDoc {
    /// An empty document.
    pub fn new(title: &str) -> Self {
        PdfDoc { pages: vec![String::new()], y: PAGE_H - MARGIN, title: title.to_owned() }
    }

    fn page(&mut self) -> &mut String {
        if self.pages.is_empty() {
            self.pages.push(String::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn need(&mut self, h: f64) {
        if self.y - h < MARGIN {
            self.pages.push(String::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    fn line(&mut self, text: &str, size: f64, font: &str, indent: f64) {
        let lead = size * 1.3;
        self.need(lead);
        self.y -= lead;
        let y = self.y;
        let _ = writeln!(
            self.page(),
            "0 0 0 rg BT /{font} {size} Tf {:.2} {y:.2} Td <{}> Tj ET",
            MARGIN + indent,
            hex_text(text)
        );
    }

    /// A heading.
    pub fn heading(&mut self, text: &str, size: f64) {
        self.need(size * 3.0);
        self.y -= size * 0.6;
        self.wrap(text, size, "F2", 0.0);
    }

    /// A paragraph, wrapped to the page width.
    pub fn para(&mut self, text: &str, size: f64, indent: f64) {
        self.wrap(text, size, "F1", indent);
    }

    fn wrap(&mut self, text: &str, size: f64, font: &str, indent: f64) {
        let width = PAGE_W - 2.0 * MARGIN - indent;
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if text_width(&candidate, size) > width && !line.is_empty() {
                self.line(&line, size, font, indent);
                line = word.to_owned();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.line(&line, size, font, indent);
        }
    }

    /// A table row: cells at the given x offsets (the first cell in bold when `bold`).
    pub fn row(&mut self, cells: &[(f64, String)], size: f64, bold: bool) {
        let lead = size * 1.35;
        self.need(lead);
        self.y -= lead;
        let y = self.y;
        let font = if bold { "F2" } else { "F1" };
        let mut ops = String::new();
        for (x, text) in cells {
            let _ =
                writeln!(ops, "0 0 0 rg BT /{font} {size} Tf {:.2} {y:.2} Td <{}> Tj ET", MARGIN + x, hex_text(text));
        }
        self.page().push_str(&ops);
    }

    /// A scene, scaled to fit the text width (at most `max_w` points wide).
    pub fn scene(&mut self, scene: &Scene, max_w: f64) {
        let scale = (max_w.min(PAGE_W - 2.0 * MARGIN) / scene.w.max(1.0)).min(1.5);
        let h = scene.h * scale;
        self.need(h + 8.0);
        self.y -= 4.0;
        let ops = scene.to_pdf_ops(MARGIN, self.y, scale);
        self.page().push_str(&ops);
        self.y -= h + 4.0;
    }

    /// Some vertical space.
    pub fn gap(&mut self, h: f64) {
        self.y -= h;
    }

    /// The finished file; `comment` (one line, no line breaks) is written as a
    /// PDF comment after the header, where readers ignore it.
    pub fn finish(self, comment: &str) -> Vec<u8> {
        let mut objects: Vec<String> = Vec::new();
        let n_pages = self.pages.len();
        // 1 catalog, 2 pages, 3 font, 4 bold font, 5 info, then (page, content) pairs.
        let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
        objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
        objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n_pages} >>", kids.join(" ")));
        objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned());
        objects
            .push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_owned());
        objects.push(format!("<< /Title <{}> /Producer (Truce) >>", hex_text(&self.title)));
        for (i, content) in self.pages.iter().enumerate() {
            let footer = format!(
                "0.4 0.4 0.4 rg BT /F1 8 Tf {MARGIN} 25 Td <{}> Tj ET\n",
                hex_text(&format!("{} - page {} of {n_pages}", self.title, i + 1))
            );
            let stream = format!("{content}{footer}");
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            ));
            objects.push(format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()));
        }
        let mut out = Vec::new();
        out.extend_from_slice(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
        out.extend_from_slice(b"%");
        out.extend_from_slice(comment.replace(['\n', '\r'], " ").as_bytes());
        out.extend_from_slice(b"\n");
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for off in offsets {
            let _ = writeln!(table, "{off:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.extend_from_slice(table.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_has_a_valid_xref_and_is_deterministic() {
        let build = || {
            let mut d = PdfDoc::new("Test – bulletin");
            d.heading("Hello", 16.0);
            for _ in 0..80 {
                d.para("Clashes were reported in Hama, on the Idlib–Hama boundary and near Damascus.", 10.0, 0.0);
            }
            d.finish("truce-bulletin:{}")
        };
        let a = build();
        assert_eq!(a, build());
        // One char per byte keeps byte offsets.
        let s: String = a.iter().map(|&b| if b.is_ascii() { b as char } else { '?' }).collect();
        assert!(s.contains("/Count 2"), "80 wrapped lines take two pages");
        let xref: usize = s.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(s[xref..].starts_with("xref"), "startxref points at the table");
        let first_obj: usize = s[xref..].lines().nth(3).unwrap()[..10].parse().unwrap();
        assert!(s[first_obj..].starts_with("1 0 obj"));
        assert_eq!(hex_text("a–b"), "619662");
        assert!((text_width("Hama", 10.0) - 26.67).abs() < 0.01);
    }
}
