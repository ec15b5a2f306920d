//! The `runs` table: rows, the queue, and every state transition of a run,
//! local or on a cluster, each one conditional UPDATE.

use sqlx::FromRow;

use super::Store;
use crate::error::{DeskError, Result};
use crate::layout::DataDir;
use crate::model::metrics::{from_columns, SortKey};
use crate::model::{Lineage, ListQuery, Placement, Run, RunStatus};
use crate::run_id::RunId;
use crate::timestamp;

/// A `runs` row as stored.
#[derive(Debug, Clone, FromRow)]
pub struct RunRow {
    pub seq: i64,
    pub id: String,
    pub name: String,
    pub template: String,
    pub overrides: String,
    pub status: String,
    pub simulator: Option<String>,
    pub pid: Option<i64>,
    pub pgid: Option<i64>,
    pub process_start_time: Option<i64>,
    pub supervisor_pid: Option<i64>,
    pub supervisor_start_time: Option<i64>,
    pub exit_code: Option<i64>,
    pub exit_signal: Option<i64>,
    pub error_message: Option<String>,
    pub cancel_requested_at: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub updated_at: String,
    /// `local`, or the name of the Slurm cluster profile the run goes to.
    pub executor: String,
    pub slurm_job_id: Option<String>,
    pub slurm_array_task: Option<i64>,
    pub status_detail: Option<String>,
    pub sweep_id: Option<String>,
    pub rerun_of: Option<String>,
    pub note: String,
    pub network: Option<String>,
    pub disk_bytes: Option<i64>,
    /// The run's tags joined by U+001F (see RUN_COLUMNS); None without tags.
    pub tags: Option<String>,
    /// The results cache's row and loads as JSON (see artifacts::metrics).
    pub metrics: Option<String>,
    pub load_metrics: Option<String>,
}

impl RunRow {
    pub fn status(&self) -> RunStatus {
        RunStatus::parse(&self.status).unwrap_or(RunStatus::Failed)
    }

    pub fn run_id(&self) -> RunId {
        RunId::parse(&self.id).expect("the store only holds valid ids")
    }

    pub fn into_run(self, data: &DataDir) -> Run {
        let dir = data.run(&self.run_id());
        Run {
            status: self.status(),
            overrides: serde_json::from_str(&self.overrides).unwrap_or_default(),
            config_path: dir.config().to_string_lossy().into_owned(),
            run_dir: dir.root().to_string_lossy().into_owned(),
            id: self.id,
            name: self.name,
            template: self.template,
            simulator: self.simulator,
            pid: self.pid,
            pgid: self.pgid,
            exit_code: self.exit_code,
            exit_signal: self.exit_signal,
            error_message: self.error_message,
            cancel_requested_at: self.cancel_requested_at,
            created_at: self.created_at,
            started_at: self.started_at,
            completed_at: self.completed_at,
            updated_at: self.updated_at,
            slurm_job_id: crate::model::job_label(self.slurm_job_id.as_deref(), self.slurm_array_task),
            executor: self.executor,
            status_detail: self.status_detail,
            sweep_id: self.sweep_id,
            rerun_of: self.rerun_of,
            tags: split_joined(self.tags.as_deref()),
            note: self.note,
            network: self.network,
            disk_bytes: self.disk_bytes.map(|b| b.max(0) as u64),
            metrics: from_columns(self.metrics.as_deref(), self.load_metrics.as_deref()),
        }
    }

    /// Where the run executes.
    pub fn placement(&self) -> Placement {
        Placement::from_recorded(&self.executor)
    }
}

/// The simulator process of a running run, as its supervisor recorded it.
#[derive(Debug, Clone, Copy)]
pub struct ProcessRecord {
    pub pid: i32,
    pub pgid: i32,
    pub start_time: u64,
    pub supervisor_pid: i32,
    pub supervisor_start_time: u64,
}

/// How a running run ended.
#[derive(Debug, Clone)]
pub struct Finish {
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    pub exit_signal: Option<i32>,
    pub error_message: Option<String>,
    pub completed_at: String,
}

impl Finish {
    fn now(status: RunStatus, error_message: Option<String>) -> Finish {
        Finish {
            status,
            exit_code: None,
            exit_signal: None,
            error_message,
            completed_at: timestamp::now(),
        }
    }

    /// Ended well, now.
    pub fn completed() -> Finish {
        Finish::now(RunStatus::Completed, None)
    }

    /// Failed now, for the reason given.
    pub fn failed(message: impl Into<String>) -> Finish {
        Finish::now(RunStatus::Failed, Some(message.into()))
    }

    /// Cancelled now, as asked.
    pub fn cancelled() -> Finish {
        Finish::now(RunStatus::Cancelled, None)
    }

    /// Cancelled now, with a word on who cancelled it.
    pub fn cancelled_because(message: impl Into<String>) -> Finish {
        Finish::now(RunStatus::Cancelled, Some(message.into()))
    }

    /// The same end, at the time it really happened.
    pub fn at(self, completed_at: impl Into<String>) -> Finish {
        Finish {
            completed_at: completed_at.into(),
            ..self
        }
    }

    /// The same end, with the simulator's exit code or signal.
    pub fn with_exit(self, exit_code: Option<i32>, exit_signal: Option<i32>) -> Finish {
        Finish {
            exit_code,
            exit_signal,
            ..self
        }
    }
}

/// A run as it is first recorded.
pub struct NewRun<'a> {
    pub id: &'a RunId,
    pub name: &'a str,
    pub template: &'a str,
    pub overrides: &'a [String],
    pub simulator: &'a str,
    pub placement: &'a Placement,
    /// The frozen config's network (`""` when it names none); None when not
    /// known, for the start-up backfill to record.
    pub network: Option<&'a str>,
    /// The sweep the run belongs to and the run it re-runs.
    pub lineage: &'a Lineage,
}

/// The columns of a [`RunRow`] from the table named `runs`: the row, its tags
/// and its cached metrics as JSON (artifacts::metrics), each in one subquery.
pub(super) const RUN_COLUMNS: &str = "seq, id, name, template, overrides, status, simulator, pid, pgid, \
    process_start_time, supervisor_pid, supervisor_start_time, exit_code, exit_signal, error_message, \
    cancel_requested_at, created_at, started_at, completed_at, updated_at, \
    executor, slurm_job_id, slurm_array_task, status_detail, sweep_id, rerun_of, note, network, disk_bytes, \
    (SELECT group_concat(tag, char(31)) FROM run_tags WHERE run_tags.run_id = runs.id) AS tags, \
    (SELECT json_object('mean_blocking', mean_blocking, 'highest_erlang', highest_erlang, \
     'highest_blocking', highest_blocking, 'bit_rate_blocking', bit_rate_blocking, 'loads', loads, \
     'iterations', iterations, 'duration_seconds', duration_seconds, 'per_load', json_array()) \
     FROM run_metrics WHERE run_metrics.run_id = runs.id) AS metrics, \
    (SELECT json_group_array(json_object('erlang', erlang, 'blocking', blocking, \
     'ci_half_width', ci_half_width, 'bit_rate_blocking', bit_rate_blocking, 'iterations', iterations)) \
     FROM run_load_metrics WHERE run_load_metrics.run_id = runs.id) AS load_metrics";

impl Store {
    /// Inserts a PENDING local run with nothing else recorded (benchmarks
    /// and tests that need rows, not runs).
    pub async fn insert_run(
        &self,
        id: &RunId,
        name: &str,
        template: &str,
        overrides: &[String],
        simulator: &str,
    ) -> Result<()> {
        self.insert_new_run(&NewRun {
            id,
            name,
            template,
            overrides,
            simulator,
            placement: &Placement::Local,
            network: None,
            lineage: &Lineage::default(),
        })
        .await
    }

    /// Inserts a PENDING run in one statement: a local dispatcher never sees
    /// a cluster run as local, nor a list a run without its network, even
    /// for a moment.
    pub async fn insert_new_run(&self, run: &NewRun<'_>) -> Result<()> {
        let now = timestamp::now();
        sqlx::query(
            "INSERT INTO runs (id, name, template, overrides, simulator, status, created_at, updated_at, \
             executor, network, sweep_id, rerun_of) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)",
        )
        .bind(run.id.as_str())
        .bind(run.name)
        .bind(run.template)
        .bind(serde_json::to_string(run.overrides).expect("strings serialise"))
        .bind(run.simulator)
        .bind(&now)
        .bind(&now)
        .bind(run.placement.recorded())
        .bind(run.network)
        .bind(&run.lineage.sweep_id)
        .bind(&run.lineage.rerun_of)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn get(&self, id: &RunId) -> Result<Option<RunRow>> {
        Ok(
            sqlx::query_as::<_, RunRow>(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?"))
                .bind(id.as_str())
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn require(&self, id: &RunId) -> Result<RunRow> {
        self.get(id)
            .await?
            .ok_or_else(|| DeskError::not_found(format!("no run with id {id}")))
    }

    /// A page of the history, newest first, and how many runs match in all.
    /// The tags of the page come in the same statement (no query per run).
    pub async fn list(&self, q: &ListQuery) -> Result<(Vec<RunRow>, u32)> {
        let limit = q
            .limit
            .unwrap_or(ListQuery::DEFAULT_LIMIT)
            .clamp(1, ListQuery::MAX_LIMIT);
        let offset = q.offset.unwrap_or(0);
        let filter = super::run_query::Filter::from_query(q)?;
        let sort = SortKey::parse(q.sort.as_deref().unwrap_or(""))?;
        let descending = q.descending.unwrap_or(sort == SortKey::Created);
        let mut rows = sqlx::QueryBuilder::new("");
        super::run_query::push_page(&sort, RUN_COLUMNS, &filter, descending, limit, offset, &mut rows);
        let rows = rows.build_query_as::<RunRow>().fetch_all(self.pool()).await?;
        let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM runs");
        filter.push_where(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(self.pool()).await?;
        Ok((rows, total as u32))
    }

    pub async fn with_status(&self, status: RunStatus) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE status = ? ORDER BY seq"
        ))
        .bind(status.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// Runs changed at or after `since` (an RFC 3339 timestamp).
    pub async fn changed_since(&self, since: &str) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE updated_at >= ? ORDER BY seq"
        ))
        .bind(since)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM runs")
            .fetch_one(self.pool())
            .await?)
    }

    /// The oldest pending run: the head of the FIFO queue.
    pub async fn next_pending(&self, after_seq: i64) -> Result<Option<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE status = 'PENDING' AND executor = ? AND seq > ? \
             ORDER BY seq LIMIT 1"
        ))
        .bind(Placement::LOCAL_NAME)
        .bind(after_seq)
        .fetch_optional(self.pool())
        .await?)
    }

    /// PENDING → RUNNING, only while fewer than `max_running` runs are
    /// running. One statement, so the check and the claim are atomic across
    /// processes. Returns whether this caller won the claim.
    pub async fn claim(&self, id: &RunId, max_running: u32) -> Result<bool> {
        let now = timestamp::now();
        let done = sqlx::query(
            "UPDATE runs SET status = 'RUNNING', started_at = ?1, updated_at = ?1 \
             WHERE id = ?2 AND status = 'PENDING' AND executor = ?4 \
             AND (SELECT COUNT(*) FROM runs WHERE status = 'RUNNING' AND executor = ?4) < ?3",
        )
        .bind(&now)
        .bind(id.as_str())
        .bind(max_running)
        .bind(Placement::LOCAL_NAME)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn running_count(&self) -> Result<u32> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM runs WHERE status = 'RUNNING' AND executor = ?")
                .bind(Placement::LOCAL_NAME)
                .fetch_one(self.pool())
                .await?;
        Ok(n as u32)
    }

    /// RUNNING → PENDING, for a run whose launch was interrupted before its
    /// simulator started: it goes back to the head of the queue.
    pub async fn requeue(&self, id: &RunId) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE runs SET status = 'PENDING', started_at = NULL, supervisor_pid = NULL, \
             supervisor_start_time = NULL, updated_at = ? \
             WHERE id = ? AND status = 'RUNNING' AND pid IS NULL",
        )
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The supervisor's own pid, recorded before it starts the simulator.
    pub async fn record_supervisor(&self, id: &RunId, pid: i32, start_time: u64) -> Result<()> {
        sqlx::query(
            "UPDATE runs SET supervisor_pid = ?, supervisor_start_time = ?, updated_at = ? \
             WHERE id = ? AND status = 'RUNNING'",
        )
        .bind(pid)
        .bind(start_time as i64)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn record_process(&self, id: &RunId, p: ProcessRecord) -> Result<()> {
        sqlx::query(
            "UPDATE runs SET pid = ?, pgid = ?, process_start_time = ?, supervisor_pid = ?, \
             supervisor_start_time = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING'",
        )
        .bind(p.pid)
        .bind(p.pgid)
        .bind(p.start_time as i64)
        .bind(p.supervisor_pid)
        .bind(p.supervisor_start_time as i64)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// RUNNING → a terminal state. Idempotent: only the first caller changes
    /// the row, later ones (other watchers of the same run) see `false`.
    pub async fn finish(&self, id: &RunId, f: &Finish) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE runs SET status = ?, exit_code = ?, exit_signal = ?, error_message = ?, \
             completed_at = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING'",
        )
        .bind(f.status.as_str())
        .bind(f.exit_code)
        .bind(f.exit_signal)
        .bind(&f.error_message)
        .bind(&f.completed_at)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// PENDING → CANCELLED.
    pub async fn cancel_pending(&self, id: &RunId) -> Result<bool> {
        let now = timestamp::now();
        let done = sqlx::query(
            "UPDATE runs SET status = 'CANCELLED', cancel_requested_at = ?1, completed_at = ?1, updated_at = ?1 \
             WHERE id = ?2 AND status = 'PENDING'",
        )
        .bind(&now)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a running run as being cancelled; the first request's time is kept.
    pub async fn request_cancel(&self, id: &RunId) -> Result<bool> {
        let now = timestamp::now();
        let done = sqlx::query(
            "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?1), updated_at = ?1 \
             WHERE id = ?2 AND status = 'RUNNING'",
        )
        .bind(&now)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a terminal run's row; a run that is not terminal is kept.
    pub async fn delete_terminal(&self, id: &RunId) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM runs WHERE id = ? AND status IN ('COMPLETED', 'FAILED', 'CANCELLED')")
                .bind(id.as_str())
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Transitions of runs on a cluster. Such a run is PENDING while it waits to
/// be submitted or waits in Slurm's queue, RUNNING once Slurm runs it, and
/// may end from either (a fast job can finish between two polls).
impl Store {
    /// Pending and running runs of every cluster, oldest first.
    pub async fn active_on_clusters(&self) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE executor != ? \
             AND status IN ('PENDING', 'RUNNING') ORDER BY seq"
        ))
        .bind(Placement::LOCAL_NAME)
        .fetch_all(self.pool())
        .await?)
    }

    /// Pending cluster runs not submitted yet, oldest first.
    pub async fn unsubmitted_to_clusters(&self) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE executor != ? AND status = 'PENDING' \
             AND slurm_job_id IS NULL AND cancel_requested_at IS NULL ORDER BY seq"
        ))
        .bind(Placement::LOCAL_NAME)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn record_submission(
        &self,
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
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets what the run's status line says; true when it changed.
    pub async fn set_detail(&self, id: &RunId, detail: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE runs SET status_detail = ?1, updated_at = ?2 \
             WHERE id = ?3 AND status IN ('PENDING', 'RUNNING') AND status_detail IS NOT ?1",
        )
        .bind(detail)
        .bind(timestamp::now())
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// PENDING → RUNNING when Slurm has started the job.
    pub async fn mark_running(&self, id: &RunId, detail: &str) -> Result<bool> {
        let now = timestamp::now();
        let done = sqlx::query(
            "UPDATE runs SET status = 'RUNNING', started_at = ?1, status_detail = ?2, updated_at = ?1 \
             WHERE id = ?3 AND status = 'PENDING'",
        )
        .bind(&now)
        .bind(detail)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// PENDING or RUNNING → a terminal state. A run never seen running gets
    /// `started_at` (when known, else its end) as its start.
    pub async fn finish_on_cluster(
        &self,
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
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a pending or running cluster run as being cancelled.
    pub async fn request_cancel_with_detail(&self, id: &RunId, detail: &str) -> Result<bool> {
        let now = timestamp::now();
        let done = sqlx::query(
            "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?1), status_detail = ?2, \
             updated_at = ?1 WHERE id = ?3 AND status IN ('PENDING', 'RUNNING')",
        )
        .bind(&now)
        .bind(detail)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Separates tags in the one-statement tag column of RUN_COLUMNS (a tag
/// never contains it).
const TAG_SEPARATOR: char = '\u{1f}';

/// The store's joined tag column back into a sorted list.
fn split_joined(joined: Option<&str>) -> Vec<String> {
    let mut tags: Vec<String> = joined
        .unwrap_or_default()
        .split(TAG_SEPARATOR)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    tags.sort();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_joined_column_splits_back() {
        assert_eq!(split_joined(Some("b\u{1f}a")), vec!["a", "b"]);
        assert!(split_joined(None).is_empty());
    }
}
