//! A Slurm cluster reached over SSH: a peer of [`super::slurm`] (a cluster
//! this machine submits to directly) that reuses all of its Slurm parsing
//! through a [`transport::SshTransport`], one OpenSSH connection per
//! cluster profile.
//!
//! - [`connect`]: the connection of a profile, its private folder under the
//!   data dir and the SSH setup in effect.
//! - [`transport`]: Slurm's client commands run on the login node.
//! - [`check`]: "Test connection", with the host-key confirmation.
//! - [`connections`]: one transport per profile for the life of a Desk.
//! - [`submit`]: staging a run into its remote folder and submitting it.
//! - [`array`]: many runs staged and submitted as one job array.
//! - [`sync`]: pulling logs and progress into the local run folder,
//!   fetching results.
//! - [`results`]: results too large to fetch with the rest, recorded as
//!   left on the cluster and fetched one by one when asked.
//! - [`follow`]: the per-tick poll of the runs of SSH clusters.

pub mod array;
pub mod check;
pub mod connect;
pub mod connections;
pub(crate) mod follow;
pub mod results;
pub mod submit;
pub mod sync;
pub mod transport;

pub use check::HostKeyTrust;
pub use connections::SshConnections;
pub use transport::SshTransport;

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    results::ClusterResult::export_all_to(dir)?;
    Ok(())
}
