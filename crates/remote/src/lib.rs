//! FUSION Desk's transport to a remote Slurm cluster reached over SSH: the
//! system's OpenSSH client with one multiplexed master connection per
//! cluster, remote commands given as argument vectors, host-key scanning and
//! acceptance, the connection check, remote paths under the profile's
//! folder, file staging, incremental pulls of growing files and fetching of
//! results. It knows nothing of runs or of Slurm's output formats: the
//! executor that drives a cluster over SSH builds on it.

mod check;
mod connection;
mod diagnose;
mod error;
mod framing;
mod host_key;
mod listing;
mod pull;
mod quote;
mod remote_path;
mod rsync;
mod staging;
mod target;

pub use check::{ClusterCheck, PartitionState};
pub use connection::{Connection, ConnectionOptions, Output};
pub use error::{ErrorKind, RemoteError, Result};
pub use host_key::HostKey;
pub use listing::{Listing, RemoteEntry};
pub use pull::Pulled;
pub use quote::{command_line, quote};
pub use remote_path::{RemotePath, RemoteRoot};
pub use target::SshTarget;
