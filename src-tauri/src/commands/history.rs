//! Notes, tags, names, bulk actions, disk use and clean-up of the history,
//! and run comparison with its exports.

use fusion_desk_core::compare::Comparison;
use fusion_desk_core::history::{BulkItem, CleanupPreview, CleanupQuery, CleanupReport, RunFacets};
use fusion_desk_core::{Desk, DeskError, Run};
use tauri::{AppHandle, Runtime, State};

use super::artifacts::{decode_plot, PlotFormat};
use crate::dialogs::{ask, save_bytes, Ask};

#[tauri::command]
pub async fn runs_rename(desk: State<'_, Desk>, id: String, name: String) -> Result<Run, DeskError> {
    desk.history().rename(&id, &name).await
}

#[tauri::command]
pub async fn runs_set_tags(desk: State<'_, Desk>, id: String, tags: Vec<String>) -> Result<Run, DeskError> {
    desk.history().set_tags(&id, &tags).await
}

#[tauri::command]
pub async fn runs_set_note(desk: State<'_, Desk>, id: String, note: String) -> Result<Run, DeskError> {
    desk.history().set_note(&id, &note).await
}

#[tauri::command]
pub async fn runs_facets(desk: State<'_, Desk>) -> Result<RunFacets, DeskError> {
    desk.history().facets().await
}

#[tauri::command]
pub async fn runs_delete_many(desk: State<'_, Desk>, ids: Vec<String>) -> Result<Vec<BulkItem>, DeskError> {
    desk.history().delete_many(&ids).await
}

/// Copies each run to `<picked folder>/<name>-<id>/`; None when the user cancels.
#[tauri::command]
pub async fn runs_export_many<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    ids: Vec<String>,
) -> Result<Option<Vec<BulkItem>>, DeskError> {
    if ids.is_empty() {
        return Err(DeskError::invalid_input("no runs selected"));
    }
    let title = format!("Export {} runs to a folder", ids.len());
    let Some(parent) = ask(&app, Ask::PickFolder, move |d| d.set_title(title)).await? else {
        return Ok(None);
    };
    desk.history().export_many(&ids, &parent).await.map(Some)
}

#[tauri::command]
pub async fn runs_disk_use(desk: State<'_, Desk>, id: String) -> Result<Run, DeskError> {
    desk.history().disk_use(&id).await
}

#[tauri::command]
pub async fn runs_cleanup_preview(
    desk: State<'_, Desk>,
    query: CleanupQuery,
) -> Result<CleanupPreview, DeskError> {
    desk.history().cleanup_preview(&query).await
}

#[tauri::command]
pub async fn runs_cleanup(desk: State<'_, Desk>, query: CleanupQuery) -> Result<CleanupReport, DeskError> {
    desk.history().cleanup(&query).await
}

#[tauri::command]
pub async fn runs_compare(desk: State<'_, Desk>, ids: Vec<String>) -> Result<Comparison, DeskError> {
    desk.comparisons().compare(&ids).await
}

/// Saves the comparison as CSV where the user chooses.
#[tauri::command]
pub async fn compare_export_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    ids: Vec<String>,
) -> Result<Option<String>, DeskError> {
    let csv = desk.comparisons().compare_csv(&ids).await?;
    save_bytes(
        &app,
        "Export the comparison as CSV",
        "comparison.csv".into(),
        ("CSV".into(), "csv"),
        csv.as_bytes(),
    )
    .await
}

/// Saves the comparison chart the page rendered (SVG text or a PNG data URL).
#[tauri::command]
pub async fn compare_save_plot<R: Runtime>(
    app: AppHandle<R>,
    format: PlotFormat,
    data: String,
) -> Result<Option<String>, DeskError> {
    let (bytes, ext) = decode_plot(format, data)?;
    let name = format!("comparison.{ext}");
    save_bytes(
        &app,
        "Save the comparison chart",
        name,
        (ext.to_uppercase(), ext),
        &bytes,
    )
    .await
}
