//! Start-up reconciliation from states a crash can leave behind, built
//! directly in the store and the run folder.

use crate::support;

use std::process::Command;
use std::time::Duration;

use fusion_desk_core::outcome::Outcome;
use fusion_desk_core::{timestamp, RunId, RunStatus};
use support::desk;

/// Rewrites a finished run's row as if it were still running. Waits first
/// until its supervisor has let go of the run (it records the outcome, then
/// releases the run lock and exits).
async fn force_running(t: &support::TestDesk, id: &str, pid: Option<i64>, start: Option<i64>) {
    let lock_path = t.desk.data().run(&RunId::parse(id).unwrap()).lock_file();
    while fusion_desk_core::run_lock::RunLock::try_acquire(&lock_path)
        .unwrap()
        .is_none()
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sqlx::query(
        "UPDATE runs SET status = 'RUNNING', started_at = ?, pid = ?, pgid = ?, process_start_time = ?, \
         supervisor_pid = ?, supervisor_start_time = ?, completed_at = NULL, exit_code = NULL, error_message = NULL WHERE id = ?",
    )
    .bind(timestamp::now())
    .bind(pid)
    .bind(pid)
    .bind(start)
    .bind(pid)
    .bind(start)
    .bind(id)
    .execute(t.desk.ctx().store().raw_pool())
    .await
    .unwrap();
}

/// A run that finished while nobody could record it: its supervisor wrote
/// exit.json and died before updating the store.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_finished_while_the_app_was_down_gets_its_true_state() {
    let t = support::unwatched_desk(2, 1.0).await;
    for (exit_code, status) in [(0, RunStatus::Completed), (5, RunStatus::Failed)] {
        let run = t.create(&["test_sim.iterations=1"]).await;
        t.wait(&run.id).await;
        force_running(&t, &run.id, Some(999_999), Some(1)).await;
        let outcome = Outcome {
            exit_code: Some(exit_code),
            signal: None,
            cancelled: false,
            spawn_error: None,
            finished_at: timestamp::now(),
        };
        outcome
            .write(&std::path::Path::new(&run.run_dir).join("exit.json"))
            .unwrap();
        t.desk.recover().await.unwrap();
        let after = t.desk.get(&run.id).await.unwrap();
        assert_eq!(after.status, status);
        assert_eq!(after.exit_code, Some(exit_code as i64));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_with_no_owner_and_no_outcome_fails_clearly() {
    let t = support::unwatched_desk(2, 1.0).await;
    let run = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&run.id).await;
    std::fs::remove_file(std::path::Path::new(&run.run_dir).join("exit.json")).unwrap();
    force_running(&t, &run.id, Some(999_999), Some(1)).await;
    t.desk.recover().await.unwrap();
    let after = t.desk.get(&run.id).await.unwrap();
    assert_eq!(after.status, RunStatus::Failed);
    assert!(after
        .error_message
        .unwrap()
        .contains("supervisor stopped unexpectedly"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_launch_goes_back_to_the_queue_and_runs() {
    let t = support::unwatched_desk(2, 1.0).await;
    let run = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&run.id).await;
    std::fs::remove_file(std::path::Path::new(&run.run_dir).join("exit.json")).unwrap();
    force_running(&t, &run.id, None, None).await;
    t.desk.recover().await.unwrap();
    let after = t.wait(&run.id).await;
    assert_eq!(
        after.status,
        RunStatus::Completed,
        "re-queued and run: {:?}",
        after.error_message
    );
}

/// A recorded pid now used by an unrelated process (same pid, other start
/// time) is never signalled, neither by cancel nor by recovery.
#[tokio::test(flavor = "multi_thread")]
async fn a_recycled_pid_is_never_signalled() {
    use std::os::unix::process::CommandExt;
    let t = support::unwatched_desk(2, 0.0).await;
    let run = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&run.id).await;
    std::fs::remove_file(std::path::Path::new(&run.run_dir).join("exit.json")).unwrap();
    let mut bystander = Command::new("sleep").arg("30").process_group(0).spawn().unwrap();
    let pid = bystander.id() as i64;
    let real_start = fusion_desk_core::procfs::start_time(pid as i32).unwrap() as i64;
    // The record says this pid started later than the bystander did.
    force_running(&t, &run.id, Some(pid), Some(real_start + 1000)).await;
    t.desk.cancel(&run.id).await.unwrap();
    // The Desk's own watcher of the run may hold the run lock for a moment
    // and settle it itself: either way the run ends CANCELLED.
    t.wait_for_status(&run.id, RunStatus::Cancelled).await;
    t.desk.recover().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        bystander.try_wait().unwrap().is_none(),
        "the bystander was signalled"
    );
    bystander.kill().unwrap();
    let _ = bystander.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_desks_on_one_data_dir_never_double_start_a_run() {
    let t = desk(3, 1.0).await;
    let other = support::open(t.home.path(), true).await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(
            t.create(&["test_sim.iterations=2", "test_sim.step_ms=30"])
                .await
                .id,
        );
    }
    // Both dispatch concurrently while runs finish.
    let (a, b) = tokio::join!(t.desk.dispatch(), other.dispatch());
    a.unwrap();
    b.unwrap();
    for id in &ids {
        let run = t.wait(id).await;
        assert_eq!(run.status, RunStatus::Completed);
        let log =
            std::fs::read_to_string(std::path::Path::new(&run.run_dir).join("logs/supervisor.log")).unwrap();
        assert_eq!(
            log.matches("started simulator").count(),
            1,
            "run {id} started twice"
        );
    }
    let _ = RunId::parse(&ids[0]).unwrap();
}

/// A `create` killed between the folder and the row leaves a folder no run
/// owns; recovery removes it once it is old, and never touches run folders.
#[tokio::test(flavor = "multi_thread")]
async fn an_abandoned_run_folder_is_removed_and_real_ones_are_kept() {
    let t = desk(2, 1.0).await;
    let kept = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&kept.id).await;
    let runs = t.home.path().join("runs");
    let (fresh, stale) = (runs.join("0000000000aa"), runs.join("0000000000bb"));
    for dir in [&fresh, &stale] {
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        std::fs::write(dir.join("config.ini"), "[general_settings]\n").unwrap();
    }
    for path in [&stale, &std::path::PathBuf::from(&kept.run_dir)] {
        let status = Command::new("touch")
            .args(["-d", "10 minutes ago"])
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }
    t.desk.recover().await.unwrap();
    assert!(!stale.exists(), "old folder without a run removed");
    assert!(fresh.exists(), "a folder a create may still be finishing is kept");
    assert!(
        std::path::Path::new(&kept.run_dir).join("config.ini").exists(),
        "run folders are never touched"
    );
}

/// exit.json lies in the simulator's folder: garbage there, or a link to
/// another file, settles the run as failed, saying why, instead of never.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_outcome_settles_the_run_failed_with_a_clear_message() {
    let t = support::unwatched_desk(2, 1.0).await;
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("exit.json");
    std::fs::write(
        &elsewhere,
        r#"{"exit_code": 0, "signal": null, "cancelled": false, "spawn_error": null, "finished_at": "x"}"#,
    )
    .unwrap();
    for plant in ["garbage", "link", "folder"] {
        let run = t.create(&["test_sim.iterations=1"]).await;
        t.wait(&run.id).await;
        let exit = std::path::Path::new(&run.run_dir).join("exit.json");
        std::fs::remove_file(&exit).unwrap();
        match plant {
            "garbage" => std::fs::write(&exit, "{not json").unwrap(),
            "link" => std::os::unix::fs::symlink(&elsewhere, &exit).unwrap(),
            _ => std::fs::create_dir(&exit).unwrap(),
        }
        force_running(&t, &run.id, Some(999_999), Some(1)).await;
        t.desk.recover().await.unwrap();
        let after = t.desk.get(&run.id).await.unwrap();
        assert_eq!(after.status, RunStatus::Failed, "{plant}");
        let message = after.error_message.unwrap_or_default();
        assert!(
            message.contains("outcome file could not be read"),
            "{plant}: {message}"
        );
    }
}

/// The supervisor records itself before it starts the simulator. If it dies
/// after starting it but before recording its pid, recovery finds the
/// simulator by the run id in its environment, stops it and fails the run:
/// never a second simulator in the same folder.
#[tokio::test(flavor = "multi_thread")]
async fn a_live_simulator_without_a_recorded_pid_is_stopped_not_requeued() {
    let t = support::unwatched_desk(2, 1.0).await;
    let run = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&run.id).await;
    std::fs::remove_file(std::path::Path::new(&run.run_dir).join("exit.json")).unwrap();
    force_running(&t, &run.id, None, None).await;
    sqlx::query("UPDATE runs SET supervisor_pid = 999999, supervisor_start_time = 1 WHERE id = ?")
        .bind(&run.id)
        .execute(t.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    let mut stray = Command::new("sleep")
        .arg("60")
        .env("FUSION_DESK_RUN_ID", &run.id)
        .spawn()
        .unwrap();
    // Until the stray process has exec'd, /proc shows the environment of its parent.
    tokio::time::sleep(Duration::from_millis(100)).await;
    t.desk.recover().await.unwrap();
    let after = t.desk.get(&run.id).await.unwrap();
    assert_eq!(after.status, RunStatus::Failed, "{after:?}");
    assert!(after
        .error_message
        .unwrap_or_default()
        .contains("before recording the simulator's pid"));
    let status = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(s) = stray.try_wait().unwrap() {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the stray simulator was stopped");
    assert!(!status.success());
}

/// A delete moves a run's folder aside, then removes it; a crash between
/// the two leaves `.deleted-*` behind, collected at the next start.
#[tokio::test(flavor = "multi_thread")]
async fn folders_left_by_an_interrupted_delete_are_collected_at_start() {
    let t = desk(2, 1.0).await;
    let runs = t.home.path().join("runs");
    let left = runs.join(".deleted-0123456789ab-00000000cafe");
    std::fs::create_dir_all(left.join("logs")).unwrap();
    std::fs::write(left.join("logs/sim.log"), "old").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep"), "keep").unwrap();
    std::os::unix::fs::symlink(outside.path(), left.join("link")).unwrap();
    t.desk.recover().await.unwrap();
    assert!(!left.exists());
    assert!(
        outside.path().join("keep").exists(),
        "a link inside is removed, not followed"
    );
}

/// A supervisor killed outright (SIGKILL, the OOM killer) records nothing:
/// the watching Desk settles the run as failed, stops what is left of it,
/// and measures its folder like any run that ends.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_supervisor_fails_its_run_and_its_folder_is_measured() {
    let t = support::desk(1, 0.0).await;
    let run = t
        .create(&["test_sim.iterations=400", "test_sim.step_ms=50"])
        .await;
    t.wait_for_status(&run.id, RunStatus::Running).await;
    let id = RunId::parse(&run.id).unwrap();
    let row = t.desk.ctx().store().require(&id).await.unwrap();
    let supervisor = row
        .supervisor_pid
        .expect("a running run's supervisor is on record");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(supervisor as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let ended = t.wait(&run.id).await;
    assert_eq!(ended.status, RunStatus::Failed);
    assert!(
        ended
            .error_message
            .unwrap_or_default()
            .contains("supervisor stopped unexpectedly"),
        "the message says what happened"
    );
    assert!(
        ended.disk_bytes.is_some_and(|b| b > 0),
        "the folder was measured: {:?}",
        ended.disk_bytes
    );
    assert!(support::survivors_after(&run.id, Duration::from_secs(5))
        .await
        .is_empty());
}
