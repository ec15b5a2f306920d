//! The local executor as an [`Executor`]: the queue starts what is ready,
//! a cancel signals the run's group through its supervisor, settling
//! reconciles each running run with its lock.

use std::time::Duration;

use crate::error::{DeskError, Result};
use crate::exec::executors::{Executor, Executors, Pending};
use crate::model::{Placement, RunStatus};
use crate::store::RunRow;
use crate::tasks::TaskProbe;

use super::{queue, settle, LocalExecutor};

impl Executor for LocalExecutor {
    fn serves(&self, placement: &Placement) -> bool {
        *placement == Placement::Local
    }

    fn start_ready<'a>(&'a self, ex: &'a Executors) -> Pending<'a, ()> {
        Box::pin(queue::dispatch(ex, self))
    }

    fn cancel<'a>(&'a self, ex: &'a Executors, row: &'a RunRow) -> Pending<'a, ()> {
        Box::pin(cancel(ex, self, row))
    }

    fn settle<'a>(&'a self, ex: &'a Executors, rows: &'a [RunRow]) -> Pending<'a, ()> {
        Box::pin(async move {
            for row in rows.iter().filter(|r| r.status() == RunStatus::Running) {
                settle::reconcile(ex, self, &row.run_id()).await?;
            }
            Ok(())
        })
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_millis(25)
    }

    fn background_tasks(&self) -> Vec<TaskProbe> {
        self.watch_probes()
    }
}

/// A pending run is CANCELLED at once; a running one gets SIGTERM on its
/// whole group and SIGKILL after the grace period, and becomes CANCELLED
/// when its group is gone.
async fn cancel(ex: &Executors, local: &LocalExecutor, row: &RunRow) -> Result<()> {
    let (ctx, id) = (ex.ctx(), row.run_id());
    if row.status() == RunStatus::Pending && ctx.store().cancel_pending(&id).await? {
        return Ok(());
    }
    // Re-read: a pending run may have been started meanwhile.
    let row = ctx.store().require(&id).await?;
    if row.status() != RunStatus::Running {
        return Err(DeskError::invalid_state(format!(
            "run {id} is already {}; only pending or running runs can be cancelled",
            row.status().as_str()
        )));
    }
    ctx.store().request_cancel(&id).await?;
    let row = ctx.store().require(&id).await?;
    let grace = ctx.store().settings().await?.grace();
    if !local.request_stop(&row, &ctx.data().run(&id), grace)? {
        // Nobody left to ask: settle the run here and now.
        settle::reconcile(ex, local, &id).await?;
    }
    Ok(())
}
