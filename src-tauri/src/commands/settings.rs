use fusion_desk_core::settings::SettingsView;
use fusion_desk_core::{Desk, DeskError, Settings};
use tauri::State;

#[tauri::command]
pub async fn settings_get(desk: State<'_, Desk>) -> Result<SettingsView, DeskError> {
    desk.settings().await
}

#[tauri::command]
pub async fn settings_save(desk: State<'_, Desk>, settings: Settings) -> Result<SettingsView, DeskError> {
    desk.save_settings(&settings).await
}
