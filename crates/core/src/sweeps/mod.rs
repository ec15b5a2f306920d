//! Sweeps: one launch that varies config keys over values (a cartesian
//! product of axes), entering the queue as a group of runs with its own
//! progress; re-running a run from its frozen config, and re-running the
//! failed runs of a sweep.
//!
//! A sweep is checked whole before anything is written: an invalid value is
//! an `invalid_input` error naming its key and value, and no run is created.

pub mod axes;
pub mod estimate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::configs::Configs;
use crate::configs::{self, SimulatorKind};
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::exec::Executors;
use crate::ini::{self, Override};
use crate::model::{CreateRunRequest, Run, RunStatus};
use crate::run_id::RunId;
use crate::runs::lifecycle;
use crate::runs::{validate_name, MAX_NAME_LEN};
use crate::timestamp;

pub use crate::model::sweeps::{Lineage, Sweep, SweepAxis, SweepCounts};
pub use axes::{AxisSpec, SweepPoint, MAX_SWEEP_RUNS};
pub use estimate::{EstimateSource, SweepEstimate};

/// How many points a preview lists (the count covers them all).
pub const PREVIEW_POINTS: usize = 50;
/// How many points a preview checks one by one (creation checks them all).
const PREVIEW_CHECKED_POINTS: usize = 500;

/// What the new-run page and `fdesk sweep create` send.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SweepRequest {
    /// The template (with `config_text`: only the runs' label).
    pub template: String,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// `section.key=value` overrides every run shares.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// A whole INI text used instead of the template's.
    #[serde(default)]
    #[ts(optional)]
    pub config_text: Option<String>,
    pub axes: Vec<AxisSpec>,
    /// Where every run of the sweep executes: `local` (the default) or a
    /// Slurm cluster profile's name, to which the sweep goes as a job array.
    #[serde(default)]
    #[ts(optional)]
    pub executor: Option<String>,
}

/// What a sweep would create, before it is created.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SweepPreview {
    /// How many runs the sweep creates.
    pub count: u32,
    pub axes: Vec<SweepAxis>,
    /// The first [`PREVIEW_POINTS`] runs, in queue order.
    pub points: Vec<SweepPoint>,
    /// The whole sweep's expected wall time, when there is a basis for one.
    pub estimate: Option<SweepEstimate>,
    /// Things that are allowed but probably not meant (a key no simulator reads).
    pub warnings: Vec<String>,
}

/// A sweep and its runs (queue order; runs that were re-run left out).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SweepDetail {
    pub sweep: Sweep,
    pub runs: Vec<Run>,
}

/// A sweep checked and expanded.
struct Plan {
    axes: Vec<SweepAxis>,
    count: usize,
    points: Vec<SweepPoint>,
    template: String,
    warnings: Vec<String>,
    /// Requests (loads × iterations × requests) of each checked point.
    requests: Vec<f64>,
    /// The model's seconds of each checked point.
    model_seconds: Vec<f64>,
}

/// `name · label`, cut to the longest run name allowed.
fn run_name(sweep: &str, label: &str) -> String {
    let full = if label.is_empty() {
        sweep.to_owned()
    } else {
        format!("{sweep} · {label}")
    };
    full.chars().take(MAX_NAME_LEN).collect()
}

fn rerun_name(name: &str) -> String {
    const SUFFIX: &str = " (re-run)";
    if name.ends_with(SUFFIX) {
        return name.to_owned();
    }
    let keep = MAX_NAME_LEN - SUFFIX.chars().count();
    name.chars().take(keep).collect::<String>() + SUFFIX
}

/// Why an axis is allowed but suspicious.
fn axis_warning(axis: &SweepAxis, keys: &[configs::ConfigKey]) -> Option<String> {
    match keys
        .iter()
        .find(|k| k.section == axis.section && k.key == axis.key)
    {
        Some(k) if k.usage == configs::KeyUse::Ignored => {
            let why = k
                .description
                .trim_start_matches("Not read")
                .trim_start_matches(['.', ':', ' ']);
            let why = why.trim_end_matches('.');
            Some(format!(
                "{} is not read by the simulators{}: runs that differ only in it give the same results",
                axis.path(),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            ))
        }
        Some(_) => None,
        None => Some(format!(
            "{} is not a key FUSION reads; it is written into each config as given",
            axis.path()
        )),
    }
}

/// Sweeps: a base config times axes of values, as one group of runs.
pub struct Sweeps<'a> {
    ex: &'a Executors,
}

impl<'a> Sweeps<'a> {
    pub fn new(ex: &'a Executors) -> Self {
        Sweeps { ex }
    }

    fn ctx(&self) -> &'a Ctx {
        self.ex.ctx()
    }
    /// Checks a sweep: the base config, every value of every axis against
    /// it (the error names `section.key=value`), then up to `check_points`
    /// whole runs of the product.
    async fn plan_sweep(&self, req: &SweepRequest, check_points: usize) -> Result<Plan> {
        let axes = axes::parse_axes(&req.axes)?;
        let count = axes::count(&axes)?;
        let base_req = CreateRunRequest {
            template: req.template.clone(),
            name: None,
            overrides: req.overrides.clone(),
            config_text: req.config_text.clone(),
            executor: req.executor.clone(),
        };
        let base = Configs::new(self.ctx())
            .resolve_config(&base_req)
            .await
            .map_err(|e| DeskError::new(e.code, format!("the sweep's base configuration: {}", e.message)))?;
        let kind: SimulatorKind = Configs::new(self.ctx()).simulator_kind().await?;
        let keys = configs::schema::keys();
        let mut warnings = Vec::new();
        for axis in &axes {
            warnings.extend(axis_warning(axis, &keys));
            for value in &axis.values {
                let o = Override {
                    section: axis.section.clone(),
                    key: axis.key.clone(),
                    value: value.clone(),
                };
                let report = configs::validate(&ini::apply_overrides(&base.text, &[o]), kind);
                if !report.valid {
                    return Err(DeskError::invalid_input(format!(
                        "{}={value} is invalid:\n{}",
                        axis.path(),
                        report.error_lines()
                    )));
                }
            }
        }
        let mut points = Vec::with_capacity(count.min(check_points));
        let mut requests = Vec::new();
        let mut model_seconds = Vec::new();
        for i in 0..count.min(check_points) {
            let point = axes::point(&axes, i);
            let overrides = point
                .overrides
                .iter()
                .map(|o| Override::parse(o))
                .collect::<Result<Vec<_>>>()?;
            let report = configs::validate(&ini::apply_overrides(&base.text, &overrides), kind);
            if !report.valid {
                // Each value is fine alone; this combination is not.
                return Err(DeskError::invalid_input(format!(
                    "the run {} is invalid:\n{}",
                    point.label,
                    report.error_lines()
                )));
            }
            if let Some(s) = &report.summary {
                requests.push(s.total_requests);
                model_seconds.push(s.estimate_seconds);
            }
            points.push(point);
        }
        Ok(Plan {
            axes,
            count,
            points,
            template: base.template,
            warnings,
            requests,
            model_seconds,
        })
    }

    /// How many runs a sweep creates, the first of them, and how long it
    /// should take; nothing is written.
    pub async fn preview(&self, req: &SweepRequest) -> Result<SweepPreview> {
        let plan = self.plan_sweep(req, PREVIEW_CHECKED_POINTS).await?;
        let estimate = estimate::estimate_sweep(
            self.ctx(),
            &plan.template,
            plan.count,
            &plan.requests,
            &plan.model_seconds,
        )
        .await?;
        Ok(SweepPreview {
            count: plan.count as u32,
            axes: plan.axes,
            points: plan.points.into_iter().take(PREVIEW_POINTS).collect(),
            estimate,
            warnings: plan.warnings,
        })
    }

    /// Creates every run of a sweep (all checked first), then starts as many
    /// as the concurrency limit allows; the rest wait in the queue in order.
    pub async fn create(&self, req: &SweepRequest) -> Result<SweepDetail> {
        let plan = self.plan_sweep(req, MAX_SWEEP_RUNS).await?;
        // An unknown cluster profile is refused before the sweep is recorded.
        lifecycle::resolve_cluster(self.ctx(), req.executor.as_deref()).await?;
        let name = match req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => validate_name(n)?,
            None => format!(
                "{} sweep {}",
                plan.template,
                &timestamp::now()[..16].replace('T', " ")
            ),
        };
        let id = self
            .ctx()
            .store()
            .insert_sweep(&name, &plan.template, &req.overrides, &plan.axes)
            .await?;
        let runs: Vec<(CreateRunRequest, Lineage)> = plan
            .points
            .iter()
            .map(|p| {
                let mut overrides = req.overrides.clone();
                overrides.extend(p.overrides.iter().cloned());
                let run = CreateRunRequest {
                    template: req.template.clone(),
                    name: Some(run_name(&name, &p.label)),
                    overrides,
                    config_text: req.config_text.clone(),
                    executor: req.executor.clone(),
                };
                let lineage = Lineage {
                    sweep_id: Some(id.to_string()),
                    rerun_of: None,
                };
                (run, lineage)
            })
            .collect();
        lifecycle::create_batch(self.ex, &runs).await?;
        self.get(id.as_str()).await
    }

    /// Every sweep, newest first, with its counts.
    pub async fn list(&self) -> Result<Vec<Sweep>> {
        self.ctx().store().sweeps(None).await
    }

    /// One sweep with its runs.
    pub async fn get(&self, id: &str) -> Result<SweepDetail> {
        detail(self.ctx(), id).await
    }

    /// Cancels every run of the sweep that has not ended: queued ones at
    /// once, running ones as `cancel` does. Returns without waiting.
    pub async fn cancel(&self, id: &str) -> Result<SweepDetail> {
        let detail = self.get(id).await?;
        // Queued runs first, so a slot freed meanwhile starts none of them.
        for status in [RunStatus::Pending, RunStatus::Running, RunStatus::Pending] {
            for run in self.get(id).await?.runs.iter().filter(|r| r.status == status) {
                match lifecycle::cancel(self.ex, &run.id).await {
                    Ok(_) => {}
                    // It ended (or was cancelled) meanwhile: nothing to do.
                    Err(e) if e.code == crate::ErrorCode::InvalidState => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.get(&detail.sweep.id).await
    }

    /// A new run from a finished run's frozen config, with the same template
    /// label and overrides; in the run's sweep if it has one, where it then
    /// stands for the run it repeats.
    pub async fn rerun(&self, id: &str) -> Result<Run> {
        let run = crate::runs::get(self.ctx(), id).await?;
        let mut created = lifecycle::create_batch(self.ex, &[self.rerun_request(&run).await?]).await?;
        let new = created.pop().expect("one run submitted");
        Ok(crate::runs::get(self.ctx(), &new.id).await.unwrap_or(new))
    }

    async fn rerun_request(&self, run: &Run) -> Result<(CreateRunRequest, Lineage)> {
        if !run.status.is_terminal() {
            return Err(DeskError::invalid_state(format!(
                "run {} is {}; only a finished run can be re-run",
                run.id,
                run.status.as_str()
            )));
        }
        // The frozen text already holds the overrides; applying them again
        // changes nothing and keeps them on record for the new run.
        let req = CreateRunRequest {
            template: run.template.clone(),
            name: Some(rerun_name(&run.name)),
            overrides: run.overrides.clone(),
            config_text: Some(crate::runs::config_text(self.ctx(), &run.id).await?),
            // A re-run goes where the run went.
            executor: Some(run.executor.clone()),
        };
        let lineage = Lineage {
            sweep_id: run.sweep_id.clone(),
            rerun_of: Some(run.id.clone()),
        };
        Ok((req, lineage))
    }

    /// Re-runs the FAILED runs of a sweep, in the sweep. Cancelled runs are
    /// left alone: someone stopped them on purpose (re-run one by hand to
    /// bring it back).
    pub async fn rerun_failed(&self, id: &str) -> Result<SweepDetail> {
        let detail = self.get(id).await?;
        let mut runs = Vec::new();
        for run in detail.runs.iter().filter(|r| r.status == RunStatus::Failed) {
            runs.push(self.rerun_request(run).await?);
        }
        if runs.is_empty() {
            return Err(DeskError::invalid_state(format!(
                "sweep {} has no failed runs",
                detail.sweep.id
            )));
        }
        lifecycle::create_batch(self.ex, &runs).await?;
        self.get(&detail.sweep.id).await
    }
}

/// One sweep with its runs.
pub async fn detail(ctx: &Ctx, id: &str) -> Result<SweepDetail> {
    let id = RunId::parse(id).map_err(|_| {
        DeskError::invalid_input(format!(
            "invalid sweep id {id:?}: a sweep id is 12 lowercase hex digits"
        ))
    })?;
    let sweep = ctx
        .store()
        .sweeps(Some(id.as_str()))
        .await?
        .pop()
        .ok_or_else(|| DeskError::not_found(format!("no sweep with id {id}")))?;
    let runs = ctx
        .store()
        .sweep_runs(id.as_str())
        .await?
        .into_iter()
        .map(|r| r.into_run(ctx.data()))
        .collect();
    Ok(SweepDetail { sweep, runs })
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    AxisSpec::export_all_to(dir)?;
    SweepAxis::export_all_to(dir)?;
    SweepPoint::export_all_to(dir)?;
    SweepRequest::export_all_to(dir)?;
    SweepPreview::export_all_to(dir)?;
    SweepEstimate::export_all_to(dir)?;
    EstimateSource::export_all_to(dir)?;
    SweepCounts::export_all_to(dir)?;
    Sweep::export_all_to(dir)?;
    SweepDetail::export_all_to(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_names_join_the_sweep_and_the_values_and_fit_the_limit() {
        assert_eq!(
            run_name("k sweep", "k_paths=2, cores_per_link=3"),
            "k sweep · k_paths=2, cores_per_link=3"
        );
        assert_eq!(run_name("k sweep", ""), "k sweep");
        assert_eq!(run_name(&"x".repeat(300), "k=1").chars().count(), MAX_NAME_LEN);
    }

    #[test]
    fn a_rerun_is_named_once() {
        assert_eq!(rerun_name("a"), "a (re-run)");
        assert_eq!(rerun_name("a (re-run)"), "a (re-run)");
        assert_eq!(rerun_name(&"y".repeat(300)).chars().count(), MAX_NAME_LEN);
    }
}
