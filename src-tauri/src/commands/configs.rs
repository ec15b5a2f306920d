use fusion_desk_core::configs::{schema, ConfigKey, ValidationReport};
use fusion_desk_core::model::ImportedConfig;
use fusion_desk_core::{Desk, DeskError};
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{ask, Ask};

#[tauri::command]
pub async fn configs_validate(desk: State<'_, Desk>, text: String) -> Result<ValidationReport, DeskError> {
    desk.configs().validate_config(&text).await
}

#[tauri::command]
pub fn configs_schema() -> Vec<ConfigKey> {
    schema::keys()
}

/// Asks for an INI file with the native open dialog and returns its text.
#[tauri::command]
pub async fn configs_import<R: Runtime>(app: AppHandle<R>) -> Result<Option<ImportedConfig>, DeskError> {
    let Some(path) = ask(&app, Ask::OpenFile, |d| {
        d.set_title("Import a FUSION config")
            .add_filter("INI config", &["ini", "cfg", "conf"])
    })
    .await?
    else {
        return Ok(None);
    };
    fusion_desk_core::configs::read_import(&path).map(Some)
}

/// Asks where to save `text` with the native save dialog; returns the path written.
#[tauri::command]
pub async fn configs_export<R: Runtime>(
    app: AppHandle<R>,
    text: String,
    file_name: String,
) -> Result<Option<String>, DeskError> {
    let name = std::path::Path::new(&file_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.ini".to_owned());
    let Some(path) = ask(&app, Ask::SaveFile, move |d| {
        d.set_title("Export the config")
            .set_file_name(name)
            .add_filter("INI config", &["ini"])
    })
    .await?
    else {
        return Ok(None);
    };
    fusion_desk_core::runfs::write_chosen(&path, text.as_bytes())?;
    Ok(Some(path.to_string_lossy().into_owned()))
}
