//! The IPC surface as the webview sees it, on Tauri's mock runtime with the
//! app's real configuration and capabilities: command names, argument keys,
//! `{ code, message }` errors, and no command beyond what the capabilities grant.

use fusion_desk_core::executor::{Executor, LocalExecutor, SupervisorProgram};
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{Desk, DeskOptions};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

struct Harness {
    _home: tempfile::TempDir,
    _app: tauri::App<tauri::test::MockRuntime>,
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
}

fn harness() -> Harness {
    let home = tempfile::tempdir().unwrap();
    let data = DataDir::at(home.path().to_owned()).unwrap();
    let desk = tauri::async_runtime::block_on(Desk::open(DeskOptions {
        data,
        executor: Executor::Local(LocalExecutor {
            supervisor: SupervisorProgram(env!("CARGO_BIN_EXE_fusion-desk").into()),
        }),
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
    Harness {
        _home: home,
        _app: app,
        webview,
    }
}

fn invoke(h: &Harness, cmd: &str, body: Value) -> Result<Value, Value> {
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

#[test]
fn templates_and_settings_answer() {
    let h = harness();
    let templates = invoke(&h, "templates_list", json!({})).unwrap();
    assert!(templates.as_array().unwrap().iter().any(|t| t["name"] == "quick"));
    let settings = invoke(&h, "settings_get", json!({})).unwrap();
    assert_eq!(settings["settings"]["max_concurrent_runs"], 2);
    let mut s = settings["settings"].clone();
    s["max_concurrent_runs"] = json!(0);
    let err = invoke(&h, "settings_save", json!({ "settings": s })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn errors_cross_as_code_and_message() {
    let h = harness();
    let err = invoke(&h, "runs_get", json!({ "id": "../etc" })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("12 lowercase hex"));
    let err = invoke(&h, "runs_delete", json!({ "id": "0123456789ab" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    let err = invoke(
        &h,
        "runs_create",
        json!({ "request": { "template": "nope", "overrides": [] } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn malformed_payloads_are_refused_without_a_crash() {
    let h = harness();
    assert!(invoke(&h, "runs_get", json!({})).is_err());
    assert!(invoke(&h, "runs_get", json!({ "id": 42 })).is_err());
    assert!(invoke(&h, "runs_list", json!({ "query": { "limit": -1 } })).is_err());
    let huge = "a".repeat(4 << 20);
    let err = invoke(&h, "runs_get", json!({ "id": huge })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn a_command_the_capabilities_do_not_grant_is_unreachable() {
    let h = harness();
    let err = invoke(&h, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert!(
        err.as_str()
            .is_some_and(|m| m.contains("not found") || m.contains("not allowed")),
        "{err}"
    );
    let err = invoke(&h, "runs_nonexistent", json!({})).unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn a_run_created_over_ipc_is_listed() {
    let h = harness();
    let run = invoke(
        &h,
        "runs_create",
        json!({ "request": { "template": "quick", "name": "over ipc", "overrides": ["general_settings.max_iters=1"] } }),
    )
    .unwrap();
    let id = run["id"].as_str().unwrap();
    let page = invoke(&h, "runs_list", json!({ "query": { "search": "over ipc" } })).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["runs"][0]["id"], id);
    let config = invoke(&h, "runs_config", json!({ "id": id })).unwrap();
    assert!(config.as_str().unwrap().contains("max_iters = 1"));
}
