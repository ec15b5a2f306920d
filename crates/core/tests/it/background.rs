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
