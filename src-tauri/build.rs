include!("src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every IPC command becomes a permission the capabilities must grant
/// explicitly; a command left out of `capabilities/` is unreachable.
const COMMANDS: &[&str] = ipc_commands!(command_names);

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
