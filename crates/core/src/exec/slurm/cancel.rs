//! Cancelling a cluster run: a run not yet submitted, or still in Slurm's
//! queue, is CANCELLED at once (its job removed); a running one gets
//! `scancel --batch --signal=TERM`, then a plain `scancel` after the grace
//! period, and is CANCELLED when Slurm reports the job ended.

use std::time::Duration;

use super::commands;
use super::job_label;
use super::profile;
use super::state::SlurmExecutor;
use crate::error::Result;
use crate::exec::Executors;
use crate::model::RunStatus;
use crate::store::{Finish, RunRow};

/// Cancels a cluster run: a run not yet submitted, or still in Slurm's
/// queue, is CANCELLED at once (its job removed); a running one gets
/// `scancel --batch --signal=TERM` (the batch shell forwards it to the
/// simulator's whole group), then a plain `scancel` after the grace
/// period, and is CANCELLED when Slurm reports the job ended.
pub async fn cancel_on_cluster(ex: &Executors, slurm: &SlurmExecutor, row: &RunRow) -> Result<()> {
    let id = row.run_id();
    let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task);
    let profile = profile::find(ex.ctx().store(), &row.executor).await.ok();
    let transport = slurm.transport_for(ex.ctx().data(), profile.as_ref());
    let store = ex.ctx().store();
    let Some(label) = label else {
        // Not submitted: nothing exists on the cluster. The submit lock
        // keeps a submission from racing this (it re-checks the row).
        store.cancel_pending(&id).await?;
        return Ok(());
    };
    if row.status() == RunStatus::Pending {
        commands::run(transport.as_ref(), "scancel", std::slice::from_ref(&label)).await?;
        let detail = format!("Removed from Slurm's queue (job {label})");
        store.request_cancel_with_detail(&id, "Cancelled").await?;
        store
            .finish_on_cluster(&id, &Finish::cancelled(), None, Some(&detail))
            .await?;
        return Ok(());
    }
    let grace = store.settings().await?.grace();
    store
        .request_cancel_with_detail(
            &id,
            &format!("Stopping: SIGTERM sent, SIGKILL after {} s", grace.as_secs_f64()),
        )
        .await?;
    commands::run(
        transport.as_ref(),
        "scancel",
        &["--batch".to_owned(), "--signal=TERM".to_owned(), label.clone()],
    )
    .await?;
    let store = store.clone();
    let watched = id.clone();
    slurm.own(async move {
        // The batch script escalates by itself too, so a cancel from a
        // short-lived `fdesk` that exits now still ends the run.
        tokio::time::sleep(grace + Duration::from_millis(500)).await;
        if store
            .get(&watched)
            .await
            .ok()
            .flatten()
            .is_some_and(|r| !r.status().is_terminal())
        {
            let _ = commands::run(transport.as_ref(), "scancel", &[label]).await;
        }
    });
    Ok(())
}
