//! A run's results in a few numbers (the results cache), and the text forms
//! of its columns and filters (`mean_blocking`, `blocking@900<1%`) the CLI
//! and the UI share.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DeskError, Result};

/// A run's results in a few numbers (None: the run wrote no such result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunMetrics {
    /// Mean over the run's loads of the blocking probability.
    pub mean_blocking: Option<f64>,
    /// The highest load with a blocking probability, and that probability.
    pub highest_erlang: Option<f64>,
    pub highest_blocking: Option<f64>,
    /// Mean over the run's loads of the bit-rate blocking probability.
    pub bit_rate_blocking: Option<f64>,
    /// Loads with a result file.
    pub loads: u32,
    /// Most iterations saved at any load.
    pub iterations: u32,
    pub duration_seconds: Option<f64>,
    /// Each load's blocking, ascending by load.
    pub per_load: Vec<LoadMetrics>,
}

/// One load of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LoadMetrics {
    pub erlang: f64,
    pub blocking: Option<f64>,
    /// Half width of the blocking's confidence interval (`ci_rate_block`).
    pub ci_half_width: Option<f64>,
    pub bit_rate_blocking: Option<f64>,
    pub iterations: u32,
}

/// A run's metrics from the two JSON columns of `RUN_COLUMNS` (store/runs.rs).
pub fn from_columns(metrics: Option<&str>, loads: Option<&str>) -> Option<RunMetrics> {
    let mut m: RunMetrics = serde_json::from_str(metrics?).ok()?;
    m.per_load = loads
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    m.per_load.sort_by(|a, b| a.erlang.total_cmp(&b.erlang));
    Some(m)
}

/// A column of the results cache, as the list sorts, filters and shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    MeanBlocking,
    HighestErlang,
    HighestBlocking,
    BitRateBlocking,
    Loads,
    Iterations,
    DurationSeconds,
    /// The blocking probability at this load (Erlang).
    BlockingAt(f64),
}

/// The metric names, as `fdesk list --columns` and the UI write them.
pub const METRIC_NAMES: [&str; 8] = [
    "mean_blocking",
    "highest_blocking",
    "highest_erlang",
    "bit_rate_blocking",
    "loads",
    "iterations",
    "duration",
    "blocking@<erlang>",
];

impl Metric {
    /// `mean_blocking`, `blocking@900`, … (see [`METRIC_NAMES`]).
    pub fn parse(text: &str) -> Result<Metric> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(load) = t.strip_prefix("blocking@") {
            let load = load.trim().trim_end_matches('e').trim_end();
            return load
                .parse::<f64>()
                .ok()
                .filter(|e| e.is_finite() && *e >= 0.0)
                .map(Metric::BlockingAt)
                .ok_or_else(|| {
                    DeskError::invalid_input(format!(
                        "{text:?}: expected blocking@<load in Erlang>, e.g. blocking@900"
                    ))
                });
        }
        Ok(match t.as_str() {
            "mean_blocking" => Metric::MeanBlocking,
            "highest_erlang" => Metric::HighestErlang,
            "highest_blocking" => Metric::HighestBlocking,
            "bit_rate_blocking" => Metric::BitRateBlocking,
            "loads" => Metric::Loads,
            "iterations" => Metric::Iterations,
            "duration" | "duration_seconds" => Metric::DurationSeconds,
            _ => {
                return Err(DeskError::invalid_input(format!(
                    "unknown metric {text:?}: expected one of {}",
                    METRIC_NAMES.join(", ")
                )))
            }
        })
    }

    /// The column of `run_metrics` (None for a per-load metric).
    pub fn column(self) -> Option<&'static str> {
        Some(match self {
            Metric::MeanBlocking => "mean_blocking",
            Metric::HighestErlang => "highest_erlang",
            Metric::HighestBlocking => "highest_blocking",
            Metric::BitRateBlocking => "bit_rate_blocking",
            Metric::Loads => "loads",
            Metric::Iterations => "iterations",
            Metric::DurationSeconds => "duration_seconds",
            Metric::BlockingAt(_) => return None,
        })
    }

    /// This metric's value in a run's cached metrics.
    pub fn value(self, m: &RunMetrics) -> Option<f64> {
        match self {
            Metric::MeanBlocking => m.mean_blocking,
            Metric::HighestErlang => m.highest_erlang,
            Metric::HighestBlocking => m.highest_blocking,
            Metric::BitRateBlocking => m.bit_rate_blocking,
            Metric::Loads => Some(f64::from(m.loads)),
            Metric::Iterations => Some(f64::from(m.iterations)),
            Metric::DurationSeconds => m.duration_seconds,
            Metric::BlockingAt(e) => m.per_load.iter().find(|l| l.erlang == e).and_then(|l| l.blocking),
        }
    }

    /// Whether values are probabilities (a filter may write them in %).
    pub fn is_probability(self) -> bool {
        matches!(
            self,
            Metric::MeanBlocking | Metric::HighestBlocking | Metric::BitRateBlocking | Metric::BlockingAt(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operator {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
}

impl Operator {
    /// The operator in SQL, spaced.
    pub fn sql(self) -> &'static str {
        match self {
            Operator::Less => " < ",
            Operator::LessOrEqual => " <= ",
            Operator::Greater => " > ",
            Operator::GreaterOrEqual => " >= ",
            Operator::Equal => " = ",
        }
    }
}

/// A condition on a metric: `blocking@900<1%`, `mean_blocking <= 0.01`,
/// `loads>=3`. A run without the metric never matches.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFilter {
    pub metric: Metric,
    pub comparison: Operator,
    pub value: f64,
}

impl MetricFilter {
    pub fn parse(text: &str) -> Result<MetricFilter> {
        let bad = || {
            DeskError::invalid_input(format!(
                "invalid metric filter {text:?}: expected <metric><op><number>, e.g. blocking@900<1% \
                 or mean_blocking<=0.01 (op: < <= > >= =)"
            ))
        };
        let at = text.find(['<', '>', '=']).ok_or_else(bad)?;
        let (name, rest) = text.split_at(at);
        let (comparison, number) = [
            ("<=", Operator::LessOrEqual),
            (">=", Operator::GreaterOrEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
            ("=", Operator::Equal),
        ]
        .into_iter()
        .find_map(|(op, c)| rest.strip_prefix(op).map(|n| (c, n.trim())))
        .ok_or_else(bad)?;
        let metric = Metric::parse(name)?;
        let (number, percent) = match number.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (number, false),
        };
        if percent && !metric.is_probability() {
            return Err(DeskError::invalid_input(format!(
                "{text:?}: only a blocking probability can be written in %"
            )));
        }
        let value = number
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(bad)?;
        Ok(MetricFilter {
            metric,
            comparison,
            value: if percent { value / 100.0 } else { value },
        })
    }
}

/// The history's order: newest first by default, else a metric or the name
/// (runs without the metric last, whichever the direction).
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Created,
    Name,
    Metric(Metric),
}

impl SortKey {
    pub fn parse(text: &str) -> Result<SortKey> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "created" => Ok(SortKey::Created),
            "name" => Ok(SortKey::Name),
            _ => Metric::parse(text).map(SortKey::Metric),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_percent_and_every_operator() {
        let f = MetricFilter::parse("blocking@900<1%").unwrap();
        assert_eq!(f.metric, Metric::BlockingAt(900.0));
        assert_eq!(f.comparison, Operator::Less);
        assert!((f.value - 0.01).abs() < 1e-15);
        let f = MetricFilter::parse(" mean_blocking >= 0.2 ").unwrap();
        assert_eq!(
            (f.metric, f.comparison, f.value),
            (Metric::MeanBlocking, Operator::GreaterOrEqual, 0.2)
        );
        assert_eq!(
            MetricFilter::parse("loads=3").unwrap().comparison,
            Operator::Equal
        );
        assert_eq!(
            MetricFilter::parse("blocking@900E<=0").unwrap().metric,
            Metric::BlockingAt(900.0)
        );
    }

    #[test]
    fn malformed_filters_are_refused_with_a_hint() {
        for bad in [
            "mean_blocking",
            "mean_blocking<",
            "mean_blocking<x",
            "loads<10%",
            "blocking@<1",
            "blocking@-3<1",
            "colour<1",
            "mean_blocking<NaN",
        ] {
            let e = MetricFilter::parse(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidInput, "{bad}");
        }
    }
}
