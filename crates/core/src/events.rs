//! Notifications about runs, for whoever shows them (the desktop shell turns
//! them into IPC events; tests and the CLI subscribe directly).

use serde::Serialize;
use ts_rs::TS;

use crate::model::Run;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    /// A run was created or changed state.
    RunUpdated { run: Box<Run> },
    /// A run and its folder were deleted.
    RunDeleted { id: String },
    /// Another process changed the history in ways not itemised above;
    /// lists should be fetched again.
    RunsChanged,
}
