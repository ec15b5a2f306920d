//! Submitting cluster runs: every run not yet submitted goes to its
//! cluster, a cluster's runs as one job array (a plain job for one run),
//! one submitter at a time across processes so no run is submitted twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::commands::{self, SlurmError};
use super::job_label;
use super::monitor::fail_cluster_run;
use super::profile::{self, ClusterProfile};
use super::script::{self, script_file, RunScript};
use super::state::SlurmExecutor;
use crate::error::{DeskError, Result};
use crate::exec::protocol;
use crate::exec::ssh;
use crate::exec::Executors;
use crate::layout::RunDir;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::RunRow;
use crate::timestamp;

/// Most runs in one job array; more go as several arrays.
const MAX_ARRAY_TASKS: usize = 1000;

/// Submits every cluster run that is not submitted yet: one job array
/// per cluster (a plain job for a single run). One submitter at a time
/// across processes, so no run is ever submitted twice. Returns whether
/// there was anything to submit.
pub async fn submit_to_clusters(ex: &Executors, slurm: &SlurmExecutor) -> Result<bool> {
    let lock_path = ex.ctx().data().root().join("slurm-submit.lock");
    let _submitting = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path))
        .await
        .map_err(|e| DeskError::internal(format!("submit lock task failed: {e}")))??;
    let pending = ex.ctx().store().unsubmitted_to_clusters().await?;
    if pending.is_empty() {
        return Ok(false);
    }
    let mut by_cluster: BTreeMap<String, Vec<RunRow>> = BTreeMap::new();
    for row in pending {
        by_cluster.entry(row.executor.clone()).or_default().push(row);
    }
    let grace = ex.ctx().store().settings().await?.cancel_grace_seconds;
    for (name, rows) in by_cluster {
        let profile = match profile::find(ex.ctx().store(), &name).await {
            Ok(p) => p,
            Err(_) => {
                let why = format!("its cluster profile {name:?} no longer exists");
                for row in &rows {
                    fail_cluster_run(
                        ex.ctx(),
                        &row.run_id(),
                        format!("The run could not be submitted: {why}"),
                    )
                    .await?;
                }
                continue;
            }
        };
        if let Some(remote) = slurm.ssh().for_profile(ex.ctx().data(), &profile)? {
            for chunk in rows.chunks(MAX_ARRAY_TASKS) {
                if let [row] = chunk {
                    ssh::submit::submit_run(ex.ctx(), &profile, row, grace, &remote).await?;
                } else {
                    ssh::array::submit_array(ex.ctx(), &profile, chunk, grace, &remote).await?;
                }
            }
            continue;
        }
        // Slurm's default MaxArraySize is 1001 (task ids 0-1000).
        for chunk in rows.chunks(MAX_ARRAY_TASKS) {
            submit_group(ex, slurm, &profile, chunk, grace).await?;
        }
    }
    Ok(true)
}

async fn submit_group(
    ex: &Executors,
    slurm: &SlurmExecutor,
    profile: &ClusterProfile,
    rows: &[RunRow],
    grace: f64,
) -> Result<()> {
    let root = ex.ctx().data().root().to_owned();
    let mut dirs = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.run_id();
        let dir = ex.ctx().data().run(&id);
        let cluster_dir = profile.cluster_path(&root, dir.root());
        let written = (|| -> Result<()> {
            let command =
                protocol::run_sim_command(row.simulator.as_deref(), &RunDir::at(cluster_dir.clone()), &id)?;
            let text = RunScript {
                run_id: id.as_str(),
                run_name: &row.name,
                profile,
                run_dir: &cluster_dir,
                command: &command,
                grace_seconds: grace,
            }
            .render();
            write_script(&script_file(&dir), &text)
        })();
        match written {
            Ok(()) => dirs.push((row, dir, cluster_dir)),
            Err(e) => {
                fail_cluster_run(
                    ex.ctx(),
                    &id,
                    format!("The run could not be submitted: {}", e.message),
                )
                .await?
            }
        }
    }
    if dirs.is_empty() {
        return Ok(());
    }
    let submitted = if let [(_, dir, cluster_dir)] = dirs.as_slice() {
        let args = vec![
            "--parsable".to_owned(),
            format!("--chdir={}", cluster_dir.to_string_lossy()),
            script_file(dir).to_string_lossy().into_owned(),
        ];
        commands::run(slurm.transport(), "sbatch", &args)
            .await
            .map(|out| (out, false))
    } else {
        submit_array(
            ex,
            slurm,
            profile,
            &dirs.iter().map(|(_, _, c)| c.clone()).collect::<Vec<_>>(),
        )
        .await
        .map(|out| (out, true))
    };
    match submitted {
        Ok((out, array)) => {
            let Some(job) = super::squeue::parse_sbatch(&out) else {
                for (row, _, _) in &dirs {
                    fail_cluster_run(
                        ex.ctx(),
                        &row.run_id(),
                        format!("sbatch gave no job id (it printed {:?})", out.trim()),
                    )
                    .await?;
                }
                return Ok(());
            };
            for (task, (row, _, _)) in dirs.iter().enumerate() {
                let task = array.then_some(task as i64);
                let label = job_label(Some(&job), task).unwrap_or_default();
                let detail = format!("Submitted to Slurm as job {label}; waiting in its queue");
                if ex
                    .ctx()
                    .store()
                    .record_submission(&row.run_id(), &job, task, &detail)
                    .await?
                {
                    ex.ctx().emit_row(&row.run_id()).await?;
                } else {
                    // Cancelled while we submitted: the job must not run.
                    let _ = commands::run(slurm.transport(), "scancel", &[label]).await;
                }
            }
        }
        Err(SlurmError::Unreachable(m)) => {
            let detail = format!(
                "Not submitted yet: cannot reach the Slurm controller ({m}). FUSION Desk submits \
                 it as soon as the controller answers"
            );
            for (row, _, _) in &dirs {
                if ex.ctx().store().set_detail(&row.run_id(), &detail).await? {
                    ex.ctx().emit_row(&row.run_id()).await?;
                }
            }
        }
        Err(e) => {
            for (row, _, _) in &dirs {
                fail_cluster_run(
                    ex.ctx(),
                    &row.run_id(),
                    format!("Slurm refused the run: {}", e.message()),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Writes the index and the array script into `<data>/slurm/` and
/// submits them; returns sbatch's output.
async fn submit_array(
    ex: &Executors,
    slurm: &SlurmExecutor,
    profile: &ClusterProfile,
    cluster_dirs: &[PathBuf],
) -> std::result::Result<String, SlurmError> {
    let root = ex.ctx().data().root().to_owned();
    let folder = root.join("slurm");
    let name = format!(
        "array-{}-{}",
        timestamp::now()[..19].replace([':', '-'], "").replace('T', "-"),
        &RunId::generate().as_str()[..6]
    );
    let index = folder.join(format!("{name}.index"));
    let logs = folder.join(&name);
    let script_path = folder.join(format!("{name}.sh"));
    let index_text: String = cluster_dirs
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{i}\t{}\n", d.to_string_lossy()))
        .collect();
    let text = script::array_script(
        profile,
        &profile.cluster_path(&root, &index),
        cluster_dirs.len(),
        &profile.cluster_path(&root, &logs),
    );
    let written = crate::layout::create_private_dir_all(&logs)
        .map_err(|e| DeskError::io(format!("cannot create {}", logs.display()), e))
        .and_then(|()| crate::runfs::write_atomic(&index, index_text.as_bytes(), crate::runfs::FILE_MODE))
        .and_then(|()| write_script(&script_path, &text));
    if let Err(e) = written {
        return Err(SlurmError::Refused(e.message));
    }
    let args = vec![
        "--parsable".to_owned(),
        format!("--chdir={}", profile.cluster_path(&root, &root).to_string_lossy()),
        script_path.to_string_lossy().into_owned(),
    ];
    commands::run(slurm.transport(), "sbatch", &args).await
}

fn write_script(path: &Path, text: &str) -> Result<()> {
    // Executable by its owner only: a script others could edit would run as us.
    crate::runfs::write_atomic(path, text.as_bytes(), crate::runfs::SCRIPT_MODE)
}
