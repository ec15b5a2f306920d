//! What a figure shows: series of points with optional confidence intervals,
//! over a numeric or a categorical x axis. Values are the data as measured;
//! how they are drawn (log clamping, styles) is decided when rendering.

use serde::{Deserialize, Serialize};

/// One point of a series. `y` None is a gap (a load without a result);
/// `ci_low` may be ≤ 0 (mean minus the interval's half width).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The x value, or for a categorical axis the index into `x_categories`.
    pub x: f64,
    pub y: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub label: String,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Not drawn (a paper's caption says it); kept in the SVG's `<title>`
    /// and the script's docstring.
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Non-empty: the x axis is categorical and each point's `x` indexes
    /// this list (a varied key whose values are not numbers).
    #[serde(default)]
    pub x_categories: Vec<String>,
    pub series: Vec<Series>,
}

impl Figure {
    pub fn is_categorical(&self) -> bool {
        !self.x_categories.is_empty()
    }

    /// Every finite value the y axis must show: means and interval ends.
    pub(crate) fn y_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| p.y.is_some())
            .flat_map(|p| [p.y, p.ci_low, p.ci_high])
            .flatten()
            .filter(|v| v.is_finite())
    }

    /// The x of every point that has a y.
    pub(crate) fn x_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| p.y.is_some_and(f64::is_finite))
            .map(|p| p.x)
            .filter(|v| v.is_finite())
    }

    /// The x text of a point: its category, or the number.
    pub fn x_text(&self, x: f64) -> String {
        if self.is_categorical() {
            self.x_categories.get(x as usize).cloned().unwrap_or_default()
        } else {
            format_number(x)
        }
    }
}

/// The shortest text that reads back as the same number (`300`, `0.0125`).
pub fn format_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
