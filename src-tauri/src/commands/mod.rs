//! IPC commands, one module per domain, each a thin call into the core.
//! Errors cross as `{ code, message }` (`fusion_desk_core::DeskError`).

pub mod app;
pub mod artifacts;
pub mod clusters;
pub mod configs;
pub mod history;
pub mod live;
pub mod runs;
pub mod settings;
pub mod sweeps;
pub mod templates;
pub mod topology;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        runs::runs_create,
        runs::runs_list,
        runs::runs_get,
        runs::runs_config,
        runs::runs_template_diff,
        runs::runs_cancel,
        runs::runs_delete,
        live::runs_log_snapshot,
        live::runs_log_lines,
        live::runs_log_search,
        live::runs_log_stream,
        live::runs_progress,
        live::runs_progress_many,
        live::runs_progress_stream,
        live::streams_close,
        artifacts::artifacts_list,
        artifacts::artifacts_usage,
        artifacts::artifacts_preview,
        artifacts::artifacts_open,
        artifacts::artifacts_reveal,
        artifacts::artifacts_save_as,
        artifacts::artifacts_export_folder,
        artifacts::results_get,
        artifacts::results_export_csv,
        artifacts::results_save_plot,
        templates::templates_list,
        templates::templates_text,
        templates::templates_save,
        templates::templates_rename,
        templates::templates_delete,
        configs::configs_validate,
        configs::configs_schema,
        configs::configs_import,
        configs::configs_export,
        topology::topology_networks,
        topology::topology_network,
        topology::runs_topology,
        settings::settings_get,
        settings::settings_save,
        settings::settings_check_simulator,
        settings::settings_pick_simulator,
        app::app_quit,
        clusters::clusters_list,
        clusters::clusters_save,
        clusters::clusters_remove,
        clusters::clusters_check,
        sweeps::sweeps_preview,
        sweeps::sweeps_create,
        sweeps::sweeps_list,
        sweeps::sweeps_get,
        sweeps::sweeps_cancel,
        sweeps::sweeps_rerun_failed,
        sweeps::runs_rerun,
        history::runs_rename,
        history::runs_set_tags,
        history::runs_set_note,
        history::runs_facets,
        history::runs_delete_many,
        history::runs_export_many,
        history::runs_disk_use,
        history::runs_cleanup_preview,
        history::runs_cleanup,
        history::runs_compare,
        history::compare_export_csv,
        history::compare_save_plot,
    ]
}
