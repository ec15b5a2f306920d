//! IPC commands, one module per domain, each a thin call into the core.
//! Errors cross as `{ code, message }` (`fusion_desk_core::DeskError`).

pub mod app;
pub mod runs;
pub mod settings;
pub mod templates;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        runs::runs_create,
        runs::runs_list,
        runs::runs_get,
        runs::runs_config,
        runs::runs_cancel,
        runs::runs_delete,
        templates::templates_list,
        settings::settings_get,
        settings::settings_save,
        app::app_quit,
    ]
}
