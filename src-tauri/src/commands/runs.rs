use fusion_desk_core::compare::TemplateDiff;
use fusion_desk_core::{CreateRunRequest, Desk, DeskError, ListQuery, Run, RunPage};
use tauri::State;

#[tauri::command]
pub async fn runs_create(desk: State<'_, Desk>, request: CreateRunRequest) -> Result<Run, DeskError> {
    desk.create(&request).await
}

#[tauri::command]
pub async fn runs_list(desk: State<'_, Desk>, query: ListQuery) -> Result<RunPage, DeskError> {
    desk.list(&query).await
}

#[tauri::command]
pub async fn runs_get(desk: State<'_, Desk>, id: String) -> Result<Run, DeskError> {
    desk.get(&id).await
}

#[tauri::command]
pub async fn runs_config(desk: State<'_, Desk>, id: String) -> Result<String, DeskError> {
    desk.config_text(&id).await
}

#[tauri::command]
pub async fn runs_template_diff(desk: State<'_, Desk>, id: String) -> Result<TemplateDiff, DeskError> {
    desk.comparisons().template_diff(&id).await
}

#[tauri::command]
pub async fn runs_cancel(desk: State<'_, Desk>, id: String) -> Result<Run, DeskError> {
    desk.cancel(&id).await
}

#[tauri::command]
pub async fn runs_delete(desk: State<'_, Desk>, id: String) -> Result<(), DeskError> {
    desk.delete(&id).await
}
