use fusion_desk_core::artifacts::ResultsTable;
use fusion_desk_core::artifacts::{ArtifactListing, ArtifactPreview, ArtifactUsage, ExportSummary};
use fusion_desk_core::{Desk, DeskError, RunId};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{ask, save_bytes, Ask};

/// Plots arrive from the page as SVG text or a PNG data URL.
const MAX_PLOT_BYTES: usize = 32 << 20;

#[tauri::command]
pub async fn artifacts_list(
    desk: State<'_, Desk>,
    id: String,
    path: String,
    offset: Option<u32>,
    limit: Option<u32>,
) -> Result<ArtifactListing, DeskError> {
    desk.artifacts().list_artifacts(&id, &path, offset, limit).await
}

#[tauri::command]
pub async fn artifacts_usage(
    desk: State<'_, Desk>,
    id: String,
    path: String,
) -> Result<ArtifactUsage, DeskError> {
    desk.artifacts().artifact_usage(&id, &path).await
}

#[tauri::command]
pub async fn artifacts_preview(
    desk: State<'_, Desk>,
    id: String,
    path: String,
) -> Result<ArtifactPreview, DeskError> {
    desk.artifacts().preview_artifact(&id, &path).await
}

/// Opens a file of the run with the system's default application; a
/// program, script or desktop entry is refused (Reveal shows it instead).
#[tauri::command]
pub async fn artifacts_open(desk: State<'_, Desk>, id: String, path: String) -> Result<(), DeskError> {
    let target = desk.artifacts().resolve_for_desktop_open(&id, &path).await?;
    tauri_plugin_opener::open_path(&target, None::<&str>)
        .map_err(|e| DeskError::internal(format!("cannot open {}: {e}", target.display())))
}

/// Shows a file in the file manager, selected where the file manager can
/// (the freedesktop FileManager1 interface), or the folder itself.
#[tauri::command]
pub async fn artifacts_reveal(desk: State<'_, Desk>, id: String, path: String) -> Result<(), DeskError> {
    let target = desk.artifacts().resolve_for_open(&id, &path).await?;
    tauri_plugin_opener::reveal_item_in_dir(&target).map_err(|e| {
        DeskError::internal(format!(
            "cannot show {} in the file manager: {e}",
            target.display()
        ))
    })
}

/// "Save as…": copies one file or folder of the run to where the user chooses.
#[tauri::command]
pub async fn artifacts_save_as<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: String,
    path: String,
) -> Result<Option<ExportSummary>, DeskError> {
    let source = desk.artifacts().resolve_for_open(&id, &path).await?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| id.clone());
    let Some(dest) = ask(&app, Ask::SaveFile, move |d| {
        d.set_title("Save a copy").set_file_name(name)
    })
    .await?
    else {
        return Ok(None);
    };
    // The native dialog already asked before replacing an existing file.
    desk.artifacts()
        .export_artifacts(&id, Some(&path), &dest, true)
        .await
        .map(Some)
}

/// Exports a folder of the run (the whole run when `path` is empty) into a
/// folder the user picks, as `<picked>/<run id>-<folder name>`.
#[tauri::command]
pub async fn artifacts_export_folder<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: String,
    path: String,
) -> Result<Option<ExportSummary>, DeskError> {
    RunId::parse(&id)?;
    let Some(parent) = ask(&app, Ask::PickFolder, |d| d.set_title("Export to a folder")).await? else {
        return Ok(None);
    };
    desk.artifacts().export_into(&id, &path, &parent).await.map(Some)
}

#[tauri::command]
pub async fn results_get(desk: State<'_, Desk>, id: String) -> Result<ResultsTable, DeskError> {
    desk.artifacts().results(&id).await
}

/// Saves the results table as CSV where the user chooses.
#[tauri::command]
pub async fn results_export_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: String,
) -> Result<Option<String>, DeskError> {
    let csv = desk.artifacts().results_csv(&id).await?;
    let name = format!("{id}-results.csv");
    save_bytes(
        &app,
        "Export results as CSV",
        name,
        ("CSV".into(), "csv"),
        csv.as_bytes(),
    )
    .await
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotFormat {
    Svg,
    Png,
}

/// Saves a plot the page rendered (SVG text, or a PNG as a data URL).
#[tauri::command]
pub async fn results_save_plot<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    format: PlotFormat,
    data: String,
) -> Result<Option<String>, DeskError> {
    let run = RunId::parse(&id)?;
    let (bytes, ext) = decode_plot(format, data)?;
    let name = format!("{run}-blocking.{ext}");
    save_bytes(&app, "Save the plot", name, (ext.to_uppercase(), ext), &bytes).await
}

/// Checks and decodes a plot from the page: SVG text, or a PNG data URL.
pub fn decode_plot(format: PlotFormat, data: String) -> Result<(Vec<u8>, &'static str), DeskError> {
    if data.len() > MAX_PLOT_BYTES {
        return Err(DeskError::invalid_input("the plot is larger than 32 MiB"));
    }
    Ok(match format {
        PlotFormat::Svg => {
            if !data.trim_start().starts_with("<svg") && !data.trim_start().starts_with("<?xml") {
                return Err(DeskError::invalid_input("not an SVG document"));
            }
            (data.into_bytes(), "svg")
        }
        PlotFormat::Png => {
            use base64::Engine;
            let b64 = data
                .strip_prefix("data:image/png;base64,")
                .ok_or_else(|| DeskError::invalid_input("expected a PNG data URL"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| DeskError::invalid_input("the PNG data is not valid base64"))?;
            if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                return Err(DeskError::invalid_input("not a PNG image"));
            }
            (bytes, "png")
        }
    })
}
