//! Submitting many runs to a cluster reached over SSH as ONE job array.
//! Every run's config.ini and batch script go into its remote run folder;
//! the array's script and index go into `<remote folder>/sweeps/<key>/`
//! (the sweep's id, or the first run's when the runs are of no single
//! sweep); all of it in one transfer, whatever the number of runs. The index names remote run folders only, so nothing the array
//! reads is in the local data dir.
//!
//! The array is never submitted twice: its job name is fixed by its first
//! run, and a retry first asks squeue for a job of that name and adopts it,
//! mapping tasks to runs through the index staged with it.

use std::path::{Path, PathBuf};

use fusion_desk_remote::{ErrorKind, RemotePath, RemoteRoot};

use super::submit::{fail, not_yet, remote_failed, write_run_script};
use super::transport::SshTransport;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::slurm::commands::{self, SlurmError};
use crate::exec::slurm::script::array_script;
use crate::exec::slurm::{job_label, squeue, ClusterProfile};
use crate::run_id::RunId;
use crate::store::RunRow;

/// The job name of the array whose first run is `first`.
pub fn array_job_name(first: &RunId) -> String {
    format!("fdesk-array-{}", first.as_str())
}

/// The folder key of an array: the sweep all its runs belong to, else its first run.
fn folder_key(rows: &[RunRow]) -> String {
    let sweep = rows[0].sweep_id.as_deref();
    match sweep {
        Some(s) if rows.iter().all(|r| r.sweep_id.as_deref() == Some(s)) => s.to_owned(),
        _ => rows[0].id.clone(),
    }
}

/// One run of the array: its row, its remote folder and its local script.
struct Staged<'a> {
    row: &'a RunRow,
    remote_dir: RemotePath,
    script: PathBuf,
}

pub async fn submit_array(
    ctx: &Ctx,
    profile: &ClusterProfile,
    rows: &[RunRow],
    grace: f64,
    remote: &SshTransport,
) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let root = match remote.root().await {
        Ok(r) => r,
        Err(e) => {
            for row in rows {
                remote_failed(ctx, &row.run_id(), remote, &e).await?;
            }
            return Ok(());
        }
    };
    let name = array_job_name(&first.run_id());
    let key = folder_key(rows);
    let folder = match root.join(&format!("sweeps/{key}")) {
        Ok(f) => f,
        Err(e) => {
            for row in rows {
                fail(
                    ctx,
                    &row.run_id(),
                    format!("The run could not be submitted: {}", e.message),
                )
                .await?;
            }
            return Ok(());
        }
    };
    let index = folder.join("index").expect("a plain file name");

    // An earlier sbatch whose answer was lost may have queued the array.
    let args = ["-h", "-t", "all", "-n", &name, "-o", "%F"].map(String::from);
    match commands::run(remote, "squeue", &args).await {
        Ok(text) => {
            if let Some(job) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
                return adopt(ctx, remote, rows, job, &index).await;
            }
        }
        Err(SlurmError::Unreachable(m)) => {
            for row in rows {
                not_yet(ctx, &row.run_id(), remote, &m).await?;
            }
            return Ok(());
        }
        Err(_) => {}
    }

    let mut staged = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.run_id();
        let remote_dir = match root.run_dir(id.as_str()) {
            Ok(d) => d,
            Err(e) => {
                fail(ctx, &id, format!("The run could not be submitted: {}", e.message)).await?;
                continue;
            }
        };
        match write_run_script(ctx, profile, row, grace, &PathBuf::from(remote_dir.as_str())) {
            Ok(script) => staged.push(Staged {
                row,
                remote_dir,
                script,
            }),
            Err(why) => fail(ctx, &id, why).await?,
        }
    }
    if staged.is_empty() {
        return Ok(());
    }

    let local = ctx.data().root().join("ssh").join("arrays").join(&name);
    let index_text: String = staged
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{i}\t{}\n", s.remote_dir.as_str()))
        .collect();
    let logs = folder.join("logs").expect("a plain folder name");
    let text = array_script(
        profile,
        &PathBuf::from(index.as_str()),
        staged.len(),
        &PathBuf::from(logs.as_str()),
    );
    let local_index = local.join("index");
    let local_script = local.join("array.sh");
    let written = crate::layout::create_private_dir_all(&local)
        .map_err(|e| format!("cannot create {}: {e}", local.display()))
        .and_then(|()| {
            crate::runfs::write_atomic(&local_index, index_text.as_bytes(), crate::runfs::FILE_MODE)
                .map_err(|e| e.message)
        })
        .and_then(|()| {
            crate::runfs::write_atomic(&local_script, text.as_bytes(), crate::runfs::SCRIPT_MODE)
                .map_err(|e| e.message)
        });
    if let Err(why) = written {
        for s in &staged {
            fail(
                ctx,
                &s.row.run_id(),
                format!("The run could not be submitted: {why}"),
            )
            .await?;
        }
        return Ok(());
    }

    let pushed = stage(ctx, remote, root, &staged, &key, &local).await;
    remote.saw(pushed.as_ref().err());
    if let Err(e) = pushed {
        for s in &staged {
            remote_failed(ctx, &s.row.run_id(), remote, &e).await?;
        }
        return Ok(());
    }

    let args = vec![
        "--parsable".to_owned(),
        format!("--job-name={name}"),
        format!("--chdir={}", folder.as_str()),
        folder
            .join("array.sh")
            .expect("a plain file name")
            .as_str()
            .to_owned(),
    ];
    let rows: Vec<&RunRow> = staged.iter().map(|s| s.row).collect();
    match commands::run(remote, "sbatch", &args).await {
        Ok(out) => match squeue::parse_sbatch(&out) {
            Some(job) => {
                for (task, row) in rows.iter().enumerate() {
                    record_task(ctx, remote, &row.run_id(), &job, task as i64).await?;
                }
                Ok(())
            }
            None => {
                for row in rows {
                    let why = format!("sbatch gave no job id (it printed {:?})", out.trim());
                    fail(ctx, &row.run_id(), why).await?;
                }
                Ok(())
            }
        },
        Err(SlurmError::Unreachable(m)) => {
            for row in rows {
                not_yet(ctx, &row.run_id(), remote, &m).await?;
            }
            Ok(())
        }
        Err(e) => {
            for row in rows {
                fail(
                    ctx,
                    &row.run_id(),
                    format!("Slurm refused the run: {}", e.message()),
                )
                .await?;
            }
            Ok(())
        }
    }
}

/// Stages the whole array in ONE transfer: a local tree laid out as the
/// remote folder (`runs/<id>/{config.ini,slurm.sh,logs/,output/}` for each
/// run, `sweeps/<key>/{index,array.sh,logs/}`), its files hard links to the
/// run folders' own, pushed into the remote folder by one rsync. A tree
/// left by an earlier attempt is replaced.
async fn stage(
    ctx: &Ctx,
    remote: &SshTransport,
    root: &RemoteRoot,
    staged: &[Staged<'_>],
    key: &str,
    local: &Path,
) -> std::result::Result<(), fusion_desk_remote::RemoteError> {
    let tree = local.join("tree");
    let local_err = |e: std::io::Error| {
        fusion_desk_remote::RemoteError::new(
            ErrorKind::Local,
            format!(
                "cannot prepare the runs for the cluster in {}: {e}",
                tree.display()
            ),
        )
    };
    build_tree(ctx, staged, key, local, &tree).map_err(local_err)?;
    let pushed = remote.connection().push_tree(&tree, root.path()).await;
    // Only a staging copy: the run folders keep their own files.
    let _ = std::fs::remove_dir_all(&tree);
    pushed
}

fn build_tree(ctx: &Ctx, staged: &[Staged<'_>], key: &str, local: &Path, tree: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(tree) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    for s in staged {
        let id = s.row.run_id();
        let run = tree.join("runs").join(id.as_str());
        crate::layout::create_private_dir_all(&run.join("logs"))?;
        crate::layout::create_private_dir_all(&run.join("output"))?;
        link_or_copy(&ctx.data().run(&id).config(), &run.join("config.ini"))?;
        link_or_copy(&s.script, &run.join("slurm.sh"))?;
    }
    let sweep = tree.join("sweeps").join(key);
    crate::layout::create_private_dir_all(&sweep.join("logs"))?;
    link_or_copy(&local.join("index"), &sweep.join("index"))?;
    link_or_copy(&local.join("array.sh"), &sweep.join("array.sh"))
}

/// A hard link costs no copy; a data dir whose folders span filesystems
/// gets a copy. Only a regular file is staged (a run folder's file may have
/// been replaced by a link), and the copy reads it without following links
/// and within the config cap, as every read of a run folder does.
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            from.display()
        )));
    }
    std::fs::hard_link(from, to).or_else(|_| {
        let bytes = crate::runfs::read(from, crate::runfs::CONFIG_CAP)
            .map_err(|e| std::io::Error::other(e.message))?;
        std::fs::write(to, bytes)?;
        std::fs::set_permissions(to, meta.permissions())
    })
}

/// Records the runs of an array found already queued, by the remote folder
/// each task's line of the staged index names.
async fn adopt(
    ctx: &Ctx,
    remote: &SshTransport,
    rows: &[RunRow],
    job: &str,
    index: &RemotePath,
) -> Result<()> {
    let text = match remote.connection().run_ok(&["cat", index.as_str()]).await {
        Ok(out) => out.stdout_text(),
        Err(e) => {
            remote.saw(Some(&e));
            for row in rows {
                remote_failed(ctx, &row.run_id(), remote, &e).await?;
            }
            return Ok(());
        }
    };
    for line in text.lines() {
        let Some((task, dir)) = line.split_once('\t') else {
            continue;
        };
        let Ok(task) = task.parse::<i64>() else { continue };
        let run = dir.rsplit('/').next().unwrap_or_default();
        if let Some(row) = rows.iter().find(|r| r.id == run) {
            record_task(ctx, remote, &row.run_id(), job, task).await?;
        }
    }
    Ok(())
}

async fn record_task(ctx: &Ctx, remote: &SshTransport, id: &RunId, job: &str, task: i64) -> Result<()> {
    let label = job_label(Some(job), Some(task)).unwrap_or_default();
    let detail = format!("Submitted to Slurm as job {label} over SSH; waiting in its queue");
    if ctx
        .store()
        .record_submission(id, job, Some(task), &detail)
        .await?
    {
        ctx.emit_row(id).await?;
    } else {
        // Cancelled while we submitted: the task must not run.
        let _ = commands::run(remote, "scancel", &[label]).await;
    }
    Ok(())
}
