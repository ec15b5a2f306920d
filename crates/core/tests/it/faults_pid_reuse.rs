//! PID reuse after a restart: a pid or process group recorded for a run may
//! name an unrelated process by the time the app comes back. Nothing is ever
//! signalled unless it is provably the run's own: the supervisor by its start
//! time, group members by the group's leader or by the run id they inherit.
//! (recovery.rs covers a recycled simulator pid.)
//!
//! `cargo nextest run -p fusion-desk-core --test it -E 'test(/^faults_pid_reuse::/)' --no-capture` prints the figures.

use crate::support;

use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use fusion_desk_core::procfs;
use fusion_desk_core::run_lock::RunLock;
use fusion_desk_core::{timestamp, CreateRunRequest, Desk, RunId, RunStatus, Settings};
use support::{bin, survivors_after};

/// A process that has nothing to do with any run, in a group of its own.
fn bystander() -> (Child, i32, u64) {
    let child = Command::new("sleep").arg("60").process_group(0).spawn().unwrap();
    let pid = child.id() as i32;
    let start = procfs::start_time(pid).unwrap();
    (child, pid, start)
}

fn still_alive(child: &mut Child) -> bool {
    child.try_wait().unwrap().is_none()
}

async fn scratch_desk(home: &std::path::Path, watch: bool) -> Desk {
    let desk = support::open(home, watch).await;
    desk.save_settings(&Settings {
        simulator_command: bin("test-sim").to_string_lossy().into_owned(),
        max_concurrent_runs: 2,
        cancel_grace_seconds: 0.5,
        ..Default::default()
    })
    .await
    .unwrap();
    desk
}

async fn create(desk: &Desk, overrides: &[&str]) -> String {
    desk.create(&CreateRunRequest {
        template: "quick".into(),
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    })
    .await
    .unwrap()
    .id
}

/// Rewrites a finished run as RUNNING with the given records, as a crash
/// followed by PID reuse would leave it (its supervisor long gone).
async fn force_running(desk: &Desk, id: &str, pid: i32, pgid: i32, start: u64, supervisor: (i32, u64)) {
    let lock = desk.data().run(&RunId::parse(id).unwrap()).lock_file();
    while RunLock::try_acquire(&lock).unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = std::fs::remove_file(desk.data().run(&RunId::parse(id).unwrap()).exit_file());
    sqlx::query(
        "UPDATE runs SET status = 'RUNNING', started_at = ?, pid = ?, pgid = ?, process_start_time = ?, \
         supervisor_pid = ?, supervisor_start_time = ?, completed_at = NULL, exit_code = NULL, \
         error_message = NULL WHERE id = ?",
    )
    .bind(timestamp::now())
    .bind(pid)
    .bind(pgid)
    .bind(start as i64)
    .bind(supervisor.0)
    .bind(supervisor.1 as i64)
    .bind(id)
    .execute(desk.ctx().store().raw_pool())
    .await
    .unwrap();
}

/// The run's supervisor dies; its pid is then taken by an unrelated process.
/// A cancel after the restart must stop the run's real (orphaned) processes
/// and never signal the process that now holds the supervisor's pid.
#[tokio::test(flavor = "multi_thread")]
async fn cancel_after_a_restart_never_signals_a_recycled_supervisor_pid() {
    let home = tempfile::tempdir().unwrap();
    // No watching: the run must stay unsettled until the "restarted" Desk acts.
    let before = scratch_desk(home.path(), false).await;
    let id = create(
        &before,
        &[
            "test_sim.iterations=100000",
            "test_sim.step_ms=50",
            "test_sim.children=2",
        ],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let row = loop {
        let row = before
            .ctx()
            .store()
            .require(&RunId::parse(&id).unwrap())
            .await
            .unwrap();
        if row.pid.is_some() && support::processes_of_run(&id).len() == 3 {
            break row;
        }
        assert!(Instant::now() < deadline, "the run never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (sup_pid, sup_start) = (
        row.supervisor_pid.unwrap() as i32,
        row.supervisor_start_time.unwrap() as u64,
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(sup_pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    // Gone means its run lock is free: a killed process's last threads may
    // still hold it for a moment after /proc shows its main thread a zombie.
    let lock = before.data().run(&RunId::parse(&id).unwrap()).lock_file();
    while procfs::is_same_process(sup_pid, sup_start) || RunLock::try_acquire(&lock).unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(before);

    // The restart; the supervisor's pid now names the bystander.
    let (mut other, other_pid, _) = bystander();
    sqlx::query("UPDATE runs SET supervisor_pid = ? WHERE id = ?")
        .bind(other_pid)
        .bind(&id)
        .execute(support::open(home.path(), false).await.ctx().store().raw_pool())
        .await
        .unwrap();
    let after = support::open(home.path(), false).await;
    let cancelled = after.cancel(&id).await.unwrap();
    let left = survivors_after(&id, Duration::from_secs(3)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let spared = still_alive(&mut other);
    eprintln!(
        "pid reuse (supervisor): cancel after restart -> {:?}; run processes left {}; bystander on the \
         supervisor's pid {}",
        cancelled.status,
        left.len(),
        if spared { "untouched" } else { "SIGNALLED" }
    );
    let _ = other.kill();
    let _ = other.wait();
    for pid in support::processes_of_run(&id) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
    }
    assert!(spared, "the process on the recycled supervisor pid was signalled");
    assert_eq!(cancelled.status, RunStatus::Cancelled);
    assert!(left.is_empty(), "the run's orphaned processes survived: {left:?}");
}

/// The recorded process group was recycled: a new group with the same id,
/// led by an unrelated process that started after the run's simulator.
#[tokio::test(flavor = "multi_thread")]
async fn recovery_never_signals_a_recycled_group_with_a_new_leader() {
    let home = tempfile::tempdir().unwrap();
    let desk = scratch_desk(home.path(), true).await;
    let id = create(&desk, &["test_sim.iterations=1"]).await;
    desk.wait(&id, Some(Duration::from_secs(30))).await.unwrap();
    let (mut other, pid, start) = bystander();
    // The run's leader started before the bystander, with the same pid/pgid.
    force_running(&desk, &id, pid, pid, start.saturating_sub(100), (999_999, 1)).await;
    desk.recover().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let spared = still_alive(&mut other);
    let run = desk.get(&id).await.unwrap();
    eprintln!(
        "pid reuse (group leader): recovery -> {:?}; bystander leading the recycled group {}",
        run.status,
        if spared { "untouched" } else { "SIGNALLED" }
    );
    let _ = other.kill();
    let _ = other.wait();
    assert!(spared, "a member of a recycled process group was signalled");
    assert_eq!(run.status, RunStatus::Failed);
}

/// The recorded group was recycled and its new leader has exited: only a
/// member is left, unrelated to the run, started after the run's simulator.
#[tokio::test(flavor = "multi_thread")]
async fn recovery_never_signals_a_leaderless_recycled_group() {
    let home = tempfile::tempdir().unwrap();
    let desk = scratch_desk(home.path(), true).await;
    let id = create(&desk, &["test_sim.iterations=1"]).await;
    desk.wait(&id, Some(Duration::from_secs(30))).await.unwrap();
    // A shell leads a new group, leaves a sleeping member in it and exits.
    let mut leader = Command::new("sh")
        .args(["-c", "sleep 60 & sleep 0.2"])
        .process_group(0)
        .spawn()
        .unwrap();
    let pgid = leader.id() as i32;
    let leader_start = procfs::start_time(pgid).unwrap();
    leader.wait().unwrap();
    let member = procfs::group_members(pgid, 0);
    assert_eq!(member.len(), 1, "one member left in the group: {member:?}");
    let (member_pid, _) = member[0];
    force_running(
        &desk,
        &id,
        pgid,
        pgid,
        leader_start.saturating_sub(100),
        (999_999, 1),
    )
    .await;
    desk.recover().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let spared = procfs::stat(member_pid).is_some_and(|s| s.state != 'Z');
    let run = desk.get(&id).await.unwrap();
    eprintln!(
        "pid reuse (group member): recovery -> {:?}; member of the leaderless recycled group {}",
        run.status,
        if spared { "untouched" } else { "SIGNALLED" }
    );
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(member_pid),
        nix::sys::signal::Signal::SIGKILL,
    );
    assert!(spared, "a member of a recycled process group was signalled");
    assert_eq!(run.status, RunStatus::Failed);
}
