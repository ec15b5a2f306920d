//! Background tasks belong to their Desk: dropping the last Desk stops them.

use std::time::{Duration, Instant};

use fusion_desk_core::tasks::TaskProbe;

use crate::support;

/// True once none of the probed tasks runs, within a few seconds.
pub async fn all_stop(probes: &[TaskProbe]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !probes.iter().any(TaskProbe::is_running) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn dropping_the_desk_stops_the_change_monitor() {
    let t = support::desk(1, 1.0).await;
    t.desk.monitor_external_changes().unwrap();
    let probes = t.desk.background_tasks();
    assert_eq!(probes.len(), 1, "the change monitor is the one task");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(probes[0].is_running(), "the monitor runs while its Desk lives");
    let support::TestDesk { desk, home } = t;
    drop(desk);
    assert!(all_stop(&probes).await, "the change monitor outlived its Desk");
    drop(home);
}

#[tokio::test]
async fn the_change_monitor_is_started_once_per_desk() {
    let t = support::desk(1, 1.0).await;
    t.desk.monitor_external_changes().unwrap();
    t.desk.monitor_external_changes().unwrap();
    assert_eq!(t.desk.background_tasks().len(), 1);
}

#[tokio::test]
async fn a_running_run_is_watched_by_a_task_that_stops_with_its_desk() {
    let t = support::desk(1, 0.0).await;
    let run = t
        .create(&["test_sim.iterations=400", "test_sim.step_ms=50"])
        .await;
    t.wait_for_status(&run.id, fusion_desk_core::RunStatus::Running)
        .await;
    let probes = t.desk.background_tasks();
    assert_eq!(probes.len(), 1, "one task waits for the running run's end");
    assert!(probes[0].is_running());
    let support::TestDesk { desk, home } = t;
    drop(desk);
    assert!(all_stop(&probes).await, "the run's watcher outlived its Desk");

    // The run itself is its supervisor's and goes on; another Desk ends it.
    let other = support::open(home.path(), true).await;
    assert_eq!(
        other.get(&run.id).await.unwrap().status,
        fusion_desk_core::RunStatus::Running
    );
    other.cancel(&run.id).await.unwrap();
    let ended = other.wait(&run.id, Some(Duration::from_secs(30))).await.unwrap();
    assert_eq!(ended.status, fusion_desk_core::RunStatus::Cancelled);
    assert!(support::survivors_after(&run.id, Duration::from_secs(5))
        .await
        .is_empty());
}

#[tokio::test]
async fn a_run_that_ends_leaves_no_watcher_behind() {
    let t = support::desk(1, 0.0).await;
    let run = t.create(&["test_sim.iterations=1"]).await;
    t.wait(&run.id).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !t.desk.background_tasks().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        t.desk.background_tasks().is_empty(),
        "a watcher stayed after its run ended"
    );
}
