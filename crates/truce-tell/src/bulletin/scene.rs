//! A tiny vector scene (polygons, circles, rectangles, lines, text) that the
//! map and the chart are drawn into once, then written as SVG (HTML) or as
//! PDF path operators (PDF), so both show the same picture.

use std::fmt::Write as _;

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    fn pdf(self) -> String {
        let c = |v: u8| f64::from(v) / 255.0;
        format!("{:.3} {:.3} {:.3}", c(self.0), c(self.1), c(self.2))
    }
}

/// One shape; coordinates in scene units, y down.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A closed polygon (rings are drawn even-odd).
    Poly {
        /// Rings of points.
        rings: Vec<Vec<(f64, f64)>>,
        /// Fill.
        fill: Rgb,
        /// Outline.
        stroke: Rgb,
    },
    /// A filled circle.
    Circle {
        /// Centre x.
        x: f64,
        /// Centre y.
        y: f64,
        /// Radius.
        r: f64,
        /// Fill.
        fill: Rgb,
    },
    /// A filled rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Fill.
        fill: Rgb,
    },
    /// A line.
    Line {
        /// Start.
        from: (f64, f64),
        /// End.
        to: (f64, f64),
        /// Colour.
        stroke: Rgb,
    },
    /// Text; `x` is the start, or the centre when `centre` is set; `y` is the baseline.
    Text {
        /// Left or centre.
        x: f64,
        /// Baseline.
        y: f64,
        /// Font size.
        size: f64,
        /// The text.
        text: String,
        /// Centred on `x`.
        centre: bool,
        /// Colour.
        fill: Rgb,
    },
}

/// A picture: its size and shapes in drawing order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Shapes.
    pub shapes: Vec<Shape>,
    /// A title for screen readers.
    pub title: String,
}

/// Escapes text for XML.
pub fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Scene {
    /// The scene as a standalone `<svg>` element.
    pub fn to_svg(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\"><title>{}</title>",
            self.w,
            self.h,
            self.w,
            self.h,
            xml(&self.title)
        );
        for shape in &self.shapes {
            match shape {
                Shape::Poly { rings, fill, stroke } => {
                    s.push_str("<path fill-rule=\"evenodd\" d=\"");
                    for ring in rings {
                        for (n, (x, y)) in ring.iter().enumerate() {
                            let _ = write!(s, "{}{x:.1} {y:.1}", if n == 0 { "M" } else { "L" });
                        }
                        s.push('Z');
                    }
                    let _ = write!(s, "\" fill=\"{}\" stroke=\"{}\" stroke-width=\"0.6\"/>", fill.hex(), stroke.hex());
                }
                Shape::Circle { x, y, r, fill } => {
                    let _ = write!(
                        s,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>",
                        fill.hex()
                    );
                }
                Shape::Rect { x, y, w, h, fill } => {
                    let _ = write!(
                        s,
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                        fill.hex()
                    );
                }
                Shape::Line { from, to, stroke } => {
                    let _ = write!(
                        s,
                        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"0.8\"/>",
                        from.0,
                        from.1,
                        to.0,
                        to.1,
                        stroke.hex()
                    );
                }
                Shape::Text { x, y, size, text, centre, fill } => {
                    let _ = write!(
                        s,
                        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" font-family=\"Helvetica, Arial, sans-serif\" fill=\"{}\"{}>{}</text>",
                        fill.hex(),
                        if *centre { " text-anchor=\"middle\"" } else { "" },
                        xml(text)
                    );
                }
            }
        }
        s.push_str("</svg>");
        s
    }

    /// PDF content-stream operators drawing the scene with its top-left corner
    /// at (`left`, `top`) in PDF points (y up), scaled by `scale`.
    pub fn to_pdf_ops(&self, left: f64, top: f64, scale: f64) -> String {
        let mut s = String::new();
        let px = |x: f64| left + x * scale;
        let py = |y: f64| top - y * scale;
        for shape in &self.shapes {
            match shape {
                Shape::Poly { rings, fill, stroke } => {
                    let _ = write!(s, "{} rg {} RG 0.5 w ", fill.pdf(), stroke.pdf());
                    for ring in rings {
                        for (n, (x, y)) in ring.iter().enumerate() {
                            let _ = write!(s, "{:.2} {:.2} {} ", px(*x), py(*y), if n == 0 { "m" } else { "l" });
                        }
                        s.push_str("h ");
                    }
                    s.push_str("B*\n");
                }
                Shape::Circle { x, y, r, fill } => {
                    let (cx, cy, r) = (px(*x), py(*y), r * scale);
                    let k = 0.5523 * r;
                    let _ = writeln!(
                        s,
                        "{} rg 1 1 1 RG 0.6 w {:.2} {:.2} m {:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c {:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c {:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c {:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c B",
                        fill.pdf(),
                        cx + r,
                        cy,
                        cx + r,
                        cy + k,
                        cx + k,
                        cy + r,
                        cx,
                        cy + r,
                        cx - k,
                        cy + r,
                        cx - r,
                        cy + k,
                        cx - r,
                        cy,
                        cx - r,
                        cy - k,
                        cx - k,
                        cy - r,
                        cx,
                        cy - r,
                        cx + k,
                        cy - r,
                        cx + r,
                        cy - k,
                        cx + r,
                        cy
                    );
                }
                Shape::Rect { x, y, w, h, fill } => {
                    let _ = writeln!(
                        s,
                        "{} rg {:.2} {:.2} {:.2} {:.2} re f",
                        fill.pdf(),
                        px(*x),
                        py(*y + *h),
                        w * scale,
                        h * scale
                    );
                }
                Shape::Line { from, to, stroke } => {
                    let _ = writeln!(
                        s,
                        "{} RG 0.6 w {:.2} {:.2} m {:.2} {:.2} l S",
                        stroke.pdf(),
                        px(from.0),
                        py(from.1),
                        px(to.0),
                        py(to.1)
                    );
                }
                Shape::Text { x, y, size, text, centre, fill } => {
                    let size = size * scale;
                    let width = super::pdf::text_width(text, size);
                    let x = if *centre { px(*x) - width / 2.0 } else { px(*x) };
                    let _ = writeln!(
                        s,
                        "{} rg BT /F1 {size:.1} Tf {x:.2} {:.2} Td <{}> Tj ET",
                        fill.pdf(),
                        py(*y),
                        super::pdf::hex_text(text)
                    );
                }
            }
        }
        s
    }
}
