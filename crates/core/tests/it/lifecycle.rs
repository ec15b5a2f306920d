//! The run lifecycle end to end: real processes in real process groups under
//! the real supervisor, a real SQLite file, the test simulator.

use crate::support;

use std::time::Duration;

use fusion_desk_core::{ErrorCode, ListQuery, RunStatus};
use support::{desk, processes_of_run, survivors_after};

#[tokio::test(flavor = "multi_thread")]
async fn a_run_gets_its_folder_and_frozen_config_and_completes() {
    let t = desk(2, 5.0).await;
    let run = t
        .create(&[
            "general_settings.max_iters=7",
            "test_sim.iterations=2",
            "brand_new.key = 1",
        ])
        .await;
    assert_eq!(run.id.len(), 12);
    assert!(run
        .id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let dir = std::path::Path::new(&run.run_dir);
    assert!(dir.join("logs").is_dir() && dir.join("output").is_dir());
    let config = std::fs::read_to_string(&run.config_path).unwrap();
    assert!(config.contains("\nmax_iters = 7\n"), "override applied in place");
    assert!(!config.contains("max_iters = 3"), "template value replaced");
    assert!(
        config.contains("[brand_new]\nkey = 1\n"),
        "unknown sections are added, not dropped"
    );
    assert!(
        config.contains("# thread_num: Process identifier"),
        "template comments kept"
    );

    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Completed, "{:?}", done.error_message);
    assert_eq!(done.exit_code, Some(0));
    assert!(
        done.pid.is_some() && done.pgid == done.pid,
        "the simulator leads its own group"
    );
    assert!(done.started_at.is_some() && done.completed_at.is_some());
    assert!(done.completed_at.as_ref().unwrap().ends_with("+00:00"));
    assert!(dir.join("exit.json").is_file());
    let log = std::fs::read_to_string(dir.join("logs/sim.log")).unwrap();
    assert!(
        log.contains("CHILD=s1 iteration=1, done_units=2"),
        "stdout and stderr land in sim.log"
    );
    assert!(dir.join("progress.jsonl").is_file());
    assert!(
        dir.join("output/100.0_erlang.json").is_file(),
        "results land inside the run folder"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_zero_exit_fails_with_the_code_and_the_log_tail() {
    let t = desk(2, 5.0).await;
    let run = t.create(&["test_sim.exit_code=3", "test_sim.iterations=1"]).await;
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Failed);
    assert_eq!(done.exit_code, Some(3));
    let msg = done.error_message.unwrap();
    assert!(msg.starts_with("The simulator exited with code 3"), "{msg}");
    assert!(
        msg.contains("Simulation error: test-sim asked to exit with code 3"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn death_by_signal_fails_naming_the_signal() {
    let t = desk(2, 5.0).await;
    let run = t.create(&["test_sim.signal=11", "test_sim.iterations=1"]).await;
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Failed);
    assert_eq!(done.exit_signal, Some(11));
    assert!(done.error_message.unwrap().contains("signal 11 (SIGSEGV)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_simulator_fails_with_a_clear_message() {
    let t = desk(2, 5.0).await;
    let mut s = t.desk.settings().await.unwrap().settings;
    s.simulator_command = "/nonexistent/fusion-sim".into();
    t.desk.save_settings(&s).await.unwrap();
    let run = t.create(&[]).await;
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Failed);
    let msg = done.error_message.unwrap();
    assert!(
        msg.contains("could not be started") && msg.contains("No such file"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_run_is_cancelled_at_once() {
    let t = desk(1, 5.0).await;
    let first = t
        .create(&["test_sim.iterations=200", "test_sim.step_ms=50"])
        .await;
    let queued = t.create(&[]).await;
    assert_eq!(queued.status, RunStatus::Pending, "beyond the limit runs wait");
    let cancelled = t.desk.cancel(&queued.id).await.unwrap();
    assert_eq!(cancelled.status, RunStatus::Cancelled);
    assert!(cancelled.completed_at.is_some());
    t.desk.cancel(&first.id).await.unwrap();
    assert_eq!(t.wait(&first.id).await.status, RunStatus::Cancelled);
    let queued = t.desk.get(&queued.id).await.unwrap();
    assert_eq!(
        queued.status,
        RunStatus::Cancelled,
        "a cancelled run never starts"
    );
    assert!(queued.started_at.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_a_tree_of_descendants_including_sigterm_ignorers() {
    let t = desk(2, 0.5).await;
    let run = t
        .create(&[
            "test_sim.iterations=10000",
            "test_sim.step_ms=50",
            "test_sim.sigterm=ignore",
            "test_sim.children=4",
            "test_sim.grandchildren=2",
            "test_sim.ignoring_child=true",
            "test_sim.double_fork=true",
        ])
        .await;
    // 1 simulator + 4 children + 8 grandchildren + 1 ignoring + 1 double-forked.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while processes_of_run(&run.id).len() < 15 {
        assert!(
            std::time::Instant::now() < deadline,
            "tree never grew: {:?}",
            processes_of_run(&run.id)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let returned = t.desk.cancel(&run.id).await.unwrap();
    assert_eq!(
        returned.status,
        RunStatus::Running,
        "cancel returns before the grace period ends"
    );
    assert!(returned.cancel_requested_at.is_some());
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Cancelled);
    assert!(done.error_message.is_none());
    assert_eq!(
        survivors_after(&run.id, Duration::from_secs(2)).await,
        Vec::<i32>::new()
    );
    assert!(
        std::path::Path::new(&done.run_dir).join("logs/sim.log").is_file(),
        "partial artifacts kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_simulator_that_honours_sigterm_is_cancelled_without_waiting_for_the_grace() {
    let t = desk(2, 30.0).await;
    let run = t
        .create(&[
            "test_sim.iterations=10000",
            "test_sim.step_ms=50",
            "test_sim.sigterm=exit",
        ])
        .await;
    t.wait_for_status(&run.id, RunStatus::Running).await;
    let started = std::time::Instant::now();
    t.desk.cancel(&run.id).await.unwrap();
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "did not sit out the 30 s grace period"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_runs_start_in_fifo_order_never_above_the_limit() {
    let t = desk(2, 5.0).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(
            t.create(&["test_sim.iterations=3", "test_sim.step_ms=60"])
                .await
                .id,
        );
    }
    let mut runs = Vec::new();
    for id in &ids {
        runs.push(t.wait(id).await);
    }
    assert!(runs.iter().all(|r| r.status == RunStatus::Completed));
    let starts: Vec<&str> = runs.iter().map(|r| r.started_at.as_deref().unwrap()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "started in creation order");
    for r in &runs {
        let t0 = r.started_at.as_deref().unwrap();
        let concurrent = runs
            .iter()
            .filter(|o| o.started_at.as_deref().unwrap() <= t0 && t0 < o.completed_at.as_deref().unwrap())
            .count();
        assert!(concurrent <= 2, "{concurrent} runs were running at {t0}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn raising_the_limit_starts_queued_runs() {
    let t = desk(1, 5.0).await;
    let a = t
        .create(&["test_sim.iterations=10000", "test_sim.step_ms=50"])
        .await;
    let b = t
        .create(&["test_sim.iterations=10000", "test_sim.step_ms=50"])
        .await;
    assert_eq!(t.desk.get(&b.id).await.unwrap().status, RunStatus::Pending);
    let mut s = t.desk.settings().await.unwrap().settings;
    s.max_concurrent_runs = 2;
    t.desk.save_settings(&s).await.unwrap();
    t.wait_for_status(&b.id, RunStatus::Running).await;
    for id in [&a.id, &b.id] {
        t.desk.cancel(id).await.unwrap();
        assert_eq!(t.wait(id).await.status, RunStatus::Cancelled);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_is_refused_while_running_and_removes_everything_after() {
    let t = desk(2, 0.2).await;
    let run = t
        .create(&["test_sim.iterations=10000", "test_sim.step_ms=50"])
        .await;
    let err = t.desk.delete(&run.id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidState);
    assert!(std::path::Path::new(&run.run_dir).is_dir(), "nothing removed");
    t.desk.cancel(&run.id).await.unwrap();
    t.wait(&run.id).await;
    t.desk.delete(&run.id).await.unwrap();
    assert!(!std::path::Path::new(&run.run_dir).exists());
    assert_eq!(t.desk.get(&run.id).await.unwrap_err().code, ErrorCode::NotFound);
    let leftovers: Vec<_> = std::fs::read_dir(t.home.path().join("runs")).unwrap().collect();
    assert!(leftovers.is_empty(), "no trash left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    let t = desk(2, 5.0).await;
    for bad in ["nope", "../../etc/passwd", "ABCDEF012345", ""] {
        assert_eq!(
            t.desk.get(bad).await.unwrap_err().code,
            ErrorCode::InvalidInput,
            "{bad:?}"
        );
        assert_eq!(
            t.desk.cancel(bad).await.unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            t.desk.delete(bad).await.unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
    let err = t.desk.get("0123456789ab").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("0123456789ab"));

    let unknown = fusion_desk_core::CreateRunRequest {
        template: "no-such".into(),
        ..Default::default()
    };
    let err = t.desk.create(&unknown).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        err.message.contains("quick"),
        "lists the known templates: {}",
        err.message
    );

    let bad_override = fusion_desk_core::CreateRunRequest {
        template: "quick".into(),
        overrides: vec!["general_settings.max_iters=2".into(), "oops".into()],
        ..Default::default()
    };
    assert_eq!(
        t.desk.create(&bad_override).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );

    let page = t.desk.list(&ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 0, "no row for a refused run");
    assert_eq!(
        std::fs::read_dir(t.home.path().join("runs")).unwrap().count(),
        0,
        "no folder either"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn history_filters_searches_and_pages_newest_first() {
    let t = desk(1, 0.1).await;
    let mut made = Vec::new();
    for i in 0..5 {
        let run = t
            .desk
            .create(&fusion_desk_core::CreateRunRequest {
                template: "quick".into(),
                name: Some(format!(
                    "{} 100%_run {i}",
                    if i % 2 == 0 { "alpha" } else { "beta" }
                )),
                overrides: vec!["test_sim.iterations=10000".into()],
                ..Default::default()
            })
            .await
            .unwrap();
        made.push(run.id);
    }
    let all = t.desk.list(&ListQuery::default()).await.unwrap();
    assert_eq!(all.total, 5);
    let ids: Vec<_> = all.runs.iter().map(|r| r.id.clone()).collect();
    let mut newest_first = made.clone();
    newest_first.reverse();
    assert_eq!(ids, newest_first);

    let alpha = t
        .desk
        .list(&ListQuery {
            search: Some("alpha".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(alpha.total, 3);
    let literal = t
        .desk
        .list(&ListQuery {
            search: Some("0%_r".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(literal.total, 5, "% and _ match literally");
    let none = t
        .desk
        .list(&ListQuery {
            search: Some("x%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(none.total, 0);

    let running = t
        .desk
        .list(&ListQuery {
            status: Some(RunStatus::Running),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(running.total, 1);
    let pending = t
        .desk
        .list(&ListQuery {
            status: Some(RunStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pending.total, 4);

    let page2 = t
        .desk
        .list(&ListQuery {
            offset: Some(2),
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page2.runs.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        newest_first[2..4].to_vec()
    );
    assert_eq!(page2.total, 5);

    t.desk.cancel_all_active().await.unwrap();
    for id in &made {
        assert_eq!(t.wait(id).await.status, RunStatus::Cancelled);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn status_changes_are_pushed_as_events() {
    let t = desk(2, 5.0).await;
    let mut events = t.desk.subscribe();
    let run = t.create(&["test_sim.iterations=1"]).await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !seen.contains(&RunStatus::Completed) {
        let ev = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("no completion event")
            .unwrap();
        if let fusion_desk_core::RunEvent::RunUpdated { run: r } = ev {
            if r.id == run.id && seen.last() != Some(&r.status) {
                seen.push(r.status);
            }
        }
    }
    assert_eq!(
        seen,
        vec![RunStatus::Pending, RunStatus::Running, RunStatus::Completed]
    );
}
