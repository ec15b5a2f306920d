//! Log streams: a snapshot from a byte offset, then a stream of what follows,
//! coalesced without adding delay and cut into messages under the IPC budget.

use std::collections::VecDeque;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::time::Instant;
use ts_rs::TS;

use super::tail::{json_len, RawLine, Tail, TailEvent};
use super::watch::{FileWake, FollowOptions};
use crate::model::RunStatus;

/// A serialised stream message stays at or under this many bytes (Tauri
/// switches to a slower transport above 8 KiB).
pub const MESSAGE_BUDGET: usize = 8000;
/// Room kept for a message's fields other than its lines.
const ENVELOPE: usize = 192;
/// Lines of a burst are gathered for at most this long before they go out.
/// Well under the 20 ms promised: a line that arrives at the start of a
/// window waits the whole window, and the IPC hop and the scheduler of a
/// busy machine add to it.
pub const COALESCE_WINDOW: Duration = Duration::from_millis(8);
/// File bytes read between two chances to send (keeps a catching-up stream
/// from holding a large backlog in memory).
const READ_BUDGET: usize = 256 * 1024;
/// Messages queued towards a slow consumer before the reader waits for it.
pub const STREAM_CAPACITY: usize = 64;

/// One message of a log stream (tagged by `type` for the IPC channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LogMessage {
    /// Consecutive complete lines. `first_line` is the 0-based number of the
    /// first one; `offset_end` is where a client resumes.
    Lines {
        #[ts(type = "number")]
        first_line: u64,
        #[ts(type = "number")]
        offset_start: u64,
        #[ts(type = "number")]
        offset_end: u64,
        lines: Vec<String>,
    },
    /// The log was truncated or replaced: drop every line shown; the lines
    /// that follow start again at offset 0, line 0.
    Reset,
    /// The run ended with this status and every line it wrote has been sent
    /// (a last line without a newline included). Nothing follows.
    End { status: RunStatus },
}

/// The lines of a log from an offset, or its tail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LogSnapshot {
    #[ts(type = "number")]
    pub first_line: u64,
    #[ts(type = "number")]
    pub offset_start: u64,
    /// Where the stream continues: pass it to the log stream.
    #[ts(type = "number")]
    pub offset_end: u64,
    pub lines: Vec<String>,
    /// The log's size when read (a last line still being written included).
    #[ts(type = "number")]
    pub file_size: u64,
    /// More lines exist before `offset_start` (a tail was asked for).
    pub more_before: bool,
    /// More complete lines exist after `offset_end` (`max_bytes` was reached).
    pub more_after: bool,
    /// The requested offset was past the end of the log (it was truncated or
    /// replaced): the snapshot starts at offset 0 instead.
    pub reset: bool,
    pub status: RunStatus,
}

/// Builds stream messages from lines: each under [`MESSAGE_BUDGET`].
pub(crate) struct LogBatcher {
    ready: VecDeque<LogMessage>,
    open: Option<OpenBatch>,
    next_line: u64,
}

struct OpenBatch {
    first_line: u64,
    offset_start: u64,
    offset_end: u64,
    lines: Vec<String>,
    size: usize,
}

impl LogBatcher {
    pub(crate) fn new(first_line: u64) -> Self {
        LogBatcher {
            ready: VecDeque::new(),
            open: None,
            next_line: first_line,
        }
    }

    pub(crate) fn push(&mut self, event: TailEvent<'_>) {
        match event {
            TailEvent::Line(line) => self.push_line(&line),
            TailEvent::Reset => {
                self.close();
                self.ready.push_back(LogMessage::Reset);
                self.next_line = 0;
            }
        }
    }

    fn push_line(&mut self, line: &RawLine<'_>) {
        let text = line.text();
        let size = json_len(&text) + 1;
        if self
            .open
            .as_ref()
            .is_some_and(|b| b.size + size > MESSAGE_BUDGET - ENVELOPE)
        {
            self.close();
        }
        let batch = self.open.get_or_insert_with(|| OpenBatch {
            first_line: self.next_line,
            offset_start: line.start,
            offset_end: line.start,
            lines: Vec::new(),
            size: 0,
        });
        batch.lines.push(text);
        batch.size += size;
        batch.offset_end = line.end;
        self.next_line += 1;
    }

    fn close(&mut self) {
        if let Some(b) = self.open.take() {
            self.ready.push_back(LogMessage::Lines {
                first_line: b.first_line,
                offset_start: b.offset_start,
                offset_end: b.offset_end,
                lines: b.lines,
            });
        }
    }

    /// Messages that are complete (full, or followed by a reset).
    pub(crate) fn take_ready(&mut self) -> impl Iterator<Item = LogMessage> + '_ {
        self.ready.drain(..)
    }

    /// Everything, the open batch included.
    pub(crate) fn take_all(&mut self) -> impl Iterator<Item = LogMessage> + '_ {
        self.close();
        self.ready.drain(..)
    }

    pub(crate) fn has_pending(&self) -> bool {
        self.open.is_some() || !self.ready.is_empty()
    }
}

/// Resolves with the run's terminal status once it has one (`None`: the run
/// is gone, the stream just closes).
pub type EndSignal = Pin<Box<dyn Future<Output = Option<RunStatus>> + Send>>;

/// Follows a log file from `from_offset` (line `first_line`) and sends its
/// lines until `end` resolves, then sends what is left and `End`. Stops early
/// when the receiver is dropped.
pub fn follow_log(
    path: PathBuf,
    from_offset: u64,
    first_line: u64,
    options: FollowOptions,
    end: EndSignal,
) -> mpsc::Receiver<LogMessage> {
    let (tx, rx) = mpsc::channel(STREAM_CAPACITY);
    tokio::spawn(async move {
        if let Err(e) = run_log_follower(path, from_offset, first_line, options, end, &tx).await {
            tracing::debug!("log stream stopped: {e}");
        }
    });
    rx
}

#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("receiver dropped")
    }
}

async fn send_all(
    tx: &mpsc::Sender<LogMessage>,
    messages: impl Iterator<Item = LogMessage>,
) -> Result<bool, Closed> {
    let mut sent = false;
    for m in messages {
        tx.send(m).await.map_err(|_| Closed)?;
        sent = true;
    }
    Ok(sent)
}

async fn run_log_follower(
    path: PathBuf,
    from_offset: u64,
    first_line: u64,
    options: FollowOptions,
    mut end: EndSignal,
    tx: &mpsc::Sender<LogMessage>,
) -> Result<(), Closed> {
    let mut wake = FileWake::new(std::slice::from_ref(&path), options);
    let mut tail = Tail::new(path, from_offset);
    let mut batcher = LogBatcher::new(first_line);
    // When the previous message went out; a burst waits for the window.
    let mut last_sent: Option<Instant> = None;
    let mut ended: Option<Option<RunStatus>> = None;
    loop {
        let outcome = match tail.read(READ_BUDGET, |ev| batcher.push(ev)) {
            Ok(o) => o,
            Err(e) => {
                tracing::debug!("cannot read {}: {e}", tail.path().display());
                Default::default()
            }
        };
        if send_all(tx, batcher.take_ready()).await? {
            last_sent = Some(Instant::now());
        }
        if outcome.more {
            tokio::task::yield_now().await;
            continue;
        }
        if let Some(status) = ended {
            tail.flush_partial(|ev| batcher.push(ev));
            send_all(tx, batcher.take_all()).await?;
            if let Some(status) = status {
                tx.send(LogMessage::End { status }).await.map_err(|_| Closed)?;
            }
            return Ok(());
        }
        if batcher.has_pending() {
            let due = last_sent.map_or_else(Instant::now, |t| t + COALESCE_WINDOW);
            if Instant::now() >= due {
                send_all(tx, batcher.take_all()).await?;
                last_sent = Some(Instant::now());
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = wake.changed() => {}
                status = &mut end => ended = Some(status),
                _ = tx.closed() => return Err(Closed),
            }
        } else {
            tokio::select! {
                _ = wake.changed() => {}
                status = &mut end => ended = Some(status),
                _ = tx.closed() => return Err(Closed),
            }
        }
    }
}
