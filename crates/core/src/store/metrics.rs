//! The results cache: `run_metrics` and `run_load_metrics` (per load),
//! read back with every row through RUN_COLUMNS.

use super::Store;
use crate::error::Result;
use crate::model::metrics::RunMetrics;
use crate::run_id::RunId;
use crate::timestamp;

impl Store {
    /// Replaces a run's cached results summary; false when the run is gone.
    pub async fn save_metrics(&self, id: &RunId, m: &RunMetrics) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        // Only while the run exists: a run deleted meanwhile leaves no row.
        let written = sqlx::query(
            "INSERT OR REPLACE INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, \
             bit_rate_blocking, loads, iterations, duration_seconds, computed_at) \
             SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM runs WHERE id = ?",
        )
        .bind(m.mean_blocking)
        .bind(m.highest_erlang)
        .bind(m.highest_blocking)
        .bind(m.bit_rate_blocking)
        .bind(m.loads)
        .bind(m.iterations)
        .bind(m.duration_seconds)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM run_load_metrics WHERE run_id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        for l in &m.per_load {
            sqlx::query(
                "INSERT INTO run_load_metrics (run_id, erlang, blocking, ci_half_width, bit_rate_blocking, \
                 iterations) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id.as_str())
            .bind(l.erlang)
            .bind(l.blocking)
            .bind(l.ci_half_width)
            .bind(l.bit_rate_blocking)
            .bind(l.iterations)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Finished runs the cache has no summary of, oldest first.
    pub async fn ended_without_metrics(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM runs WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED') \
             AND NOT EXISTS (SELECT 1 FROM run_metrics WHERE run_metrics.run_id = runs.id) ORDER BY seq",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
