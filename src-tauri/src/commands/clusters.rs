use fusion_desk_core::exec::slurm::{ClusterCheck, ClusterProfile};
use fusion_desk_core::{Desk, DeskError};
use tauri::State;

#[tauri::command]
pub async fn clusters_list(desk: State<'_, Desk>) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.cluster_profiles().await
}

/// Adds a cluster profile or replaces the one of the same name.
#[tauri::command]
pub async fn clusters_save(
    desk: State<'_, Desk>,
    profile: ClusterProfile,
) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.save_cluster_profile(&profile).await
}

#[tauri::command]
pub async fn clusters_remove(desk: State<'_, Desk>, name: String) -> Result<Vec<ClusterProfile>, DeskError> {
    desk.remove_cluster_profile(&name).await
}

/// Asks the cluster (`sinfo`) about a profile's partition.
#[tauri::command]
pub async fn clusters_check(desk: State<'_, Desk>, name: String) -> Result<ClusterCheck, DeskError> {
    desk.check_cluster(&name).await
}
