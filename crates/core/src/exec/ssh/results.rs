//! Results too large to fetch with the rest (over [`RESULT_FILE_CAP`]):
//! they stay on the cluster, and the run folder says so. When a run's
//! results are fetched, the remote output/ is listed and every file left
//! behind is recorded in `<run>/results-on-cluster.json` (path, size,
//! modification time), so the run shows what it has on the cluster instead
//! of silently lacking it. [`fetch_from_cluster`] brings one of them into
//! the local output/ when asked, over the profile's SSH connection.

use std::path::{Path, PathBuf};

use fusion_desk_remote::{ErrorKind, RemoteError, RemoteRoot};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::connect;
use super::transport::SshTransport;
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::exec::slurm::{profile, ClusterConnection};
use crate::layout::{DataDir, RunDir};
use crate::run_id::RunId;

/// Result files larger than this stay on the cluster until asked for.
pub const RESULT_FILE_CAP: u64 = 256 << 20;

/// The record's name in the run folder.
pub const RECORD_FILE: &str = "results-on-cluster.json";
/// The record holds paths and sizes only; this is far above any real one.
const RECORD_CAP: u64 = 16 << 20;

/// A result file that stayed on the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ClusterResult {
    /// Relative to the run's output/, `/`-separated.
    pub path: String,
    /// Bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Last modification on the cluster, seconds since the Unix epoch.
    pub modified: f64,
}

/// Lists the runs' remote output/ folders and records, per run, the files
/// the fetch left behind (none: no record). Called once the results were
/// fetched.
pub(super) async fn record_left_behind(
    remote: &SshTransport,
    data: &DataDir,
    ids: &[RunId],
) -> std::result::Result<(), RemoteError> {
    let root = remote.root().await?;
    let outputs: Vec<_> = ids
        .iter()
        .map(|id| root.run_dir(id.as_str())?.join("output"))
        .collect::<std::result::Result<_, _>>()?;
    let dirs: Vec<_> = outputs.iter().collect();
    let listed = remote
        .connection()
        .list_larger_than(&dirs, RESULT_FILE_CAP)
        .await?;
    for (id, entries) in ids.iter().zip(listed) {
        let left: Vec<ClusterResult> = entries
            .into_iter()
            .map(|e| ClusterResult {
                path: e.path,
                size: e.size,
                modified: e.modified,
            })
            .collect();
        if let Err(e) = write_record(&data.run(id), &left) {
            tracing::warn!("cannot record the results run {id} left on the cluster: {e}");
        }
    }
    Ok(())
}

fn write_record(local: &RunDir, left: &[ClusterResult]) -> std::result::Result<(), RemoteError> {
    let to_remote = |e: DeskError| RemoteError::new(ErrorKind::Local, e.message);
    let folder = crate::runfs::Folder::open(local.root()).map_err(to_remote)?;
    let rel = Path::new(RECORD_FILE);
    if left.is_empty() {
        if folder.exists(rel) {
            folder.remove_file(rel).map_err(to_remote)?;
        }
        return Ok(());
    }
    let text = serde_json::to_vec_pretty(left).expect("plain records serialise");
    folder
        .write_atomic(rel, &text, crate::runfs::FILE_MODE)
        .map_err(to_remote)
}

fn read_record(local: &RunDir) -> Result<Vec<ClusterResult>> {
    let folder = crate::runfs::Folder::open(local.root())?;
    match folder.read_if_exists(Path::new(RECORD_FILE), RECORD_CAP)? {
        None => Ok(Vec::new()),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| DeskError::internal(format!("{RECORD_FILE} of the run cannot be read: {e}"))),
    }
}

/// The run's results that stayed on the cluster (none for a run that
/// left nothing behind, or that never ran on a cluster over SSH).
pub async fn on_cluster(ctx: &Ctx, id: &str) -> Result<Vec<ClusterResult>> {
    let id = RunId::parse(id)?;
    if ctx.store().get(&id).await?.is_none() {
        return Err(DeskError::not_found(format!("no run {id}")));
    }
    read_record(&ctx.data().run(&id))
}

/// Fetches `path`, one of the run's results that stayed on the cluster,
/// into its local output/ (written under a temporary name and renamed);
/// returns where it now is. Only a path the record lists is fetched, so
/// nothing else of the cluster can be asked for; the record then drops it.
pub async fn fetch_from_cluster(ctx: &Ctx, id: &str, path: &str) -> Result<PathBuf> {
    let id = RunId::parse(id)?;
    let row = ctx
        .store()
        .get(&id)
        .await?
        .ok_or_else(|| DeskError::not_found(format!("no run {id}")))?;
    let local = ctx.data().run(&id);
    if !read_record(&local)?.iter().any(|r| r.path == path) {
        return Err(DeskError::not_found(format!(
            "run {id} has no result {path:?} left on the cluster"
        )));
    }
    if row.slurm_job_id.is_none() {
        return Err(DeskError::invalid_state(format!(
            "run {id} was never submitted to a cluster"
        )));
    }
    let profile = profile::find(ctx.store(), &row.executor).await.map_err(|_| {
        DeskError::invalid_state(format!(
            "the cluster profile {:?} of run {id} no longer exists",
            row.executor
        ))
    })?;
    let ClusterConnection::Ssh { remote_folder, .. } = &profile.connection else {
        return Err(DeskError::invalid_state(format!(
            "the cluster profile {:?} is no longer reached over SSH",
            profile.name
        )));
    };
    let conn = connect::connection(ctx.data(), &profile)?
        .ok_or_else(|| DeskError::invalid_state("the profile is not reached over SSH"))?;
    let failed = |e: RemoteError| remote_error(&profile.name, e);
    let root = RemoteRoot::resolve(&conn, remote_folder).await.map_err(failed)?;
    let remote = root
        .run_dir(id.as_str())
        .and_then(|d| d.join(&format!("output/{path}")))
        .map_err(failed)?;

    // The local folders on the way are created private and then opened
    // without following a link, so the file cannot land outside output/.
    let rel = Path::new("output").join(path);
    let dest = local.root().join(&rel);
    if let Some(parent) = dest.parent() {
        crate::layout::create_private_dir_all(parent)
            .map_err(|e| DeskError::io(format!("cannot create {}", parent.display()), e))?;
    }
    crate::runfs::Folder::open(local.root())?.sub(rel.parent().unwrap_or(Path::new("output")))?;
    conn.fetch_file(&remote, &dest).await.map_err(failed)?;

    // Read again: another fetch of the same run (the app fetches one file
    // while the CLI fetches another) may have rewritten the record while
    // this file was on its way; writing the first reading back would list
    // that one as left on the cluster again.
    let mut left = read_record(&local)?;
    left.retain(|r| r.path != path);
    write_record(&local, &left).map_err(|e| DeskError::internal(e.message))?;
    Ok(dest)
}

fn remote_error(profile: &str, e: RemoteError) -> DeskError {
    let message = format!("cluster {profile:?}: {}: {}", e.kind.label(), e.message);
    match e.kind {
        ErrorKind::NotFound => DeskError::not_found(message),
        ErrorKind::InvalidInput => DeskError::invalid_input(message),
        _ => DeskError::invalid_state(message),
    }
}
