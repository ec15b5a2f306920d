//! The cancel storm: many runs, each with a tree of descendants (one that
//! ignores SIGTERM, one double-forked away from its parent but still in the
//! group), all cancelled at once. Nothing may survive the grace period plus
//! 2 s. Processes are found by the run id every descendant inherits in its
//! environment, whatever group or session they moved to.
//!
//! 20 runs × 10 descendants by default; 40 runs with `FUSION_DESK_LONG_TESTS=1`.
//! `cargo nextest run -p fusion-desk-core --test it -E 'test(/^faults_cancel_storm::/)' --no-capture` prints the figures.

use crate::support;

use std::time::{Duration, Instant};

use fusion_desk_core::RunStatus;
use support::{desk, processes_of_run};

const GRACE_SECONDS: f64 = 1.0;

fn long() -> bool {
    std::env::var("FUSION_DESK_LONG_TESTS").is_ok_and(|v| v == "1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_many_process_trees_at_once_leaves_no_process() {
    let runs = if long() { 40 } else { 20 };
    let t = desk(runs, GRACE_SECONDS).await;
    // 4 children with 1 grandchild each, a SIGTERM-ignoring child and a
    // double-forked grandchild: 10 descendants besides the simulator, which
    // ignores SIGTERM itself.
    let overrides = [
        "test_sim.iterations=100000",
        "test_sim.step_ms=50",
        "test_sim.sigterm=ignore",
        "test_sim.children=4",
        "test_sim.grandchildren=1",
        "test_sim.ignoring_child=true",
        "test_sim.double_fork=true",
    ];
    let mut ids = Vec::new();
    for _ in 0..runs {
        ids.push(t.create(&overrides).await.id);
    }
    // Every tree complete before the storm (the double fork's middle process
    // exits, so each run settles at 1 + 10 processes).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counts: Vec<usize> = ids.iter().map(|id| processes_of_run(id).len()).collect();
        if counts.iter().all(|&n| n == 11) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "process trees never formed: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before: usize = ids.iter().map(|id| processes_of_run(id).len()).sum();

    let storm = Instant::now();
    let cancels = futures_join_all(ids.iter().map(|id| {
        let desk = t.desk.clone();
        let id = id.clone();
        tokio::spawn(async move { desk.cancel(&id).await })
    }))
    .await;
    let cancel_calls = storm.elapsed();
    for c in cancels {
        c.expect("cancel task").expect("cancel accepted");
    }

    let limit = Duration::from_secs_f64(GRACE_SECONDS) + Duration::from_secs(2);
    let survivors = loop {
        let survivors = ids
            .iter()
            .flat_map(|id| processes_of_run(id).into_iter().map(move |p| (id.clone(), p)))
            .collect::<Vec<_>>();
        if survivors.is_empty() || storm.elapsed() >= limit {
            break survivors;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let gone_after = storm.elapsed();
    let mut statuses = Vec::new();
    for id in &ids {
        statuses.push(t.wait(id).await.status);
    }
    let cancelled = statuses.iter().filter(|s| **s == RunStatus::Cancelled).count();
    eprintln!(
        "cancel storm: {runs} runs, {before} processes; {runs} cancels issued in {cancel_calls:?}; \
         {} processes survived {limit:?} (all gone after {gone_after:?}); {cancelled}/{runs} CANCELLED",
        survivors.len()
    );
    assert!(
        survivors.is_empty(),
        "{} of {before} processes survived the grace period + 2 s: {survivors:?}",
        survivors.len()
    );
    assert_eq!(cancelled, runs as usize, "every run ends CANCELLED: {statuses:?}");
}

/// Awaits every handle, in order (no extra dependency for join_all).
async fn futures_join_all<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let handles: Vec<_> = handles.collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await);
    }
    out
}

/// A cancel that reaches a run while its supervisor is starting (no pid on
/// record yet, so no signal, and no cancel.json read) is not lost: the
/// canceller marks the run in the store first, and the supervisor looks at
/// that mark once the simulator has started. Built here by marking a queued
/// run, then freeing the slot it waits for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_recorded_before_the_supervisor_knew_its_pid_is_honoured() {
    let t = desk(1, GRACE_SECONDS).await;
    let holder = t
        .create(&["test_sim.iterations=100000", "test_sim.step_ms=20"])
        .await;
    t.wait_for_status(&holder.id, RunStatus::Running).await;
    let late = t
        .create(&["test_sim.iterations=100000", "test_sim.step_ms=20"])
        .await;
    assert_eq!(late.status, RunStatus::Pending);
    sqlx::query("UPDATE runs SET cancel_requested_at = ? WHERE id = ?")
        .bind(fusion_desk_core::timestamp::now())
        .bind(&late.id)
        .execute(t.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    t.desk.cancel(&holder.id).await.unwrap();
    let started = Instant::now();
    let done = t.wait(&late.id).await;
    assert_eq!(done.status, RunStatus::Cancelled, "{done:?}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "cancelled at its start, not after its 100000 iterations"
    );
}
