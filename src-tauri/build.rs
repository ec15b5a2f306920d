/// Every IPC command, so that each becomes a permission the capabilities must
/// grant explicitly; a command left out of `capabilities/` is unreachable.
const COMMANDS: &[&str] = &[
    "runs_create",
    "runs_list",
    "runs_get",
    "runs_config",
    "runs_cancel",
    "runs_delete",
    "runs_log_snapshot",
    "runs_log_lines",
    "runs_log_search",
    "runs_log_stream",
    "runs_progress",
    "runs_progress_many",
    "runs_progress_stream",
    "streams_close",
    "artifacts_list",
    "artifacts_usage",
    "artifacts_preview",
    "artifacts_open",
    "artifacts_reveal",
    "artifacts_save_as",
    "artifacts_export_folder",
    "results_get",
    "results_export_csv",
    "results_save_plot",
    "templates_list",
    "templates_text",
    "templates_save",
    "templates_rename",
    "templates_delete",
    "configs_validate",
    "configs_schema",
    "configs_import",
    "configs_export",
    "topology_networks",
    "topology_network",
    "runs_topology",
    "settings_get",
    "settings_save",
    "settings_check_simulator",
    "settings_pick_simulator",
    "app_quit",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
