//! The Slurm executor as an [`Executor`]: starting what is ready submits
//! it, settling is one tick of the poll (and, in a process that watches
//! runs, a poller that keeps ticking).

use std::time::Duration;

use super::state::SlurmExecutor;
use super::{cancel, monitor, poll, submit};
use crate::exec::executors::{Executor, Executors, Pending};
use crate::model::Placement;
use crate::store::RunRow;
use crate::tasks::TaskProbe;

impl Executor for SlurmExecutor {
    fn serves(&self, placement: &Placement) -> bool {
        matches!(placement, Placement::Slurm { .. })
    }

    fn start_ready<'a>(&'a self, ex: &'a Executors) -> Pending<'a, ()> {
        Box::pin(async move {
            if submit::submit_to_clusters(ex, self).await? {
                follow(ex, self);
            }
            Ok(())
        })
    }

    fn cancel<'a>(&'a self, ex: &'a Executors, row: &'a RunRow) -> Pending<'a, ()> {
        Box::pin(async move {
            cancel::cancel_on_cluster(ex, self, row).await?;
            follow(ex, self);
            Ok(())
        })
    }

    /// One `squeue` serves every active cluster run, so the batch is always
    /// all of them, whichever rows asked.
    fn settle<'a>(&'a self, ex: &'a Executors, _rows: &'a [RunRow]) -> Pending<'a, ()> {
        Box::pin(poll::poll_clusters(ex, self))
    }

    fn poll_interval(&self) -> Duration {
        // Slurm is asked at its own pace (a poll is skipped when the last
        // one is recent), not every few milliseconds.
        monitor::POLL_INTERVAL / 4
    }

    fn background_tasks(&self) -> Vec<TaskProbe> {
        self.poller_probe().into_iter().collect()
    }
}

/// A process that watches runs follows what it submitted or cancelled.
fn follow(ex: &Executors, slurm: &SlurmExecutor) {
    if ex.watches_runs() {
        poll::ensure_poller(ex, slurm);
    }
}
