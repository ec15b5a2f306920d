//! Closing the window with runs active asks whether to leave them running or
//! cancel them. Runs never depend on the app: "leave" is always safe.

use std::sync::atomic::{AtomicBool, Ordering};

use fusion_desk_core::Desk;
use serde::Serialize;
use tauri::{Emitter, Manager, Runtime, Window, WindowEvent};

pub const QUIT_REQUESTED: &str = "quit-requested";

#[derive(Default)]
pub struct QuitState {
    /// Set once the user has chosen; the next close goes through.
    confirmed: AtomicBool,
}

impl QuitState {
    pub fn confirm(&self) {
        self.confirmed.store(true, Ordering::SeqCst);
    }
}

#[derive(Clone, Serialize)]
struct QuitRequested {
    active: usize,
}

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle().clone();
    if app.state::<QuitState>().confirmed.load(Ordering::SeqCst) {
        return;
    }
    let Some(desk) = app.try_state::<Desk>().map(|d| d.inner().clone()) else {
        return;
    };
    api.prevent_close();
    tauri::async_runtime::spawn(async move {
        let active = desk.active_runs().await.map(|r| r.len()).unwrap_or(0);
        if active == 0 {
            app.state::<QuitState>().confirm();
            app.exit(0);
        } else if let Err(e) = app.emit(QUIT_REQUESTED, QuitRequested { active }) {
            tracing::warn!("cannot ask about active runs, quitting and leaving them running: {e}");
            app.exit(0);
        }
    });
}
