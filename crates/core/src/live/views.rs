//! Live logs and progress of a run: snapshots, pages and searches of its
//! log, and streams of its log and progress that end with the run.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::follow::{follow_progress, ProgressCursor, ProgressMessage};
use super::index::{read_lines, search, shared_index, LogLinesPage, LogSearchQuery, LogSearchResult};
use super::logs::{follow_log, EndSignal, LogMessage, LogSnapshot};
use super::progress::RunProgress;
use super::tail::{Tail, TailEvent};
use super::watch::FollowOptions;
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::model::RunStatus;
use crate::run_id::RunId;
use crate::tasks::Pending;

/// The most a log snapshot returns at once.
pub const MAX_SNAPSHOT_BYTES: u32 = 8 * 1024 * 1024;
/// The most lines a page of [`Live::log_lines`] holds.
pub const MAX_PAGE_LINES: u32 = 10_000;
/// How often a stream re-checks whether its run has ended (run events wake
/// it sooner in a process that watches runs).
const END_CHECK: Duration = Duration::from_millis(200);

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DeskError::internal(format!("log task failed: {e}")))?
}

/// Gathers a snapshot's lines up to its byte budget.
struct Collect {
    lines: Vec<String>,
    start: u64,
    end: u64,
    max_bytes: u64,
    more_after: bool,
}

impl Collect {
    fn take(&mut self, ev: TailEvent<'_>) {
        if let TailEvent::Line(l) = ev {
            if self.more_after || (l.end - self.start > self.max_bytes && !self.lines.is_empty()) {
                self.more_after = true;
                return;
            }
            self.lines.push(l.text());
            self.end = l.end;
        }
    }
}

/// What a live view asks when it wonders whether its run has ended: bring
/// the run to its true state (its executor knows how; a view does not).
pub trait Settle: Send + Sync + 'static {
    fn settle_run<'a>(&'a self, id: &'a RunId) -> Pending<'a, ()>;
}

/// The live views of runs, over the context and whoever settles runs.
pub struct Live {
    ctx: Ctx,
    settler: Arc<dyn Settle>,
}

impl Live {
    pub fn new(ctx: Ctx, settler: Arc<dyn Settle>) -> Live {
        Live { ctx, settler }
    }

    async fn run_status(&self, id: &str) -> Result<(RunId, RunStatus)> {
        super::current::run_status(&self.ctx, id).await
    }

    /// Resolves when the run is terminal (checking the store, settling the
    /// run if its owner has gone); `None` if the run was deleted.
    fn run_end(&self, id: RunId) -> EndSignal {
        let (ctx, settler) = (self.ctx.clone(), self.settler.clone());
        Box::pin(async move {
            let mut events = ctx.events().subscribe();
            loop {
                match ctx.store().get(&id).await {
                    Ok(Some(row)) if row.status().is_terminal() => return Some(row.status()),
                    Ok(Some(row)) if row.status() == RunStatus::Running => {
                        let _ = settler.settle_run(&id).await;
                    }
                    Ok(None) => return None,
                    _ => {}
                }
                tokio::select! {
                    _ = tokio::time::sleep(END_CHECK) => {}
                    _ = events.recv() => {}
                }
            }
        })
    }

    /// The log's lines from `from_offset` forward (at most `max_bytes`), or
    /// with `None` its last `max_bytes`. Continue with
    /// [`Live::log_stream`] from `offset_end`.
    pub async fn log_snapshot(
        &self,
        id: &str,
        from_offset: Option<u64>,
        max_bytes: u32,
    ) -> Result<LogSnapshot> {
        let (id, status) = self.run_status(id).await?;
        let path = self.ctx.data().run(&id).sim_log();
        let max_bytes = u64::from(max_bytes.clamp(1, MAX_SNAPSHOT_BYTES));
        let ended = status.is_terminal();
        blocking(move || {
            let index = shared_index(&path)?;
            let index = index.lock().unwrap_or_else(|e| e.into_inner());
            let io = |e| DeskError::io(format!("cannot read {}", path.display()), e);
            let size = index.size();
            let complete_end = size - index.partial_bytes();
            let (start, reset) = match from_offset {
                Some(o) if o > size => (0, true),
                Some(o) => (o, false),
                None => {
                    let want = complete_end.saturating_sub(max_bytes);
                    let line = index.line_at_offset(want).map_err(io)?;
                    let mut start = index.offset_of_line(line).map_err(io)?;
                    if start < want {
                        start = index.offset_of_line(line + 1).map_err(io)?;
                    }
                    (start, false)
                }
            };
            let first_line = index.line_at_offset(start).map_err(io)?;
            drop(index);
            let mut c = Collect {
                lines: Vec::new(),
                start,
                end: start,
                max_bytes,
                more_after: false,
            };
            let mut tail = Tail::new(&path, start);
            loop {
                let out = tail.read(1 << 20, |ev| c.take(ev)).map_err(io)?;
                if !out.more || c.more_after {
                    break;
                }
            }
            if ended && !c.more_after {
                tail.flush_partial(|ev| c.take(ev));
            }
            let Collect {
                lines,
                end,
                more_after,
                ..
            } = c;
            Ok(LogSnapshot {
                first_line,
                offset_start: start,
                offset_end: end,
                lines,
                file_size: size.max(end),
                more_before: start > 0,
                more_after,
                reset,
                status,
            })
        })
        .await
    }

    /// The log from `from_offset` (0, or an `offset_end` this API gave) as a
    /// stream that ends with the run's terminal status. Drop the receiver to stop.
    pub async fn log_stream(&self, id: &str, from_offset: u64) -> Result<mpsc::Receiver<LogMessage>> {
        self.log_stream_with(id, from_offset, FollowOptions::default())
            .await
    }

    pub async fn log_stream_with(
        &self,
        id: &str,
        from_offset: u64,
        options: FollowOptions,
    ) -> Result<mpsc::Receiver<LogMessage>> {
        let (id, _) = self.run_status(id).await?;
        let path = self.ctx.data().run(&id).sim_log();
        let index_path = path.clone();
        let first_line = blocking(move || {
            let index = shared_index(&index_path)?;
            let index = index.lock().unwrap_or_else(|e| e.into_inner());
            index
                .line_at_offset(from_offset)
                .map_err(|e| DeskError::io("cannot read the log", e))
        })
        .await?;
        Ok(follow_log(
            path,
            from_offset,
            first_line,
            options,
            self.run_end(id),
        ))
    }

    /// Lines `first_line ..` of the log (at most `count`, capped at
    /// [`MAX_PAGE_LINES`]) and how many lines it has: random access for a
    /// virtualised viewer.
    pub async fn log_lines(&self, id: &str, first_line: u64, count: u32) -> Result<LogLinesPage> {
        let (id, status) = self.run_status(id).await?;
        let path = self.ctx.data().run(&id).sim_log();
        let count = count.min(MAX_PAGE_LINES);
        blocking(move || read_lines(&path, first_line, count, status.is_terminal())).await
    }

    /// Searches the whole log: how many lines match and the first of them.
    pub async fn log_search(&self, id: &str, query: &LogSearchQuery) -> Result<LogSearchResult> {
        let (id, status) = self.run_status(id).await?;
        let path = self.ctx.data().run(&id).sim_log();
        let query = query.clone();
        blocking(move || search(&path, &query, status.is_terminal())).await
    }

    /// A run's progress (see [`super::current::progress`]).
    pub async fn progress(&self, id: &str) -> Result<Option<RunProgress>> {
        super::current::progress(&self.ctx, id).await
    }

    /// The cached progress of many runs (see [`super::current::cached_progress`]).
    pub async fn cached_progress(&self, ids: &[String]) -> Result<HashMap<String, RunProgress>> {
        super::current::cached_progress(&self.ctx, ids).await
    }

    /// A run's progress as a stream of updates that ends with the run's
    /// terminal status. Pass the cursor of the last update applied when
    /// reconnecting (`None` the first time).
    pub async fn progress_stream(
        &self,
        id: &str,
        cursor: Option<ProgressCursor>,
    ) -> Result<mpsc::Receiver<ProgressMessage>> {
        self.progress_stream_with(id, cursor, FollowOptions::default())
            .await
    }

    pub async fn progress_stream_with(
        &self,
        id: &str,
        cursor: Option<ProgressCursor>,
        options: FollowOptions,
    ) -> Result<mpsc::Receiver<ProgressMessage>> {
        let (id, _) = self.run_status(id).await?;
        let dir = self.ctx.data().run(&id);
        Ok(follow_progress(
            dir.progress(),
            dir.sim_log(),
            cursor,
            options,
            self.run_end(id),
        ))
    }
}
