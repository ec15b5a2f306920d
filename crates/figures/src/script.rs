//! "Export as script": the plotted data as a tidy CSV (a row per point) and
//! a short Python/matplotlib script that reads it and draws the same figure
//! (same size, fonts, palette, markers, dashes, scales and log floor), for a
//! researcher to adjust by hand.

use crate::model::{format_number, Figure};
use crate::style::{series_look, Style};
use crate::svg::Rendered;
use crate::FigureError;

pub const CSV_HEADER: [&str; 5] = ["series", "x", "y", "ci_low", "ci_high"];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR first) gets a leading `'`; numbers are left as they are.
pub fn neutralise(cell: &str) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    if formula {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Exactly the plotted data: one row per point, in series order; empty
/// cells where a value is missing; x as the category text on a categorical axis.
pub fn to_csv(fig: &Figure) -> Result<String, FigureError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let err = |e: csv::Error| FigureError::Render(format!("cannot write the CSV: {e}"));
    w.write_record(CSV_HEADER).map_err(err)?;
    let f = |v: Option<f64>| v.filter(|v| v.is_finite()).map(format_number).unwrap_or_default();
    for s in &fig.series {
        for p in &s.points {
            w.write_record([
                neutralise(&s.label),
                neutralise(&fig.x_text(p.x)),
                f(p.y),
                f(p.ci_low),
                f(p.ci_high),
            ])
            .map_err(err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| FigureError::Render(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| FigureError::Render(format!("the CSV is not UTF-8: {e}")))
}

/// A Python string literal (JSON's escapes are Python's too).
fn py(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

fn py_number(v: f64) -> String {
    format!("{v:?}")
}

/// The script that draws the figure from `csv_name` (beside the script)
/// into `output_name` (beside it too, unless given on its command line).
/// `rendered` carries the scales and the log floor the app used.
pub fn to_python(
    fig: &Figure,
    style: &Style,
    rendered: &Rendered,
    csv_name: &str,
    output_name: &str,
) -> String {
    let styles: Vec<String> = (0..fig.series.len().max(1))
        .map(|i| {
            let look = series_look(i);
            let dashes = if look.dash.is_empty() {
                "\"-\"".to_owned()
            } else {
                let d: Vec<String> = look.dash.iter().map(|v| py_number(*v)).collect();
                format!("(0, ({}))", d.join(", "))
            };
            format!(
                "    {{\"color\": {}, \"marker\": {}, \"linestyle\": {dashes}}},",
                py(look.colour),
                py(look.marker.matplotlib())
            )
        })
        .collect();
    let categories: Vec<String> = fig.x_categories.iter().map(|c| py(c)).collect();
    let log_x = rendered.x_scale == crate::Scale::Log;
    let log_y = rendered.y_scale == crate::Scale::Log;
    let floor = rendered.y_floor.map_or("None".to_owned(), py_number);
    let legend = style.legend.matplotlib().map_or("None".to_owned(), py);
    let grid = if style.grid { "True" } else { "False" };
    format!(
        r##"#!/usr/bin/env python3
"""{title}

Draws the figure from {csv} (beside this script), as FUSION Desk drew it.
Usage: python3 <this script> [OUTPUT]   (default: {output}; .pdf, .svg or .png)
"""
import csv
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
DATA = HERE / {csv_py}
OUTPUT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / {output_py}

WIDTH_IN, HEIGHT_IN = {width}, {height}
X_LABEL = {x_label}
Y_LABEL = {y_label}
# A categorical x axis lists its values in this order (empty: numeric x).
CATEGORIES = [{categories}]
LOG_X, LOG_Y = {log_x}, {log_y}
# On a log axis, values <= 0 (zero blocking, interval ends below 0) are drawn
# on a line of their own, a decade below the smallest positive value.
LOG_FLOOR = {floor}
LEGEND = {legend}
# Okabe-Ito colours, with markers and dashes that survive greyscale print.
STYLES = [
{styles}
]

plt.rcParams.update({{
    "font.family": {font},
    "font.size": {font_size},
    "axes.linewidth": {axes_lw},
    "lines.linewidth": {lw},
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
}})


def cell(text):
    # Cells a spreadsheet would run as formulas were written with a leading '.
    if text[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r"):
        return text[1:]
    return text


def number(text):
    return float(text) if text != "" else math.nan


series = {{}}
with open(DATA, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        label = cell(row["series"])
        x = cell(row["x"])
        x = CATEGORIES.index(x) if CATEGORIES else float(x)
        series.setdefault(label, []).append(
            (x, number(row["y"]), number(row["ci_low"]), number(row["ci_high"]))
        )

fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))
for i, (label, points) in enumerate(series.items()):
    points.sort()
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    lows = [p[2] for p in points]
    highs = [p[3] for p in points]
    if LOG_Y and LOG_FLOOR is not None:
        ys = [max(y, LOG_FLOOR) if not math.isnan(y) else y for y in ys]
        lows = [max(v, LOG_FLOOR) if not math.isnan(v) else v for v in lows]
    below = [0.0 if math.isnan(l) else max(y - l, 0.0) for y, l in zip(ys, lows)]
    above = [0.0 if math.isnan(h) else max(h - y, 0.0) for y, h in zip(ys, highs)]
    ax.errorbar(xs, ys, yerr=[below, above], capsize=2, markersize=4, label=label,
                **STYLES[i % len(STYLES)])
if LOG_X:
    ax.set_xscale("log")
if LOG_Y:
    ax.set_yscale("log")
if CATEGORIES:
    ax.set_xticks(range(len(CATEGORIES)), CATEGORIES)
ax.set_xlabel(X_LABEL)
ax.set_ylabel(Y_LABEL)
ax.grid({grid}, color="#d0d0d0", linewidth=0.4)
if LOG_Y and LOG_FLOOR is not None:
    # Values <= 0 sit on a line of their own a decade below the data, named "0".
    ax.axhline(LOG_FLOOR, color="0.6", linewidth=0.6, linestyle=":")
    ax.annotate("0", xy=(0, LOG_FLOOR), xycoords=("axes fraction", "data"), xytext=(-4, 0),
                textcoords="offset points", ha="right", va="center")
if LEGEND is not None and any(series):
    ax.legend(loc=LEGEND)
fig.tight_layout()
fig.savefig(OUTPUT)
print(OUTPUT)
"##,
        title = fig.title.replace('\\', "\\\\").replace("\"\"\"", "\"\\\"\""),
        csv = csv_name.replace('\\', "\\\\").replace("\"\"\"", "\"\\\"\""),
        output = output_name.replace('\\', "\\\\").replace("\"\"\"", "\"\\\"\""),
        csv_py = py(csv_name),
        output_py = py(output_name),
        width = py_number(style.width_in()),
        height = py_number(style.height_in()),
        x_label = py(&fig.x_label),
        y_label = py(&fig.y_label),
        categories = categories.join(", "),
        log_x = if log_x { "True" } else { "False" },
        log_y = if log_y { "True" } else { "False" },
        styles = styles.join("\n"),
        font = py(style.font.name()),
        font_size = py_number(style.font_size_pt),
        axes_lw = py_number(style.line_width_pt * 0.6),
        lw = py_number(style.line_width_pt),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Point, Series};

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+k=3"), "'+k=3");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-0.0004"), "-0.0004");
        assert_eq!(neutralise("k_paths=3"), "k_paths=3");
    }

    #[test]
    fn the_csv_holds_one_row_per_point_with_gaps_as_empty_cells() {
        let fig = Figure {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_categories: vec![],
            series: vec![Series {
                label: "=run, \"a\"".into(),
                points: vec![
                    Point {
                        x: 300.0,
                        y: Some(0.0),
                        ci_low: Some(-0.0004),
                        ci_high: Some(0.0004),
                    },
                    Point {
                        x: 600.0,
                        y: None,
                        ci_low: None,
                        ci_high: None,
                    },
                ],
            }],
        };
        let csv = to_csv(&fig).unwrap();
        assert_eq!(
            csv,
            "series,x,y,ci_low,ci_high\n\"'=run, \"\"a\"\"\",300,0,-0.0004,0.0004\n\"'=run, \"\"a\"\"\",600,,,\n"
        );
    }
}
