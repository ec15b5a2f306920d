//! The registry of extra artifact roots (table `artifact_roots`).

use super::Store;
use crate::error::Result;
use crate::run_id::RunId;

/// An `artifact_roots` row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArtifactRootRow {
    pub run_id: String,
    pub label: String,
    pub path: String,
    pub created_at: String,
}

impl Store {
    /// A run's extra roots, by label.
    pub async fn artifact_roots(&self, id: &RunId) -> Result<Vec<ArtifactRootRow>> {
        Ok(sqlx::query_as::<_, ArtifactRootRow>(
            "SELECT run_id, label, path, created_at FROM artifact_roots WHERE run_id = ? ORDER BY label",
        )
        .bind(id.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// Adds a root, or points an existing label at `path`.
    pub async fn save_artifact_root(
        &self,
        id: &RunId,
        label: &str,
        path: &str,
        created_at: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO artifact_roots (run_id, label, path, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (run_id, label) DO UPDATE SET path = excluded.path, created_at = excluded.created_at",
        )
        .bind(id.as_str())
        .bind(label)
        .bind(path)
        .bind(created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes a root; false when the run had none by that label.
    pub async fn remove_artifact_root(&self, id: &RunId, label: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM artifact_roots WHERE run_id = ? AND label = ?")
            .bind(id.as_str())
            .bind(label)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
