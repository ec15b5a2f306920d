//! The figure as SVG, drawn by this crate from the plotted data: a frame
//! with ticks and labels, one group per series (line, error bars with caps,
//! markers), and a legend. Units are PostScript points, so the SVG's size is
//! the figure's printed size and the PDF and PNG back ends need no scaling.

use std::fmt::Write;

use crate::axes::{self, Axis};
use crate::model::Figure;
use crate::style::{series_look, LegendPosition, Marker, Scale, Style};
use crate::FigureError;

/// An SVG text and what the reader of the figure should know about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub svg: String,
    /// For instance that values ≤ 0 were drawn at the log axis' floor.
    pub notes: Vec<String>,
    /// The log y axis' floor, when values were clamped to it.
    pub y_floor: Option<f64>,
    /// The scales actually used (a log axis with nothing positive falls back to linear).
    pub x_scale: Scale,
    pub y_scale: Scale,
}

/// Average advance of a character, in ems: enough to reserve room for tick
/// labels without measuring glyphs.
const CHAR_EM: f64 = 0.58;

struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    fn px(&self, a: &Axis, v: f64) -> f64 {
        self.x0 + a.fraction(v) * (self.x1 - self.x0)
    }
    fn py(&self, a: &Axis, v: f64) -> f64 {
        self.y1 - a.fraction(v) * (self.y1 - self.y0)
    }
}

fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * CHAR_EM * font_size
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Most series and points one figure draws (a sweep of a few hundred runs fits).
pub const MAX_SERIES: usize = 200;
pub const MAX_POINTS: usize = 100_000;

fn axis_for(values: &[f64], scale: Scale, from_zero: bool, what: &str, notes: &mut Vec<String>) -> Axis {
    match scale {
        Scale::Linear => axes::linear(values, from_zero),
        Scale::Log => axes::log(values).unwrap_or_else(|| {
            notes.push(format!(
                "no positive {what} value to show on a log axis: drawn on a linear axis instead"
            ));
            axes::linear(values, from_zero)
        }),
    }
}

pub fn render(fig: &Figure, style: &Style) -> Result<Rendered, FigureError> {
    style.validate()?;
    if fig.series.len() > MAX_SERIES {
        return Err(FigureError::Invalid(format!(
            "at most {MAX_SERIES} series in one figure"
        )));
    }
    if fig.series.iter().map(|s| s.points.len()).sum::<usize>() > MAX_POINTS {
        return Err(FigureError::Invalid(format!(
            "at most {MAX_POINTS} points in one figure"
        )));
    }
    let mut notes = Vec::new();
    let (w, h) = (style.width_pt, style.height_pt);
    let fs = style.font_size_pt;
    let lw = style.line_width_pt;

    let ys: Vec<f64> = fig.y_values().collect();
    if ys.is_empty() {
        notes.push("nothing to plot: no series has a value".to_owned());
    }
    let y = axis_for(&ys, style.y_scale, true, "y", &mut notes);
    let xs: Vec<f64> = fig.x_values().collect();
    let mut x = if fig.is_categorical() {
        axes::categorical(&fig.x_categories)
    } else {
        axis_for(&xs, style.x_scale, false, "x", &mut notes)
    };
    if !fig.is_categorical() && x.scale == Scale::Linear {
        // A few distinct x values (a swept key, the loads of a run) are
        // labelled themselves when they fit, as a paper's reader looks them up.
        let mut distinct = xs.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let labels: Vec<String> = distinct.iter().map(|v| crate::model::format_number(*v)).collect();
        let room = (w - 6.0 * fs) * 0.8;
        let needed: f64 = labels.iter().map(|l| text_width(l, fs) + fs).sum();
        if (2..=10).contains(&distinct.len()) && needed < room {
            x.ticks = distinct
                .iter()
                .zip(labels)
                .map(|(v, label)| axes::Tick {
                    value: *v,
                    label,
                    major: true,
                })
                .collect();
        }
    }
    if let Some(floor) = y.floor {
        let n = ys.iter().filter(|v| **v <= 0.0).count();
        notes.push(format!(
            "{n} value(s) ≤ 0 (zero blocking, or a confidence interval reaching below 0) are drawn on \
             the axis' \"0\" line ({floor:.2e}, a decade below the smallest positive value), as a log \
             axis cannot show them"
        ));
    }

    // Room for the labels around the frame.
    let tick_len = 0.35 * fs;
    let pad = 0.3 * fs;
    let y_label_w = y
        .ticks
        .iter()
        .map(|t| text_width(&t.label, fs))
        .fold(0.0, f64::max);
    let left = 0.4 * fs + if fig.y_label.is_empty() { 0.0 } else { 1.3 * fs } + y_label_w + pad + tick_len;
    let bottom = tick_len
        + pad
        + fs
        + if fig.x_label.is_empty() {
            0.3 * fs
        } else {
            1.6 * fs
        };
    let last_x_label = x.ticks.last().map_or(0.0, |t| text_width(&t.label, fs) / 2.0);
    let frame = Frame {
        x0: left,
        x1: (w - (0.6 * fs).max(last_x_label)).max(left + 1.0),
        y0: 0.7 * fs,
        y1: (h - bottom).max(0.7 * fs + 1.0),
    };
    let family = style.font.name();

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.3}pt" height="{h:.3}pt" viewBox="0 0 {w:.3} {h:.3}" font-family="{family}" font-size="{fs}">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(&fig.title));
    if !notes.is_empty() {
        let _ = writeln!(s, "<desc>{}</desc>", escape(&notes.join(" ")));
    }
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="plot-area"><rect x="{:.3}" y="{:.3}" width="{:.3}" height="{:.3}"/></clipPath></defs>"#,
        frame.x0,
        frame.y0,
        frame.x1 - frame.x0,
        frame.y1 - frame.y0
    );
    let _ = writeln!(s, r#"<rect width="{w:.3}" height="{h:.3}" fill="white"/>"#);

    // Grid, ticks and tick labels.
    let _ = writeln!(
        s,
        r#"<g id="axes" stroke="black" stroke-width="{:.3}">"#,
        lw * 0.6
    );
    let in_range = |a: &Axis, v: f64| v >= a.min - 1e-12 * a.max.abs() && v <= a.max + 1e-12 * a.max.abs();
    for t in x.ticks.iter().filter(|t| in_range(&x, t.value)) {
        let px = frame.px(&x, t.value);
        if style.grid && t.major {
            let _ = writeln!(
                s,
                r##"<line class="grid" x1="{px:.3}" y1="{:.3}" x2="{px:.3}" y2="{:.3}" stroke="#d0d0d0" stroke-width="{:.3}"/>"##,
                frame.y0,
                frame.y1,
                lw * 0.4
            );
        }
        let len = if t.major { tick_len } else { tick_len * 0.6 };
        let _ = writeln!(
            s,
            r#"<line class="tick" x1="{px:.3}" y1="{:.3}" x2="{px:.3}" y2="{:.3}"/>"#,
            frame.y1,
            frame.y1 + len
        );
        if !t.label.is_empty() {
            let _ = writeln!(
                s,
                r#"<text class="tick-label" x="{px:.3}" y="{:.3}" text-anchor="middle" stroke="none">{}</text>"#,
                frame.y1 + tick_len + pad + 0.8 * fs,
                escape(&t.label)
            );
        }
    }
    for t in y.ticks.iter().filter(|t| in_range(&y, t.value)) {
        let py = frame.py(&y, t.value);
        if style.grid && t.major {
            let _ = writeln!(
                s,
                r##"<line class="grid" x1="{:.3}" y1="{py:.3}" x2="{:.3}" y2="{py:.3}" stroke="#d0d0d0" stroke-width="{:.3}"/>"##,
                frame.x0,
                frame.x1,
                lw * 0.4
            );
        }
        let len = if t.major { tick_len } else { tick_len * 0.6 };
        let _ = writeln!(
            s,
            r#"<line class="tick" x1="{:.3}" y1="{py:.3}" x2="{:.3}" y2="{py:.3}"/>"#,
            frame.x0 - len,
            frame.x0
        );
        if !t.label.is_empty() {
            let _ = writeln!(
                s,
                r#"<text class="tick-label" x="{:.3}" y="{:.3}" text-anchor="end" stroke="none">{}</text>"#,
                frame.x0 - tick_len - pad,
                py + 0.35 * fs,
                escape(&t.label)
            );
        }
    }
    let _ = writeln!(
        s,
        r#"<rect class="frame" x="{:.3}" y="{:.3}" width="{:.3}" height="{:.3}" fill="none"/>"#,
        frame.x0,
        frame.y0,
        frame.x1 - frame.x0,
        frame.y1 - frame.y0
    );
    if !fig.x_label.is_empty() {
        let _ = writeln!(
            s,
            r#"<text class="axis-label" x="{:.3}" y="{:.3}" text-anchor="middle" stroke="none">{}</text>"#,
            (frame.x0 + frame.x1) / 2.0,
            h - 0.45 * fs,
            escape(&fig.x_label)
        );
    }
    if !fig.y_label.is_empty() {
        let (cx, cy) = (0.4 * fs + 0.8 * fs, (frame.y0 + frame.y1) / 2.0);
        let _ = writeln!(
            s,
            r#"<text class="axis-label" x="{cx:.3}" y="{cy:.3}" text-anchor="middle" transform="rotate(-90 {cx:.3} {cy:.3})" stroke="none">{}</text>"#,
            escape(&fig.y_label)
        );
    }
    let _ = writeln!(s, "</g>");

    // Series: line, error bars, markers.
    let marker_r = 0.9 * lw + 0.2 * fs;
    let cap = marker_r * 0.9;
    let mut drawn: Vec<(f64, f64)> = Vec::new();
    let _ = writeln!(s, r#"<g id="series" clip-path="url(#plot-area)">"#);
    for (i, series) in fig.series.iter().enumerate() {
        let look = series_look(i);
        let mut points: Vec<_> = series.points.iter().filter(|p| p.x.is_finite()).collect();
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        let _ = writeln!(
            s,
            r#"<g class="series" data-index="{i}" data-label="{}" stroke="{}" fill="{}">"#,
            escape(&series.label),
            look.colour,
            look.colour
        );
        // The line, broken where a point has no value.
        let mut d = String::new();
        let mut pen_down = false;
        for p in &points {
            match p.y.filter(|v| v.is_finite()) {
                Some(v) => {
                    let (px, py) = (frame.px(&x, p.x), frame.py(&y, y.shown(v)));
                    let _ = write!(d, "{}{px:.3} {py:.3} ", if pen_down { "L" } else { "M" });
                    pen_down = true;
                    drawn.push((px, py));
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let dash = if look.dash.is_empty() {
                String::new()
            } else {
                let pattern: Vec<String> = look.dash.iter().map(|v| format!("{:.3}", v * lw)).collect();
                format!(r#" stroke-dasharray="{}""#, pattern.join(" "))
            };
            let _ = writeln!(
                s,
                r#"<path class="series-line" d="{}" fill="none" stroke-width="{lw:.3}" stroke-linejoin="round"{dash}/>"#,
                d.trim_end()
            );
        }
        for p in &points {
            let (Some(v), true) = (p.y, p.y.is_some_and(f64::is_finite)) else {
                continue;
            };
            let px = frame.px(&x, p.x);
            if let (Some(lo), Some(hi)) = (p.ci_low, p.ci_high) {
                if lo.is_finite() && hi.is_finite() && hi > lo {
                    let (plo, phi) = (frame.py(&y, y.shown(lo)), frame.py(&y, y.shown(hi)));
                    let _ = writeln!(
                        s,
                        r#"<path class="error-bar" d="M{px:.3} {plo:.3} V{phi:.3} M{:.3} {plo:.3} H{:.3} M{:.3} {phi:.3} H{:.3}" fill="none" stroke-width="{:.3}"/>"#,
                        px - cap,
                        px + cap,
                        px - cap,
                        px + cap,
                        lw * 0.7
                    );
                }
            }
            let py = frame.py(&y, y.shown(v));
            s.push_str(&marker(look.marker, px, py, marker_r, lw));
        }
        let _ = writeln!(s, "</g>");
    }
    let _ = writeln!(s, "</g>");

    if style.legend != LegendPosition::None && fig.series.iter().any(|s| !s.label.is_empty()) {
        s.push_str(&legend(fig, style, &frame, &drawn, marker_r));
    }
    s.push_str("</svg>\n");
    Ok(Rendered {
        svg: s,
        notes,
        y_floor: y.floor,
        x_scale: x.scale,
        y_scale: y.scale,
    })
}

fn marker(m: Marker, x: f64, y: f64, r: f64, lw: f64) -> String {
    let sw = lw * 0.8;
    let body = match m {
        Marker::Circle => format!(r#"<circle cx="{x:.3}" cy="{y:.3}" r="{:.3}""#, r * 0.85),
        Marker::Square => {
            let a = r * 0.8;
            format!(
                r#"<rect x="{:.3}" y="{:.3}" width="{:.3}" height="{:.3}""#,
                x - a,
                y - a,
                2.0 * a,
                2.0 * a
            )
        }
        Marker::TriangleUp => format!(
            r#"<path d="M{x:.3} {:.3} L{:.3} {:.3} L{:.3} {:.3} Z""#,
            y - r,
            x + r * 0.9,
            y + r * 0.6,
            x - r * 0.9,
            y + r * 0.6
        ),
        Marker::TriangleDown => format!(
            r#"<path d="M{x:.3} {:.3} L{:.3} {:.3} L{:.3} {:.3} Z""#,
            y + r,
            x + r * 0.9,
            y - r * 0.6,
            x - r * 0.9,
            y - r * 0.6
        ),
        Marker::Diamond => format!(
            r#"<path d="M{x:.3} {:.3} L{:.3} {y:.3} L{x:.3} {:.3} L{:.3} {y:.3} Z""#,
            y - r,
            x + r * 0.8,
            y + r,
            x - r * 0.8
        ),
        Marker::Cross => {
            let a = r * 0.8;
            format!(
                r#"<path d="M{:.3} {:.3} L{:.3} {:.3} M{:.3} {:.3} L{:.3} {:.3}" fill="none""#,
                x - a,
                y - a,
                x + a,
                y + a,
                x - a,
                y + a,
                x + a,
                y - a
            )
        }
        Marker::Plus => format!(
            r#"<path d="M{:.3} {y:.3} L{:.3} {y:.3} M{x:.3} {:.3} L{x:.3} {:.3}" fill="none""#,
            x - r,
            x + r,
            y - r,
            y + r
        ),
    };
    format!("{body} class=\"marker\" stroke-width=\"{sw:.3}\"/>\n")
}

fn legend(fig: &Figure, style: &Style, frame: &Frame, drawn: &[(f64, f64)], marker_r: f64) -> String {
    let fs = style.font_size_pt;
    let lw = style.line_width_pt;
    let row = 1.3 * fs;
    let sample = 2.4 * fs;
    let padding = 0.45 * fs;
    let label_w = fig
        .series
        .iter()
        .map(|s| text_width(&s.label, fs))
        .fold(0.0, f64::max);
    let bw = padding * 2.0 + sample + 0.5 * fs + label_w;
    let bh = padding * 2.0 + row * fig.series.len() as f64 - (row - fs);
    let inset = 0.5 * fs;
    let corner = |p: LegendPosition| -> (f64, f64) {
        let left = frame.x0 + inset;
        let right = frame.x1 - inset - bw;
        let top = frame.y0 + inset;
        let bottom = frame.y1 - inset - bh;
        match p {
            LegendPosition::TopRight => (right, top),
            LegendPosition::BottomLeft => (left, bottom),
            LegendPosition::BottomRight => (right, bottom),
            _ => (left, top),
        }
    };
    let position = match style.legend {
        LegendPosition::Best => [
            LegendPosition::TopLeft,
            LegendPosition::TopRight,
            LegendPosition::BottomRight,
            LegendPosition::BottomLeft,
        ]
        .into_iter()
        .min_by_key(|p| {
            let (lx, ly) = corner(*p);
            drawn
                .iter()
                .filter(|(x, y)| *x >= lx && *x <= lx + bw && *y >= ly && *y <= ly + bh)
                .count()
        })
        .unwrap_or(LegendPosition::TopLeft),
        p => p,
    };
    let (lx, ly) = corner(position);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<g id="legend" data-position="{position:?}"><rect x="{lx:.3}" y="{ly:.3}" width="{bw:.3}" height="{bh:.3}" fill="white" fill-opacity="0.9" stroke="#808080" stroke-width="{:.3}"/>"##,
        lw * 0.5
    );
    for (i, series) in fig.series.iter().enumerate() {
        let look = series_look(i);
        let cy = ly + padding + fs * 0.5 + row * i as f64;
        let (sx0, sx1) = (lx + padding, lx + padding + sample);
        let dash = if look.dash.is_empty() {
            String::new()
        } else {
            let pattern: Vec<String> = look.dash.iter().map(|v| format!("{:.3}", v * lw)).collect();
            format!(r#" stroke-dasharray="{}""#, pattern.join(" "))
        };
        let _ = writeln!(
            s,
            r#"<g class="legend-entry" stroke="{c}" fill="{c}"><path d="M{sx0:.3} {cy:.3} H{sx1:.3}" fill="none" stroke-width="{lw:.3}"{dash}/>"#,
            c = look.colour
        );
        s.push_str(&marker(look.marker, (sx0 + sx1) / 2.0, cy, marker_r, lw));
        let _ = writeln!(
            s,
            r#"<text x="{:.3}" y="{:.3}" fill="black" stroke="none">{}</text></g>"#,
            sx1 + 0.5 * fs,
            cy + 0.35 * fs,
            escape(&series.label)
        );
    }
    s.push_str("</g>\n");
    s
}
