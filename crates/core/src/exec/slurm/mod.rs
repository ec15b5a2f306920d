//! Runs on a Slurm cluster: a peer of [`super::local`], this machine's
//! process groups. Slurm is the scheduler; FUSION Desk submits a batch
//! script per run (`sbatch`, many runs as one job array), follows the jobs
//! with one `squeue` call per tick for all of them, cancels with
//! `scancel`, and reads progress, logs and artifacts from the run folders
//! (on a shared filesystem, or pulled over SSH by [`super::ssh`]).
//!
//! - [`profile`]: cluster profiles (partition, account, limits, paths).
//! - [`script`]: the batch scripts.
//! - [`squeue`]: parsing Slurm's text output and its states in words.
//! - [`connection`]: how a profile reaches its cluster (here, or SSH).
//! - [`transport`]: where the client commands run (this machine, or a
//!   cluster reached another way).
//! - [`commands`]: running the Slurm client commands, with a time limit.
//! - [`check`]: "Test connection" of a cluster reached from here.
//! - [`state`]: the executor and what it keeps per process.
//! - [`submit`], [`cancel`], [`monitor`], [`poll`]: its operations;
//!   [`executor`] makes them an [`super::Executor`].
//! - [`clusters`]: profiles and checks, for the shell and the CLI.

pub mod cancel;
pub mod check;
pub mod clusters;
pub mod commands;
pub mod connection;
pub mod executor;
pub mod monitor;
pub mod poll;
pub mod profile;
pub mod script;
pub mod squeue;
pub mod state;
pub mod submit;
pub mod transport;

pub use check::ClusterCheck;
pub use connection::ClusterConnection;
pub use profile::ClusterProfile;

pub use crate::model::job_label;

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    ClusterProfile::export_all_to(dir)?;
    ClusterConnection::export_all_to(dir)?;
    ClusterCheck::export_all_to(dir)?;
    Ok(())
}
