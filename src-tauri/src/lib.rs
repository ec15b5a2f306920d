//! The FUSION Desk window: Tauri wiring only. Runs, their lifecycle and their
//! files belong to `fusion_desk_core`; this crate registers thin commands,
//! forwards core events to the webview and asks before quitting with runs active.

mod bridge;
mod commands;
mod dialogs;
pub mod notifications;
mod quit;
mod streams;

use fusion_desk_core::{Desk, DeskOptions};
use tauri::Manager;

/// Builds the app around an opened [`Desk`]; shared by `run` and the tests.
pub fn app_builder<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .manage(quit::QuitState::default())
        .manage(streams::Streams::default())
        .invoke_handler(commands::handler())
        .on_window_event(quit::on_window_event)
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let desk = tauri::async_runtime::block_on(open_desk())?;
            bridge::forward_events(app.handle().clone(), &desk);
            notifications::start(app.handle().clone(), &desk);
            app.manage(desk.clone());
            // Settle what happened while the app was closed, then keep watching.
            tauri::async_runtime::spawn(async move {
                if let Err(e) = desk.recover().await {
                    tracing::error!("recovering runs failed: {e}");
                }
                if let Err(e) = desk.monitor_external_changes() {
                    tracing::error!("cannot watch for changes by other processes: {e}");
                }
                if let Err(e) = desk.history().backfill().await {
                    tracing::warn!("cannot fill in the history's networks and disk use: {e}");
                }
            });
            Ok(())
        });
    app_builder(builder)
        .run(context())
        .expect("the FUSION Desk window failed to start");
}

/// The app's configuration, assets and capabilities, for any runtime (the
/// tests use Tauri's mock runtime with the real capabilities).
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

async fn open_desk() -> Result<Desk, Box<dyn std::error::Error>> {
    Ok(Desk::open(DeskOptions::from_env()?.watching()).await?)
}
