use fusion_desk_core::sweeps::{Sweep, SweepDetail, SweepPreview, SweepRequest};
use fusion_desk_core::{Desk, DeskError, Run};
use tauri::State;

#[tauri::command]
pub async fn sweeps_preview(desk: State<'_, Desk>, request: SweepRequest) -> Result<SweepPreview, DeskError> {
    desk.sweeps().preview(&request).await
}

#[tauri::command]
pub async fn sweeps_create(desk: State<'_, Desk>, request: SweepRequest) -> Result<SweepDetail, DeskError> {
    desk.sweeps().create(&request).await
}

#[tauri::command]
pub async fn sweeps_list(desk: State<'_, Desk>) -> Result<Vec<Sweep>, DeskError> {
    desk.sweeps().list().await
}

#[tauri::command]
pub async fn sweeps_get(desk: State<'_, Desk>, id: String) -> Result<SweepDetail, DeskError> {
    desk.sweeps().get(&id).await
}

#[tauri::command]
pub async fn sweeps_cancel(desk: State<'_, Desk>, id: String) -> Result<SweepDetail, DeskError> {
    desk.sweeps().cancel(&id).await
}

#[tauri::command]
pub async fn sweeps_rerun_failed(desk: State<'_, Desk>, id: String) -> Result<SweepDetail, DeskError> {
    desk.sweeps().rerun_failed(&id).await
}

#[tauri::command]
pub async fn runs_rerun(desk: State<'_, Desk>, id: String) -> Result<Run, DeskError> {
    desk.sweeps().rerun(&id).await
}
