//! How long a sweep should take, and on what that guess rests.
//!
//! With history: the median time per simulated request of the newest
//! completed runs of the same template (their wall time over their loads ×
//! iterations × requests), times each new run's requests. Without: the
//! validator's model of the simulator in effect. Either way the runs go
//! `max concurrent runs` at a time, so the sum is divided by that, and the
//! sweep never takes less than its longest run.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::configs::Configs;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::{configs, timestamp};

/// How many completed runs the history estimate looks at.
const HISTORY_RUNS: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EstimateSource {
    /// Measured on earlier runs of the same template.
    History,
    /// The validator's model of the simulator (no earlier run to go by).
    Model,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SweepEstimate {
    /// Expected wall time of the whole sweep.
    pub total_seconds: f64,
    pub source: EstimateSource,
    /// The basis in words, for a tooltip or the CLI.
    pub basis: String,
}

/// The sweep's wall time from each run's own time: `concurrency` at a time,
/// never shorter than the longest run.
pub fn wall_time(per_run: impl Iterator<Item = f64> + Clone, count: usize, concurrency: u32) -> f64 {
    let known = per_run.clone().count().max(1);
    let sum: f64 = per_run.clone().sum();
    let longest = per_run.fold(0.0, f64::max);
    // Points beyond the checked ones are taken to cost the mean of those.
    let total = sum / known as f64 * count as f64;
    (total / concurrency.max(1) as f64).max(longest)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// Seconds per simulated request measured on recent completed runs of
/// `template`, with how many runs it rests on.
async fn measured_seconds_per_request(ctx: &Ctx, template: &str) -> Result<Option<(f64, usize)>> {
    let kind = Configs::new(ctx).simulator_kind().await?;
    let mut rates = Vec::new();
    for row in ctx.store().recent_completed(template, HISTORY_RUNS).await? {
        let (Some(start), Some(end)) = (
            row.started_at.as_deref().and_then(timestamp::parse),
            row.completed_at.as_deref().and_then(timestamp::parse),
        ) else {
            continue;
        };
        let seconds = (end - start).as_seconds_f64();
        let Ok(text) =
            crate::runfs::read_string(&ctx.data().run(&row.run_id()).config(), crate::runfs::CONFIG_CAP)
        else {
            continue;
        };
        let requests = configs::validate(&text, kind)
            .summary
            .map(|s| s.total_requests)
            .filter(|r| *r > 0.0);
        if let Some(requests) = requests.filter(|_| seconds > 0.0) {
            rates.push(seconds / requests);
        }
    }
    let n = rates.len();
    Ok(median(rates).map(|m| (m, n)))
}

pub(super) async fn estimate_sweep(
    ctx: &Ctx,
    template: &str,
    count: usize,
    requests: &[f64],
    model_seconds: &[f64],
) -> Result<Option<SweepEstimate>> {
    let concurrency = ctx.store().settings().await?.max_concurrent_runs;
    let at_a_time = format!("{concurrency} at a time");
    if let Some((rate, n)) = measured_seconds_per_request(ctx, template).await? {
        if !requests.is_empty() {
            let total = wall_time(requests.iter().map(|r| r * rate), count, concurrency);
            return Ok(Some(SweepEstimate {
                total_seconds: total,
                source: EstimateSource::History,
                basis: format!(
                    "measured on the last {n} completed run{} of {template:?} \
                     ({:.3} µs per simulated request, the median), scaled by each run's \
                     loads × iterations × requests, {at_a_time}",
                    if n == 1 { "" } else { "s" },
                    rate * 1e6
                ),
            }));
        }
    }
    if model_seconds.is_empty() {
        return Ok(None);
    }
    Ok(Some(SweepEstimate {
        total_seconds: wall_time(model_seconds.iter().copied(), count, concurrency),
        source: EstimateSource::Model,
        basis: format!(
            "no completed run of {template:?} to measure yet: the simulator's model \
             (loads × iterations × requests at its nominal speed), {at_a_time}"
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_share_the_slots_and_the_longest_run_bounds_the_sweep() {
        // 6 runs of 10 s, 3 at a time: 20 s.
        assert_eq!(wall_time([10.0; 6].into_iter(), 6, 3), 20.0);
        // One long run dominates.
        assert_eq!(wall_time([100.0, 1.0, 1.0].into_iter(), 3, 3), 100.0);
        // Unchecked points cost the mean of the checked ones.
        assert_eq!(wall_time([10.0, 30.0].into_iter(), 4, 1), 80.0);
    }

    #[test]
    fn the_median_resists_one_outlier() {
        assert_eq!(median(vec![1.0, 1000.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![1.0, 3.0]), Some(2.0));
        assert_eq!(median(vec![]), None);
    }
}
