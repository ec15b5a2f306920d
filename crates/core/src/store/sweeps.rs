//! The sweeps table and the queries over a sweep's runs. A sweep's counts are
//! computed in SQL from its runs, so they are never out of step with them.

use sqlx::{FromRow, Row};

use super::runs::RUN_COLUMNS;
use super::{RunRow, Store};
use crate::error::Result;
use crate::model::sweeps::{Sweep, SweepAxis, SweepCounts};
use crate::run_id::RunId;
use crate::timestamp;

/// Runs of sweep `?1` that no other run of the same sweep re-runs.
const CURRENT_RUN: &str =
    "NOT EXISTS (SELECT 1 FROM runs x WHERE x.rerun_of = r.id AND x.sweep_id = r.sweep_id)";

#[derive(FromRow)]
struct SweepColumns {
    id: String,
    name: String,
    template: String,
    overrides: String,
    axes: String,
    created_at: String,
}

impl Store {
    /// A new sweep row with a fresh id.
    pub async fn insert_sweep(
        &self,
        name: &str,
        template: &str,
        overrides: &[String],
        axes: &[SweepAxis],
    ) -> Result<RunId> {
        let overrides = serde_json::to_string(overrides).expect("strings serialise");
        let axes = serde_json::to_string(axes).expect("axes serialise");
        loop {
            let id = RunId::generate();
            let done = sqlx::query(
                "INSERT INTO sweeps (id, name, template, overrides, axes, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(name)
            .bind(template)
            .bind(&overrides)
            .bind(&axes)
            .bind(timestamp::now())
            .execute(self.pool())
            .await?;
            // A taken id (48 random bits: practically never) draws again.
            if done.rows_affected() == 1 {
                return Ok(id);
            }
        }
    }

    /// Sweeps with their counts, newest first; only `id` when given.
    pub async fn sweeps(&self, id: Option<&str>) -> Result<Vec<Sweep>> {
        let rows = sqlx::query(&format!(
            "SELECT s.id, s.name, s.template, s.overrides, s.axes, s.created_at, \
             COUNT(r.id) AS total, \
             COALESCE(SUM(r.status = 'PENDING'), 0) AS pending, \
             COALESCE(SUM(r.status = 'RUNNING'), 0) AS running, \
             COALESCE(SUM(r.status = 'COMPLETED'), 0) AS completed, \
             COALESCE(SUM(r.status = 'FAILED'), 0) AS failed, \
             COALESCE(SUM(r.status = 'CANCELLED'), 0) AS cancelled \
             FROM sweeps s LEFT JOIN runs r ON r.sweep_id = s.id AND {CURRENT_RUN} \
             WHERE (?1 IS NULL OR s.id = ?1) GROUP BY s.seq ORDER BY s.seq DESC"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                let s = SweepColumns::from_row(&row)?;
                let n = |col: &str| row.try_get::<i64, _>(col).map(|v| v as u32);
                Ok(Sweep {
                    counts: SweepCounts {
                        total: n("total")?,
                        pending: n("pending")?,
                        running: n("running")?,
                        completed: n("completed")?,
                        failed: n("failed")?,
                        cancelled: n("cancelled")?,
                    },
                    id: s.id,
                    name: s.name,
                    template: s.template,
                    overrides: serde_json::from_str(&s.overrides).unwrap_or_default(),
                    axes: serde_json::from_str(&s.axes).unwrap_or_default(),
                    created_at: s.created_at,
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The runs that make up a sweep now, in queue order.
    pub async fn sweep_runs(&self, sweep_id: &str) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            // RUN_COLUMNS names the table `runs` (its tags subquery does), so the
            // current runs are picked in a subquery rather than under an alias.
            "SELECT {RUN_COLUMNS} FROM runs WHERE id IN \
             (SELECT r.id FROM runs r WHERE r.sweep_id = ? AND {CURRENT_RUN}) ORDER BY seq"
        ))
        .bind(sweep_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The newest completed runs of a template, for time estimates.
    pub async fn recent_completed(&self, template: &str, limit: u32) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE template = ? AND status = 'COMPLETED' \
             AND started_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY seq DESC LIMIT ?"
        ))
        .bind(template)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
