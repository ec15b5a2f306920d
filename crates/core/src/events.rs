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

/// Subscribers that fall further behind than this lose the oldest events
/// (a lagged receiver is told, and lists re-fetch).
const EVENT_CAPACITY: usize = 1024;

/// Where run events go: every subscriber gets each event once.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: tokio::sync::broadcast::Sender<RunEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (sender, _) = tokio::sync::broadcast::channel(EVENT_CAPACITY);
        EventBus { sender }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<RunEvent> {
        self.sender.subscribe()
    }

    pub fn emit(&self, event: RunEvent) {
        // No subscriber is fine: a CLI command has nobody listening.
        let _ = self.sender.send(event);
    }
}
