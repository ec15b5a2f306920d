//! Bringing a remote run's files into its LOCAL run folder, so the live
//! views, ETA, notifications and artifacts work as for local runs. The
//! growing files (logs/sim.log, progress.jsonl) are pulled from the byte
//! offset the local copy has reached and appended: the offsets are the
//! local files' sizes, so a restarted app resumes where it was and a pull
//! that failed is simply repeated. At the end, output/ (files up to a cap;
//! larger ones stay on the cluster) and exit.json are fetched.

use std::io::Write;
use std::path::{Path, PathBuf};

use fusion_desk_remote::{ErrorKind, RemoteError, RemotePath};

use super::transport::SshTransport;
use crate::layout::RunDir;
use crate::run_id::RunId;

/// Most bytes of one file per pull; a longer backlog takes several.
const PULL_CAP: usize = 1 << 20;
/// Pulls per file and tick: a large backlog catches up over a few ticks.
const PULLS_PER_TICK: usize = 8;
/// Result files larger than this stay on the cluster.
pub const RESULT_FILE_CAP: u64 = 256 << 20;

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

/// Appends what the run's log and progress file gained on the cluster.
pub async fn pull_growing(remote: &SshTransport, local: &RunDir, id: &RunId) -> Result<(), RemoteError> {
    let remote_dir = remote.run_dir(id.as_str()).await?;
    let files: Vec<(RemotePath, PathBuf)> = [local.sim_log(), local.progress()]
        .into_iter()
        .map(|l| Ok((remote_of(&remote_dir, local, &l)?, l)))
        .collect::<Result<_, RemoteError>>()?;
    for _ in 0..PULLS_PER_TICK {
        let asked: Vec<(&RemotePath, u64)> = files.iter().map(|(r, l)| (r, local_size(l))).collect();
        let pulled = remote.connection().pull_many(&asked, PULL_CAP).await;
        remote.saw(pulled.as_ref().err());
        let mut more = false;
        for (result, (_, path)) in pulled?.into_iter().zip(&files) {
            let Ok(p) = result else { continue };
            if !p.bytes.is_empty() || p.restarted {
                append(local, path, &p.bytes, p.restarted)?;
            }
            more |= p.bytes.len() >= PULL_CAP;
        }
        if !more {
            break;
        }
    }
    Ok(())
}

/// Fetches the run's results and its exit.json once the job has ended.
pub async fn fetch_results(remote: &SshTransport, local: &RunDir, id: &RunId) -> Result<(), RemoteError> {
    let remote_dir = remote.run_dir(id.as_str()).await?;
    let conn = remote.connection();
    let output = remote_of(&remote_dir, local, &local.output())?;
    let fetched = conn
        .fetch_dir(&output, &local.output(), Some(RESULT_FILE_CAP))
        .await;
    remote.saw(fetched.as_ref().err());
    match fetched {
        Ok(()) => {}
        // A simulator that wrote no output folder leaves nothing to fetch.
        Err(e) if e.kind == ErrorKind::NotFound || e.kind == ErrorKind::Transfer => {}
        Err(e) => return Err(e),
    }
    let exit = remote_of(&remote_dir, local, &local.exit_file())?;
    let pulled = conn
        .pull_from(&exit, 0, crate::runfs::SMALL_FILE_CAP as usize)
        .await;
    remote.saw(pulled.as_ref().err());
    let pulled = pulled?;
    if pulled.remote_size.is_some() {
        crate::runfs::write_atomic(&local.exit_file(), &pulled.bytes, crate::runfs::FILE_MODE)
            .map_err(|e| RemoteError::new(ErrorKind::Local, e.message))?;
    }
    Ok(())
}
