//! Desktop notifications when runs and sweeps end (what deserves one is
//! decided and batched by `fusion_desk_core::notices`). A click brings the window to the
//! front and tells the UI which run or sweep to show (`open-target`).
//!
//! The notification plugin reports clicks on desktop to `on_action` handlers
//! (on Linux through the freedesktop `default` action, kept on the D-Bus
//! connection the plugin holds open); the notice's target travels in the
//! notification's `extra` data, so a click needs no bookkeeping here.

use std::sync::atomic::{AtomicI32, Ordering};

use fusion_desk_core::notices::{self, Notice, NoticeFeed, NoticeTarget};
use fusion_desk_core::Desk;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Tells the UI to show a run or a sweep; the payload is a `NoticeTarget`.
pub const OPEN_TARGET: &str = "open-target";
const TARGET_KEY: &str = "fusionDeskTarget";

static NEXT_ID: AtomicI32 = AtomicI32::new(1);

/// Shows notices for the Desk's run events (when the setting allows) and
/// answers clicks on them.
pub fn start<R: Runtime>(app: AppHandle<R>, desk: &Desk) {
    let clicks = app.clone();
    let registered = app.notification().on_action(move |performed| {
        let target = performed
            .notification()
            .and_then(|n| n.extra().get(TARGET_KEY))
            .and_then(|v| serde_json::from_value::<NoticeTarget>(v.clone()).ok());
        if performed.action_id() != "dismiss" {
            if let Some(target) = target {
                open(&clicks, &target);
            }
        }
    });
    if let Err(e) = registered {
        tracing::warn!("notification clicks will not open runs: {e}");
    }

    let mut feed = NoticeFeed::new(desk.ctx().clone());
    tauri::async_runtime::spawn(async move {
        while let Some(batch) = feed.next_batch().await {
            for notice in &batch {
                show(&app, notice);
            }
        }
    });
}

fn show<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    let shown = app
        .notification()
        .builder()
        .id(NEXT_ID.fetch_add(1, Ordering::Relaxed))
        .title(&notice.title)
        .body(notices::desktop_text(&notice.body))
        .extra(TARGET_KEY, &notice.target)
        .show();
    match shown {
        Ok(()) => tracing::info!(failed = notice.failed, "notified: {}", notice.title),
        Err(e) => tracing::warn!("cannot show a notification: {e}"),
    }
}

/// Brings the main window to the front and routes the UI to the target.
fn open<R: Runtime>(app: &AppHandle<R>, target: &NoticeTarget) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Err(e) = app.emit(OPEN_TARGET, target) {
        tracing::warn!("cannot open the notification's target: {e}");
    }
}
