//! Runs on this machine: each a process group led by a supervisor (see
//! [`super::supervisor`]) that outlives whoever launched it.
//!
//! - this module: the executor's state and launching one supervisor;
//! - [`queue`]: starting queued runs, oldest first, within the limit;
//! - [`settle`]: recording the end of runs whose owner has gone;
//! - [`executor`]: the [`super::Executor`] made of them.

pub mod executor;
pub mod queue;
pub mod settle;

use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::Signal;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::protocol::{CancelRequest, LOCK_FD, SUPERVISE_ARG};
use crate::error::{DeskError, ErrorCode, Result};
use crate::layout::{DataDir, RunDir};
use crate::procfs;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::RunRow;
use crate::tasks::{TaskHandle, TaskProbe};

/// How long a launcher waits for the supervisor to report the simulator started.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);

/// The program that supervises runs: any binary that dispatches
/// [`SUPERVISE_ARG`] to [`super::supervisor::main`] (the app and `fdesk` both do).
#[derive(Debug, Clone)]
pub struct SupervisorProgram(pub PathBuf);

impl SupervisorProgram {
    pub fn current_exe() -> Result<Self> {
        std::env::current_exe()
            .map(SupervisorProgram)
            .map_err(|e| DeskError::io("cannot locate the running program", e))
    }
}

/// What a launch needs, independent of where the run executes.
pub struct LaunchSpec<'a> {
    pub id: &'a RunId,
    pub dir: &'a RunDir,
    pub data: &'a DataDir,
    /// The whole simulator command line, arguments included.
    pub command: &'a [String],
    /// The claimed run's lock, handed over to whatever owns the run next.
    pub lock: RunLock,
}

/// A started run. The launching process must either keep `child` and reap it,
/// or drop it and let the supervisor outlive it.
pub struct Launched {
    pub child: Option<tokio::process::Child>,
}

/// The executor of runs placed on this machine.
#[derive(Debug)]
pub struct LocalExecutor {
    supervisor: SupervisorProgram,
    /// The task waiting for the end of each run this process watches (one
    /// per run), owned here so they stop with the executor. Shared with the
    /// tasks themselves, which leave it when their run is settled.
    watched: Arc<Mutex<HashMap<RunId, TaskHandle>>>,
}

impl LocalExecutor {
    pub fn new(supervisor: SupervisorProgram) -> LocalExecutor {
        LocalExecutor {
            supervisor,
            watched: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Starts `task` as the watcher of run `id` unless one already waits
    /// for it. `task` is given what it calls to leave the set once done.
    fn watch_with<F>(&self, id: &RunId, task: impl FnOnce(Box<dyn FnOnce() + Send>) -> F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let mut watched = self.watched.lock().expect("watch set lock");
        if watched.contains_key(id) {
            return;
        }
        let (set, key) = (Arc::downgrade(&self.watched), id.clone());
        let leave: Box<dyn FnOnce() + Send> = Box::new(move || {
            if let Some(set) = set.upgrade() {
                set.lock().expect("watch set lock").remove(&key);
            }
        });
        watched.insert(id.clone(), TaskHandle::spawn(task(leave)));
    }

    /// The watch tasks running now.
    pub fn watch_probes(&self) -> Vec<TaskProbe> {
        let watched = self.watched.lock().expect("watch set lock");
        watched.values().map(TaskHandle::probe).collect()
    }

    pub async fn launch(&self, spec: LaunchSpec<'_>) -> Result<Launched> {
        let supervisor_log = crate::runfs::open_append(&spec.dir.supervisor_log())?;
        let mut cmd = tokio::process::Command::new(&self.supervisor.0);
        cmd.arg(SUPERVISE_ARG)
            .arg("--home")
            .arg(spec.data.root())
            .arg("--run")
            .arg(spec.id.as_str())
            .arg("--")
            .args(spec.command)
            .current_dir(spec.dir.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(supervisor_log)
            .kill_on_drop(false);
        let lock_fd = spec.lock.file().as_raw_fd();
        // SAFETY: only async-signal-safe calls (setsid, dup2, fcntl) between
        // fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // A session of its own: no terminal hang-up or app exit reaches it.
                nix::unistd::setsid().map_err(std::io::Error::from)?;
                // Hand the claimed run's lock to the supervisor as a known fd.
                if lock_fd == LOCK_FD {
                    let flags = libc::fcntl(LOCK_FD, libc::F_GETFD);
                    libc::fcntl(LOCK_FD, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
                } else if libc::dup2(lock_fd, LOCK_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| {
            DeskError::new(
                ErrorCode::SimulatorUnavailable,
                format!(
                    "cannot start the run supervisor {}: {e}",
                    self.supervisor.0.display()
                ),
            )
        })?;
        // The supervisor holds the lock now (same open file description).
        drop(spec.lock);

        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        let handshake =
            tokio::time::timeout(HANDSHAKE_TIMEOUT, BufReader::new(stdout).read_line(&mut line)).await;
        match handshake {
            Ok(Ok(n)) if n > 0 => {}
            Ok(_) => {
                tracing::warn!(run = %spec.id, "supervisor ended before reporting the simulator's start")
            }
            Err(_) => {
                tracing::warn!(run = %spec.id, "supervisor did not report within {HANDSHAKE_TIMEOUT:?}")
            }
        }
        Ok(Launched { child: Some(child) })
    }

    /// Asks a running run to stop: SIGTERM to its whole group, SIGKILL after
    /// `grace`. Returns false when nothing was alive to ask.
    pub fn request_stop(&self, row: &RunRow, dir: &RunDir, grace: Duration) -> Result<bool> {
        crate::runfs::write_atomic(
            &dir.cancel_file(),
            &serde_json::to_vec(&CancelRequest {
                grace_seconds: grace.as_secs_f64(),
                requested_at: crate::timestamp::now(),
            })
            .expect("a cancel request serialises"),
            crate::runfs::FILE_MODE,
        )?;
        match (row.supervisor_pid, row.supervisor_start_time) {
            (Some(pid), Some(start)) => Ok(procfs::signal_if_same(pid as i32, start as u64, Signal::SIGTERM)),
            // Not yet recorded: the supervisor reads cancel.json as soon as it
            // has started the simulator.
            _ => Ok(true),
        }
    }
}

/// Kills whatever is left of a run whose supervisor is gone: SIGKILL to
/// every process still in its group, chosen by /proc scan with start times
/// and the run's id, so a recycled pgid never hits an unrelated process (see
/// [`procfs::run_group_members`]).
pub fn kill_orphans(row: &RunRow) {
    let (Some(pgid), Some(start)) = (row.pgid, row.process_start_time) else {
        return;
    };
    for _ in 0..50 {
        let members = procfs::run_group_members(pgid as i32, start as u64, &row.id);
        if members.is_empty() {
            return;
        }
        for (pid, st) in members {
            procfs::signal_if_same(pid, st, Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
