//! What the history writes on runs (names, tags, notes, network, disk use)
//! and the history-wide reads (facets, backfill and clean-up candidates).

use super::Store;
use crate::error::Result;
use crate::model::RunStatus;
use crate::run_id::RunId;
use crate::timestamp;

/// A run the start-up backfill should complete.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BackfillRow {
    pub id: String,
    /// Its network was never recorded.
    pub wants_network: bool,
    /// It ended and its disk use was never measured.
    pub wants_disk: bool,
}

impl Store {
    pub async fn set_name(&self, id: &RunId, name: &str) -> Result<()> {
        sqlx::query("UPDATE runs SET name = ?, updated_at = ? WHERE id = ?")
            .bind(name)
            .bind(timestamp::now())
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replaces a run's tags (already normalised) in one transaction.
    pub async fn set_tags(&self, id: &RunId, tags: &[String]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM run_tags WHERE run_id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        for tag in tags {
            sqlx::query("INSERT INTO run_tags (run_id, tag) VALUES (?, ?)")
                .bind(id.as_str())
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE runs SET updated_at = ? WHERE id = ?")
            .bind(timestamp::now())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_note(&self, id: &RunId, note: &str) -> Result<()> {
        sqlx::query("UPDATE runs SET note = ?, updated_at = ? WHERE id = ?")
            .bind(note)
            .bind(timestamp::now())
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a run's network (`""` when its config names none).
    pub async fn set_network(&self, id: &RunId, network: &str) -> Result<()> {
        sqlx::query("UPDATE runs SET network = ? WHERE id = ?")
            .bind(network)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn set_disk_bytes(&self, id: &RunId, bytes: u64) -> Result<()> {
        sqlx::query("UPDATE runs SET disk_bytes = ? WHERE id = ?")
            .bind(bytes as i64)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Templates, networks and tags in use, sorted (one round trip each, all indexed).
    pub async fn facets(&self) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
        let pool = self.pool();
        let templates: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT template FROM runs ORDER BY template")
                .fetch_all(pool)
                .await?;
        let networks: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT network FROM runs WHERE network IS NOT NULL AND network != '' ORDER BY network",
        )
        .fetch_all(pool)
        .await?;
        let tags: Vec<String> = sqlx::query_scalar("SELECT DISTINCT tag FROM run_tags ORDER BY tag")
            .fetch_all(pool)
            .await?;
        Ok((templates, networks, tags))
    }

    /// Runs recorded before their network or disk use was.
    pub async fn backfill_candidates(&self) -> Result<Vec<BackfillRow>> {
        Ok(sqlx::query_as(
            "SELECT id, network IS NULL AS wants_network, \
             disk_bytes IS NULL AND status IN ('COMPLETED', 'FAILED', 'CANCELLED') AS wants_disk \
             FROM runs WHERE network IS NULL \
             OR (disk_bytes IS NULL AND status IN ('COMPLETED', 'FAILED', 'CANCELLED'))",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Ids and disk use of the runs in `statuses` that ended (or, never
    /// started, were created) before `cutoff`, oldest first.
    pub async fn ended_before(
        &self,
        statuses: &[RunStatus],
        cutoff: &str,
    ) -> Result<Vec<(String, Option<i64>)>> {
        let mut qb = sqlx::QueryBuilder::new("SELECT id, disk_bytes FROM runs WHERE status IN (");
        let mut list = qb.separated(", ");
        for status in statuses {
            list.push_bind(status.as_str());
        }
        qb.push(") AND COALESCE(completed_at, created_at) < ")
            .push_bind(cutoff.to_owned())
            .push(" ORDER BY seq");
        Ok(qb.build_query_as().fetch_all(self.pool()).await?)
    }
}
