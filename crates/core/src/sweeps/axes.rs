//! Sweep axes: `section.key` with the values it takes, written as a list
//! (`1,3,7`), an inclusive integer range (`1..4` = 1, 2, 3, 4) or a range
//! with a step (`0.1..0.5:0.1`, `100..500:100`), or a mix (`1..3,10`); and
//! their expansion into one set of overrides per run, as a cartesian product.
//!
//! Everything here is pure: the config checks of each value happen in the
//! sweep module, which knows the base config.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DeskError, Result};
use crate::ini::Override;
pub use crate::model::sweeps::SweepAxis;

/// Most runs one sweep may create; a product above it is refused before
/// anything is expanded (a typo such as `1..10000` × `1..100` is caught).
pub const MAX_SWEEP_RUNS: usize = 10_000;

/// One axis as a person writes it: the key and the values' text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AxisSpec {
    /// `section.key`.
    pub key: String,
    /// `v1,v2,...`, `a..b` (inclusive), `a..b:step`, or a mix separated by commas.
    pub values: String,
}

impl AxisSpec {
    /// Parses `section.key=values` (the CLI's `--vary`).
    pub fn parse_assignment(text: &str) -> Result<AxisSpec> {
        let (key, values) = text.split_once('=').ok_or_else(|| {
            DeskError::invalid_input(format!(
                "invalid --vary {text:?}: expected section.key=v1,v2,... or section.key=a..b"
            ))
        })?;
        Ok(AxisSpec {
            key: key.trim().to_owned(),
            values: values.trim().to_owned(),
        })
    }

    /// The axis with its values, or an error that names the key.
    pub fn parse(&self) -> Result<SweepAxis> {
        let key = resolve_key(self.key.trim())?;
        let key = key.as_str();
        // The override parser checks the name exactly as a run's override
        // would be; its complaint is about the name, said without the probe.
        let probe_text = format!("{key}=x");
        let probe = Override::parse(&probe_text).map_err(|e| {
            let prefix = format!("invalid override {probe_text:?}: ");
            let why = e.message.strip_prefix(&prefix).unwrap_or(&e.message);
            DeskError::invalid_input(format!("sweep key {key:?}: {why}"))
        })?;
        let path = format!("{}.{}", probe.section, probe.key);
        let err = |why: String| DeskError::invalid_input(format!("{path}: {why}"));
        let mut values = Vec::new();
        for item in split_top_level(&self.values) {
            let item = item.trim();
            if item.is_empty() {
                return Err(err(format!("empty value in {:?}", self.values.trim())));
            }
            match parse_range(item).map_err(&err)? {
                Some(range) => {
                    for v in range {
                        values.push(v);
                        if values.len() > MAX_SWEEP_RUNS {
                            return Err(err(format!("more than {MAX_SWEEP_RUNS} values")));
                        }
                    }
                }
                None => {
                    if item.contains(['\n', '\r', '\0']) {
                        return Err(err("a value must be a single line".to_owned()));
                    }
                    values.push(item.to_owned());
                }
            }
        }
        if values.is_empty() {
            return Err(err("no values given".to_owned()));
        }
        let mut seen = std::collections::HashSet::new();
        for v in &values {
            if !seen.insert(v.as_str()) {
                return Err(err(format!("the value {v} is listed twice")));
            }
        }
        Ok(SweepAxis {
            section: probe.section,
            key: probe.key,
            values,
        })
    }
}

/// `section.key` as given, or a bare key completed with its section when
/// exactly one section of FUSION's schema has it (`k_paths` →
/// `routing_settings.k_paths`).
fn resolve_key(key: &str) -> Result<String> {
    if key.contains('.') {
        return Ok(key.to_owned());
    }
    if key.is_empty() {
        return Err(DeskError::invalid_input(
            "a sweep key is empty: name the key to vary (k_paths or routing_settings.k_paths)",
        ));
    }
    let lower = key.to_ascii_lowercase();
    match crate::configs::schema::sections_of(&lower).as_slice() {
        [one] => Ok(format!("{one}.{lower}")),
        [] => {
            let hint = crate::configs::schema::suggest("", &lower)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            Err(DeskError::invalid_input(format!(
                "sweep key {key:?}: not a key FUSION knows{hint}; write section.key for a key of your own"
            )))
        }
        many => Err(DeskError::invalid_input(format!(
            "sweep key {key:?} is in several sections ({}): write section.key",
            many.iter()
                .map(|s| format!("{s}.{lower}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Splits at commas outside brackets and quotes, so that a dict or list
/// literal (`{"100": 0.5, "400": 0.5}`) stays one value.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{' | '(') => depth += 1,
            (None, ']' | '}' | ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `a..b` or `a..b:step` as its values; `None` when the item is not a range.
fn parse_range(item: &str) -> std::result::Result<Option<Vec<String>>, String> {
    let Some((start, rest)) = item.split_once("..") else {
        return Ok(None);
    };
    let (stop, step) = match rest.split_once(':') {
        Some((stop, step)) => (stop, Some(step)),
        None => (rest, None),
    };
    let (start, stop) = (start.trim(), stop.trim());
    let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(a), Some(b)) = (number(start), number(stop)) else {
        return Err(format!(
            "{item:?} is not a range: write a..b (inclusive) or a..b:step with numbers"
        ));
    };
    if b < a {
        return Err(format!("the range {item:?} goes backwards"));
    }
    let is_int = |s: &str| s.parse::<i64>().is_ok();
    match step.map(str::trim) {
        None => {
            if !(is_int(start) && is_int(stop)) {
                return Err(format!(
                    "the range {item:?} needs a step for non-integers, e.g. {start}..{stop}:0.1"
                ));
            }
            let (a, b) = (start.parse::<i64>().unwrap(), stop.parse::<i64>().unwrap());
            if (b - a) as usize >= MAX_SWEEP_RUNS {
                return Err(format!(
                    "the range {item:?} has more than {MAX_SWEEP_RUNS} values"
                ));
            }
            Ok(Some((a..=b).map(|v| v.to_string()).collect()))
        }
        Some(step_text) => {
            let Some(s) = number(step_text).filter(|s| *s > 0.0) else {
                return Err(format!("the step of {item:?} must be a number above 0"));
            };
            if is_int(start) && is_int(stop) && is_int(step_text) {
                let (a, b, s) = (
                    start.parse::<i64>().unwrap(),
                    stop.parse::<i64>().unwrap(),
                    step_text.parse::<i64>().unwrap(),
                );
                if ((b - a) / s) as usize >= MAX_SWEEP_RUNS {
                    return Err(format!(
                        "the range {item:?} has more than {MAX_SWEEP_RUNS} values"
                    ));
                }
                return Ok(Some((0..=(b - a) / s).map(|i| (a + i * s).to_string()).collect()));
            }
            // Floats: the count comes from the span with a small tolerance, so
            // 0.1..0.5:0.1 includes 0.5 despite binary rounding; each value is
            // computed from the start (no accumulated error) and printed short.
            let n = ((b - a) / s + 1e-9).floor();
            if n >= MAX_SWEEP_RUNS as f64 {
                return Err(format!(
                    "the range {item:?} has more than {MAX_SWEEP_RUNS} values"
                ));
            }
            Ok(Some(
                (0..=n as usize).map(|i| format_float(a + i as f64 * s)).collect(),
            ))
        }
    }
}

/// A float with at most 10 decimals and no trailing zeros (`0.30000000000000004` → `0.3`).
fn format_float(v: f64) -> String {
    let text = format!("{v:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Parses every axis; the same key twice is an error.
pub fn parse_axes(specs: &[AxisSpec]) -> Result<Vec<SweepAxis>> {
    let mut axes: Vec<SweepAxis> = Vec::with_capacity(specs.len());
    for spec in specs {
        let axis = spec.parse()?;
        if axes
            .iter()
            .any(|a| a.section == axis.section && a.key == axis.key)
        {
            return Err(DeskError::invalid_input(format!(
                "{} is varied twice: give all its values in one axis",
                axis.path()
            )));
        }
        axes.push(axis);
    }
    Ok(axes)
}

/// How many runs the axes make, or an error above [`MAX_SWEEP_RUNS`].
pub fn count(axes: &[SweepAxis]) -> Result<usize> {
    let mut n: usize = 1;
    for a in axes {
        n = n
            .checked_mul(a.values.len())
            .filter(|n| *n <= MAX_SWEEP_RUNS)
            .ok_or_else(|| {
                DeskError::invalid_input(format!(
                    "the sweep would create more than {MAX_SWEEP_RUNS} runs ({})",
                    axes.iter()
                        .map(|a| format!("{} values of {}", a.values.len(), a.path()))
                        .collect::<Vec<_>>()
                        .join(" × ")
                ))
            })?;
    }
    Ok(n)
}

/// One run of a sweep: the value of every axis, in axis order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SweepPoint {
    /// `section.key=value` per axis.
    pub overrides: Vec<String>,
    /// `key=value, key=value`: what sets this run apart, for its name.
    pub label: String,
}

/// The point at index `i` of the product: the first axis varies slowest,
/// the last fastest (nested loops in the order the axes were given).
pub fn point(axes: &[SweepAxis], mut i: usize) -> SweepPoint {
    let mut picks = vec![0; axes.len()];
    for (slot, axis) in picks.iter_mut().zip(axes).rev() {
        *slot = i % axis.values.len();
        i /= axis.values.len();
    }
    let mut overrides = Vec::with_capacity(axes.len());
    let mut label = Vec::with_capacity(axes.len());
    for (axis, pick) in axes.iter().zip(picks) {
        let value = &axis.values[pick];
        overrides.push(format!("{}.{}={value}", axis.section, axis.key));
        label.push(format!("{}={value}", axis.key));
    }
    SweepPoint {
        overrides,
        label: label.join(", "),
    }
}

/// Every point, in order.
pub fn expand(axes: &[SweepAxis]) -> Result<Vec<SweepPoint>> {
    let n = count(axes)?;
    Ok((0..n).map(|i| point(axes, i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    pub use crate::model::sweeps::SweepAxis;

    fn axis(key: &str, values: &str) -> AxisSpec {
        AxisSpec {
            key: key.into(),
            values: values.into(),
        }
    }

    fn values(values: &str) -> Vec<String> {
        axis("a.b", values).parse().unwrap().values
    }

    fn error(key: &str, values: &str) -> String {
        axis(key, values).parse().unwrap_err().message
    }

    #[test]
    fn a_list_keeps_its_order() {
        assert_eq!(values("1,3,7"), ["1", "3", "7"]);
        assert_eq!(values(" NSFNet , USNet "), ["NSFNet", "USNet"]);
    }

    fn parsed(key: &str) -> Result<SweepAxis> {
        axis(key, "1,3").parse()
    }

    #[test]
    fn a_bare_key_known_in_one_section_gets_its_section() {
        assert_eq!(parsed("k_paths").unwrap().path(), "routing_settings.k_paths");
        assert_eq!(parsed("K_Paths").unwrap().path(), "routing_settings.k_paths");
        assert_eq!(
            parsed("routing_settings.k_paths").unwrap().path(),
            "routing_settings.k_paths"
        );
    }

    #[test]
    fn a_bare_key_fusion_does_not_know_is_refused_with_a_hint_and_no_placeholder() {
        let e = parsed("k_path").unwrap_err().message;
        assert!(e.contains("did you mean routing_settings.k_paths"), "{e}");
        assert!(!e.contains("=x"), "{e}");
        let e = parsed("bad section.k").unwrap_err().message;
        assert!(!e.contains("=x"), "{e}");
    }

    #[test]
    fn an_integer_range_includes_both_ends() {
        assert_eq!(values("1..4"), ["1", "2", "3", "4"]);
        assert_eq!(values("-1..1"), ["-1", "0", "1"]);
        assert_eq!(values("5..5"), ["5"]);
    }

    #[test]
    fn a_range_with_a_step_stops_at_or_before_its_end() {
        assert_eq!(values("100..500:100"), ["100", "200", "300", "400", "500"]);
        assert_eq!(values("1..10:4"), ["1", "5", "9"]);
    }

    #[test]
    fn a_float_range_has_no_rounding_noise_and_includes_its_end() {
        assert_eq!(values("0.1..0.5:0.1"), ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(values("0..1:0.25"), ["0", "0.25", "0.5", "0.75", "1"]);
    }

    #[test]
    fn ranges_and_values_mix() {
        assert_eq!(values("1..3,10"), ["1", "2", "3", "10"]);
    }

    #[test]
    fn a_dict_literal_is_one_value() {
        assert_eq!(
            values(r#"{"100": 0.5, "400": 0.5},{"100": 1.0}"#),
            [r#"{"100": 0.5, "400": 0.5}"#, r#"{"100": 1.0}"#]
        );
    }

    #[test]
    fn bad_values_are_rejected_with_the_key_named() {
        for (values, why) in [
            ("4..1", "goes backwards"),
            ("1..x", "is not a range"),
            ("0.5..1", "needs a step"),
            ("1..5:0", "step"),
            ("1..5:-1", "step"),
            ("1,,2", "empty value"),
            ("", "empty value"),
            ("1,2,1", "listed twice"),
            ("1..100000", "more than 10000"),
        ] {
            let e = error("routing_settings.k_paths", values);
            assert!(e.starts_with("routing_settings.k_paths: "), "{values}: {e}");
            assert!(e.contains(why), "{values}: {e}");
        }
    }

    #[test]
    fn a_bare_key_of_no_known_section_must_be_section_dot_key() {
        let e = error("my_own_knob", "1,2");
        assert!(e.contains("\"my_own_knob\""), "{e}");
        assert!(e.contains("section.key"), "{e}");
    }

    #[test]
    fn the_cli_assignment_splits_at_the_first_equals() {
        let a = AxisSpec::parse_assignment("general_settings.request_distribution={\"100\": 1.0}").unwrap();
        assert_eq!(a.key, "general_settings.request_distribution");
        assert_eq!(a.values, "{\"100\": 1.0}");
        assert!(AxisSpec::parse_assignment("no-equals").is_err());
    }

    #[test]
    fn the_product_varies_the_last_axis_fastest() {
        let axes = parse_axes(&[axis("t.cores", "1,3,7"), axis("r.k", "1..2")]).unwrap();
        assert_eq!(count(&axes).unwrap(), 6);
        let points = expand(&axes).unwrap();
        let labels: Vec<_> = points.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "cores=1, k=1",
                "cores=1, k=2",
                "cores=3, k=1",
                "cores=3, k=2",
                "cores=7, k=1",
                "cores=7, k=2"
            ]
        );
        assert_eq!(points[3].overrides, ["t.cores=3", "r.k=2"]);
    }

    #[test]
    fn no_axes_make_one_run() {
        assert_eq!(expand(&[]).unwrap().len(), 1);
    }

    #[test]
    fn the_same_key_twice_is_rejected() {
        let e = parse_axes(&[axis("r.k", "1"), axis("r.K", "2")]).unwrap_err();
        assert!(e.message.contains("varied twice"), "{}", e.message);
    }

    #[test]
    fn a_product_above_the_limit_is_refused_with_the_sizes() {
        let axes = parse_axes(&[axis("a.x", "1..200"), axis("a.y", "1..100")]).unwrap();
        let e = count(&axes).unwrap_err().message;
        assert!(e.contains("more than 10000 runs"), "{e}");
        assert!(e.contains("200 values of a.x × 100 values of a.y"), "{e}");
        let fits = parse_axes(&[axis("a.x", "1..100"), axis("a.y", "1..100")]).unwrap();
        assert_eq!(count(&fits).unwrap(), 10_000);
    }
}
