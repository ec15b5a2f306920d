//! One tick of the Slurm executor: submit what waits, then one `squeue` for
//! every active run of the clusters this machine submits to (clusters
//! reached over SSH are followed by [`crate::exec::ssh::follow`]); and the
//! poller task that ticks while this process watches runs.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::commands::{self, SlurmError};
use super::monitor::{accounting_of_purged, apply_job_state, POLL_INTERVAL};
use super::squeue::{self, JobLine};
use super::state::SlurmExecutor;
use crate::error::Result;
use crate::exec::ssh;
use crate::exec::Executors;
use crate::model::{Placement, RunStatus};
use crate::store::RunRow;
use crate::tasks::TaskHandle;

/// Starts the poller task once per process. It holds the executors only
/// for the length of one tick, so dropping their last owner stops it.
pub fn ensure_poller(ex: &Executors, slurm: &SlurmExecutor) {
    let mut poller = slurm.poller.lock().expect("poller lock");
    if poller.is_some() {
        return;
    }
    let weak = ex.downgrade();
    *poller = Some(TaskHandle::spawn(async move {
        let cluster = Placement::Slurm {
            cluster: String::new(),
        };
        loop {
            let Some(ex) = weak.upgrade() else { return };
            if let Ok(executor) = ex.for_placement(&cluster) {
                if let Err(e) = executor.settle(&ex, &[]).await {
                    tracing::warn!("cannot follow cluster runs: {e}");
                }
            }
            drop(ex);
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }));
}

/// One tick: submits what waits to be submitted, then asks Slurm about
/// every active cluster run at once and settles them. Errors of Slurm
/// itself are recorded on the runs; only store errors are returned.
pub async fn poll_clusters(ex: &Executors, slurm: &SlurmExecutor) -> Result<()> {
    let mut last = slurm.polling.lock().await;
    // Callers that loop (wait, log followers) ask often; Slurm is asked
    // at most about once a second per process.
    if last.is_some_and(|t| t.elapsed() < POLL_INTERVAL * 9 / 10) {
        return Ok(());
    }
    let active = ex.ctx().store().active_on_clusters().await?;
    if active.is_empty() {
        *last = Some(Instant::now());
        return Ok(());
    }
    if ex.watches_runs() {
        ensure_poller(ex, slurm);
    }
    if active
        .iter()
        .any(|r| r.slurm_job_id.is_none() && r.status() == RunStatus::Pending)
    {
        super::submit::submit_to_clusters(ex, slurm).await?;
    }
    let submitted: Vec<RunRow> = ex
        .ctx()
        .store()
        .active_on_clusters()
        .await?
        .into_iter()
        .filter(|r| r.slurm_job_id.is_some())
        .collect();
    let submitted = ssh::follow::follow_remote(ex, slurm, submitted).await?;
    *last = Some(Instant::now());
    if submitted.is_empty() {
        return Ok(());
    }
    let jobs: HashSet<&str> = submitted
        .iter()
        .filter_map(|r| r.slurm_job_id.as_deref())
        .collect();
    let mut jobs: Vec<&str> = jobs.into_iter().collect();
    jobs.sort_unstable();
    let args = squeue::squeue_args(&jobs);
    let lines = match commands::run(slurm.transport(), "squeue", &args).await {
        Ok(text) => squeue::parse_squeue(&text),
        // Every job asked about is gone from the controller's memory.
        Err(SlurmError::Refused(m)) if m.contains("Invalid job id") => Vec::new(),
        Err(e) => {
            let detail = match &e {
                SlurmError::Unreachable(m) => format!(
                    "Cannot reach the Slurm controller ({m}). The run is kept; FUSION Desk \
                     checks again every few seconds"
                ),
                other => format!("Cannot ask Slurm about the run: {}", other.message()),
            };
            for row in &submitted {
                if ex.ctx().store().set_detail(&row.run_id(), &detail).await? {
                    ex.ctx().emit_row(&row.run_id()).await?;
                }
            }
            return Ok(());
        }
    };
    let mut lines = lines;
    lines.extend(accounting_of_purged(slurm.transport(), &submitted, &lines).await);
    let by_job: HashMap<(&str, Option<i64>), &JobLine> = lines
        .iter()
        .map(|l| ((l.job_id.as_str(), l.array_task), l))
        .collect();
    for row in &submitted {
        let key = (
            row.slurm_job_id.as_deref().unwrap_or_default(),
            row.slurm_array_task,
        );
        apply_job_state(ex, slurm, row, by_job.get(&key).copied(), slurm.transport()).await?;
    }
    Ok(())
}
