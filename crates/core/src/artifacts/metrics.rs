//! The results cache: each finished run's results summarised into SQLite
//! (`run_metrics`, and `run_load_metrics` per load) when the run ends, so the
//! history shows, sorts and filters by mean blocking, blocking at a load,
//! bit-rate blocking, loads, iterations and duration without reading result
//! files; and the text forms of those columns and filters
//! (`mean_blocking`, `blocking@900<1%`) the CLI and the UI share.

use std::collections::BTreeMap;

use crate::artifacts::Artifacts;
use crate::artifacts::{ErlangResult, ResultsTable};
use crate::ctx::Ctx;
use crate::error::Result;
pub use crate::model::metrics::{
    from_columns, LoadMetrics, Metric, MetricFilter, Operator, RunMetrics, SortKey, METRIC_NAMES,
};
use crate::run_id::RunId;
use crate::timestamp;

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

/// Reads a run's results and stores their summary in the cache (the
/// previous one replaced). `completed_at` stands in for the row's while
/// the run is being settled. Returns the metrics, or None when the run
/// is gone.
pub async fn record(ctx: &Ctx, id: &RunId, completed_at: Option<&str>) -> Result<Option<RunMetrics>> {
    let Some(row) = ctx.store().get(id).await? else {
        return Ok(None);
    };
    let table = Artifacts::new(ctx).results(id.as_str()).await?;
    let completed = completed_at.or(row.completed_at.as_deref());
    let m = summarise(&table, row.started_at.as_deref(), completed);
    if !ctx.store().save_metrics(id, &m).await? {
        return Ok(None);
    }
    Ok(Some(m))
}

/// When a run ends: a failure to read its results only leaves the
/// cache without them (the backfill tries again at the next start).
pub(crate) async fn record_quietly(ctx: &Ctx, id: &RunId, completed_at: Option<&str>) {
    if let Err(e) = record(ctx, id, completed_at).await {
        tracing::warn!(run = %id, "cannot summarise the run's results: {e}");
    }
}

/// Summarises every finished run the cache lacks (runs that ended before
/// it existed, or whose summary failed); returns how many it read.
pub async fn backfill(ctx: &Ctx) -> Result<u32> {
    let ids = ctx.store().ended_without_metrics().await?;
    let mut n = 0;
    for id in ids {
        let Ok(id) = RunId::parse(&id) else { continue };
        match record(ctx, &id, None).await {
            Ok(_) => n += 1,
            Err(e) => tracing::warn!(run = %id, "cannot summarise the run's results: {e}"),
        }
    }
    if n > 0 {
        ctx.emit(crate::events::RunEvent::RunsChanged);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

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
