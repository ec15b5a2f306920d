use fusion_desk_core::model::TemplateInfo;
use fusion_desk_core::{Desk, DeskError};
use tauri::State;

#[tauri::command]
pub fn templates_list(desk: State<'_, Desk>) -> Result<Vec<TemplateInfo>, DeskError> {
    desk.configs().list_templates()
}

#[tauri::command]
pub fn templates_text(desk: State<'_, Desk>, name: String) -> Result<String, DeskError> {
    desk.configs().template_text(&name)
}

#[tauri::command]
pub fn templates_save(
    desk: State<'_, Desk>,
    name: String,
    text: String,
    overwrite: bool,
) -> Result<TemplateInfo, DeskError> {
    desk.configs().save_template(&name, &text, overwrite)
}

#[tauri::command]
pub fn templates_rename(desk: State<'_, Desk>, from: String, to: String) -> Result<TemplateInfo, DeskError> {
    desk.configs().rename_template(&from, &to)
}

#[tauri::command]
pub fn templates_delete(desk: State<'_, Desk>, name: String) -> Result<(), DeskError> {
    desk.configs().delete_template(&name)
}
