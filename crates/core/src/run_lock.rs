//! The run lock: an exclusive flock on `<run>/run.lock`, held by the launcher
//! from the moment it claims a run and handed to the run's supervisor, which
//! holds it until the outcome is recorded. The kernel drops the lock when its
//! holder dies, so "lock free" reliably means "nobody owns this run any more",
//! and blocking on the lock is how other processes wait for a run to end.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

use crate::error::{DeskError, Result};

#[derive(Debug)]
pub struct RunLock {
    file: File,
}

/// Opens the lock file without following a link and only when it is a
/// regular file: it lies in a run folder the simulator can write to.
fn open(path: &Path) -> Result<File> {
    crate::runfs::open_lock(path)
}

fn flock(file: &File, op: libc::c_int) -> std::io::Result<()> {
    loop {
        // SAFETY: flock on a valid open descriptor has no memory effects.
        let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

impl RunLock {
    /// Takes the lock if nobody holds it; `Ok(None)` when it is held.
    pub fn try_acquire(path: &Path) -> Result<Option<RunLock>> {
        let file = open(path)?;
        match flock(&file, libc::LOCK_EX | libc::LOCK_NB) {
            Ok(()) => Ok(Some(RunLock { file })),
            Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => Ok(None),
            Err(e) => Err(DeskError::io(format!("cannot lock {}", path.display()), e)),
        }
    }

    /// Blocks until the current holder is gone, then holds the lock.
    pub fn acquire_blocking(path: &Path) -> Result<RunLock> {
        let file = open(path)?;
        flock(&file, libc::LOCK_EX)
            .map_err(|e| DeskError::io(format!("cannot lock {}", path.display()), e))?;
        Ok(RunLock { file })
    }

    /// Wraps a descriptor inherited from the launcher that already holds the lock.
    pub fn from_inherited(file: File) -> RunLock {
        RunLock { file }
    }

    pub fn file(&self) -> &File {
        &self.file
    }
}

// Dropping a RunLock closes our descriptor, which releases the lock only when
// no other process shares the open file description. That is deliberate: the
// launcher drops its copy after handing the description to the supervisor.
