//! The data transfer objects of runs, shared by the store, the CLI and the UI
//! (their TypeScript twins are generated into ui/src/bindings).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DeskError, Result};

pub mod metrics;
pub mod sweeps;

pub use sweeps::Lineage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum RunStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Pending,
        RunStatus::Running,
        RunStatus::Completed,
        RunStatus::Failed,
        RunStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Pending => "PENDING",
            RunStatus::Running => "RUNNING",
            RunStatus::Completed => "COMPLETED",
            RunStatus::Failed => "FAILED",
            RunStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Failed | RunStatus::Cancelled
        )
    }

    pub fn parse(s: &str) -> Result<Self> {
        RunStatus::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                DeskError::invalid_input(format!(
                    "unknown status {s:?}: expected one of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED"
                ))
            })
    }
}

/// One run as every client sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Run {
    pub id: String,
    pub name: String,
    pub template: String,
    pub status: RunStatus,
    /// The `section.key=value` overrides applied on top of the template.
    pub overrides: Vec<String>,
    /// The simulator command line the run was started with.
    pub simulator: Option<String>,
    #[ts(type = "number | null")]
    pub pid: Option<i64>,
    #[ts(type = "number | null")]
    pub pgid: Option<i64>,
    #[ts(type = "number | null")]
    pub exit_code: Option<i64>,
    #[ts(type = "number | null")]
    pub exit_signal: Option<i64>,
    pub error_message: Option<String>,
    pub cancel_requested_at: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub updated_at: String,
    pub config_path: String,
    pub run_dir: String,
    /// Where the run executes: `local` or a Slurm cluster profile's name.
    pub executor: String,
    /// The Slurm job id (`<array id>_<task>` for a run of a job array).
    pub slurm_job_id: Option<String>,
    /// What the executor last said about the run, in words (e.g. "Waiting
    /// in Slurm's queue: Resources").
    pub status_detail: Option<String>,
    /// The sweep the run belongs to, if any.
    pub sweep_id: Option<String>,
    /// The run this one re-runs, if any.
    pub rerun_of: Option<String>,
    /// The user's labels, sorted.
    pub tags: Vec<String>,
    /// The user's markdown note (empty when none).
    pub note: String,
    /// The topology of the frozen config; None when not known (yet).
    pub network: Option<String>,
    /// Size of the run's folder when last measured (at its end, or on demand).
    #[ts(type = "number | null")]
    pub disk_bytes: Option<u64>,
    /// The summary of the run's results, once it has ended and they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub metrics: Option<metrics::RunMetrics>,
}

/// What the new-run page and `fdesk create` send.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CreateRunRequest {
    pub template: String,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// `section.key=value` entries merged into the template.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// A complete INI text (the editor's text, or an earlier run's frozen
    /// config) used instead of the template's text; `template` then only
    /// labels the run. The overrides still apply on top.
    #[serde(default)]
    #[ts(optional)]
    pub config_text: Option<String>,
    /// `local` (the default) or the name of a Slurm cluster profile.
    #[serde(default)]
    #[ts(optional)]
    pub executor: Option<String>,
}

/// History query: filters, a search over name, id, note and tags (case-insensitive),
/// newest first, paging.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ListQuery {
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<RunStatus>,
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub template: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub network: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
    /// Created at or after: a date (`2026-11-01`) or an RFC 3339 time.
    #[serde(default)]
    #[ts(optional)]
    pub created_after: Option<String>,
    /// Created at or before: a date (the whole day counts) or an RFC 3339 time.
    #[serde(default)]
    #[ts(optional)]
    pub created_before: Option<String>,
    /// Only the runs of this sweep (re-runs in it included).
    #[serde(default)]
    #[ts(optional)]
    pub sweep_id: Option<String>,
    /// The order: `created` (the default), `name`, or a metric of the
    /// results cache (`mean_blocking`, `blocking@900`, …); runs without the
    /// metric come last.
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<String>,
    /// Reverses `sort` (default: newest first, else ascending).
    #[serde(default)]
    #[ts(optional)]
    pub descending: Option<bool>,
    /// Conditions on metrics, all of which a run must meet
    /// (`blocking@900<1%`, `mean_blocking<=0.01`, `loads>=3`).
    #[serde(default)]
    #[ts(optional)]
    pub metric_filters: Option<Vec<String>>,
}

impl ListQuery {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 1000;
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RunPage {
    pub runs: Vec<Run>,
    /// How many runs match the filter, over all pages.
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

/// A template the user can start a run from.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TemplateInfo {
    pub name: String,
    pub description: String,
    /// Shipped with the app (read-only); false for the user's own templates.
    pub builtin: bool,
}

/// A config file the user imported through the native open dialog.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportedConfig {
    pub path: String,
    pub text: String,
}

/// Where a run executes, parsed once from what the run records (its
/// `executor` column, or a request's `executor` field) and matched on to
/// choose the executor; nothing compares executor names as strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Placement {
    /// A supervised process group on this machine.
    Local,
    /// A job on the Slurm cluster of the named profile.
    Slurm { cluster: String },
}

impl Placement {
    /// The recorded name of [`Placement::Local`]; cluster profiles may not
    /// take it.
    pub const LOCAL_NAME: &'static str = "local";

    /// The placement a recorded executor name stands for.
    pub fn from_recorded(name: &str) -> Placement {
        match name {
            Placement::LOCAL_NAME => Placement::Local,
            cluster => Placement::Slurm {
                cluster: cluster.to_owned(),
            },
        }
    }

    /// The placement a request asks for: nothing, blank or `local` is this
    /// machine; any other name a cluster profile (checked by whoever
    /// creates the run).
    pub fn from_request(executor: Option<&str>) -> Placement {
        match executor.map(str::trim).filter(|e| !e.is_empty()) {
            None => Placement::Local,
            Some(name) => Placement::from_recorded(name),
        }
    }

    /// The executor name recorded for the run.
    pub fn recorded(&self) -> &str {
        match self {
            Placement::Local => Placement::LOCAL_NAME,
            Placement::Slurm { cluster } => cluster,
        }
    }

    /// Whether `name` is the reserved name of this machine (any case).
    pub fn is_local_name(name: &str) -> bool {
        name.eq_ignore_ascii_case(Placement::LOCAL_NAME)
    }
}

impl Run {
    pub fn placement(&self) -> Placement {
        Placement::from_recorded(&self.executor)
    }
}

/// A run's Slurm job as `squeue` and `scancel` name it: `<job>` or
/// `<array job>_<task>`.
pub fn job_label(job_id: Option<&str>, array_task: Option<i64>) -> Option<String> {
    let job = job_id?;
    Some(match array_task {
        Some(task) => format!("{job}_{task}"),
        None => job.to_owned(),
    })
}

#[cfg(test)]
mod placement_tests {
    use super::Placement;

    #[test]
    fn a_recorded_name_round_trips() {
        for p in [
            Placement::Local,
            Placement::Slurm {
                cluster: "hpc".into(),
            },
        ] {
            assert_eq!(Placement::from_recorded(p.recorded()), p);
        }
    }

    #[test]
    fn a_request_without_an_executor_runs_here() {
        assert_eq!(Placement::from_request(None), Placement::Local);
        assert_eq!(Placement::from_request(Some("  ")), Placement::Local);
        assert_eq!(Placement::from_request(Some("local")), Placement::Local);
        assert_eq!(
            Placement::from_request(Some(" hpc ")),
            Placement::Slurm {
                cluster: "hpc".into()
            }
        );
    }
}
