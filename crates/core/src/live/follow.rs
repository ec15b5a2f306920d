//! Following a run's progress: `progress.jsonl` when the simulator writes
//! it, else the events derived from its log. Two consumers: the progress
//! stream (coalesced like log streams) and the progress cache in the store,
//! written by the run's supervisor at a bounded rate.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use ts_rs::TS;

use super::logs::{EndSignal, COALESCE_WINDOW, MESSAGE_BUDGET, STREAM_CAPACITY};
use super::progress::{parse_jsonl, parse_log_line, ProgressSource, ProgressState, RunProgress};
use super::tail::{Tail, TailEvent};
use super::watch::{FileWake, FollowOptions};
use crate::ctx::Ctx;
use crate::layout::RunDir;
use crate::model::RunStatus;
use crate::run_id::RunId;

/// The progress cache is written at most this often per run (and once more
/// when the run ends).
pub const CACHE_INTERVAL: Duration = Duration::from_millis(500);
const READ_BUDGET: usize = 256 * 1024;

/// How far a progress follower has read: pass the cursor of the last update
/// applied when reconnecting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressCursor {
    #[ts(type = "number")]
    pub progress_offset: u64,
    #[ts(type = "number")]
    pub log_offset: u64,
}

/// One message of a progress stream (tagged by `type` for the IPC channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgressMessage {
    /// The run's progress after everything up to `cursor`. With `full`, the
    /// client replaces what it has and `progress.loads` lists every load (a
    /// long sweep's first update may be split: the `full` one first, then
    /// more loads in updates that are not full); otherwise `loads` holds only
    /// the loads that changed, to merge by `erlang`.
    Update {
        cursor: ProgressCursor,
        full: bool,
        progress: Box<RunProgress>,
    },
    /// The run ended with this status; the last update before it is final.
    End { status: RunStatus },
}

/// Reads a run's progress sources and folds them.
pub struct ProgressReader {
    jsonl: Tail,
    /// Dropped once the progress file has events: the log is not needed then.
    log: Option<Tail>,
    file_state: ProgressState,
    log_state: ProgressState,
    /// The next update must be full (start, reset, source switch).
    full: bool,
}

/// What one [`ProgressReader::poll`] found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Polled {
    pub changed: bool,
    pub more: bool,
}

impl ProgressReader {
    pub fn new(progress_file: PathBuf, log_file: PathBuf) -> Self {
        ProgressReader {
            jsonl: Tail::new(progress_file, 0),
            log: Some(Tail::new(log_file, 0)),
            file_state: ProgressState::new(ProgressSource::ProgressFile),
            log_state: ProgressState::new(ProgressSource::Log),
            full: true,
        }
    }

    pub fn for_run(dir: &RunDir) -> Self {
        Self::new(dir.progress(), dir.sim_log())
    }

    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.jsonl.path().to_owned()];
        files.extend(self.log.as_ref().map(|l| l.path().to_owned()));
        files
    }

    fn using_file(&self) -> bool {
        self.file_state.events() > 0
    }

    pub fn cursor(&self) -> ProgressCursor {
        ProgressCursor {
            progress_offset: self.jsonl.offset(),
            log_offset: self.log.as_ref().map_or(0, Tail::offset),
        }
    }

    /// Reads what was appended (bounded; `more` says there is more to read).
    pub fn poll(&mut self) -> Polled {
        let mut polled = Polled::default();
        let before = self.file_state.events();
        let state = &mut self.file_state;
        let mut reset = false;
        let out = self.jsonl.read(READ_BUDGET, |ev| match ev {
            TailEvent::Line(l) => {
                if let Some(e) = parse_jsonl(l.bytes) {
                    state.apply(e);
                }
            }
            TailEvent::Reset => {
                *state = ProgressState::new(ProgressSource::ProgressFile);
                reset = true;
            }
        });
        polled.more |= out.is_ok_and(|o| o.more);
        polled.changed |= reset || self.file_state.events() != before;
        if reset || (before == 0 && self.file_state.events() > 0) {
            // Started over, or the progress file takes over from the log.
            self.full = true;
        }
        if self.using_file() {
            self.log = None;
        } else if let Some(log) = self.log.as_mut() {
            let before = self.log_state.events();
            let state = &mut self.log_state;
            let mut reset = false;
            let out = log.read(READ_BUDGET, |ev| match ev {
                TailEvent::Line(l) => {
                    if let Some(e) = parse_log_line(l.bytes) {
                        state.apply(e);
                    }
                }
                TailEvent::Reset => {
                    *state = ProgressState::new(ProgressSource::Log);
                    reset = true;
                }
            });
            polled.more |= out.is_ok_and(|o| o.more);
            polled.changed |= reset || self.log_state.events() != before;
            self.full |= reset;
        }
        polled
    }

    /// Reads everything there is, last lines without a newline included: for
    /// when the simulator has finished writing.
    pub fn drain(&mut self) -> bool {
        let mut changed = false;
        loop {
            let p = self.poll();
            changed |= p.changed;
            if !p.more {
                break;
            }
        }
        let state = &mut self.file_state;
        let before = state.events();
        self.jsonl.flush_partial(|ev| {
            if let TailEvent::Line(l) = ev {
                if let Some(e) = parse_jsonl(l.bytes) {
                    state.apply(e);
                }
            }
        });
        changed |= state.events() != before;
        if !self.using_file() {
            if let Some(log) = self.log.as_mut() {
                let state = &mut self.log_state;
                let before = state.events();
                log.flush_partial(|ev| {
                    if let TailEvent::Line(l) = ev {
                        if let Some(e) = parse_log_line(l.bytes) {
                            state.apply(e);
                        }
                    }
                });
                changed |= state.events() != before;
            }
        }
        changed
    }

    /// The simulator is over: loads it started and never ended were cut off
    /// (a cancel, a crash). Returns whether a load changed.
    pub fn close_open_loads(&mut self) -> bool {
        if self.using_file() {
            self.file_state.close_open_loads()
        } else {
            self.log_state.close_open_loads()
        }
    }

    fn state(&self) -> Option<&ProgressState> {
        if self.using_file() {
            Some(&self.file_state)
        } else if self.log_state.events() > 0 {
            Some(&self.log_state)
        } else {
            None
        }
    }

    /// The progress so far with every load; `None` before the first event.
    pub fn snapshot(&self) -> Option<RunProgress> {
        self.state().map(ProgressState::snapshot)
    }

    /// The next update of a stream: `(full, progress)` with every load when
    /// full, else only the changed loads. `None` before the first event.
    pub fn take_update(&mut self) -> Option<(bool, RunProgress)> {
        let full = std::mem::take(&mut self.full);
        let state = if self.using_file() {
            &mut self.file_state
        } else if self.log_state.events() > 0 {
            &mut self.log_state
        } else {
            self.full = full;
            return None;
        };
        if full {
            state.mark_all_changed();
        }
        Some((full, state.take_changes()))
    }
}

/// Reads a run's progress from its files, once, to the end. With `ended`
/// (the run is over) loads left open are reported as interrupted.
pub fn read_progress(dir: &RunDir, ended: bool) -> Option<RunProgress> {
    let mut reader = ProgressReader::for_run(dir);
    reader.drain();
    if ended {
        reader.close_open_loads();
    }
    reader.snapshot()
}

/// Cuts an update into messages under the budget (only a long sweep's full
/// update needs it).
pub(crate) fn update_messages(
    cursor: ProgressCursor,
    full: bool,
    progress: RunProgress,
) -> Vec<ProgressMessage> {
    let size_of = |p: &RunProgress| serde_json::to_string(p).map_or(usize::MAX, |s| s.len());
    let envelope = 160;
    if size_of(&progress) + envelope <= MESSAGE_BUDGET {
        return vec![ProgressMessage::Update {
            cursor,
            full,
            progress: Box::new(progress),
        }];
    }
    let mut base = progress;
    let loads = std::mem::take(&mut base.loads);
    let base_size = size_of(&base) + envelope;
    let mut out = Vec::new();
    let mut batch = Vec::new();
    let mut size = base_size;
    for load in loads {
        let s = serde_json::to_string(&load).map_or(0, |s| s.len()) + 1;
        if !batch.is_empty() && size + s > MESSAGE_BUDGET {
            out.push(std::mem::take(&mut batch));
            size = base_size;
        }
        size += s;
        batch.push(load);
    }
    out.push(batch);
    out.into_iter()
        .enumerate()
        .map(|(i, loads)| ProgressMessage::Update {
            cursor,
            full: full && i == 0,
            progress: Box::new(RunProgress {
                loads,
                ..base.clone()
            }),
        })
        .collect()
}

/// Follows a run's progress and sends updates until `end` resolves, then the
/// final update and `End`. A `cursor` equal to where the reader stands after
/// catching up means the client is up to date: no first update is sent.
pub fn follow_progress(
    progress_file: PathBuf,
    log_file: PathBuf,
    cursor: Option<ProgressCursor>,
    options: FollowOptions,
    end: EndSignal,
) -> mpsc::Receiver<ProgressMessage> {
    let (tx, rx) = mpsc::channel(STREAM_CAPACITY);
    tokio::spawn(async move {
        let reader = ProgressReader::new(progress_file, log_file);
        let _ = run_progress_follower(reader, cursor, options, end, &tx).await;
    });
    rx
}

async fn send_update(reader: &mut ProgressReader, tx: &mpsc::Sender<ProgressMessage>) -> Result<bool, ()> {
    let cursor = reader.cursor();
    let Some((full, progress)) = reader.take_update() else {
        return Ok(false);
    };
    for m in update_messages(cursor, full, progress) {
        tx.send(m).await.map_err(|_| ())?;
    }
    Ok(true)
}

async fn run_progress_follower(
    mut reader: ProgressReader,
    cursor: Option<ProgressCursor>,
    options: FollowOptions,
    mut end: EndSignal,
    tx: &mpsc::Sender<ProgressMessage>,
) -> Result<(), ()> {
    let mut wake = FileWake::new(&reader.files(), options);
    // Catch up first, so the first update is the whole state.
    while reader.poll().more {}
    let mut dirty = cursor != Some(reader.cursor());
    if !dirty {
        // Up to date already: consume the pending full flag silently.
        let _ = reader.take_update();
    }
    let mut last_sent: Option<Instant> = None;
    loop {
        if dirty {
            let due = last_sent.map_or_else(Instant::now, |t| t + COALESCE_WINDOW);
            if Instant::now() >= due {
                if send_update(&mut reader, tx).await? {
                    last_sent = Some(Instant::now());
                }
                dirty = false;
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = wake.changed() => dirty |= poll_all(&mut reader).await,
                status = &mut end => return finish(reader, status, tx).await,
                _ = tx.closed() => return Err(()),
            }
        } else {
            tokio::select! {
                _ = wake.changed() => dirty |= poll_all(&mut reader).await,
                status = &mut end => return finish(reader, status, tx).await,
                _ = tx.closed() => return Err(()),
            }
        }
    }
}

async fn poll_all(reader: &mut ProgressReader) -> bool {
    let mut changed = false;
    loop {
        let p = reader.poll();
        changed |= p.changed;
        if !p.more {
            return changed;
        }
        tokio::task::yield_now().await;
    }
}

async fn finish(
    mut reader: ProgressReader,
    status: Option<RunStatus>,
    tx: &mpsc::Sender<ProgressMessage>,
) -> Result<(), ()> {
    reader.drain();
    if status.is_some_and(RunStatus::is_terminal) {
        reader.close_open_loads();
    }
    send_update(&mut reader, tx).await?;
    if let Some(status) = status {
        tx.send(ProgressMessage::End { status }).await.map_err(|_| ())?;
    }
    Ok(())
}

/// Keeps a run's progress cache up to date while the run runs: owned by the
/// run's supervisor, which lives exactly as long as the run, so the cache is
/// kept with no window open.
pub struct ProgressRecorder {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ProgressRecorder {
    pub fn start(ctx: Ctx, id: RunId) -> Self {
        Self::start_with(ctx, id, FollowOptions::default())
    }

    pub fn start_with(ctx: Ctx, id: RunId, options: FollowOptions) -> Self {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(record(ctx, id, options, stopped));
        ProgressRecorder {
            stop: Some(stop),
            task,
        }
    }

    /// Reads what the simulator wrote last and writes the final progress.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

async fn record(ctx: Ctx, id: RunId, options: FollowOptions, mut stopped: oneshot::Receiver<()>) {
    let dir = ctx.data().run(&id);
    let mut reader = ProgressReader::for_run(&dir);
    let mut wake = FileWake::new(&reader.files(), options);
    let mut last_write: Option<Instant> = None;
    let mut dirty = false;
    loop {
        dirty |= poll_all(&mut reader).await;
        if dirty {
            let due = last_write.map_or_else(Instant::now, |t| t + CACHE_INTERVAL);
            if Instant::now() >= due {
                if let Some(p) = reader.snapshot() {
                    super::cache::write(&ctx, &id, &p).await;
                }
                last_write = Some(Instant::now());
                dirty = false;
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = wake.changed() => {}
                _ = &mut stopped => break,
            }
        } else {
            tokio::select! {
                _ = wake.changed() => {}
                _ = &mut stopped => break,
            }
        }
    }
    reader.drain();
    // Stopped only once the simulator is over: what it left open was cut off.
    reader.close_open_loads();
    if let Some(p) = reader.snapshot() {
        super::cache::write(&ctx, &id, &p).await;
    }
}
