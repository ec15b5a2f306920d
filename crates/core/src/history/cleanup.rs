//! Clean-up of old runs: finished runs older than N days (optionally only the
//! failed and cancelled ones) are previewed, then deleted, rows and folders.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DeskError, Result};
use crate::model::RunStatus;
use crate::run_id::RunId;
use crate::timestamp;

use super::BulkItem;

const MAX_DAYS: u32 = 36_500;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CleanupQuery {
    /// Runs that ended (or, without an end, were created) more than this many days ago.
    pub older_than_days: u32,
    /// Only FAILED and CANCELLED runs; completed results are kept.
    #[serde(default)]
    pub only_unsuccessful: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CleanupPreview {
    pub runs: u32,
    /// Their folders' total size.
    #[ts(type = "number")]
    pub bytes: u64,
    /// The runs' ids, oldest first.
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CleanupReport {
    pub deleted: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Runs that could not be deleted, with why.
    pub failed: Vec<BulkItem>,
}

impl super::History<'_> {
    async fn cleanup_candidates(&self, q: &CleanupQuery) -> Result<Vec<(String, Option<i64>)>> {
        if q.older_than_days > MAX_DAYS {
            return Err(DeskError::invalid_input(format!(
                "older_than_days is at most {MAX_DAYS}"
            )));
        }
        let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(q.older_than_days));
        let statuses: &[RunStatus] = if q.only_unsuccessful {
            &[RunStatus::Failed, RunStatus::Cancelled]
        } else {
            &[RunStatus::Completed, RunStatus::Failed, RunStatus::Cancelled]
        };
        self.ctx
            .store()
            .ended_before(statuses, &timestamp::format(cutoff))
            .await
    }

    /// Which runs a clean-up would delete and how much space it frees
    /// (sizes not measured yet are measured now).
    pub async fn cleanup_preview(&self, q: &CleanupQuery) -> Result<CleanupPreview> {
        let mut bytes = 0;
        let mut ids = Vec::new();
        for (id, size) in self.cleanup_candidates(q).await? {
            bytes += match size {
                Some(b) => b.max(0) as u64,
                None => match RunId::parse(&id) {
                    Ok(rid) => crate::artifacts::disk::measure(self.ctx, &rid).await.unwrap_or(0),
                    Err(_) => 0,
                },
            };
            ids.push(id);
        }
        Ok(CleanupPreview {
            runs: ids.len() as u32,
            bytes,
            ids,
        })
    }

    /// Deletes the runs the preview lists now (each re-checked: a run that is
    /// no longer finished is kept).
    pub async fn cleanup(&self, q: &CleanupQuery) -> Result<CleanupReport> {
        let preview = self.cleanup_preview(q).await?;
        let sizes: std::collections::HashMap<String, Option<i64>> =
            self.cleanup_candidates(q).await?.into_iter().collect();
        let mut report = CleanupReport {
            deleted: 0,
            bytes: 0,
            failed: Vec::new(),
        };
        for id in &preview.ids {
            match crate::runs::lifecycle::delete(self.ctx, id).await {
                Ok(()) => {
                    report.deleted += 1;
                    report.bytes += sizes.get(id).copied().flatten().unwrap_or(0).max(0) as u64;
                }
                Err(e) => report.failed.push(BulkItem {
                    id: id.clone(),
                    ok: false,
                    message: Some(e.message),
                    destination: None,
                }),
            }
        }
        Ok(report)
    }
}
