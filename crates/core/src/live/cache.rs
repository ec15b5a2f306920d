//! The progress cache: one row per run in `run_progress` (migration 0002).

use std::collections::HashMap;

use super::progress::RunProgress;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::run_id::RunId;
use crate::timestamp;

/// Stores a run's latest progress. Failures are logged, not returned: the
/// cache is an optimisation and the run goes on regardless.
pub async fn write(ctx: &Ctx, id: &RunId, progress: &RunProgress) {
    let Ok(json) = serde_json::to_string(progress) else {
        return;
    };
    let done = sqlx::query(
        "INSERT INTO run_progress (run_id, snapshot, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (run_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at",
    )
    .bind(id.as_str())
    .bind(json)
    .bind(timestamp::now())
    .execute(ctx.store().pool())
    .await;
    if let Err(e) = done {
        tracing::debug!(run = %id, "cannot cache progress: {e}");
    }
}

/// A run's cached progress, if any was recorded.
pub async fn read(ctx: &Ctx, id: &RunId) -> Result<Option<RunProgress>> {
    let json: Option<String> = sqlx::query_scalar("SELECT snapshot FROM run_progress WHERE run_id = ?")
        .bind(id.as_str())
        .fetch_optional(ctx.store().pool())
        .await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// The cached progress of several runs at once (runs without any are left out).
pub async fn read_many(ctx: &Ctx, ids: &[String]) -> Result<HashMap<String, RunProgress>> {
    let mut out = HashMap::new();
    // One statement per 500 ids keeps well under SQLite's parameter limit.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!("SELECT run_id, snapshot FROM run_progress WHERE run_id IN ({marks})");
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (id, json) in q.fetch_all(ctx.store().pool()).await? {
            if let Ok(p) = serde_json::from_str(&json) {
                out.insert(id, p);
            }
        }
    }
    Ok(out)
}
