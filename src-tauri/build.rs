/// Every IPC command, so that each becomes a permission the capabilities must
/// grant explicitly; a command left out of `capabilities/` is unreachable.
const COMMANDS: &[&str] = &[
    "runs_create",
    "runs_list",
    "runs_get",
    "runs_config",
    "runs_cancel",
    "runs_delete",
    "templates_list",
    "settings_get",
    "settings_save",
    "app_quit",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
