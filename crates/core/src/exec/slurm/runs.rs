//! The run store's transitions for Slurm runs. A Slurm run is PENDING while
//! it waits to be submitted or waits in Slurm's queue, RUNNING once Slurm
//! runs it, and may end from either (a fast job can finish between two
//! polls). Like every transition in [`crate::store`], each is one
//! conditional UPDATE, so two processes settling the same run cannot both win.

use crate::error::Result;
use crate::model::Placement;
use crate::run_id::RunId;
use crate::store::{Finish, RunRow, Store, RUN_COLUMNS};
use crate::timestamp;

/// Pending and running runs of every cluster, oldest first.
pub async fn active(store: &Store) -> Result<Vec<RunRow>> {
    Ok(sqlx::query_as::<_, RunRow>(&format!(
        "SELECT {RUN_COLUMNS} FROM runs WHERE executor != ? \
         AND status IN ('PENDING', 'RUNNING') ORDER BY seq"
    ))
    .bind(Placement::LOCAL_NAME)
    .fetch_all(store.pool())
    .await?)
}

/// Pending cluster runs not submitted yet, oldest first.
pub async fn unsubmitted(store: &Store) -> Result<Vec<RunRow>> {
    Ok(sqlx::query_as::<_, RunRow>(&format!(
        "SELECT {RUN_COLUMNS} FROM runs WHERE executor != ? AND status = 'PENDING' \
         AND slurm_job_id IS NULL AND cancel_requested_at IS NULL ORDER BY seq"
    ))
    .bind(Placement::LOCAL_NAME)
    .fetch_all(store.pool())
    .await?)
}

pub async fn record_submission(
    store: &Store,
    id: &RunId,
    job_id: &str,
    array_task: Option<i64>,
    detail: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE runs SET slurm_job_id = ?, slurm_array_task = ?, status_detail = ?, updated_at = ? \
         WHERE id = ? AND status = 'PENDING' AND slurm_job_id IS NULL",
    )
    .bind(job_id)
    .bind(array_task)
    .bind(detail)
    .bind(timestamp::now())
    .bind(id.as_str())
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets what the run's status line says; true when it changed.
pub async fn set_detail(store: &Store, id: &RunId, detail: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE runs SET status_detail = ?1, updated_at = ?2 \
         WHERE id = ?3 AND status IN ('PENDING', 'RUNNING') AND status_detail IS NOT ?1",
    )
    .bind(detail)
    .bind(timestamp::now())
    .bind(id.as_str())
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// PENDING → RUNNING when Slurm has started the job.
pub async fn mark_running(store: &Store, id: &RunId, detail: &str) -> Result<bool> {
    let now = timestamp::now();
    let done = sqlx::query(
        "UPDATE runs SET status = 'RUNNING', started_at = ?1, status_detail = ?2, updated_at = ?1 \
         WHERE id = ?3 AND status = 'PENDING'",
    )
    .bind(&now)
    .bind(detail)
    .bind(id.as_str())
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// PENDING or RUNNING → a terminal state. A run never seen running gets
/// `started_at` (when known, else its end) as its start.
pub async fn finish(
    store: &Store,
    id: &RunId,
    f: &Finish,
    started_at: Option<&str>,
    detail: Option<&str>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE runs SET status = ?, exit_code = ?, exit_signal = ?, error_message = ?, \
         completed_at = ?, started_at = COALESCE(started_at, ?), status_detail = ?, updated_at = ? \
         WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
    )
    .bind(f.status.as_str())
    .bind(f.exit_code)
    .bind(f.exit_signal)
    .bind(&f.error_message)
    .bind(&f.completed_at)
    .bind(started_at.unwrap_or(&f.completed_at))
    .bind(detail)
    .bind(timestamp::now())
    .bind(id.as_str())
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a pending or running cluster run as being cancelled.
pub async fn request_cancel(store: &Store, id: &RunId, detail: &str) -> Result<bool> {
    let now = timestamp::now();
    let done = sqlx::query(
        "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?1), status_detail = ?2, \
         updated_at = ?1 WHERE id = ?3 AND status IN ('PENDING', 'RUNNING')",
    )
    .bind(&now)
    .bind(detail)
    .bind(id.as_str())
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
