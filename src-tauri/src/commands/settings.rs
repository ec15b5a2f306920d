use fusion_desk_core::settings::SettingsView;
use fusion_desk_core::simulator::{self, SimulatorCheck};
use fusion_desk_core::{Desk, DeskError, Settings};
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{ask, Ask};

#[tauri::command]
pub async fn settings_get(desk: State<'_, Desk>) -> Result<SettingsView, DeskError> {
    desk.settings().await
}

#[tauri::command]
pub async fn settings_save(desk: State<'_, Desk>, settings: Settings) -> Result<SettingsView, DeskError> {
    desk.save_settings(&settings).await
}

/// Checks a simulator command (the one in effect when `command` is empty).
#[tauri::command]
pub async fn settings_check_simulator(
    desk: State<'_, Desk>,
    command: Option<String>,
) -> Result<SimulatorCheck, DeskError> {
    simulator::check_configured(desk.ctx(), command.as_deref()).await
}

/// Lets the user pick FUSION's `fusion-sim` or a Python interpreter that has
/// the `fusion` package, and checks what was picked.
#[tauri::command]
pub async fn settings_pick_simulator<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Option<SimulatorCheck>, DeskError> {
    let picked = ask(&app, Ask::OpenFile, |d| {
        d.set_title("Choose FUSION's fusion-sim, or a Python interpreter with FUSION installed")
    })
    .await?;
    Ok(match picked {
        Some(path) => Some(simulator::check_program(&path).await),
        None => None,
    })
}
