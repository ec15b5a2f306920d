//! The progress cache: one row per run in `run_progress` (migration 0002),
//! each a JSON snapshot the live module writes and reads back.

use std::collections::HashMap;

use super::Store;
use crate::error::Result;
use crate::run_id::RunId;
use crate::timestamp;

impl Store {
    /// Replaces a run's cached progress snapshot.
    pub async fn save_progress(&self, id: &RunId, snapshot_json: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO run_progress (run_id, snapshot, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (run_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at",
        )
        .bind(id.as_str())
        .bind(snapshot_json)
        .bind(timestamp::now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A run's cached progress snapshot, if any was recorded.
    pub async fn progress(&self, id: &RunId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT snapshot FROM run_progress WHERE run_id = ?")
                .bind(id.as_str())
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The cached snapshots of several runs at once (runs without one are
    /// left out).
    pub async fn progress_of(&self, ids: &[String]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        // One statement per 500 ids keeps well under SQLite's parameter limit.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT run_id, snapshot FROM run_progress WHERE run_id IN ({marks})");
            let mut q = sqlx::query_as::<_, (String, String)>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            out.extend(q.fetch_all(self.pool()).await?);
        }
        Ok(out)
    }
}
