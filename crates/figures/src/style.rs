//! How a figure looks: its size, fonts, line widths, axes' scales, the
//! legend's place, and the per-series look. Series differ in colour (the
//! Okabe–Ito palette, safe for the common colour-vision deficiencies), in
//! marker shape and in dash pattern, so they stay apart in greyscale print.

use serde::{Deserialize, Serialize};

use crate::FigureError;

/// Okabe & Ito (2008), "Color Universal Design": black first, the light
/// yellow last (it is faint on white paper).
pub const PALETTE: [&str; 8] = [
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
];

/// Marker shapes, in the order series take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Cross,
    Plus,
}

pub const MARKERS: [Marker; 7] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Cross,
    Marker::Plus,
];

impl Marker {
    /// matplotlib's name of the same shape.
    pub fn matplotlib(self) -> &'static str {
        match self {
            Marker::Circle => "o",
            Marker::Square => "s",
            Marker::TriangleUp => "^",
            Marker::Diamond => "D",
            Marker::TriangleDown => "v",
            Marker::Cross => "x",
            Marker::Plus => "+",
        }
    }

    /// Drawn as a stroke only (no fill area).
    pub fn is_open(self) -> bool {
        matches!(self, Marker::Cross | Marker::Plus)
    }
}

/// Dash patterns in units of the line width (solid first).
pub const DASHES: [&[f64]; 5] = [&[], &[5.0, 2.5], &[1.2, 1.8], &[6.0, 2.0, 1.2, 2.0], &[9.0, 3.0]];

/// The look of the `i`-th series: each of colour, marker and dash cycles on
/// its own, so the first five series differ in all three.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesLook {
    pub colour: &'static str,
    pub marker: Marker,
    pub dash: &'static [f64],
}

pub fn series_look(i: usize) -> SeriesLook {
    SeriesLook {
        colour: PALETTE[i % PALETTE.len()],
        marker: MARKERS[i % MARKERS.len()],
        dash: DASHES[i % DASHES.len()],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

impl Scale {
    pub fn parse(text: &str) -> Result<Scale, FigureError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "linear" | "lin" => Ok(Scale::Linear),
            "log" => Ok(Scale::Log),
            _ => Err(FigureError::Invalid(format!(
                "unknown axis scale {text:?}: expected linear or log"
            ))),
        }
    }
}

/// The bundled typefaces (embedded in every PDF; matplotlib ships the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FontFamily {
    #[default]
    Sans,
    Serif,
}

impl FontFamily {
    pub fn parse(text: &str) -> Result<FontFamily, FigureError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sans" | "sans-serif" | "dejavu sans" => Ok(FontFamily::Sans),
            "serif" | "dejavu serif" => Ok(FontFamily::Serif),
            _ => Err(FigureError::Invalid(format!(
                "unknown font family {text:?}: expected sans (DejaVu Sans) or serif (DejaVu Serif)"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FontFamily::Sans => "DejaVu Sans",
            FontFamily::Serif => "DejaVu Serif",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LegendPosition {
    /// The inside corner that covers the fewest points.
    #[default]
    Best,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    None,
}

impl LegendPosition {
    pub fn parse(text: &str) -> Result<LegendPosition, FigureError> {
        Ok(
            match text.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
                "best" | "auto" => LegendPosition::Best,
                "top-left" | "upper-left" => LegendPosition::TopLeft,
                "top-right" | "upper-right" => LegendPosition::TopRight,
                "bottom-left" | "lower-left" => LegendPosition::BottomLeft,
                "bottom-right" | "lower-right" => LegendPosition::BottomRight,
                "none" | "off" => LegendPosition::None,
                _ => {
                    return Err(FigureError::Invalid(format!(
                        "unknown legend position {text:?}: expected best, top-left, top-right, \
                     bottom-left, bottom-right or none"
                    )))
                }
            },
        )
    }

    /// matplotlib's `loc` of the same place.
    pub fn matplotlib(self) -> Option<&'static str> {
        match self {
            LegendPosition::Best => Some("best"),
            LegendPosition::TopLeft => Some("upper left"),
            LegendPosition::TopRight => Some("upper right"),
            LegendPosition::BottomLeft => Some("lower left"),
            LegendPosition::BottomRight => Some("lower right"),
            LegendPosition::None => None,
        }
    }
}

/// Smallest and largest side a figure may have, in points (5 mm … 1 m).
const MIN_SIDE_PT: f64 = 14.0;
const MAX_SIDE_PT: f64 = 2835.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Style {
    /// Size in PostScript points (1/72 in).
    pub width_pt: f64,
    pub height_pt: f64,
    pub font: FontFamily,
    pub font_size_pt: f64,
    pub line_width_pt: f64,
    pub x_scale: Scale,
    pub y_scale: Scale,
    pub legend: LegendPosition,
    /// Light grid lines at the major ticks.
    pub grid: bool,
}

impl Default for Style {
    /// A single column of a two-column paper: 8.5 × 6 cm, 8 pt text.
    fn default() -> Style {
        Style {
            width_pt: 8.5 / 2.54 * 72.0,
            height_pt: 6.0 / 2.54 * 72.0,
            font: FontFamily::Sans,
            font_size_pt: 8.0,
            line_width_pt: 1.0,
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            legend: LegendPosition::Best,
            grid: true,
        }
    }
}

impl Style {
    /// Checks the numbers a user gave (sizes, font size, line width).
    pub fn validate(&self) -> Result<(), FigureError> {
        let side = |v: f64| v.is_finite() && (MIN_SIDE_PT..=MAX_SIDE_PT).contains(&v);
        if !side(self.width_pt) || !side(self.height_pt) {
            return Err(FigureError::Invalid(
                "a figure's sides must be between 5 mm and 1 m".into(),
            ));
        }
        if !(self.font_size_pt.is_finite() && (3.0..=72.0).contains(&self.font_size_pt)) {
            return Err(FigureError::Invalid(
                "the font size must be between 3 and 72 pt".into(),
            ));
        }
        if !(self.line_width_pt.is_finite() && (0.1..=10.0).contains(&self.line_width_pt)) {
            return Err(FigureError::Invalid(
                "the line width must be between 0.1 and 10 pt".into(),
            ));
        }
        Ok(())
    }

    pub fn width_in(&self) -> f64 {
        self.width_pt / 72.0
    }

    pub fn height_in(&self) -> f64 {
        self.height_pt / 72.0
    }
}

/// Parses a size such as `8.5x6cm`, `3.5x2.5in`, `85x60mm` or `240x170pt`
/// into points (width, height).
pub fn parse_size(text: &str) -> Result<(f64, f64), FigureError> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let bad = || {
        FigureError::Invalid(format!(
            "invalid size {text:?}: expected WIDTHxHEIGHT with a unit, e.g. 8.5x6cm, 3.5x2.5in, 85x60mm"
        ))
    };
    let (numbers, per_unit) = [
        ("cm", 72.0 / 2.54),
        ("mm", 72.0 / 25.4),
        ("in", 72.0),
        ("pt", 1.0),
    ]
    .into_iter()
    .find_map(|(unit, factor)| t.strip_suffix(unit).map(|n| (n, factor)))
    .ok_or_else(bad)?;
    let (w, h) = numbers.split_once(['x', '×']).ok_or_else(bad)?;
    let number = |s: &str| {
        s.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let (w, h) = (number(w).ok_or_else(bad)?, number(h).ok_or_else(bad)?);
    Ok((w * per_unit, h * per_unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_every_unit() {
        let (w, h) = parse_size("8.5x6cm").unwrap();
        assert!((w - 240.944).abs() < 1e-3 && (h - 170.079).abs() < 1e-3);
        assert_eq!(parse_size("3.5x2in").unwrap(), (252.0, 144.0));
        let (w, _) = parse_size("85x60mm").unwrap();
        assert!((w - 240.944).abs() < 1e-3);
        assert_eq!(parse_size(" 240 x 170 pt ").unwrap(), (240.0, 170.0));
        for bad in ["8.5x6", "x6cm", "8.5cm", "-1x2cm", "0x2in", "axbcm", "1e400x1cm"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_first_five_series_differ_in_colour_marker_and_dash() {
        for i in 0..5 {
            for j in 0..i {
                let (a, b) = (series_look(i), series_look(j));
                assert_ne!(a.colour, b.colour);
                assert_ne!(a.marker, b.marker);
                assert_ne!(a.dash, b.dash);
            }
        }
    }
}
