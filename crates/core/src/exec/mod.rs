//! Where and how a run's processes live. [`executors`] is the abstraction;
//! each executor is a module of its own, chosen per run by its parsed
//! [`crate::model::Placement`]:
//!
//! - [`local`]: this machine, a process group led by a [`supervisor`]
//!   that outlives the app; [`protocol`] is what launcher, supervisor and
//!   batch scripts agree on.
//! - [`slurm`]: a job on a Slurm cluster, its client commands run through a
//!   [`slurm::transport::CommandTransport`]: on this machine, or on the
//!   login node of a cluster reached over [`ssh`].

pub mod executors;
pub mod local;
pub mod protocol;
pub mod slurm;
pub mod ssh;
pub mod supervisor;

pub use executors::{Executor, Executors, Pending};
pub use local::{LaunchSpec, Launched, LocalExecutor, SupervisorProgram};
