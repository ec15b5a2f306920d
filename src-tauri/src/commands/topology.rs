use fusion_desk_core::configs::{topology, NetworkSummary, NetworkView, RunTopology};
use fusion_desk_core::{Desk, DeskError};
use tauri::State;

#[tauri::command]
pub fn topology_networks() -> Vec<NetworkSummary> {
    topology::networks()
}

#[tauri::command]
pub fn topology_network(name: String) -> Result<NetworkView, DeskError> {
    topology::network(&name)
}

#[tauri::command]
pub async fn runs_topology(
    desk: State<'_, Desk>,
    id: String,
    erlang: Option<f64>,
) -> Result<RunTopology, DeskError> {
    desk.run_topology(&id, erlang).await
}
