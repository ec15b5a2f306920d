use fusion_desk_core::configs::{topology, NetworkSummary, NetworkView, RunTopology};
use fusion_desk_core::{Desk, DeskError};
use tauri::State;

#[tauri::command]
pub fn topology_networks() -> Vec<NetworkSummary> {
    topology::networks()
}

#[tauri::command]
pub async fn topology_network(name: String) -> Result<NetworkView, DeskError> {
    // The layout is CPU work: keep it off the main thread and the runtime.
    tauri::async_runtime::spawn_blocking(move || topology::network(&name))
        .await
        .map_err(|e| DeskError::internal(format!("the topology layout failed: {e}")))?
}

#[tauri::command]
pub async fn runs_topology(
    desk: State<'_, Desk>,
    id: String,
    erlang: Option<f64>,
) -> Result<RunTopology, DeskError> {
    desk.configs().run_topology(&id, erlang).await
}
