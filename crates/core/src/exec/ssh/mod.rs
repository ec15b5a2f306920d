//! A Slurm cluster reached over SSH: a peer of [`super::slurm`] (a cluster
//! this machine submits to directly) that reuses all of its Slurm parsing
//! through a [`transport::SshTransport`], one OpenSSH connection per
//! cluster profile.
//!
//! - [`connect`]: the connection of a profile, its private folder under the
//!   data dir and the SSH setup in effect.
//! - [`transport`]: Slurm's client commands run on the login node.
//! - [`check`]: "Test connection", with the host-key confirmation.

pub mod check;
pub mod connect;
pub mod transport;

pub use check::HostKeyTrust;
pub use transport::SshTransport;
