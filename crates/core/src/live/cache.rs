//! The progress cache: a run's latest progress, kept in the store so a list
//! shows it without reading each run's files.

use std::collections::HashMap;

use super::progress::RunProgress;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::run_id::RunId;

/// Stores a run's latest progress. Failures are logged, not returned: the
/// cache is an optimisation and the run goes on regardless.
pub async fn write(ctx: &Ctx, id: &RunId, progress: &RunProgress) {
    let Ok(json) = serde_json::to_string(progress) else {
        return;
    };
    if let Err(e) = ctx.store().save_progress(id, &json).await {
        tracing::debug!(run = %id, "cannot cache progress: {e}");
    }
}

/// A run's cached progress, if any was recorded.
pub async fn read(ctx: &Ctx, id: &RunId) -> Result<Option<RunProgress>> {
    let json = ctx.store().progress(id).await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// The cached progress of several runs at once (runs without any are left out).
pub async fn read_many(ctx: &Ctx, ids: &[String]) -> Result<HashMap<String, RunProgress>> {
    Ok(ctx
        .store()
        .progress_of(ids)
        .await?
        .into_iter()
        .filter_map(|(id, json)| serde_json::from_str(&json).ok().map(|p| (id, p)))
        .collect())
}
