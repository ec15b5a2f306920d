//! Live progress and logs of runs: tailing files as they grow, parsing
//! progress, and delivering both as snapshots plus streams.
//!
//! # Logs
//!
//! A run's `logs/sim.log` is addressed by byte offsets that always fall at the
//! start of a line, and by 0-based line numbers.
//!
//! - [`Live::log_snapshot`]`(id, None, max_bytes)` returns the log's tail (or,
//!   with `Some(offset)`, the lines from that offset forward) and
//!   `offset_end`, where the stream continues.
//! - [`Live::log_stream`]`(id, offset)` returns a receiver of [`LogMessage`]s:
//!   `lines` batches (each with `offset_start`, `offset_end` and `first_line`),
//!   `reset` when the log was truncated or replaced (drop what you show; lines
//!   restart at offset 0), and finally `end` with the run's terminal status,
//!   after every line the run wrote (a last line without newline included).
//!   A last line still being written is held back until its newline arrives.
//! - **Resuming.** A client remembers the `offset_end` of the last `lines`
//!   message it applied (or of the snapshot). Switching tabs, reopening a run
//!   or reconnecting, it opens a new stream from that offset: no line is lost
//!   and none is repeated. An offset beyond the end of the log (the log was
//!   replaced meanwhile) yields `reset` first.
//! - [`Live::log_lines`] serves any range of lines by number (for a
//!   virtualised viewer) and [`Live::log_search`] searches the whole log.
//!
//! # Progress
//!
//! Progress comes from `progress.jsonl` (see the progress contract) or, for
//! simulators that write none (the real FUSION), from the log lines. When the
//! progress file has events it is the only source, so nothing is counted
//! twice. [`Live::progress`] returns a [`RunProgress`]; the run's supervisor
//! keeps it cached in the store ([`Live::cached_progress`] reads many at
//! once, without touching files). [`Live::progress_stream`]`(id, cursor)`
//! returns a receiver of [`ProgressMessage`]s: `update`s (the first one
//! `full`; later ones carry only the loads that changed, to merge by `erlang`)
//! and `end` with the terminal status. A reconnecting client passes the
//! `cursor` of the last update it applied; if nothing changed meanwhile no
//! update is repeated, otherwise the next update is `full`.
//!
//! # Delivery
//!
//! Streams coalesce without adding delay: the first change after a quiet
//! spell goes out at once; changes within [`COALESCE_WINDOW`] of the previous
//! message are batched until the window ends. Every message serialises to at
//! most [`MESSAGE_BUDGET`] bytes (lines longer than a few KiB are shown cut).
//! Files are watched with notify and, as a safety net and for filesystems
//! that emit no events, checked periodically ([`FollowOptions`]).

mod cache;
pub mod current;
pub mod follow;
pub mod index;
pub mod logs;
pub mod progress;
pub mod tail;
mod views;
pub mod watch;

use ts_rs::TS;

/// Most runs one request for cached progress may name (a page of the run list).
pub const MAX_PROGRESS_RUNS: usize = 1000;

pub use follow::{
    follow_progress, read_progress, ProgressCursor, ProgressMessage, ProgressReader, ProgressRecorder,
    CACHE_INTERVAL,
};
pub use index::{LogLinesPage, LogMatch, LogSearchQuery, LogSearchResult};
pub use logs::{follow_log, EndSignal, LogMessage, LogSnapshot, COALESCE_WINDOW, MESSAGE_BUDGET};
pub use progress::{LoadEnd, LoadProgress, ProgressSource, RunProgress};
pub use views::{Live, Settle, MAX_PAGE_LINES, MAX_SNAPSHOT_BYTES};
pub use watch::FollowOptions;

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    LogMessage::export_all_to(dir)?;
    LogSnapshot::export_all_to(dir)?;
    LogLinesPage::export_all_to(dir)?;
    LogSearchQuery::export_all_to(dir)?;
    LogSearchResult::export_all_to(dir)?;
    LogMatch::export_all_to(dir)?;
    RunProgress::export_all_to(dir)?;
    LoadProgress::export_all_to(dir)?;
    LoadEnd::export_all_to(dir)?;
    ProgressSource::export_all_to(dir)?;
    ProgressCursor::export_all_to(dir)?;
    ProgressMessage::export_all_to(dir)?;
    Ok(())
}
