//! A run's progress as it stands, over the context: what other domains (the
//! results table, the history) read without following the run.

use std::collections::HashMap;

use super::follow::read_progress;
use super::progress::RunProgress;
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::model::RunStatus;
use crate::run_id::RunId;

pub(super) async fn run_status(ctx: &Ctx, id: &str) -> Result<(RunId, RunStatus)> {
    let id = RunId::parse(id)?;
    let row = ctx.store().require(&id).await?;
    Ok((id, row.status()))
}

/// A run's progress: the cache its supervisor keeps, else read from its
/// files (runs from before the cache existed). `None` before any event.
pub async fn progress(ctx: &Ctx, id: &str) -> Result<Option<RunProgress>> {
    let (id, status) = run_status(ctx, id).await?;
    let ended = status.is_terminal();
    if let Some(p) = super::cache::read(ctx, &id).await? {
        // The supervisor's last write closes every load. A run that ended
        // without it (its supervisor killed, settled at start-up; a cache
        // from before loads said why they ended) still has loads open:
        // the files know more than that cache.
        if !ended || p.loads.iter().all(|l| l.reason.is_some()) {
            return Ok(Some(p));
        }
    }
    let dir = ctx.data().run(&id);
    let read = tokio::task::spawn_blocking(move || read_progress(&dir, ended))
        .await
        .map_err(|e| DeskError::internal(format!("log task failed: {e}")))?;
    if let (true, Some(p)) = (ended, &read) {
        super::cache::write(ctx, &id, p).await;
    }
    Ok(read)
}

/// The cached progress of many runs (for a run list); runs with none are
/// left out. Reads no files. At most [`super::MAX_PROGRESS_RUNS`] at once.
pub async fn cached_progress(ctx: &Ctx, ids: &[String]) -> Result<HashMap<String, RunProgress>> {
    if ids.len() > super::MAX_PROGRESS_RUNS {
        return Err(DeskError::invalid_input(format!(
            "at most {} runs at once",
            super::MAX_PROGRESS_RUNS
        )));
    }
    super::cache::read_many(ctx, ids).await
}
