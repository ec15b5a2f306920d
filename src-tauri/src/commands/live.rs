use std::collections::HashMap;

use fusion_desk_core::live::{
    LogLinesPage, LogMessage, LogSearchQuery, LogSearchResult, LogSnapshot, ProgressCursor, ProgressMessage,
    RunProgress,
};
use fusion_desk_core::{Desk, DeskError};
use tauri::ipc::Channel;
use tauri::State;

use crate::streams::Streams;

/// The log from `offset` (or its tail when absent), at most `max_bytes`.
#[tauri::command]
pub async fn runs_log_snapshot(
    desk: State<'_, Desk>,
    id: String,
    offset: Option<u64>,
    max_bytes: u32,
) -> Result<LogSnapshot, DeskError> {
    desk.live().log_snapshot(&id, offset, max_bytes).await
}

/// Lines of the log by number, for the virtualised viewer.
#[tauri::command]
pub async fn runs_log_lines(
    desk: State<'_, Desk>,
    id: String,
    first: u64,
    count: u32,
) -> Result<LogLinesPage, DeskError> {
    desk.live().log_lines(&id, first, count).await
}

#[tauri::command]
pub async fn runs_log_search(
    desk: State<'_, Desk>,
    id: String,
    query: LogSearchQuery,
) -> Result<LogSearchResult, DeskError> {
    desk.live().log_search(&id, &query).await
}

/// Streams the log from `offset` to `channel`; returns the stream's id.
#[tauri::command]
pub async fn runs_log_stream(
    desk: State<'_, Desk>,
    streams: State<'_, Streams>,
    id: String,
    offset: u64,
    channel: Channel<LogMessage>,
) -> Result<u64, DeskError> {
    let rx = desk.live().log_stream(&id, offset).await?;
    Ok(streams.forward(rx, channel))
}

#[tauri::command]
pub async fn runs_progress(desk: State<'_, Desk>, id: String) -> Result<Option<RunProgress>, DeskError> {
    desk.live().progress(&id).await
}

/// The cached progress of many runs at once (the run list); reads no files.
#[tauri::command]
pub async fn runs_progress_many(
    desk: State<'_, Desk>,
    ids: Vec<String>,
) -> Result<HashMap<String, RunProgress>, DeskError> {
    desk.live().cached_progress(&ids).await
}

/// Streams progress updates to `channel`, resuming after `cursor`; returns the stream's id.
#[tauri::command]
pub async fn runs_progress_stream(
    desk: State<'_, Desk>,
    streams: State<'_, Streams>,
    id: String,
    cursor: Option<ProgressCursor>,
    channel: Channel<ProgressMessage>,
) -> Result<u64, DeskError> {
    let rx = desk.live().progress_stream(&id, cursor).await?;
    Ok(streams.forward(rx, channel))
}

/// Stops a stream the page no longer shows.
#[tauri::command]
pub fn streams_close(streams: State<'_, Streams>, stream: u64) {
    streams.close(stream);
}
