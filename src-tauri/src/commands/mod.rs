//! IPC commands, one module per domain, each a thin call into the core.
//! Errors cross as `{ code, message }` (`fusion_desk_core::DeskError`).

#[macro_use]
mod list;

pub mod app;
pub mod artifacts;
pub mod clusters;
pub mod configs;
pub mod figures;
pub mod history;
pub mod live;
pub mod runs;
pub mod settings;
pub mod sweeps;
pub mod templates;
pub mod topology;

macro_rules! handler_of {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    ipc_commands!(handler_of)
}
