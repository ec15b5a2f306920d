//! What tells another process's writes apart cheaply: a summary of the
//! `runs` table that changes whenever any row does.

use super::Store;
use crate::error::Result;

/// The newest change and the number of runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSummary {
    pub latest_update: Option<String>,
    pub count: i64,
}

impl Store {
    pub async fn change_summary(&self) -> Result<ChangeSummary> {
        let (latest_update, count): (Option<String>, i64) =
            sqlx::query_as("SELECT MAX(updated_at), COUNT(*) FROM runs")
                .fetch_one(self.pool())
                .await?;
        Ok(ChangeSummary { latest_update, count })
    }
}
