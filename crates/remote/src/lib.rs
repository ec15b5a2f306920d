//! FUSION Desk's transport to a remote Slurm cluster reached over SSH: the
//! system's OpenSSH client with one multiplexed master connection per
//! cluster, remote commands given as argument vectors, host-key scanning and
//! acceptance, the connection check, remote paths under the profile's
//! folder, file staging, incremental pulls of growing files and fetching of
//! results. It knows nothing of runs or of Slurm's output formats: the
//! executor that drives a cluster over SSH builds on it, in this order:
//!
//! ```no_run
//! # use fusion_desk_remote::*;
//! # use std::path::Path;
//! # async fn run_on_cluster(config: &Path, script: &Path) -> Result<()> {
//! let target = SshTarget::new("login.hpc.example.org", Some("ann"), None)?;
//! let conn = Connection::new(target, Path::new("/home/ann/.local/share/fusion-desk/ssh"),
//!     ConnectionOptions::default())?;
//! conn.check().await?;                        // "Test connection"; HostKeyUnknown → the user
//!                                             // confirms err.host_key, then accept_host_key
//! let root = RemoteRoot::resolve(&conn, "$SCRATCH/fusion-desk").await?;  // once per profile
//! let run = root.run_dir("3f9c0a12b7de")?;
//! conn.push_files(&run, &[config, script]).await?;                       // stage
//! let job = conn.run_ok(&["sbatch", "--parsable", "--chdir", run.as_str(),
//!     run.join("slurm.sh")?.as_str()]).await?.stdout_text();            // submit
//! let state = conn.run(&["squeue", "-h", "-t", "all", "-j", job.trim(), "-o", "%T"]).await?;
//! let log = conn.pull_from(&run.join("logs/sim.log")?, 0, 1 << 20).await?;  // follow
//! conn.fetch_dir(&run.join("output")?, Path::new("/tmp/out"), Some(64 << 20)).await?;
//! # Ok(()) }
//! ```

mod check;
mod connection;
mod diagnose;
mod error;
mod framing;
mod host_key;
mod listing;
mod master;
mod pull;
mod quote;
mod remote_path;
mod rsync;
mod staging;
mod target;
mod trust;

pub use check::{ClusterCheck, PartitionState};
pub use connection::{Connection, ConnectionOptions, Output};
pub use error::{ErrorKind, RemoteError, Result};
pub use host_key::HostKey;
pub use listing::{Listing, RemoteEntry};
pub use pull::Pulled;
pub use quote::{command_line, quote};
pub use remote_path::{RemotePath, RemoteRoot};
pub use target::SshTarget;
