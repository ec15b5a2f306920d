//! The webview's side of IPC on Tauri's mock runtime, shared by the IPC
//! suites: a window of the real app (configuration, capabilities, commands)
//! on a Desk of a scratch data dir, and `invoke` as the webview calls it.

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{Desk, DeskOptions};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

/// Each suite uses the fields it needs; the others only keep things alive.
#[allow(dead_code)]
pub struct Harness {
    pub home: tempfile::TempDir,
    pub app: tauri::App<tauri::test::MockRuntime>,
    pub webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
}

/// A window on a Desk of a scratch data dir; runs start on the bundled engine.
pub fn harness() -> Harness {
    let home = tempfile::tempdir().unwrap();
    let data = DataDir::at(home.path().to_owned()).unwrap();
    let desk = tauri::async_runtime::block_on(Desk::open(DeskOptions {
        data,
        supervisor: SupervisorProgram(env!("CARGO_BIN_EXE_fusion-desk").into()),
        watch_runs: false,
    }))
    .unwrap();
    let app = fusion_desk::app_builder(mock_builder())
        .build(fusion_desk::context())
        .unwrap();
    app.manage(desk);
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness { home, app, webview }
}

pub fn invoke(h: &Harness, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        &h.webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}
