//! [`SlurmExecutor`]: the executor of runs placed on Slurm clusters, and
//! what it keeps for the life of a process — where the client commands of
//! each cluster run, its poller, its progress recorders. Its operations are
//! [`super::submit`], [`super::cancel`] and [`super::poll`]; the
//! [`crate::exec::Executor`] made of them is in [`super::executor`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::profile::ClusterProfile;
use super::transport::{CommandTransport, LocalTransport};
use crate::exec::ssh::SshConnections;
use crate::layout::DataDir;
use crate::live::ProgressRecorder;
use crate::run_id::RunId;
use crate::tasks::{TaskHandle, TaskProbe};

pub struct SlurmExecutor {
    /// Where the client commands of clusters reached from here run.
    transport: Arc<dyn CommandTransport>,
    /// The poller, once started; dropped (and so stopped) with the executor.
    pub(super) poller: Mutex<Option<TaskHandle>>,
    /// One poll at a time per process; the last one's time.
    pub(super) polling: tokio::sync::Mutex<Option<Instant>>,
    /// Progress recorders of running cluster runs (watching processes only).
    pub(super) recorders: Mutex<HashMap<RunId, ProgressRecorder>>,
    /// The connections of clusters reached over SSH.
    ssh: SshConnections,
    /// Short tasks it started (a cancel's escalation), stopped with it.
    tasks: Mutex<Vec<TaskHandle>>,
}

impl Default for SlurmExecutor {
    fn default() -> Self {
        SlurmExecutor {
            transport: Arc::new(LocalTransport),
            poller: Mutex::new(None),
            polling: tokio::sync::Mutex::new(None),
            recorders: Mutex::new(HashMap::new()),
            ssh: SshConnections::default(),
            tasks: Mutex::new(Vec::new()),
        }
    }
}

impl SlurmExecutor {
    /// The transport of clusters this machine submits to directly.
    pub fn transport(&self) -> &dyn CommandTransport {
        self.transport.as_ref()
    }

    pub fn ssh(&self) -> &SshConnections {
        &self.ssh
    }

    /// Where the commands of a cluster profile run: its SSH login node, or
    /// this machine's transport.
    pub fn transport_for(
        &self,
        data: &DataDir,
        profile: Option<&ClusterProfile>,
    ) -> Arc<dyn CommandTransport> {
        match profile.and_then(|p| self.ssh.for_profile(data, p).ok().flatten()) {
            Some(ssh) => ssh,
            None => self.transport.clone(),
        }
    }

    /// Runs `task` for as long as this executor lives (or until it ends).
    pub(super) fn own(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let mut tasks = self.tasks.lock().expect("tasks lock");
        tasks.retain(|t| t.probe().is_running());
        tasks.push(TaskHandle::spawn(task));
    }

    /// The poller, if it was started.
    pub fn poller_probe(&self) -> Option<TaskProbe> {
        self.poller
            .lock()
            .expect("poller lock")
            .as_ref()
            .map(TaskHandle::probe)
    }
}
