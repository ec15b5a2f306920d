//! The local queue: queued runs start oldest first while fewer than the
//! configured maximum run, whichever process serves the queue.

use crate::error::{DeskError, Result};
use crate::exec::protocol;
use crate::exec::Executors;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::Finish;

use super::{LaunchSpec, LocalExecutor};

/// Starts queued runs, oldest first, while fewer than the configured
/// maximum are running. Safe to call from any number of processes at once.
pub async fn dispatch(ex: &Executors, local: &LocalExecutor) -> Result<()> {
    let ctx = ex.ctx();
    // One dispatcher at a time across processes: claims then happen in
    // queue order even when several runs end at once.
    let lock_path = ctx.data().root().join("dispatch.lock");
    let _dispatching = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path))
        .await
        .map_err(|e| DeskError::internal(format!("dispatch lock task failed: {e}")))??;
    let store = ctx.store();
    let max = store.settings().await?.max_concurrent_runs;
    let mut after = 0;
    while store.running_count().await? < max {
        let Some(row) = store.next_pending(after).await? else {
            break;
        };
        after = row.seq;
        let id = row.run_id();
        let dir = ctx.data().run(&id);
        if !dir.root().is_dir() {
            fail_unstartable(ex, &id, max, "the run's folder is missing").await?;
            continue;
        }
        // A pending run's lock is only ever held by a dispatcher, and we are
        // the only one; held anyway means it is being handled: skip it.
        let Some(lock) = RunLock::try_acquire(&dir.lock_file())? else {
            continue;
        };
        let command = protocol::run_sim_command(row.simulator.as_deref(), &dir, &id)?;
        if !store.claim(&id, max).await? {
            continue;
        }
        ctx.emit_row(&id).await?;
        let spec = LaunchSpec {
            id: &id,
            dir: &dir,
            data: ctx.data(),
            command: &command,
            lock,
        };
        match local.launch(spec).await {
            Ok(launched) => {
                ctx.emit_row(&id).await?;
                if ex.watches_runs() {
                    super::settle::watch(ex, local, id, launched.child);
                }
            }
            Err(e) => {
                store
                    .finish(
                        &id,
                        &Finish::failed(format!("The run could not be started: {}", e.message)),
                    )
                    .await?;
                ctx.emit_row(&id).await?;
            }
        }
    }
    Ok(())
}

async fn fail_unstartable(ex: &Executors, id: &RunId, max: u32, why: &str) -> Result<()> {
    let store = ex.ctx().store();
    if store.claim(id, max.saturating_add(1)).await? {
        store
            .finish(
                id,
                &Finish::failed(format!("The run could not be started: {why}")),
            )
            .await?;
        ex.ctx().emit_row(id).await?;
    }
    Ok(())
}
