//! Comparing runs: per run its blocking-probability curve against load with
//! confidence intervals, its final metrics and a label naming what differs;
//! the config diff of the runs; all of it as CSV.

pub mod csv;
pub mod diff;
pub mod template_diff;

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::artifacts::{Artifacts, ResultsTable};
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::ini;
use crate::model::{Run, RunStatus};
use crate::runs;
use crate::timestamp;

pub use diff::ConfigDiffRow;
pub use template_diff::{ConfigChange, TemplateDiff};

/// Most runs one comparison overlays (a sweep of a few dozen fits).
pub const MAX_COMPARED: usize = 100;

/// Mean blocking probability at one load, with its confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ComparePoint {
    pub erlang: f64,
    pub mean: Option<f64>,
    /// `mean - ci_rate_block`, not below 0.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub iterations: u32,
    /// The load was cut short: its mean covers only `iterations`.
    pub partial: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FinalMetrics {
    /// The highest load with a result, and its blocking probability.
    pub highest_erlang: Option<f64>,
    pub highest_blocking: Option<f64>,
    /// Mean of the blocking probabilities over the run's loads.
    pub mean_blocking: Option<f64>,
    pub loads: u32,
    /// `general_settings.num_requests` of the frozen config.
    #[ts(type = "number | null")]
    pub requests_per_iteration: Option<u64>,
    /// Most iterations saved at any load.
    pub iterations: u32,
    pub duration_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ComparedRun {
    pub id: String,
    pub name: String,
    pub status: RunStatus,
    pub template: String,
    /// What differs from the other runs (`cores_per_link=3 · k_paths=2`), or the name.
    pub label: String,
    pub points: Vec<ComparePoint>,
    pub metrics: FinalMetrics,
    /// Why the run has no curve (no results yet, unreadable files).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Comparison {
    pub runs: Vec<ComparedRun>,
    /// Every load of any run, ascending (a run may lack some: a gap).
    pub erlangs: Vec<f64>,
    /// Only the keys whose values differ; `values` follow `runs`.
    pub diff: Vec<ConfigDiffRow>,
}

/// One point per load: the first row of that load with a mean (several
/// result files may report one load, e.g. an extra root besides `output/`).
pub fn curve(table: &ResultsTable) -> Vec<ComparePoint> {
    let mut by_load: BTreeMap<u64, ComparePoint> = BTreeMap::new();
    for r in &table.rows {
        let point = ComparePoint {
            erlang: r.erlang,
            mean: r.blocking_mean,
            ci_low: r
                .blocking_mean
                .zip(r.ci_rate_block)
                .map(|(m, c)| (m - c).max(0.0)),
            ci_high: r.blocking_mean.zip(r.ci_rate_block).map(|(m, c)| m + c),
            iterations: r.iterations,
            partial: r.partial,
        };
        let key = r.erlang.to_bits();
        match by_load.get(&key) {
            Some(p) if p.mean.is_some() || point.mean.is_none() => {}
            _ => {
                by_load.insert(key, point);
            }
        }
    }
    let mut points: Vec<ComparePoint> = by_load.into_values().collect();
    points.sort_by(|a, b| a.erlang.total_cmp(&b.erlang));
    points
}

pub fn metrics(run: &Run, points: &[ComparePoint], config: &str) -> FinalMetrics {
    let with_mean: Vec<&ComparePoint> = points.iter().filter(|p| p.mean.is_some()).collect();
    let highest = with_mean.last();
    let duration_seconds = run
        .started_at
        .as_deref()
        .and_then(timestamp::parse)
        .zip(run.completed_at.as_deref().and_then(timestamp::parse))
        .map(|(s, e)| (e - s).as_seconds_f64());
    FinalMetrics {
        highest_erlang: highest.map(|p| p.erlang),
        highest_blocking: highest.and_then(|p| p.mean),
        mean_blocking: (!with_mean.is_empty())
            .then(|| with_mean.iter().filter_map(|p| p.mean).sum::<f64>() / with_mean.len() as f64),
        loads: points.len() as u32,
        requests_per_iteration: ini::get_key(config, "general_settings", "num_requests")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v as u64),
        iterations: points.iter().map(|p| p.iterations).max().unwrap_or(0),
        duration_seconds,
    }
}

/// The loads of all runs, ascending, each once.
pub fn union_of_loads(runs: &[ComparedRun]) -> Vec<f64> {
    let mut loads: Vec<f64> = runs
        .iter()
        .flat_map(|r| r.points.iter().map(|p| p.erlang))
        .collect();
    loads.sort_by(f64::total_cmp);
    loads.dedup();
    loads
}

/// Comparing runs over one [`Ctx`].
#[derive(Clone, Copy)]
pub struct Compare<'a> {
    ctx: &'a Ctx,
}

impl<'a> Compare<'a> {
    pub fn new(ctx: &'a Ctx) -> Compare<'a> {
        Compare { ctx }
    }
}

impl Compare<'_> {
    /// Compares runs (in the order given; duplicates dropped). A run without
    /// results is still listed, with `problem` saying why; an unknown id fails.
    pub async fn compare(&self, ids: &[String]) -> Result<Comparison> {
        let mut unique: Vec<&String> = Vec::new();
        for id in ids {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        if unique.is_empty() {
            return Err(DeskError::invalid_input("choose at least one run to compare"));
        }
        if unique.len() > MAX_COMPARED {
            return Err(DeskError::invalid_input(format!(
                "at most {MAX_COMPARED} runs can be compared at once"
            )));
        }
        let mut runs = Vec::new();
        let mut configs = Vec::new();
        for id in unique {
            let run = runs::get(self.ctx, id).await?;
            let config = runs::config_text(self.ctx, id).await.unwrap_or_default();
            let (points, problem) = match Artifacts::new(self.ctx).results(id).await {
                Ok(table) => {
                    let points = curve(&table);
                    let problem = if points.iter().any(|p| p.mean.is_some()) {
                        None
                    } else if !table.problems.is_empty() {
                        Some(format!(
                            "its results cannot be read: {}",
                            table.problems.join("; ")
                        ))
                    } else if points.is_empty() {
                        Some(match run.status {
                            RunStatus::Pending | RunStatus::Running => "no results yet".to_owned(),
                            _ => "the run wrote no results".to_owned(),
                        })
                    } else if table.rows.iter().all(|r| r.is_training) {
                        Some(
                            "it ran in FUSION's RL training mode (is_training = True), which reports no blocking statistics"
                                .to_owned(),
                        )
                    } else {
                        Some("its results have no blocking probability".to_owned())
                    };
                    (points, problem)
                }
                Err(e) => (
                    Vec::new(),
                    Some(format!("its results cannot be read: {}", e.message)),
                ),
            };
            let metrics = metrics(&run, &points, &config);
            let mut flat = diff::flatten(&config);
            // Where a run ran is not in its config, yet a cluster run and a
            // local one with one config must not read as the same run.
            flat.insert(diff::EXECUTOR_KEY.to_owned(), run.executor.clone());
            configs.push(flat);
            runs.push(ComparedRun {
                label: String::new(),
                id: run.id,
                name: run.name,
                status: run.status,
                template: run.template,
                points,
                metrics,
                problem,
            });
        }
        let diff = diff::config_diff(&configs);
        let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
        for (run, label) in runs.iter_mut().zip(diff::labels(&diff, &names)) {
            run.label = label;
        }
        Ok(Comparison {
            erlangs: union_of_loads(&runs),
            runs,
            diff,
        })
    }

    /// The comparison as CSV text (see [`csv::to_csv`]).
    pub async fn compare_csv(&self, ids: &[String]) -> Result<String> {
        Ok(csv::to_csv(&self.compare(ids).await?))
    }
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    ComparePoint::export_all_to(dir)?;
    FinalMetrics::export_all_to(dir)?;
    ComparedRun::export_all_to(dir)?;
    ConfigDiffRow::export_all_to(dir)?;
    Comparison::export_all_to(dir)?;
    ConfigChange::export_all_to(dir)?;
    TemplateDiff::export_all_to(dir)?;
    Ok(())
}
