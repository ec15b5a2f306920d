//! Submitting a run to a cluster reached over SSH: its batch script is
//! written with the REMOTE run folder's paths (`<remote folder>/runs/<id>`,
//! its logs/sim.log, progress.jsonl, output/ and exit.json there), staged
//! with config.ini into that folder, and handed to sbatch on the login
//! node. Several runs submitted together go as one job array instead
//! (see [`super::array`]).
//!
//! A run is never submitted twice: the job id is recorded before anything
//! else can retry, and a retry after an sbatch whose outcome is unknown (the
//! connection dropped while it ran) first asks squeue for a job of the
//! run's name and adopts it.

use std::path::{Path, PathBuf};

use fusion_desk_remote::RemoteError;

use super::transport::SshTransport;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::protocol;
use crate::exec::slurm::commands::{self, SlurmError};
use crate::exec::slurm::script::script_file;
use crate::exec::slurm::script::RunScript;
use crate::exec::slurm::{job_label, squeue, ClusterProfile};
use crate::layout::RunDir;
use crate::run_id::RunId;
use crate::store::RunRow;

/// The job name the run script gives a run (`#SBATCH --job-name`).
pub fn job_name(id: &RunId) -> String {
    format!("fdesk-{}", id.as_str())
}

pub async fn submit_run(
    ctx: &Ctx,
    profile: &ClusterProfile,
    row: &RunRow,
    grace: f64,
    remote: &SshTransport,
) -> Result<()> {
    let id = row.run_id();
    let dir = ctx.data().run(&id);
    let remote_dir = match remote.run_dir(id.as_str()).await {
        Ok(d) => d,
        Err(e) => return remote_failed(ctx, &id, remote, &e).await,
    };
    let cluster_dir = PathBuf::from(remote_dir.as_str());
    let script = match write_run_script(ctx, profile, row, grace, &cluster_dir) {
        Ok(s) => s,
        Err(why) => return fail(ctx, &id, why).await,
    };

    // An earlier sbatch whose answer was lost may have queued the job.
    let name = job_name(&id);
    let args = ["-h", "-t", "all", "-n", &name, "-o", "%i"].map(String::from);
    match commands::run(remote, "squeue", &args).await {
        Ok(text) => {
            if let Some(job) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
                return record(ctx, remote, &id, job).await;
            }
        }
        Err(SlurmError::Unreachable(m)) => return not_yet(ctx, &id, remote, &m).await,
        Err(_) => {}
    }

    let staged = async {
        let conn = remote.connection();
        let logs = remote_dir.join("logs")?;
        let output = remote_dir.join("output")?;
        conn.run_ok(&["mkdir", "-p", "-m", "700", logs.as_str(), output.as_str()])
            .await?;
        conn.push_files(&remote_dir, &[&dir.config(), &script]).await
    }
    .await;
    remote.saw(staged.as_ref().err());
    if let Err(e) = staged {
        return remote_failed(ctx, &id, remote, &e).await;
    }

    let remote_script = cluster_dir.join("slurm.sh");
    let args = vec![
        "--parsable".to_owned(),
        format!("--chdir={}", cluster_dir.to_string_lossy()),
        remote_script.to_string_lossy().into_owned(),
    ];
    match commands::run(remote, "sbatch", &args).await {
        Ok(out) => match squeue::parse_sbatch(&out) {
            Some(job) => record(ctx, remote, &id, &job).await,
            None => {
                fail(
                    ctx,
                    &id,
                    format!("sbatch gave no job id (it printed {:?})", out.trim()),
                )
                .await
            }
        },
        Err(SlurmError::Unreachable(m)) => not_yet(ctx, &id, remote, &m).await,
        Err(e) => fail(ctx, &id, format!("Slurm refused the run: {}", e.message())).await,
    }
}

/// Writes a run's batch script, naming its REMOTE folder `cluster_dir`,
/// into its local folder for staging; returns the script's local path, or
/// why the run cannot be submitted.
pub(super) fn write_run_script(
    ctx: &Ctx,
    profile: &ClusterProfile,
    row: &RunRow,
    grace: f64,
    cluster_dir: &Path,
) -> std::result::Result<PathBuf, String> {
    let id = row.run_id();
    let dir = ctx.data().run(&id);
    let command =
        protocol::run_sim_command(row.simulator.as_deref(), &RunDir::at(cluster_dir.to_owned()), &id)
            .map_err(|e| format!("The run could not be submitted: {}", e.message))?;
    let text = RunScript {
        run_id: id.as_str(),
        run_name: &row.name,
        profile,
        run_dir: cluster_dir,
        command: &command,
        grace_seconds: grace,
    }
    .render();
    let script = script_file(&dir);
    // Executable by its owner only: a script others could edit would run as us.
    crate::runfs::write_atomic(&script, text.as_bytes(), crate::runfs::SCRIPT_MODE)
        .map_err(|e| format!("The run could not be submitted: {}", e.message))?;
    Ok(script)
}

async fn record(ctx: &Ctx, remote: &SshTransport, id: &RunId, job: &str) -> Result<()> {
    let detail = format!("Submitted to Slurm as job {job} over SSH; waiting in its queue");
    if ctx.store().record_submission(id, job, None, &detail).await? {
        ctx.emit_row(id).await?;
    } else {
        // Cancelled while we submitted: the job must not run.
        let label = job_label(Some(job), None).unwrap_or_default();
        let _ = commands::run(remote, "scancel", &[label]).await;
    }
    Ok(())
}

pub(super) async fn remote_failed(
    ctx: &Ctx,
    id: &RunId,
    remote: &SshTransport,
    e: &RemoteError,
) -> Result<()> {
    if e.kind.is_transient() {
        not_yet(ctx, id, remote, &e.message).await
    } else {
        fail(ctx, id, format!("The run could not be submitted: {}", e.message)).await
    }
}

pub(super) async fn not_yet(ctx: &Ctx, id: &RunId, remote: &SshTransport, why: &str) -> Result<()> {
    let since = remote
        .unreachable_note()
        .unwrap_or_else(|| "cluster unreachable".to_owned());
    let detail =
        format!("Not submitted yet: {since} ({why}). FUSION Desk submits it as soon as the cluster answers");
    if ctx.store().set_detail(id, &detail).await? {
        ctx.emit_row(id).await?;
    }
    Ok(())
}

/// A run that cannot be submitted fails as any cluster run does.
pub(super) use crate::exec::slurm::monitor::fail_cluster_run as fail;
