//! Bringing runs to their true state: one run on request (a log view that
//! wonders whether its run ended, a change another process made), and every
//! run after a start-up.

use std::time::Duration;

use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::Executors;
use crate::model::RunStatus;
use crate::run_id::RunId;

/// Checks one run with its executor: an ended one is recorded, a live one
/// adopted when this process watches runs. Nothing for a run that is gone.
pub async fn reconcile(ex: &Executors, id: &RunId) -> Result<()> {
    let Some(row) = ex.ctx().store().get(id).await? else {
        return Ok(());
    };
    if row.status().is_terminal() {
        return Ok(());
    }
    ex.for_row(&row)?.settle(ex, std::slice::from_ref(&row)).await
}

/// Brings every non-terminal run to its true state after a start-up:
/// finished runs get their outcome, live ones are re-adopted, lost ones
/// fail with a clear message; then every executor starts what is ready.
pub async fn recover(ex: &Executors) -> Result<()> {
    let store = ex.ctx().store();
    let mut active = store.with_status(RunStatus::Running).await?;
    active.extend(store.with_status(RunStatus::Pending).await?);
    for (executor, rows) in ex.group(&active) {
        executor.settle(ex, &rows).await?;
    }
    remove_abandoned_folders(ex.ctx()).await?;
    super::lifecycle::start_ready(ex).await
}

/// A `create` that died between writing a run's folder and its row leaves
/// a folder no run owns (only its config: nothing ever ran in it). Such
/// folders are removed once they are old enough that no `create` can
/// still be finishing them.
async fn remove_abandoned_folders(ctx: &Ctx) -> Result<()> {
    const MIN_AGE: Duration = Duration::from_secs(120);
    let Ok(entries) = std::fs::read_dir(ctx.data().runs()) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_str().is_some_and(|n| n.starts_with(".deleted-")) {
            // A delete moves the folder aside first; a crash before its
            // removal leaves it here, owned by no run.
            let path = entry.path();
            if let Err(e) = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(&path))
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|r| r)
            {
                tracing::warn!("cannot remove {}: {e}", entry.path().display());
            }
            continue;
        }
        let Some(id) = name.to_str().and_then(|n| RunId::parse(n).ok()) else {
            continue;
        };
        let old_enough = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= MIN_AGE));
        if old_enough && ctx.store().get(&id).await?.is_none() {
            let dir = ctx.data().run(&id);
            let never_ran = !dir.exit_file().exists() && !dir.sim_log().exists();
            if never_ran {
                if let Err(e) = std::fs::remove_dir_all(dir.root()) {
                    tracing::warn!("cannot remove the abandoned folder {}: {e}", dir.root().display());
                }
            }
        }
    }
    Ok(())
}

/// A live view settles its run through the run's executor.
impl crate::live::Settle for Executors {
    fn settle_run<'a>(&'a self, id: &'a RunId) -> crate::tasks::Pending<'a, ()> {
        Box::pin(reconcile(self, id))
    }
}
