//! Axis ranges and ticks: "nice" linear ticks (1, 2, 5 × 10ᵏ) and decade
//! ticks on log axes; the clamp that keeps zero blocking and interval ends
//! at or below zero on a log axis.

use crate::model::format_number;
use crate::style::Scale;

/// A data range mapped onto a span of the page.
#[derive(Debug, Clone)]
pub struct Axis {
    pub scale: Scale,
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<Tick>,
    /// On a log axis: where values ≤ 0 are drawn — a line of their own a
    /// decade below the smallest positive value, ticked "0" — so a zero is
    /// never read as a small positive value; None when nothing was clamped.
    pub floor: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    /// Empty for an unlabelled (minor) tick.
    pub label: String,
    /// A major tick gets a grid line and a longer mark.
    pub major: bool,
}

impl Axis {
    /// Where `v` falls between 0 (min) and 1 (max).
    pub fn fraction(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => (v - self.min) / (self.max - self.min),
            Scale::Log => {
                let v = v
                    .max(self.floor.unwrap_or(f64::MIN_POSITIVE))
                    .max(f64::MIN_POSITIVE);
                (v.log10() - self.min.log10()) / (self.max.log10() - self.min.log10())
            }
        }
    }

    /// The value as drawn: clamped up to the floor on a log axis.
    pub fn shown(&self, v: f64) -> f64 {
        match (self.scale, self.floor) {
            (Scale::Log, Some(floor)) if v < floor => floor,
            _ => v,
        }
    }
}

/// Share of the data's span added at each end, so no point sits on the frame.
pub const MARGIN: f64 = 0.04;

/// A linear axis over `values`; with `from_zero` and no negative value the
/// axis starts at 0 exactly (a probability's natural origin).
pub fn linear(values: &[f64], from_zero: bool) -> Axis {
    let (mut lo, mut hi) = bounds(values).unwrap_or((0.0, 1.0));
    let starts_at_zero = from_zero && lo >= 0.0;
    if starts_at_zero {
        lo = 0.0;
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        hi += pad;
        if !starts_at_zero {
            lo -= pad;
        }
    }
    let pad = (hi - lo) * MARGIN;
    let min = if starts_at_zero { 0.0 } else { lo - pad };
    let max = hi + pad;
    let step = nice_step((max - min) / 5.0);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (min / step - 1e-9).ceil() as i64;
    let last = (max / step + 1e-9).floor() as i64;
    let ticks = (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            Tick {
                value: v,
                label: format!("{v:.decimals$}"),
                major: true,
            }
        })
        .collect();
    Axis {
        scale: Scale::Linear,
        min,
        max,
        ticks,
        floor: None,
    }
}

/// A category axis: one tick per category at 0, 1, …, n-1.
pub fn categorical(categories: &[String]) -> Axis {
    Axis {
        scale: Scale::Linear,
        min: -0.5,
        max: categories.len().max(1) as f64 - 0.5,
        ticks: categories
            .iter()
            .enumerate()
            .map(|(i, c)| Tick {
                value: i as f64,
                label: c.clone(),
                major: true,
            })
            .collect(),
        floor: None,
    }
}

/// A log axis over `values` (at least one decade wide). Values ≤ 0 cannot
/// be shown: they are drawn on a "0" line (`floor`) a decade below the
/// smallest positive value, below every real value. None when no value is
/// positive.
pub fn log(values: &[f64]) -> Option<Axis> {
    let positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    let (lo, hi) = bounds(&positive)?;
    let floor = values.iter().any(|v| *v <= 0.0).then_some(lo / 10.0);
    let (mut lmin, mut lmax) = (floor.unwrap_or(lo).log10(), hi.log10());
    if lmax - lmin < 1.0 {
        let grow = (1.0 - (lmax - lmin)) / 2.0;
        lmin -= grow;
        lmax += grow;
    }
    if lmax - lmin > 30.0 {
        lmin = lmax - 30.0;
    }
    let pad = (lmax - lmin) * MARGIN;
    let (lmin, lmax) = (lmin - pad, lmax + pad);
    let decades: Vec<i32> = (lmin.ceil() as i32..=lmax.floor() as i32).collect();
    let label_minor = decades.len() < 2;
    let mut ticks = Vec::new();
    for k in lmin.floor() as i32..=lmax.ceil() as i32 {
        for m in 1..10 {
            let v = f64::from(m) * 10f64.powi(k);
            let l = v.log10();
            if l < lmin - 1e-12 || l > lmax + 1e-12 {
                continue;
            }
            let major = m == 1;
            let label = if major {
                power_of_ten(k)
            } else if label_minor && (m == 2 || m == 5) {
                format_number(v)
            } else {
                String::new()
            };
            // Nothing real is drawn at or below the "0" line: no tick there
            // may suggest a value.
            if floor.is_some_and(|f| v <= f * 1.5) {
                continue;
            }
            ticks.push(Tick {
                value: v,
                label,
                major,
            });
        }
    }
    if let Some(f) = floor {
        ticks.insert(
            0,
            Tick {
                value: f,
                label: "0".to_owned(),
                major: true,
            },
        );
    }
    Some(Axis {
        scale: Scale::Log,
        min: 10f64.powf(lmin),
        max: 10f64.powf(lmax),
        ticks,
        floor,
    })
}

/// `10⁻³`, `1`, `10`, `10²`.
fn power_of_ten(k: i32) -> String {
    match k {
        0 => "1".to_owned(),
        1 => "10".to_owned(),
        _ => {
            const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
            let digits: String = k
                .unsigned_abs()
                .to_string()
                .chars()
                .map(|d| SUP[d.to_digit(10).unwrap_or(0) as usize])
                .collect();
            format!("10{}{digits}", if k < 0 { "⁻" } else { "" })
        }
    }
}

fn bounds(values: &[f64]) -> Option<(f64, f64)> {
    let mut it = values.iter().copied().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// 1, 2 or 5 × 10ᵏ, the nearest at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 { raw } else { 1.0 };
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round_and_cover_the_data() {
        let a = linear(&[0.013, 0.087], true);
        assert_eq!(a.min, 0.0);
        assert!(a.max > 0.087);
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.00", "0.02", "0.04", "0.06", "0.08"]);
        let x = linear(&[100.0, 1000.0], false);
        assert!(x.min < 100.0 && x.max > 1000.0, "no point on the frame");
        let labels: Vec<&str> = x.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["200", "400", "600", "800", "1000"]);
    }

    #[test]
    fn a_constant_series_still_gets_a_range() {
        let a = linear(&[0.0, 0.0], true);
        assert!(a.max > a.min);
        let a = linear(&[300.0], false);
        assert!(a.min < 300.0 && a.max > 300.0);
    }

    #[test]
    fn log_axes_draw_zero_and_negative_on_a_zero_line_below_the_data() {
        let a = log(&[0.0, -0.0004, 0.00021, 0.03]).unwrap();
        let floor = a.floor.unwrap();
        assert!(
            (floor - 0.000021).abs() < 1e-12,
            "a decade below the smallest positive value"
        );
        assert!(a.min <= floor && a.max > 0.03);
        assert_eq!(a.shown(0.0), floor);
        assert_eq!(a.shown(-0.0004), floor);
        assert!(
            a.fraction(0.0) < a.fraction(0.00021),
            "a zero sits below every real value"
        );
        assert!(a.fraction(0.0) >= 0.0);
        let labelled: Vec<&str> = a
            .ticks
            .iter()
            .filter(|t| !t.label.is_empty())
            .map(|t| t.label.as_str())
            .collect();
        assert_eq!(labelled, ["0", "10⁻⁴", "10⁻³", "10⁻²"]);
        assert!(
            a.ticks.iter().all(|t| t.value == floor || t.value > floor * 1.5),
            "no tick crowds the zero line"
        );
        assert!(log(&[0.0, -1.0]).is_none(), "nothing positive to show");
        assert_eq!(log(&[0.01, 0.5]).unwrap().floor, None);
    }

    #[test]
    fn a_narrow_log_range_labels_2_and_5() {
        let a = log(&[0.011, 0.04]).unwrap();
        let labelled: Vec<&str> = a
            .ticks
            .iter()
            .filter(|t| !t.label.is_empty())
            .map(|t| t.label.as_str())
            .collect();
        assert_eq!(labelled, ["10⁻²", "0.02", "0.05"]);
    }
}
