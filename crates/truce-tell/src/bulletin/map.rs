//! The bulletin's pictures, drawn by Truce itself: a map of the period's
//! incidents over the OCHA 2016 governorate boundaries (embedded), and a bar
//! chart of violations per day.

use std::collections::BTreeMap;

use super::scene::{Rgb, Scene, Shape};
use super::{DayCount, MapPoint};

/// OCHA Syria COD-AB 2016 governorates (CC BY-IGO, "Source: OCHA / HDX").
const GOVERNORATES: &str = include_str!("../../../../data/boundaries/syr_adm1_governorates_ocha_2016.geojson");

const INK: Rgb = Rgb(40, 40, 40);
const RED: Rgb = Rgb(200, 30, 30);
const GREY: Rgb = Rgb(120, 120, 120);

struct Gov {
    pcode: String,
    name: String,
    rings: Vec<Vec<(f64, f64)>>,
}

fn rings_of(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| pts.iter().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect())
            .unwrap_or_default()
    };
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => coords.as_array().map(|rs| rs.iter().map(ring).collect()).unwrap_or_default(),
        Some("MultiPolygon") => coords
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p.as_array()).flat_map(|rs| rs.iter().map(ring)).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn governorates() -> Vec<Gov> {
    let v: serde_json::Value = serde_json::from_str(GOVERNORATES).unwrap_or_default();
    v["features"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| Gov {
                    pcode: f["properties"]["PCODE"].as_str().unwrap_or_default().to_owned(),
                    name: f["properties"]["NAME_EN"].as_str().unwrap_or_default().to_owned(),
                    rings: rings_of(&f["geometry"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The map: governorates shaded by the period's violations (by p-code), and
/// one dot per located incident (red: violation).
pub fn map(points: &[MapPoint], violations_by_pcode: &BTreeMap<String, u32>) -> Scene {
    let govs = governorates();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in govs.iter().flat_map(|g| g.rings.iter().flatten()) {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (35.5, 42.5, 32.3, 37.4);
    }
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let w = 520.0;
    let scale = w / ((x1 - x0) * k);
    let h = (y1 - y0) * scale + 30.0;
    let proj = |lon: f64, lat: f64| ((lon - x0) * k * scale, (y1 - lat) * scale + 10.0);
    let max = violations_by_pcode.values().copied().max().unwrap_or(0).max(1);
    let mut shapes = Vec::new();
    for g in &govs {
        let n = violations_by_pcode.get(&g.pcode).copied().unwrap_or(0);
        let t = f64::from(n) / f64::from(max);
        let fill =
            if n == 0 { Rgb(238, 236, 230) } else { Rgb(250, (215.0 - 120.0 * t) as u8, (200.0 - 130.0 * t) as u8) };
        let rings = g.rings.iter().map(|r| r.iter().map(|(x, y)| proj(*x, *y)).collect()).collect();
        shapes.push(Shape::Poly { rings, fill, stroke: Rgb(150, 150, 150) });
    }
    for g in &govs {
        if let Some(outer) = g.rings.iter().max_by_key(|r| r.len()) {
            let n = outer.len().max(1) as f64;
            let (cx, cy) = outer.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
            let (x, y) = proj(cx, cy);
            shapes.push(Shape::Text { x, y, size: 7.0, text: g.name.clone(), centre: true, fill: GREY });
        }
    }
    for p in points {
        let (x, y) = proj(p.lon, p.lat);
        shapes.push(Shape::Circle { x, y, r: 4.5, fill: if p.verdict == "violation" { RED } else { GREY } });
    }
    shapes.push(Shape::Circle { x: 10.0, y: h - 10.0, r: 4.0, fill: RED });
    shapes.push(Shape::Text { x: 18.0, y: h - 7.0, size: 8.0, text: "violation".into(), centre: false, fill: INK });
    shapes.push(Shape::Circle { x: 80.0, y: h - 10.0, r: 4.0, fill: GREY });
    shapes.push(Shape::Text {
        x: 88.0,
        y: h - 7.0,
        size: 8.0,
        text: "other incident · boundaries: OCHA / HDX (CC BY-IGO)".into(),
        centre: false,
        fill: INK,
    });
    Scene { w, h, shapes, title: "Map of the period's incidents".into() }
}

/// Bars of violations per day.
pub fn chart(days: &[DayCount]) -> Scene {
    let (w, h, left, bottom) = (520.0, 150.0, 30.0, 25.0);
    let max = days.iter().map(|d| d.violations).max().unwrap_or(0).max(1);
    let n = days.len().max(1) as f64;
    let slot = (w - left - 10.0) / n;
    let plot_h = h - bottom - 15.0;
    let mut shapes = vec![
        Shape::Line { from: (left, h - bottom), to: (w - 5.0, h - bottom), stroke: INK },
        Shape::Line { from: (left, 10.0), to: (left, h - bottom), stroke: INK },
        Shape::Text { x: left - 4.0, y: 18.0, size: 8.0, text: max.to_string(), centre: true, fill: INK },
        Shape::Text { x: left - 4.0, y: h - bottom, size: 8.0, text: "0".into(), centre: true, fill: INK },
    ];
    for (i, d) in days.iter().enumerate() {
        let bh = plot_h * f64::from(d.violations) / f64::from(max);
        let x = left + slot * i as f64 + slot * 0.15;
        if d.violations > 0 {
            shapes.push(Shape::Rect { x, y: h - bottom - bh, w: (slot * 0.7).max(0.5), h: bh, fill: RED });
        }
        let step = (days.len() / 6).max(1);
        if i % step == 0 || i + 1 == days.len() {
            shapes.push(Shape::Text {
                x: x + slot * 0.35,
                y: h - bottom + 12.0,
                size: 7.0,
                text: d.date.get(5..).unwrap_or(&d.date).to_owned(),
                centre: true,
                fill: INK,
            });
        }
    }
    Scene { w, h, shapes, title: "Violations per day since the agreement began".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_draws_fourteen_governorates_and_the_points() {
        let pts = [MapPoint { lon: 36.75, lat: 35.13, label: "Hama".into(), verdict: "violation".into() }];
        let by = BTreeMap::from([("SY05".to_owned(), 1)]);
        let m = map(&pts, &by);
        let polys = m.shapes.iter().filter(|s| matches!(s, Shape::Poly { .. })).count();
        assert_eq!(polys, 14);
        let svg = m.to_svg();
        assert!(svg.contains("Hama") && svg.contains("#c81e1e"));
        // Hama city lies inside the drawing, west of its centre.
        let dot = m.shapes.iter().rev().find_map(|s| match s {
            Shape::Circle { x, y, r, .. } if *r > 4.2 => Some((*x, *y)),
            _ => None,
        });
        let (x, y) = dot.unwrap();
        assert!(x > 0.0 && x < m.w / 2.0 && y > 0.0 && y < m.h, "{x},{y}");
    }

    #[test]
    fn the_chart_has_one_bar_per_day_with_violations() {
        let days: Vec<DayCount> =
            (1..=5).map(|d| DayCount { date: format!("2017-01-0{d}"), violations: d % 2 }).collect();
        let c = chart(&days);
        assert_eq!(c.shapes.iter().filter(|s| matches!(s, Shape::Rect { .. })).count(), 3);
    }
}
