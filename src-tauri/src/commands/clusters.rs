use fusion_desk_core::exec::slurm::{ClusterCheck, ClusterProfile};
use fusion_desk_core::exec::ssh::results::ClusterResult;
use fusion_desk_core::exec::ssh::HostKeyTrust;
use fusion_desk_core::{Desk, DeskError};
use tauri::State;

#[tauri::command]
pub async fn clusters_list(desk: State<'_, Desk>) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.clusters().profiles().await
}

/// Adds a cluster profile or replaces the one of the same name.
#[tauri::command]
pub async fn clusters_save(
    desk: State<'_, Desk>,
    profile: ClusterProfile,
) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.clusters().save(&profile).await
}

#[tauri::command]
pub async fn clusters_remove(desk: State<'_, Desk>, name: String) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.clusters().remove(&name).await
}

/// Asks the cluster (`sinfo`) about a profile's partition; over SSH, an
/// unknown host key is accepted only when `accept_fingerprint` names it.
#[tauri::command]
pub async fn clusters_check(
    desk: State<'_, Desk>,
    name: String,
    accept_fingerprint: Option<String>,
) -> Result<ClusterCheck, DeskError> {
    let trust = match accept_fingerprint {
        Some(fingerprint) => HostKeyTrust::Accept { fingerprint },
        None => HostKeyTrust::Refuse,
    };
    desk.clusters().check_trusting(&name, &trust).await
}

/// The run's result files that stayed on its cluster (too large to come
/// back with the rest); none for a run that left nothing there.
#[tauri::command]
pub async fn clusters_results_left(
    desk: State<'_, Desk>,
    id: String,
) -> Result<Vec<ClusterResult>, DeskError> {
    desk.clusters().results_left(&id).await
}

/// Brings one of them into the run's output/ over the cluster's SSH
/// connection and answers what is still left. An async command runs on the
/// async runtime, never on the window's thread, so a fetch of gigabytes
/// keeps the window responsive.
#[tauri::command]
pub async fn clusters_fetch_result(
    desk: State<'_, Desk>,
    id: String,
    path: String,
) -> Result<Vec<ClusterResult>, DeskError> {
    let clusters = desk.clusters();
    clusters.fetch_result(&id, &path).await?;
    clusters.results_left(&id).await
}
