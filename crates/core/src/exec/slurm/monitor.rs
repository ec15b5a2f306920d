//! Following Slurm runs: one `squeue` call per tick for every active cluster
//! run, whatever their number; each job's state becomes its run's status and
//! status line. Jobs the controller has purged are settled from the run's
//! `exit.json`; an unreachable controller leaves every run as it is, says so
//! on their status lines, and the next tick tries again.

use std::collections::HashSet;
use std::time::Duration;

use super::commands;
use super::job_label;
use super::profile;
use super::squeue::{self, JobLine, Phase};
use super::state::SlurmExecutor;
use super::transport::CommandTransport;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::Executors;
use crate::live::{FollowOptions, ProgressRecorder};
use crate::outcome::{self, Outcome};
use crate::reported_results;
use crate::run_id::RunId;
use crate::store::{Finish, RunRow};
use crate::timestamp;

/// How often the app asks Slurm about its runs.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Run folders may sit on a network filesystem that emits no file events:
/// progress of cluster runs is read by polling.
const PROGRESS_POLL: Duration = Duration::from_millis(1000);

/// What accounting (`sacct`) remembers of the runs' jobs that the
/// controller has already purged. Nothing when the cluster keeps no
/// accounting (sacct then fails) or is not asked: such runs are settled
/// from their exit.json alone.
pub(crate) async fn accounting_of_purged(
    transport: &dyn CommandTransport,
    submitted: &[RunRow],
    known: &[JobLine],
) -> Vec<JobLine> {
    let known: HashSet<(&str, Option<i64>)> =
        known.iter().map(|l| (l.job_id.as_str(), l.array_task)).collect();
    let mut purged: Vec<String> = submitted
        .iter()
        .filter(|r| {
            let job = r.slurm_job_id.as_deref().unwrap_or_default();
            !known.contains(&(job, r.slurm_array_task))
        })
        .filter_map(|r| job_label(r.slurm_job_id.as_deref(), r.slurm_array_task))
        .collect();
    if purged.is_empty() {
        return Vec::new();
    }
    purged.sort_unstable();
    purged.dedup();
    let args = vec![
        "-n".to_owned(),
        "-P".to_owned(),
        "-X".to_owned(),
        "-j".to_owned(),
        purged.join(","),
        "-o".to_owned(),
        squeue::SACCT_FORMAT.to_owned(),
    ];
    match commands::run(transport, "sacct", &args).await {
        Ok(text) => squeue::parse_sacct(&text),
        Err(_) => Vec::new(),
    }
}

pub(crate) async fn apply_job_state(
    ex: &Executors,
    slurm: &SlurmExecutor,
    row: &RunRow,
    job: Option<&JobLine>,
    transport: &dyn CommandTransport,
) -> Result<()> {
    let id = row.run_id();
    let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task).unwrap_or_default();
    let Some(job) = job else {
        return settle_cluster_run(ex, slurm, row, None, transport).await;
    };
    match squeue::phase(&job.state) {
        Phase::Queued if squeue::never_starts(&job.reason) => {
            let _ = commands::run(transport, "scancel", std::slice::from_ref(&label)).await;
            fail_cluster_run(
                ex.ctx(),
                &id,
                format!(
                    "Slurm can never start this run: {}. Its job {label} was cancelled; change \
                     the cluster profile and run it again",
                    squeue::explain_reason(&job.reason)
                ),
            )
            .await
        }
        Phase::Queued => {
            if row.cancel_requested_at.is_some() {
                return Ok(());
            }
            let detail = format!(
                "Waiting in Slurm's queue: {}",
                squeue::explain_reason(&job.reason)
            );
            if ex.ctx().store().set_detail(&id, &detail).await? {
                ex.ctx().emit_row(&id).await?;
            }
            Ok(())
        }
        Phase::Active => {
            let detail = if row.cancel_requested_at.is_some() {
                row.status_detail.clone().unwrap_or_else(|| "Stopping".to_owned())
            } else if job.state == "SUSPENDED" {
                format!("Suspended by Slurm (job {label})")
            } else {
                format!("Running on {} (Slurm job {label})", job.nodes)
            };
            let changed = ex.ctx().store().mark_running(&id, &detail).await?
                || ex.ctx().store().set_detail(&id, &detail).await?;
            if changed {
                ex.ctx().emit_row(&id).await?;
            }
            record_progress(ex, slurm, &id);
            Ok(())
        }
        Phase::Ended => settle_cluster_run(ex, slurm, row, Some(job), transport).await,
    }
}

/// A simulator that saves its results outside the run folder (the
/// Python FUSION, into its source tree) reports where in its log, as
/// the node sees the path: that folder becomes an artifact root of the run.
async fn register_cluster_results(ctx: &Ctx, row: &RunRow) {
    // A removed profile: the paths are taken as they are.
    let profile = profile::find(ctx.store(), &row.executor).await.ok();
    let root = ctx.data().root().to_owned();
    reported_results::register_final(ctx, &row.run_id(), |p| match &profile {
        Some(profile) => profile.local_path(&root, p),
        None => p.to_owned(),
    })
    .await;
}

fn record_progress(ex: &Executors, slurm: &SlurmExecutor, id: &RunId) {
    if !ex.watches_runs() {
        return;
    }
    let mut recorders = slurm.recorders.lock().expect("recorders lock");
    recorders.entry(id.clone()).or_insert_with(|| {
        ProgressRecorder::start_with(
            ex.ctx().clone(),
            id.clone(),
            FollowOptions::polling(PROGRESS_POLL),
        )
    });
}

/// Records the end of a cluster run whose job ended (`job`) or that
/// Slurm no longer knows (`None`, purged after `MinJobAge`).
async fn settle_cluster_run(
    ex: &Executors,
    slurm: &SlurmExecutor,
    row: &RunRow,
    job: Option<&JobLine>,
    transport: &dyn CommandTransport,
) -> Result<()> {
    let id = row.run_id();
    let dir = ex.ctx().data().run(&id);
    let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task).unwrap_or_default();
    let recorder = slurm.recorders.lock().expect("recorders lock").remove(&id);
    match recorder {
        Some(recorder) => recorder.finish().await,
        None => {
            // Never seen running here (a fast job, or another process
            // followed it): record the final progress once.
            let recorder = ProgressRecorder::start_with(
                ex.ctx().clone(),
                id.clone(),
                FollowOptions::polling(PROGRESS_POLL),
            );
            recorder.finish().await;
        }
    }
    register_cluster_results(ex.ctx(), row).await;
    let outcome = Outcome::read(&dir.exit_file()).unwrap_or(None);
    let state = job.map(|j| j.state.as_str());
    let (exit_code, exit_signal) = outcome.as_ref().map_or((None, None), |o| (o.exit_code, o.signal));
    let finished_at = outcome
        .as_ref()
        .map_or_else(timestamp::now, |o| o.finished_at.clone());
    // Whatever ended it, the run ended when (and as) its exit.json says.
    let end = |f: Finish| f.with_exit(exit_code, exit_signal).at(finished_at.clone());
    let log = dir.sim_log();
    let finish = if row.cancel_requested_at.is_some() {
        end(Finish::cancelled())
    } else if state == Some("CANCELLED") {
        end(Finish::cancelled_because(format!(
            "Job {label} was cancelled in Slurm, outside FUSION Desk (scancel or an administrator)"
        )))
    } else if let Some(message) = state.and_then(|s| squeue::ended_message(s, &job.unwrap().time_limit)) {
        end(Finish::failed(outcome::with_log_tail(message, &log)))
    } else {
        match &outcome {
            Some(o) if o.cancelled => end(Finish::failed(outcome::with_log_tail(
                format!(
                    "Slurm stopped job {label} with a signal (a time limit, a preemption or an \
                     scancel outside FUSION Desk)"
                ),
                &log,
            ))),
            Some(o) => o.finish(&log),
            None => match state {
                Some("COMPLETED") => end(Finish::completed()),
                Some(_) => {
                    let code = match job.and_then(|j| j.exit) {
                        Some(exit) => Some(exit),
                        None => commands::run(
                            transport,
                            "scontrol",
                            &["show".into(), "job".into(), "-o".into(), label.clone()],
                        )
                        .await
                        .ok()
                        .and_then(|t| squeue::parse_exit_code(&t)),
                    };
                    let head = match code {
                        Some((code, 0)) => format!("The simulator exited with code {code}"),
                        Some((_, sig)) => format!(
                            "The simulator was killed by signal {sig} ({})",
                            outcome::signal_name(sig)
                        ),
                        None => format!("Slurm job {label} failed"),
                    };
                    Finish::failed(outcome::with_log_tail(head, &log))
                        .at(finished_at.clone())
                        .with_exit(
                            code.filter(|c| c.1 == 0).map(|c| c.0),
                            code.filter(|c| c.1 != 0).map(|c| c.1),
                        )
                }
                None => end(Finish::failed(outcome::with_log_tail(
                    format!(
                        "Slurm no longer knows job {label} (it forgets finished jobs after a \
                         while) and the run left no exit.json, so its outcome is unknown"
                    ),
                    &log,
                ))),
            },
        }
    };
    let detail = state.map(|s| format!("Slurm job {label} ended as {s}"));
    let started_at = started_at_of(&dir.exit_file());
    crate::artifacts::metrics::record_quietly(ex.ctx(), &id, Some(&finish.completed_at)).await;
    if ex
        .ctx()
        .store()
        .finish_on_cluster(&id, &finish, started_at.as_deref(), detail.as_deref())
        .await?
    {
        ex.ctx().emit_row(&id).await?;
    }
    Ok(())
}

/// Records a cluster run as failed with why.
pub(crate) async fn fail_cluster_run(ctx: &Ctx, id: &RunId, message: String) -> Result<()> {
    if ctx
        .store()
        .finish_on_cluster(id, &Finish::failed(message), None, None)
        .await?
    {
        ctx.emit_row(id).await?;
    }
    Ok(())
}

/// The simulator's start as the batch script recorded it in exit.json.
fn started_at_of(exit_file: &std::path::Path) -> Option<String> {
    let bytes = crate::runfs::read(exit_file, crate::runfs::SMALL_FILE_CAP).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let started = value.get("started_at")?.as_str()?;
    timestamp::parse(started).map(|_| started.to_owned())
}
