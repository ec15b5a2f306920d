//! A real single-node Slurm on loopback for the cluster tests, started and
//! stopped by `scripts/slurm-local.sh`. Slurm's ports are fixed, so one
//! cluster at a time: the tests of this binary run in a nextest group of one
//! thread, and a file lock serialises them under plain `cargo test` too.
//! The cluster is stopped (every job cancelled first) when the guard drops,
//! also when a test fails.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    _lock: File,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/slurm-local.sh")
}

const DIR: &str = "/tmp/fusion-desk-slurm";

fn run(action: &str) {
    run_with(action, &[]);
}

fn run_with(action: &str, env: &[(&str, String)]) {
    let out = Command::new("bash")
        .arg(script())
        .arg(action)
        .env("SLURM_LOCAL_DIR", DIR)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "slurm-local.sh {action} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    /// Starts the cluster; fails (never skips) when Slurm is not installed.
    pub fn start() -> Cluster {
        Cluster::start_with(&[])
    }

    /// A cluster that keeps accounting (slurmdbd: `sacct` answers for
    /// jobs the controller has forgotten) and forgets a finished job
    /// `min_job_age` seconds after it ended.
    pub fn start_with_accounting(min_job_age: u32) -> Cluster {
        for bin in ["/usr/sbin/slurmdbd", "/usr/sbin/mariadbd"] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: the accounting tests need slurmdbd and MariaDB; install slurmdbd \
                 mariadb-server (scripts/setup.sh does)"
            );
        }
        Cluster::start_with(&[
            ("SLURM_LOCAL_ACCOUNTING", "1".to_owned()),
            ("SLURM_LOCAL_MIN_JOB_AGE", min_job_age.to_string()),
        ])
    }

    fn start_with(env: &[(&str, String)]) -> Cluster {
        for bin in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: the cluster tests need a real Slurm; install slurmctld slurmd \
                 slurm-client munge (scripts/setup.sh does)"
            );
        }
        let lock = File::create("/tmp/fusion-desk-slurm.lock").unwrap();
        // SAFETY: flock on a descriptor we own.
        assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
        std::env::set_var("SLURM_CONF", format!("{DIR}/slurm.conf"));
        run_with("start", env);
        Cluster { _lock: lock }
    }

    pub fn stop_controller(&self) {
        run("stop-controller");
    }

    pub fn start_controller(&self) {
        run("start-controller");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .env("SLURM_LOCAL_DIR", DIR)
            .status();
    }
}
