//! Forwards core run events to the webview. Status changes are rare, so a
//! global event is the right transport (high-rate streams use channels).

use fusion_desk_core::Desk;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast::error::RecvError;

pub const RUN_EVENT: &str = "run-event";

pub fn forward_events<R: Runtime>(app: AppHandle<R>, desk: &Desk) {
    let mut events = desk.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Err(e) = app.emit(RUN_EVENT, &event) {
                        tracing::warn!("cannot forward a run event: {e}");
                    }
                }
                // Too far behind to itemise: tell the UI to refetch.
                Err(RecvError::Lagged(_)) => {
                    let _ = app.emit(RUN_EVENT, &fusion_desk_core::RunEvent::RunsChanged);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}
