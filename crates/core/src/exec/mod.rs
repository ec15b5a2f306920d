//! Where and how a run's processes live. Each executor is a module of its
//! own, chosen per run by its parsed [`crate::model::Placement`]:
//!
//! - [`local`]: this machine, a process group led by a [`supervisor`]
//!   that outlives the app; [`protocol`] is what launcher, supervisor and
//!   batch scripts agree on.
//! - [`slurm`]: a job on a Slurm cluster, its client commands run through a
//!   [`slurm::transport::CommandTransport`].
//! - [`ssh`]: a Slurm cluster reached over SSH, its commands run on the
//!   login node through [`ssh::SshTransport`].

pub mod local;
pub mod protocol;
pub mod slurm;
pub mod ssh;
pub mod supervisor;

pub use local::{LaunchSpec, Launched, LocalExecutor, SupervisorProgram};
