//! Settling local runs: a running run whose owner (its supervisor) is gone
//! gets its final state from its exit.json, or fails with why; a live one is
//! adopted by a task that records its end as soon as its lock frees up.

use std::time::Duration;

use crate::artifacts::{disk, metrics};
use crate::ctx::Ctx;
use crate::error::{DeskError, ErrorCode, Result};
use crate::events::RunEvent;
use crate::exec::Executors;
use crate::layout::RunDir;
use crate::model::RunStatus;
use crate::outcome::{self, Outcome};
use crate::procfs;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::Finish;

use super::{kill_orphans, LocalExecutor};

/// Checks one running run: if its owner is alive it is (re)adopted when
/// this process watches runs; if not, its final state is settled.
pub async fn reconcile(ex: &Executors, local: &LocalExecutor, id: &RunId) -> Result<()> {
    let ctx = ex.ctx();
    let dir = ctx.data().run(id);
    if !dir.root().is_dir() {
        if ctx
            .store()
            .finish(
                id,
                &Finish::failed("The run's folder disappeared while it was running"),
            )
            .await?
        {
            ctx.emit_row(id).await?;
        }
        return Ok(());
    }
    match RunLock::try_acquire(&dir.lock_file()) {
        Ok(None) => {
            if ex.watches_runs() {
                watch(ex, local, id.clone(), None);
            }
            Ok(())
        }
        Ok(Some(lock)) => settle_unowned(ctx, id, &dir, Some(lock)).await,
        Err(e) if e.code == ErrorCode::ForbiddenPath || e.code == ErrorCode::NotFound => {
            // The simulator replaced or removed run.lock (its folder is its
            // own to write). The supervisor still holds the original; while
            // it lives the run is owned, once it is gone the run is settled.
            let row = ctx.store().require(id).await?;
            if supervisor_alive(&row) {
                Ok(())
            } else {
                settle_unowned(ctx, id, &dir, None).await
            }
        }
        Err(e) => Err(e),
    }
}

fn supervisor_alive(row: &crate::store::RunRow) -> bool {
    match (row.supervisor_pid, row.supervisor_start_time) {
        (Some(pid), Some(start)) => procfs::is_same_process(pid as i32, start as u64),
        _ => false,
    }
}

/// Settles a running run nobody owns any more; we hold its lock (or the
/// lock file is gone and its last owner with it).
async fn settle_unowned(ctx: &Ctx, id: &RunId, dir: &RunDir, _lock: Option<RunLock>) -> Result<()> {
    let store = ctx.store();
    let Some(row) = store.get(id).await? else {
        return Ok(());
    };
    if row.status() != RunStatus::Running {
        // Its supervisor already recorded the end; make sure we told everyone.
        ctx.emit(RunEvent::RunUpdated {
            run: Box::new(ctx.to_run(row)),
        });
        return Ok(());
    }
    match Outcome::read(&dir.exit_file()) {
        Ok(Some(outcome)) => return finish_owned_run(ctx, id, &outcome).await,
        Ok(None) => {}
        Err(e) => {
            // The folder is the simulator's to write: a broken or planted
            // exit.json settles the run as failed instead of never.
            kill_orphans(&row);
            let finish = Finish::failed(format!(
                "The run's outcome file could not be read, so its exit status is unknown: {}",
                e.message
            ));
            return record_end(ctx, id, &finish).await;
        }
    }
    if row.pid.is_none() {
        // Claimed, but no simulator pid on record. If the supervisor had
        // recorded itself it may have started the simulator and died
        // before recording it: a live simulator must never run twice in
        // one folder, so anything carrying the run's id is stopped and the
        // run fails instead of going back to the queue.
        let left = procfs::processes_of_run(id.as_str());
        if row.supervisor_pid.is_none() || left.is_empty() {
            if store.requeue(id).await? {
                ctx.emit_row(id).await?;
            }
            return Ok(());
        }
        for (pid, start) in left {
            procfs::signal_if_same(pid, start, nix::sys::signal::Signal::SIGKILL);
        }
        let finish = Finish::failed(
            "The run's supervisor stopped before recording the simulator's pid; \
             the simulator it had started was stopped",
        );
        return record_end(ctx, id, &finish).await;
    }
    // The supervisor died without recording an outcome (killed, or the
    // machine went down). Nothing of the run may keep running unowned.
    kill_orphans(&row);
    let finish = if row.cancel_requested_at.is_some() {
        Finish::cancelled()
    } else {
        Finish::failed(outcome::with_log_tail(
            "The run's supervisor stopped unexpectedly, so the simulator's exit status is unknown; \
             any simulator process left was stopped"
                .to_owned(),
            &dir.sim_log(),
        ))
    };
    // What it saved before it stopped still counts in the history.
    metrics::record_quietly(ctx, id, Some(&finish.completed_at)).await;
    record_end(ctx, id, &finish).await
}

/// Records the outcome of a run whose supervisor has finished.
pub async fn finish_owned_run(ctx: &Ctx, id: &RunId, outcome: &Outcome) -> Result<()> {
    let finish = outcome.finish(&ctx.data().run(id).sim_log());
    // Summarised before the run turns terminal, so whoever sees it ended
    // sees its results in the list too.
    metrics::record_quietly(ctx, id, Some(&finish.completed_at)).await;
    record_end(ctx, id, &finish).await
}

/// Makes a running run terminal; the one that does measures the folder it
/// left (however the run ended, the history shows what it takes on disk).
async fn record_end(ctx: &Ctx, id: &RunId, finish: &Finish) -> Result<()> {
    if ctx.store().finish(id, finish).await? {
        disk::measure_quietly(ctx, id).await;
        ctx.emit_row(id).await?;
    }
    Ok(())
}

/// A task that waits for a run's owner to go away (its lock to free up)
/// and settles the run at once, then serves the queue. One per run and
/// process, owned by the executor: it holds the executors only while it
/// settles, so it ends with them (the run's supervisor records the run
/// whoever watches it).
pub(super) fn watch(ex: &Executors, local: &LocalExecutor, id: RunId, child: Option<tokio::process::Child>) {
    let weak = ex.downgrade();
    let watched = id.clone();
    local.watch_with(&watched, move |leave| async move {
        if let Some(mut child) = child {
            // Reap our supervisor child; it exits once the run is recorded.
            let _ = child.wait().await;
        }
        let lock_path = match weak.upgrade() {
            Some(ex) => ex.ctx().data().run(&id).lock_file(),
            None => return,
        };
        let lock = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path)).await;
        let Some(ex) = weak.upgrade() else { return };
        let ctx = ex.ctx();
        let result = match lock {
            Ok(Ok(lock)) => settle_unowned(ctx, &id, &ctx.data().run(&id), Some(lock)).await,
            // run.lock was replaced: settle the way a poll does.
            Ok(Err(e)) if matches!(e.code, ErrorCode::ForbiddenPath | ErrorCode::NotFound) => {
                wait_for_owner_then_settle(ctx, &id).await
            }
            Ok(Err(e)) => Err(e),
            Err(e) => Err(DeskError::internal(format!("watch task failed: {e}"))),
        };
        if let Err(e) = result {
            tracing::warn!(run = %id, "cannot settle run: {e}");
        }
        if let Ok(executor) = ex.for_placement(&crate::model::Placement::Local) {
            if let Err(e) = executor.start_ready(&ex).await {
                tracing::warn!("cannot start queued runs: {e}");
            }
        }
        // Last: leaving the set drops this task's own handle.
        leave();
    });
}

/// For a run whose lock file was replaced: waits (polling) until its
/// supervisor is gone, then settles it.
async fn wait_for_owner_then_settle(ctx: &Ctx, id: &RunId) -> Result<()> {
    loop {
        let Some(row) = ctx.store().get(id).await? else {
            return Ok(());
        };
        if row.status() != RunStatus::Running {
            return Ok(());
        }
        if !supervisor_alive(&row) {
            return settle_unowned(ctx, id, &ctx.data().run(id), None).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
