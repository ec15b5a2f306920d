//! Publication figures of runs or a sweep: the SVG the core draws, for the
//! figure dialog's preview and the sweep page's plots, and the same figure
//! saved as PDF, SVG, PNG, CSV or a matplotlib script through the native
//! save dialog.

use fusion_desk_core::figure::{parse_format, FigureOptions, FigurePreview};
use fusion_desk_core::plots::PlotRequest;
use fusion_desk_core::{Desk, DeskError};
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{ask, Ask};

#[tauri::command]
pub async fn figures_preview(
    desk: State<'_, Desk>,
    request: PlotRequest,
    options: FigureOptions,
) -> Result<FigurePreview, DeskError> {
    desk.figures().preview(&request, &options).await
}

fn filter_name(ext: &str) -> String {
    match ext {
        "py" => "Python script".into(),
        other => other.to_uppercase(),
    }
}

/// Asks where to save the figure (named after the run or sweep and what is
/// plotted) and writes it there; a script's CSV goes beside the script under
/// the same name. The saved path, or `None` when the user cancels.
#[tauri::command]
pub async fn figures_save<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    request: PlotRequest,
    options: FigureOptions,
    format: String,
) -> Result<Option<String>, DeskError> {
    let format = parse_format(&format)?;
    // Made before the dialog opens, so bad options are reported without
    // asking the user for a file first.
    let first = desk.figures().export(&request, &options, format, None).await?;
    let ext = format.extension();
    let file_name = format!("{}.{ext}", first.file_stem);
    let Some(dest) = ask(&app, Ask::SaveFile, move |d| {
        d.set_title("Save the figure")
            .set_file_name(file_name)
            .add_filter(filter_name(ext), &[ext])
    })
    .await?
    else {
        return Ok(None);
    };
    let chosen_stem = dest
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| first.file_stem.clone());
    // The script names its CSV; when the user renamed the file, draw it again
    // so the script reads the CSV written beside it.
    let export = if first.files.len() > 1 && chosen_stem != first.file_stem {
        desk.figures()
            .export(&request, &options, format, Some(&chosen_stem))
            .await?
    } else {
        first
    };
    for (i, file) in export.files.iter().enumerate() {
        let path = if i == 0 {
            dest.clone()
        } else {
            dest.with_file_name(format!("{chosen_stem}.{}", file.extension))
        };
        fusion_desk_core::runfs::write_chosen(&path, &file.bytes)?;
    }
    Ok(Some(dest.to_string_lossy().into_owned()))
}
