//! Native file dialogs, opened from Rust so the webview never needs dialog or
//! file permissions: a command asks the user, then works with the chosen path
//! itself. Dialogs block, so they run on the blocking pool.

use std::path::PathBuf;

use fusion_desk_core::DeskError;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

/// What kind of native dialog to show.
pub enum Ask {
    OpenFile,
    SaveFile,
    PickFolder,
}

/// Shows a dialog configured by `build`; `None` when the user cancels.
pub async fn ask<R: Runtime>(
    app: &AppHandle<R>,
    kind: Ask,
    build: impl FnOnce(FileDialogBuilder<R>) -> FileDialogBuilder<R> + Send + 'static,
) -> Result<Option<PathBuf>, DeskError> {
    let dialog = build(app.dialog().file());
    let picked = tauri::async_runtime::spawn_blocking(move || match kind {
        Ask::OpenFile => dialog.blocking_pick_file(),
        Ask::SaveFile => dialog.blocking_save_file(),
        Ask::PickFolder => dialog.blocking_pick_folder(),
    })
    .await
    .map_err(|e| DeskError::internal(format!("the file dialog failed: {e}")))?;
    picked
        .map(|p| {
            p.into_path().map_err(|e| {
                DeskError::invalid_input(format!("the chosen location is not a local path: {e}"))
            })
        })
        .transpose()
}

/// Asks where to save `bytes` (a save dialog with one file type), then writes
/// them there atomically; the saved path, or `None` when the user cancels.
pub async fn save_bytes<R: Runtime>(
    app: &AppHandle<R>,
    title: &'static str,
    file_name: String,
    filter: (String, &'static str),
    bytes: &[u8],
) -> Result<Option<String>, DeskError> {
    let (filter_name, ext) = filter;
    let Some(dest) = ask(app, Ask::SaveFile, move |d| {
        d.set_title(title)
            .set_file_name(file_name)
            .add_filter(filter_name, &[ext])
    })
    .await?
    else {
        return Ok(None);
    };
    fusion_desk_core::runfs::write_chosen(&dest, bytes)?;
    Ok(Some(dest.to_string_lossy().into_owned()))
}
