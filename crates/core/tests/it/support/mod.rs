//! Shared helpers for the lifecycle tests: a Desk on a scratch data dir that
//! runs the test simulator under the real supervisor (the `fdesk` binary).
//! The binaries come from the same target dir as the test; `cargo build
//! --workspace --bins` (part of the README's test command) builds them.

#![allow(dead_code)]

pub mod slurm_cluster;
pub use fusion_desk_test_support::processes_of_run;
use fusion_desk_test_support::wait_for;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{CreateRunRequest, Desk, DeskOptions, Run, RunStatus, Settings};

pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the workspace binaries first (cargo build --workspace --bins)",
        path.display()
    );
    path
}

pub struct TestDesk {
    pub desk: Desk,
    pub home: tempfile::TempDir,
}

pub async fn open(home: &std::path::Path, watch: bool) -> Desk {
    let options = DeskOptions {
        data: DataDir::at(home.to_owned()).unwrap(),
        supervisor: SupervisorProgram(bin("fdesk")),
        watch_runs: watch,
    };
    Desk::open(options).await.unwrap()
}

pub async fn desk(max_concurrent: u32, grace_seconds: f64) -> TestDesk {
    desk_with(max_concurrent, grace_seconds, true).await
}

/// A Desk that keeps no watcher tasks: tests that rewrite a run's state
/// behind the Desk's back use it, so no watcher settles the run meanwhile.
pub async fn unwatched_desk(max_concurrent: u32, grace_seconds: f64) -> TestDesk {
    desk_with(max_concurrent, grace_seconds, false).await
}

/// A Desk whose runs start on the embedded engine (`fusion-sim`), for the
/// tests that need FUSION's real output files.
pub async fn engine_desk(max_concurrent: u32, grace_seconds: f64) -> TestDesk {
    desk_running(bin("fusion-sim"), max_concurrent, grace_seconds, true).await
}

async fn desk_with(max_concurrent: u32, grace_seconds: f64, watch: bool) -> TestDesk {
    desk_running(bin("test-sim"), max_concurrent, grace_seconds, watch).await
}

async fn desk_running(simulator: PathBuf, max_concurrent: u32, grace_seconds: f64, watch: bool) -> TestDesk {
    let home = tempfile::tempdir().unwrap();
    let desk = open(home.path(), watch).await;
    desk.save_settings(&Settings {
        simulator_command: simulator.to_string_lossy().into_owned(),
        max_concurrent_runs: max_concurrent,
        cancel_grace_seconds: grace_seconds,
        ..Default::default()
    })
    .await
    .unwrap();
    TestDesk { desk, home }
}

impl TestDesk {
    pub async fn create(&self, overrides: &[&str]) -> Run {
        self.desk
            .create(&CreateRunRequest {
                template: "quick".into(),
                name: None,
                overrides: overrides.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            })
            .await
            .unwrap()
    }

    pub async fn wait(&self, id: &str) -> Run {
        self.desk.wait(id, Some(Duration::from_secs(60))).await.unwrap()
    }

    pub async fn wait_for_status(&self, id: &str, status: RunStatus) -> Run {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let run = self.desk.get(id).await.unwrap();
            if run.status == status {
                return run;
            }
            assert!(
                Instant::now() < deadline,
                "run {id} stayed {:?}, expected {status:?}",
                run.status
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Waits (bounded) until no process of the run is left; returns the survivors.
pub async fn survivors_after(id: &str, within: Duration) -> Vec<i32> {
    let deadline = Instant::now() + within;
    loop {
        let left = processes_of_run(id);
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A copy of the stand-in of the Python FUSION (tests/fusion-standin), so
/// the results it saves in its own source tree land in a scratch folder; the
/// path of its `fusion-sim` script.
pub fn install_standin() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fusion-standin");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(&src)
        .arg(dir.path().join("FUSION"))
        .status()
        .unwrap();
    assert!(status.success());
    let script = dir.path().join("FUSION/bin/fusion-sim");
    (dir, script)
}

/// The run once `ok` holds for it; fails with its last state after `within`
/// ("run … never `what`").
pub async fn wait_until(
    t: &TestDesk,
    id: &str,
    within: Duration,
    what: &str,
    ok: impl Fn(&Run) -> bool,
) -> Run {
    let never = format!("run {id} never {what}");
    wait_for(within, &never, || async { t.desk.get(id).await.unwrap() }, ok).await
}

/// The run once it has ended (whatever its outcome).
pub async fn wait_ended(t: &TestDesk, id: &str, within: Duration) -> Run {
    wait_until(t, id, within, "ended", |r| r.status.is_terminal()).await
}
