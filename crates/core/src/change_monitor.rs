//! Turns changes other processes make to the database (a CLI creating a run, a
//! supervisor recording an outcome or starting the next queued run) into
//! events, without polling the table: notify reports writes to the database
//! files and a cheap summary query tells whether anything changed.

use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use std::sync::Weak;

use crate::error::{DeskError, Result};
use crate::events::RunEvent;
use crate::exec::Executors;
use crate::model::RunStatus;
use crate::runs;
use crate::store::ChangeSummary;
use crate::tasks::TaskHandle;

/// Writes arrive in bursts (a transaction touches the WAL several times).
const DEBOUNCE: Duration = Duration::from_millis(15);
/// Some filesystems emit no events; a slow fallback check covers them.
const FALLBACK: Duration = Duration::from_secs(5);

async fn summary(ex: &Executors) -> Result<ChangeSummary> {
    ex.ctx().store().change_summary().await
}

/// Starts the monitor; it stops when the handle is dropped or its executors
/// are gone (it holds them only while it handles a change).
pub fn spawn(weak: Weak<Executors>) -> Result<TaskHandle> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let touches_db = res.is_ok_and(|ev| {
            ev.paths.iter().any(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("fusion-desk.db"))
            })
        });
        if touches_db {
            // A full channel already holds a wake-up; dropping this one is fine.
            let _ = tx.try_send(());
        }
    })
    .map_err(|e| DeskError::internal(format!("cannot watch the data dir: {e}")))?;
    let root = weak
        .upgrade()
        .ok_or_else(|| DeskError::internal("the run executors were closed"))?
        .ctx()
        .data()
        .root()
        .to_owned();
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| DeskError::internal(format!("cannot watch the data dir: {e}")))?;

    Ok(TaskHandle::spawn(async move {
        let _watcher = watcher;
        let mut last = match weak.upgrade() {
            Some(ex) => summary(&ex).await.ok(),
            None => return,
        };
        loop {
            tokio::select! {
                woke = rx.recv() => if woke.is_none() { break },
                _ = tokio::time::sleep(FALLBACK) => {}
            }
            tokio::time::sleep(DEBOUNCE).await;
            while rx.try_recv().is_ok() {}
            let Some(ex) = weak.upgrade() else { return };
            let Ok(now) = summary(&ex).await else { continue };
            let Some(prev) = last.replace(now.clone()) else {
                continue;
            };
            if prev == now {
                continue;
            }
            let since = prev.latest_update.unwrap_or_default();
            if let Ok(rows) = ex.ctx().store().changed_since(&since).await {
                for row in rows {
                    let id = row.run_id();
                    let running = row.status() == RunStatus::Running;
                    ex.ctx().emit(RunEvent::RunUpdated {
                        run: Box::new(ex.ctx().to_run(row)),
                    });
                    if running {
                        // Started by another process: watch it to its end too.
                        if let Err(e) = runs::settle::reconcile(&ex, &id).await {
                            tracing::warn!(run = %id, "cannot adopt run: {e}");
                        }
                    }
                }
            }
            if prev.count != now.count {
                ex.ctx().emit(RunEvent::RunsChanged);
            }
        }
    }))
}
