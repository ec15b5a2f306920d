//! The results cache: each finished run's results summarised into SQLite
//! (`run_metrics`, and `run_load_metrics` per load) when the run ends, so the
//! history shows, sorts and filters by mean blocking, blocking at a load,
//! bit-rate blocking, loads, iterations and duration without reading result
//! files; and the text forms of those columns and filters
//! (`mean_blocking`, `blocking@900<1%`) the CLI and the UI share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

use crate::artifacts::{ErlangResult, ResultsTable};
use crate::desk::Desk;
use crate::error::{DeskError, Result};
use crate::run_id::RunId;
use crate::timestamp;

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

/// One load per Erlang value: the first row of that load with a blocking
/// probability (an extra root may report a load `output/` has too).
pub(crate) fn one_row_per_load(table: &ResultsTable) -> Vec<&ErlangResult> {
    let mut by_load: BTreeMap<u64, &ErlangResult> = BTreeMap::new();
    for r in &table.rows {
        let keep = by_load
            .get(&r.erlang.to_bits())
            .is_some_and(|p| p.blocking_mean.is_some() || r.blocking_mean.is_none());
        if !keep {
            by_load.insert(r.erlang.to_bits(), r);
        }
    }
    let mut rows: Vec<&ErlangResult> = by_load.into_values().collect();
    rows.sort_by(|a, b| a.erlang.total_cmp(&b.erlang));
    rows
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Summarises a results table; `started`/`completed` are the run's RFC 3339 times.
pub fn summarise(table: &ResultsTable, started: Option<&str>, completed: Option<&str>) -> RunMetrics {
    let rows = one_row_per_load(table);
    let per_load: Vec<LoadMetrics> = rows
        .iter()
        .map(|r| LoadMetrics {
            erlang: r.erlang,
            blocking: r.blocking_mean,
            ci_half_width: r.ci_rate_block,
            bit_rate_blocking: r.bit_rate_blocking_mean,
            iterations: r.iterations,
        })
        .collect();
    let highest = per_load.iter().rev().find(|l| l.blocking.is_some());
    RunMetrics {
        mean_blocking: mean(per_load.iter().filter_map(|l| l.blocking)),
        highest_erlang: highest.map(|l| l.erlang),
        highest_blocking: highest.and_then(|l| l.blocking),
        bit_rate_blocking: mean(per_load.iter().filter_map(|l| l.bit_rate_blocking)),
        loads: per_load.len() as u32,
        iterations: per_load.iter().map(|l| l.iterations).max().unwrap_or(0),
        duration_seconds: started
            .and_then(timestamp::parse)
            .zip(completed.and_then(timestamp::parse))
            .map(|(s, e)| (e - s).as_seconds_f64())
            .filter(|d| *d >= 0.0),
        per_load,
    }
}

/// A run's metrics from the two JSON columns of `RUN_COLUMNS` (store.rs).
pub(crate) fn from_columns(metrics: Option<&str>, loads: Option<&str>) -> Option<RunMetrics> {
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
    fn column(self) -> Option<&'static str> {
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
    fn is_probability(self) -> bool {
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
    fn sql(self) -> &'static str {
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

    /// Appends the condition on `runs.id` (an indexed lookup in the cache).
    pub(crate) fn push_sql(&self, qb: &mut QueryBuilder<'_, Sqlite>) {
        match self.metric {
            Metric::BlockingAt(e) => {
                qb.push("id IN (SELECT run_id FROM run_load_metrics WHERE erlang = ")
                    .push_bind(e)
                    .push(" AND blocking")
                    .push(self.comparison.sql())
                    .push_bind(self.value)
                    .push(")");
            }
            m => {
                let column = m.column().expect("run-level metrics have a column");
                qb.push("id IN (SELECT run_id FROM run_metrics WHERE ")
                    .push(column)
                    .push(self.comparison.sql())
                    .push_bind(self.value)
                    .push(")");
            }
        }
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

    /// Appends the joins the order needs (after `FROM runs`).
    fn push_join(&self, qb: &mut QueryBuilder<'_, Sqlite>) {
        match self {
            SortKey::Metric(Metric::BlockingAt(e)) => {
                qb.push(" LEFT JOIN run_load_metrics sort_l ON sort_l.run_id = runs.id AND sort_l.erlang = ")
                    .push_bind(*e);
            }
            SortKey::Metric(_) => {
                qb.push(" LEFT JOIN run_metrics sort_m ON sort_m.run_id = runs.id");
            }
            _ => {}
        }
    }

    /// The expression the order sorts by (None: the creation order, `seq`).
    fn expr(&self) -> Option<String> {
        match self {
            SortKey::Created => None,
            SortKey::Name => Some("runs.name".to_owned()),
            SortKey::Metric(Metric::BlockingAt(_)) => Some("sort_l.blocking".to_owned()),
            SortKey::Metric(m) => Some(format!("sort_m.{}", m.column().expect("a run-level metric"))),
        }
    }

    /// Appends ` ORDER BY …` over `key` (the sort expression, or a column
    /// holding it) and `seq`; ties keep the newest first.
    fn push_order_by(&self, key: &str, seq: &str, descending: bool, qb: &mut QueryBuilder<'_, Sqlite>) {
        let dir = if descending { " DESC" } else { " ASC" };
        if *self == SortKey::Created {
            qb.push(format!(" ORDER BY {seq}{dir}"));
        } else {
            let collate = if *self == SortKey::Name {
                " COLLATE NOCASE"
            } else {
                ""
            };
            qb.push(format!(
                " ORDER BY {key} IS NULL, {key}{collate}{dir}, {seq} DESC"
            ));
        }
    }

    /// Appends a query of one page's rows: the page is chosen over the bare
    /// rows first (sort key and `seq` only), and only its rows get their
    /// `columns` computed (tags, metrics). Sorting 10 000 runs by a metric
    /// then stays in milliseconds.
    pub(crate) fn push_page(
        &self,
        columns: &str,
        filter: &crate::history::query::Filter,
        descending: bool,
        limit: u32,
        offset: u32,
        qb: &mut QueryBuilder<'_, Sqlite>,
    ) {
        let key = self.expr().unwrap_or_else(|| "NULL".to_owned());
        qb.push(format!(
            "SELECT {columns} FROM (SELECT runs.seq AS page_seq, {key} AS page_key FROM runs"
        ));
        self.push_join(qb);
        filter.push_where(qb);
        self.push_order_by(&key, "runs.seq", descending, qb);
        qb.push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(") AS page JOIN runs ON runs.seq = page.page_seq");
        self.push_order_by("page.page_key", "runs.seq", descending, qb);
    }
}

impl Desk {
    /// Reads a run's results and stores their summary in the cache (the
    /// previous one replaced). `completed_at` stands in for the row's while
    /// the run is being settled. Returns the metrics, or None when the run
    /// is gone.
    pub async fn record_metrics(&self, id: &RunId, completed_at: Option<&str>) -> Result<Option<RunMetrics>> {
        let Some(row) = self.store().get(id).await? else {
            return Ok(None);
        };
        let table = self.results(id.as_str()).await?;
        let completed = completed_at.or(row.completed_at.as_deref());
        let m = summarise(&table, row.started_at.as_deref(), completed);
        let mut tx = self.store().pool().begin().await?;
        // Only while the run exists: a run deleted meanwhile leaves no row.
        let written = sqlx::query(
            "INSERT OR REPLACE INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, \
             bit_rate_blocking, loads, iterations, duration_seconds, computed_at) \
             SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM runs WHERE id = ?",
        )
        .bind(m.mean_blocking)
        .bind(m.highest_erlang)
        .bind(m.highest_blocking)
        .bind(m.bit_rate_blocking)
        .bind(m.loads)
        .bind(m.iterations)
        .bind(m.duration_seconds)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query("DELETE FROM run_load_metrics WHERE run_id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        for l in &m.per_load {
            sqlx::query(
                "INSERT INTO run_load_metrics (run_id, erlang, blocking, ci_half_width, bit_rate_blocking, \
                 iterations) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id.as_str())
            .bind(l.erlang)
            .bind(l.blocking)
            .bind(l.ci_half_width)
            .bind(l.bit_rate_blocking)
            .bind(l.iterations)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(m))
    }

    /// When a run ends: a failure to read its results only leaves the
    /// cache without them (the backfill tries again at the next start).
    pub(crate) async fn record_metrics_quietly(&self, id: &RunId, completed_at: Option<&str>) {
        if let Err(e) = self.record_metrics(id, completed_at).await {
            tracing::warn!(run = %id, "cannot summarise the run's results: {e}");
        }
    }

    /// Summarises every finished run the cache lacks (runs that ended before
    /// it existed, or whose summary failed); returns how many it read.
    pub async fn backfill_metrics(&self) -> Result<u32> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM runs WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED') \
             AND NOT EXISTS (SELECT 1 FROM run_metrics WHERE run_metrics.run_id = runs.id) ORDER BY seq",
        )
        .fetch_all(self.store().pool())
        .await?;
        let mut n = 0;
        for id in ids {
            let Ok(id) = RunId::parse(&id) else { continue };
            match self.record_metrics(&id, None).await {
                Ok(_) => n += 1,
                Err(e) => tracing::warn!(run = %id, "cannot summarise the run's results: {e}"),
            }
        }
        if n > 0 {
            self.emit_event(crate::RunEvent::RunsChanged);
        }
        Ok(n)
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

    fn row(erlang: f64, mean: Option<f64>, br: Option<f64>, iterations: u32) -> ErlangResult {
        let json = format!(
            r#"{{"blocking_mean": {}, "bit_rate_blocking_mean": {}, "ci_rate_block": 0.001,
            "iter_stats": {{"0": {{"sim_block_list": [{}]}}}}}}"#,
            mean.map_or("null".to_owned(), |m| m.to_string()),
            br.map_or("null".to_owned(), |m| m.to_string()),
            vec!["0.0"; iterations as usize].join(", "),
        );
        crate::artifacts::results::parse_erlang_json(json.as_bytes(), erlang, "x").unwrap()
    }

    #[test]
    fn a_summary_skips_loads_without_blocking_and_keeps_zero_blocking() {
        let table = ResultsTable {
            run_id: "000000000001".into(),
            rows: vec![
                row(300.0, Some(0.0), Some(0.0), 3),
                row(600.0, Some(0.02), Some(0.03), 5),
                row(900.0, None, None, 2),
            ],
            problems: vec![],
        };
        let m = summarise(
            &table,
            Some("2026-01-01T00:00:00.000+00:00"),
            Some("2026-01-01T00:02:00.000+00:00"),
        );
        assert_eq!(m.loads, 3);
        assert_eq!(m.iterations, 5);
        assert_eq!(m.mean_blocking, Some(0.01));
        assert_eq!(m.highest_erlang, Some(600.0), "900 E has no blocking");
        assert_eq!(m.highest_blocking, Some(0.02));
        assert_eq!(m.bit_rate_blocking, Some(0.015));
        assert_eq!(m.duration_seconds, Some(120.0));
        assert_eq!(Metric::BlockingAt(300.0).value(&m), Some(0.0));
        assert_eq!(Metric::BlockingAt(900.0).value(&m), None);
    }
}
