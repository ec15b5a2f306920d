//! Following the runs of clusters reached over SSH, one squeue call per
//! cluster and tick: the log and progress lines are pulled into the local
//! run folders first, the results fetched once a job has ended, and then
//! each job's state is applied exactly as for a cluster this machine
//! submits to; a job already purged from the queue is looked up in the
//! cluster's accounting (`sacct`) over the same connection. A login node
//! that does not answer leaves the runs as they are, says "cluster
//! unreachable since HH:MM" on their status lines, and the next tick
//! follows them again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::sync;
use super::transport::SshTransport;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::slurm::commands::{self, SlurmError};
use crate::exec::slurm::monitor::{accounting_of_purged, apply_job_state};
use crate::exec::slurm::profile;
use crate::exec::slurm::squeue::{self, JobLine, Phase};
use crate::exec::slurm::state::SlurmExecutor;
use crate::exec::Executors;
use crate::store::RunRow;

/// Follows the submitted runs of SSH clusters; returns the other runs, for
/// the Slurm executor's own poll.
pub(crate) async fn follow_remote(
    ex: &Executors,
    slurm: &SlurmExecutor,
    submitted: Vec<RunRow>,
) -> Result<Vec<RunRow>> {
    let profiles = profile::load(ex.ctx().store()).await?;
    let mut remote: BTreeMap<String, (Arc<SshTransport>, Vec<RunRow>)> = BTreeMap::new();
    let mut rest = Vec::new();
    for row in submitted {
        let transport = profiles
            .iter()
            .find(|p| p.name == row.executor)
            .and_then(|p| slurm.ssh().for_profile(ex.ctx().data(), p).ok().flatten());
        match transport {
            Some(t) => remote
                .entry(row.executor.clone())
                .or_insert_with(|| (t, Vec::new()))
                .1
                .push(row),
            None => rest.push(row),
        }
    }
    for (transport, rows) in remote.values() {
        follow_cluster(ex, slurm, transport, rows).await?;
    }
    Ok(rest)
}

async fn unreachable(ctx: &Ctx, rows: &[&RunRow], remote: &SshTransport, why: &str) -> Result<()> {
    let since = remote
        .unreachable_note()
        .unwrap_or_else(|| "cluster unreachable".to_owned());
    let detail =
        format!("{since} ({why}). The run is kept; FUSION Desk follows it again when the cluster answers");
    for row in rows {
        if ctx.store().set_detail(&row.run_id(), &detail).await? {
            ctx.emit_row(&row.run_id()).await?;
        }
    }
    Ok(())
}

async fn follow_cluster(
    ex: &Executors,
    slurm: &SlurmExecutor,
    remote: &SshTransport,
    rows: &[RunRow],
) -> Result<()> {
    let mut jobs: Vec<&str> = rows.iter().filter_map(|r| r.slurm_job_id.as_deref()).collect();
    jobs.sort_unstable();
    jobs.dedup();
    let args = squeue::squeue_args(&jobs);
    let all: Vec<&RunRow> = rows.iter().collect();
    let mut lines = match commands::run(remote, "squeue", &args).await {
        Ok(text) => squeue::parse_squeue(&text),
        Err(SlurmError::Refused(m)) if m.contains("Invalid job id") => Vec::new(),
        Err(SlurmError::Unreachable(m)) if remote.unreachable_note().is_some() => {
            return unreachable(ex.ctx(), &all, remote, &m).await
        }
        Err(e) => {
            let detail = format!("Cannot ask Slurm about the run: {}", e.message());
            for row in rows {
                if ex.ctx().store().set_detail(&row.run_id(), &detail).await? {
                    ex.ctx().emit_row(&row.run_id()).await?;
                }
            }
            return Ok(());
        }
    };
    // A job the controller has purged (it ended while nobody followed it:
    // the app was closed, the login node unreachable) is asked of the
    // cluster's accounting, on the login node like every other command.
    lines.extend(accounting_of_purged(remote, rows, &lines).await);
    let by_job: HashMap<(&str, Option<i64>), &JobLine> = lines
        .iter()
        .map(|l| ((l.job_id.as_str(), l.array_task), l))
        .collect();
    // Every run's new log and progress lines first, in one exchange; then
    // the ended runs' results, in another; then each run's state.
    let ids: Vec<_> = rows.iter().map(RunRow::run_id).collect();
    match sync::pull_growing(remote, ex.ctx().data(), &ids).await {
        Ok(()) => {}
        // One connection serves them all: every run of the cluster waits.
        Err(e) if e.kind.is_transient() => return unreachable(ex.ctx(), &all, remote, &e.message).await,
        // The lines could not be brought here: the runs are still followed
        // from what Slurm says, with the logs they have.
        Err(e) => tracing::warn!("cannot bring the runs' lines from the cluster: {e}"),
    }
    let job_of = |row: &RunRow| {
        let key = (
            row.slurm_job_id.as_deref().unwrap_or_default(),
            row.slurm_array_task,
        );
        by_job.get(&key).copied()
    };
    let ended: Vec<_> = rows
        .iter()
        .filter(|r| job_of(r).is_none_or(|j| squeue::phase(&j.state) == Phase::Ended))
        .map(RunRow::run_id)
        .collect();
    match sync::fetch_results(remote, ex.ctx().data(), &ended).await {
        Ok(()) => {}
        Err(e) if e.kind.is_transient() => return unreachable(ex.ctx(), &all, remote, &e.message).await,
        // The files could not be brought here: the runs are still settled
        // from what Slurm says, with the logs they have.
        Err(e) => tracing::warn!("cannot bring the results of ended runs from the cluster: {e}"),
    }
    for row in rows {
        apply_job_state(ex, slurm, row, job_of(row), remote).await?;
    }
    Ok(())
}
