//! Sweeps end to end: many runs through the real queue, supervisor and
//! test simulator; cancelling a sweep; re-running runs and failed runs.

use crate::support;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fusion_desk_core::sweeps::{AxisSpec, EstimateSource, SweepDetail, SweepRequest};
use fusion_desk_core::{Desk, ErrorCode, RunStatus};
use support::desk;

fn axis(key: &str, values: &str) -> AxisSpec {
    AxisSpec {
        key: key.into(),
        values: values.into(),
    }
}

fn request(name: &str, overrides: &[&str], axes: Vec<AxisSpec>) -> SweepRequest {
    SweepRequest {
        template: "quick".into(),
        name: Some(name.into()),
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
        config_text: None,
        axes,
        executor: None,
    }
}

async fn wait_finished(desk: &Desk, id: &str, within: Duration) -> SweepDetail {
    let deadline = Instant::now() + within;
    loop {
        let detail = desk.sweeps().get(id).await.unwrap();
        if detail.sweep.counts.finished() {
            return detail;
        }
        assert!(
            Instant::now() < deadline,
            "sweep {id} not finished: {:?}",
            detail.sweep.counts
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_of_50_runs_goes_through_the_queue_never_more_than_3_at_once() {
    let t = desk(3, 2.0).await;
    let req = request(
        "fifty",
        &["test_sim.iterations=2", "test_sim.step_ms=5"],
        vec![
            axis("routing_settings.k_paths", "1..5"),
            axis("test_sim.line_bytes", "0..9"),
        ],
    );
    let preview = t.desk.sweeps().preview(&req).await.unwrap();
    assert_eq!(preview.count, 50);
    assert_eq!(
        t.desk.ctx().store().count().await.unwrap(),
        0,
        "a preview creates nothing"
    );

    // Sample the number of running runs from the store for the whole sweep.
    let max_seen = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (store, max_seen, stop) = (t.desk.ctx().store().clone(), max_seen.clone(), stop.clone());
        tokio::spawn(async move {
            let mut samples = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let n = store.running_count().await.unwrap();
                max_seen.fetch_max(n, Ordering::SeqCst);
                samples += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            samples
        })
    };

    let created = t.desk.sweeps().create(&req).await.unwrap();
    assert_eq!(created.runs.len(), 50);
    assert_eq!(created.sweep.counts.total, 50);
    assert_eq!(created.runs[0].name, "fifty · k_paths=1, line_bytes=0");
    assert_eq!(created.runs[49].name, "fifty · k_paths=5, line_bytes=9");
    assert!(created
        .runs
        .iter()
        .all(|r| r.sweep_id.as_deref() == Some(created.sweep.id.as_str())));

    let done = wait_finished(&t.desk, &created.sweep.id, Duration::from_secs(180)).await;
    stop.store(true, Ordering::SeqCst);
    let samples = sampler.await.unwrap();
    assert!(samples > 10, "the sampler ran ({samples} samples)");
    assert_eq!(done.sweep.counts.completed, 50, "{:?}", done.sweep.counts);
    let max = max_seen.load(Ordering::SeqCst);
    assert!((1..=3).contains(&max), "at most 3 runs at once, saw {max}");

    // FIFO: the runs started in the order of the sweep.
    let starts: Vec<_> = done.runs.iter().map(|r| r.started_at.clone().unwrap()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "runs start in queue order");
    let config = std::fs::read_to_string(&done.runs[7].config_path).unwrap();
    assert!(
        config.contains("k_paths = 1") || config.contains("k_paths=1"),
        "{config}"
    );
    assert!(config.contains("line_bytes = 7") || config.contains("line_bytes=7"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_value_is_rejected_with_its_key_and_nothing_is_created() {
    let t = desk(2, 2.0).await;
    let req = request(
        "bad",
        &[],
        vec![
            axis("topology_settings.cores_per_link", "1,3,7"),
            axis("routing_settings.k_paths", "1,0,2"),
        ],
    );
    for result in [
        t.desk.sweeps().preview(&req).await.map(|_| ()),
        t.desk.sweeps().create(&req).await.map(|_| ()),
    ] {
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("routing_settings.k_paths=0"), "{}", e.message);
    }
    assert_eq!(t.desk.ctx().store().count().await.unwrap(), 0);
    assert!(t.desk.sweeps().list().await.unwrap().is_empty());
    let folders = std::fs::read_dir(t.desk.data().runs())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(folders, 0, "no run folder written");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_sweep_cancels_queued_runs_at_once_and_stops_running_ones() {
    let t = desk(1, 1.0).await;
    let req = request(
        "long",
        &["test_sim.iterations=500", "test_sim.step_ms=100"],
        vec![axis("routing_settings.k_paths", "1..4")],
    );
    let created = t.desk.sweeps().create(&req).await.unwrap();
    t.wait_for_status(&created.runs[0].id, RunStatus::Running).await;
    let after = t.desk.sweeps().cancel(&created.sweep.id).await.unwrap();
    let queued: Vec<_> = after.runs[1..].iter().map(|r| r.status).collect();
    assert_eq!(
        queued,
        [RunStatus::Cancelled; 3],
        "queued runs are cancelled at once"
    );
    let done = wait_finished(&t.desk, &created.sweep.id, Duration::from_secs(30)).await;
    assert_eq!(done.sweep.counts.cancelled, 4, "{:?}", done.sweep.counts);
}

#[tokio::test(flavor = "multi_thread")]
async fn rerun_failed_repeats_the_failed_runs_inside_the_sweep() {
    let t = desk(2, 1.0).await;
    let req = request(
        "mixed",
        &["test_sim.iterations=1", "test_sim.step_ms=5"],
        vec![
            axis("test_sim.exit_code", "0,3"),
            axis("routing_settings.k_paths", "1,2"),
        ],
    );
    let created = t.desk.sweeps().create(&req).await.unwrap();
    let done = wait_finished(&t.desk, &created.sweep.id, Duration::from_secs(60)).await;
    assert_eq!((done.sweep.counts.completed, done.sweep.counts.failed), (2, 2));
    let failed: Vec<_> = done
        .runs
        .iter()
        .filter(|r| r.status == RunStatus::Failed)
        .map(|r| r.id.clone())
        .collect();

    let again = t.desk.sweeps().rerun_failed(&created.sweep.id).await.unwrap();
    assert_eq!(
        again.sweep.counts.total, 4,
        "the re-runs stand for the failed runs"
    );
    let reruns: Vec<_> = again.runs.iter().filter(|r| r.rerun_of.is_some()).collect();
    assert_eq!(reruns.len(), 2);
    for r in &reruns {
        assert!(failed.contains(r.rerun_of.as_ref().unwrap()));
        assert_eq!(r.sweep_id.as_deref(), Some(created.sweep.id.as_str()));
        assert!(r.name.ends_with(" (re-run)"), "{}", r.name);
        let config = std::fs::read_to_string(&r.config_path).unwrap();
        assert_eq!(config.matches("# Frozen by").count(), 1, "one header: {config}");
    }
    let done = wait_finished(&t.desk, &created.sweep.id, Duration::from_secs(60)).await;
    // The same exit codes fail again: still two failed, not four.
    assert_eq!((done.sweep.counts.completed, done.sweep.counts.failed), (2, 2));
    assert_eq!(
        t.desk.ctx().store().count().await.unwrap(),
        6,
        "the first attempts are kept"
    );

    // With history, the estimate is measured rather than modelled.
    let preview = t.desk.sweeps().preview(&req).await.unwrap();
    let estimate = preview.estimate.expect("an estimate");
    assert_eq!(estimate.source, EstimateSource::History, "{}", estimate.basis);
    assert!(estimate.total_seconds > 0.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_without_failures_has_nothing_to_rerun() {
    let t = desk(2, 1.0).await;
    let req = request(
        "ok",
        &["test_sim.iterations=1"],
        vec![axis("routing_settings.k_paths", "1,2")],
    );
    let created = t.desk.sweeps().create(&req).await.unwrap();
    wait_finished(&t.desk, &created.sweep.id, Duration::from_secs(60)).await;
    let e = t.desk.sweeps().rerun_failed(&created.sweep.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidState);
    assert_eq!(
        t.desk.sweeps().get("ffffffffffff").await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rerun_uses_the_frozen_config_and_keeps_template_and_overrides() {
    let t = desk(1, 1.0).await;
    let first = t
        .create(&[
            "test_sim.iterations=1",
            "test_sim.step_ms=500",
            "routing_settings.k_paths=2",
        ])
        .await;
    let queued = t.create(&["test_sim.iterations=1"]).await;
    let e = t.desk.sweeps().rerun(&queued.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidState, "a queued run cannot be re-run");
    t.desk.cancel(&queued.id).await.unwrap();
    let first = t.wait(&first.id).await;
    let again = t.desk.sweeps().rerun(&first.id).await.unwrap();
    assert_eq!(again.template, "quick");
    assert_eq!(again.overrides, first.overrides);
    assert_eq!(again.rerun_of.as_deref(), Some(first.id.as_str()));
    assert_eq!(again.sweep_id, None);
    let strip = |text: String| text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        strip(std::fs::read_to_string(&again.config_path).unwrap()),
        strip(std::fs::read_to_string(&first.config_path).unwrap()),
        "the same config, only the header differs"
    );
    assert_eq!(t.wait(&again.id).await.status, RunStatus::Completed);
}
