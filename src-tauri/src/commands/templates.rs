use fusion_desk_core::model::TemplateInfo;

#[tauri::command]
pub fn templates_list() -> Vec<TemplateInfo> {
    fusion_desk_core::templates::list()
}
