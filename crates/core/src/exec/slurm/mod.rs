//! Runs on a Slurm cluster: a peer of [`super::local`], this machine's
//! process groups. Slurm is the scheduler; FUSION Desk submits a batch
//! script per run (`sbatch`, many runs as one job array), follows the jobs
//! with one `squeue` call per tick for all of them, cancels with
//! `scancel`, and reads progress, logs and artifacts from the run folders on
//! the shared filesystem exactly as for local runs.
//!
//! - [`profile`]: cluster profiles (partition, account, limits, paths).
//! - [`script`]: the batch scripts.
//! - [`squeue`]: parsing Slurm's text output and its states in words.
//! - [`transport`]: where the client commands run (this machine, or a
//!   cluster reached another way).
//! - [`commands`]: running the Slurm client commands, with a time limit.
//! - [`runs`]: the store's Slurm-specific transitions.
//! - [`desk_api`]: submission, cancel and profiles on [`crate::Desk`].
//! - [`monitor`]: the poller that settles Slurm runs.

pub mod commands;
pub mod desk_api;
pub mod monitor;
pub mod profile;
pub mod runs;
pub mod script;
pub mod squeue;
pub mod transport;

pub use desk_api::ClusterCheck;
pub use profile::ClusterProfile;

/// A run's Slurm job as `squeue` and `scancel` name it: `<job>` or
/// `<array job>_<task>`.
pub fn job_label(job_id: Option<&str>, array_task: Option<i64>) -> Option<String> {
    let job = job_id?;
    Some(match array_task {
        Some(task) => format!("{job}_{task}"),
        None => job.to_owned(),
    })
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    ClusterProfile::export_all_to(dir)?;
    ClusterCheck::export_all_to(dir)?;
    Ok(())
}
