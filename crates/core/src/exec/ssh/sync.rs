//! Bringing a remote run's files into its LOCAL run folder, so the live
//! views, ETA, notifications and artifacts work as for local runs. The
//! growing files (logs/sim.log, progress.jsonl) are pulled from the byte
//! offset the local copy has reached and appended: the offsets are the
//! local files' sizes, so a restarted app resumes where it was and a pull
//! that failed is simply repeated. At the end, output/ (files up to a cap;
//! larger ones stay on the cluster and are recorded as such, see
//! `results.rs`) and exit.json are fetched.

use std::io::Write;
use std::path::{Path, PathBuf};

use fusion_desk_remote::{ErrorKind, RemoteError, RemotePath};

use super::results::RESULT_FILE_CAP;
use super::transport::SshTransport;
use crate::layout::{DataDir, RunDir};
use crate::run_id::RunId;

/// Most bytes of one file per pull; a longer backlog takes several.
const PULL_CAP: usize = 1 << 20;
/// Pulls per file and tick: a large backlog catches up over a few ticks.
const PULLS_PER_TICK: usize = 8;

/// The file's path relative to the run folder, as the same path remotely.
fn remote_of(remote_dir: &RemotePath, dir: &RunDir, local: &Path) -> Result<RemotePath, RemoteError> {
    let rel = local
        .strip_prefix(dir.root())
        .map_err(|_| RemoteError::new(ErrorKind::InvalidInput, "a path outside the run folder"))?;
    remote_dir.join(&rel.to_string_lossy())
}

fn local_err(what: &Path, e: std::io::Error) -> RemoteError {
    RemoteError::new(ErrorKind::Local, format!("cannot write {}: {e}", what.display()))
}

/// Appends to a file of the run folder through the folder's descriptor
/// (no link followed on the way, a non-regular file refused), emptying it
/// first when the cluster's copy started over.
fn append(dir: &RunDir, path: &Path, bytes: &[u8], restart: bool) -> Result<(), RemoteError> {
    let local = |e: crate::error::DeskError| RemoteError::new(ErrorKind::Local, e.message);
    let rel = path
        .strip_prefix(dir.root())
        .map_err(|_| RemoteError::new(ErrorKind::InvalidInput, "a path outside the run folder"))?;
    let mut file = crate::runfs::Folder::open(dir.root())
        .and_then(|f| f.open_append(rel))
        .map_err(local)?;
    if restart {
        file.set_len(0).map_err(|e| local_err(path, e))?;
    }
    file.write_all(bytes).map_err(|e| local_err(path, e))
}

fn local_size(path: &Path) -> u64 {
    std::fs::symlink_metadata(path).map_or(0, |m| m.len())
}

/// Appends what the runs' logs and progress files gained on the cluster,
/// all of them in one `pull_many` (a command per 128 runs), so a tick
/// costs the same few round trips for one run or a thousand. A file that
/// cannot be read, or a local one written, is left for the next tick; the
/// error returned is the connection's.
pub async fn pull_growing(remote: &SshTransport, data: &DataDir, ids: &[RunId]) -> Result<(), RemoteError> {
    if ids.is_empty() {
        return Ok(());
    }
    let root = remote.root().await?;
    let mut files: Vec<(RunDir, RemotePath, PathBuf)> = Vec::with_capacity(ids.len() * 2);
    for id in ids {
        let local = data.run(id);
        let remote_dir = root.run_dir(id.as_str())?;
        for path in [local.sim_log(), local.progress()] {
            files.push((local.clone(), remote_of(&remote_dir, &local, &path)?, path));
        }
    }
    for _ in 0..PULLS_PER_TICK {
        let asked: Vec<(&RemotePath, u64)> = files.iter().map(|(_, r, l)| (r, local_size(l))).collect();
        let pulled = remote.connection().pull_many(&asked, PULL_CAP).await;
        remote.saw(pulled.as_ref().err());
        let mut more = false;
        for (result, (dir, _, path)) in pulled?.into_iter().zip(&files) {
            let Ok(p) = result else { continue };
            if !p.bytes.is_empty() || p.restarted {
                // One run's folder that cannot be written holds up no other.
                if let Err(e) = append(dir, path, &p.bytes, p.restarted) {
                    tracing::warn!("cannot append to {}: {e}", path.display());
                    continue;
                }
            }
            more |= p.bytes.len() >= PULL_CAP;
        }
        if !more {
            break;
        }
    }
    Ok(())
}

/// Fetches the results and exit.json of runs whose jobs have ended, all
/// in one transfer, then records per run the results that stayed on the
/// cluster (one listing command per 256 runs). A file rsync could not read
/// is left out (and listed as staying on the cluster if it is large); the
/// error returned is the connection's.
pub async fn fetch_results(remote: &SshTransport, data: &DataDir, ids: &[RunId]) -> Result<(), RemoteError> {
    if ids.is_empty() {
        return Ok(());
    }
    let root = remote.root().await?;
    let runs = root.join("runs")?;
    let wanted: Vec<String> = ids
        .iter()
        .flat_map(|id| [format!("{id}/output"), format!("{id}/exit.json")])
        .collect();
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let local_runs = data.root().join("runs");
    let fetched = remote
        .connection()
        .fetch_paths(&runs, &wanted, &local_runs, Some(RESULT_FILE_CAP))
        .await;
    remote.saw(fetched.as_ref().err());
    match fetched {
        Ok(()) => {}
        // Some file could not be read there: the others are here.
        Err(e) if e.kind == ErrorKind::Transfer || e.kind == ErrorKind::NotFound => {
            tracing::warn!("some results could not be fetched from the cluster: {e}")
        }
        Err(e) => return Err(e),
    }
    let recorded = super::results::record_left_behind(remote, data, ids).await;
    remote.saw(recorded.as_ref().err());
    recorded
}
