//! The single-node Slurm on loopback (`scripts/slurm-local.sh`), which the
//! test user submits to through the login node like any cluster user.
//! Slurm's ports are fixed, so one cluster at a time on the machine: the
//! suites that use it take the same file lock as every other suite that
//! starts it, and the nextest group of one thread. The cluster is stopped
//! (every job cancelled first) when the guard drops, also when a test fails.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    _lock: File,
}

const DIR: &str = "/tmp/fusion-desk-slurm";

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/slurm-local.sh")
}

fn run(action: &str) -> std::process::Output {
    Command::new("bash")
        .arg(script())
        .arg(action)
        .env("SLURM_LOCAL_DIR", DIR)
        .output()
        .expect("bash runs")
}

impl Cluster {
    /// Starts the cluster; fails (never skips) when Slurm is not installed.
    pub fn start() -> Cluster {
        for bin in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: the cluster tests need a real Slurm; install slurmctld slurmd \
                 slurm-client munge (scripts/setup.sh does)"
            );
        }
        let lock = File::create("/tmp/fusion-desk-slurm.lock").unwrap();
        // SAFETY: flock on a descriptor we own; released when it closes.
        assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
        let out = run("start");
        assert!(
            out.status.success(),
            "slurm-local.sh start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Cluster { _lock: lock }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = run("stop");
    }
}
