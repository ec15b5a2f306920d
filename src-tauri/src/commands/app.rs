use fusion_desk_core::{Desk, DeskError};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};

use crate::quit::QuitState;

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuitMode {
    /// Quit and let active runs go on; the next start picks them up.
    Leave,
    /// Cancel every pending and running run, then quit.
    Cancel,
}

#[tauri::command]
pub async fn app_quit<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    quit: State<'_, QuitState>,
    mode: QuitMode,
) -> Result<(), DeskError> {
    if let QuitMode::Cancel = mode {
        // Supervisors carry the cancel through (SIGTERM, grace, SIGKILL)
        // without the app, so quitting right after is safe.
        desk.cancel_all_active().await?;
    }
    quit.confirm();
    app.exit(0);
    Ok(())
}
