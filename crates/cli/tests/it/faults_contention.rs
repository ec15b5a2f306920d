//! Contention on one data dir: the app (a watching Desk that follows other
//! processes' changes) and two `fdesk` streams creating runs that finish at
//! once, while the "UI" lists the runs in a loop. Every run exists exactly
//! once, completes, and is started exactly once; the database stays intact.
//!
//! 200 runs by default; 1 000 with `FUSION_DESK_LONG_TESTS=1`.
//! `cargo nextest run -p fdesk --test it -E 'test(/^faults_contention::/)' --no-capture` prints the figures.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fusion_desk_core::{ListQuery, RunStatus};
use serde_json::Value;
use support::{long, open_desk, runtime, Home};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn two_clis_and_the_app_on_one_data_dir_run_every_run_exactly_once() {
    let total = if long() { 1000 } else { 200 };
    let home = Home::new(4);
    let rt = runtime();
    let app = rt.block_on(async {
        let app = open_desk(home.path(), true).await;
        app.monitor_external_changes().unwrap();
        app.recover().await.unwrap();
        app
    });
    let started = Instant::now();

    // The UI: lists the newest runs in a loop and opens the newest one.
    let stop = Arc::new(AtomicBool::new(false));
    let ui = {
        let app = app.clone();
        let stop = stop.clone();
        rt.spawn(async move {
            let mut latencies = Vec::new();
            let mut events = app.subscribe();
            let mut events_seen = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let page = app
                    .list(&ListQuery {
                        limit: Some(100),
                        ..Default::default()
                    })
                    .await
                    .expect("the run list answers under contention");
                if let Some(run) = page.runs.first() {
                    app.get(&run.id).await.expect("a listed run can be opened");
                }
                latencies.push(t.elapsed());
                while events.try_recv().is_ok() {
                    events_seen += 1;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (latencies, events_seen)
        })
    };

    // Two CLIs, each a stream of `fdesk create` processes.
    let create = |home: &Path| -> Result<String, String> {
        let out = support::cmd_at(
            home,
            &[
                "create",
                "--template",
                "quick",
                "--json",
                "--set",
                "test_sim.iterations=1",
                "--set",
                "test_sim.step_ms=0",
            ],
        )
        .output()
        .unwrap();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let run: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        Ok(run["id"].as_str().unwrap().to_owned())
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| (0..total / 2).map(|_| create(home.path())).collect::<Vec<_>>());
        let b = s.spawn(|| {
            (0..total - total / 2)
                .map(|_| create(home.path()))
                .collect::<Vec<_>>()
        });
        (a.join().unwrap(), b.join().unwrap())
    });
    let create_phase = started.elapsed();
    let mut ids = Vec::new();
    let mut create_errors = Vec::new();
    for r in a.into_iter().chain(b) {
        match r {
            Ok(id) => ids.push(id),
            Err(e) => create_errors.push(e),
        }
    }

    let (statuses, double_starts, integrity, rows_total, duplicates) = rt.block_on(async {
        let stuck = support::wait_all_terminal(home.path(), &app, Duration::from_secs(120)).await;
        assert!(stuck.is_empty(), "runs never finished: {stuck:?}");
        let mut rows = Vec::new();
        let mut offset = 0;
        loop {
            let page = app
                .list(&ListQuery {
                    limit: Some(ListQuery::MAX_LIMIT),
                    offset: Some(offset),
                    ..Default::default()
                })
                .await
                .unwrap();
            if page.runs.is_empty() {
                break;
            }
            offset += page.runs.len() as u32;
            rows.extend(page.runs);
        }
        let mut statuses: BTreeMap<String, u32> = BTreeMap::new();
        let mut double_starts = Vec::new();
        let mut by_id: BTreeMap<&str, u32> = BTreeMap::new();
        for run in &rows {
            *statuses.entry(run.status.as_str().to_owned()).or_default() += 1;
            *by_id.entry(run.id.as_str()).or_default() += 1;
            let starts = std::fs::read_to_string(Path::new(&run.run_dir).join("logs/supervisor.log"))
                .unwrap_or_default()
                .matches("started simulator")
                .count();
            if starts != 1 {
                double_starts.push(format!("{} started {starts} times", run.id));
            }
        }
        let duplicates = by_id.values().filter(|n| **n > 1).count();
        let integrity = app.ctx().store().integrity_check().await.unwrap();
        (statuses, double_starts, integrity, rows.len(), duplicates)
    });
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, events_seen) = rt.block_on(ui).unwrap();
    latencies.sort();
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| rt.block_on(app.get(id)).is_err())
        .collect();
    eprintln!(
        "contention: {total} runs tried from 2 CLIs in {create_phase:?}, {} created, {} errors; {rows_total} rows, \
         {duplicates} duplicated, {} missing; statuses {statuses:?}; {} started other than once; integrity {integrity}",
        ids.len(),
        create_errors.len(),
        missing.len(),
        double_starts.len(),
    );
    eprintln!(
        "contention: UI list+get {} times: p50 {:?}, p99 {:?}, max {:?}; {events_seen} run events seen by the app; \
         total {:?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        started.elapsed()
    );
    assert!(create_errors.is_empty(), "creations failed: {create_errors:?}");
    assert_eq!(ids.len(), total, "every creation returned a run");
    assert_eq!(rows_total, total, "every run exists exactly once");
    assert_eq!(duplicates, 0);
    assert!(missing.is_empty(), "runs lost: {missing:?}");
    assert_eq!(
        statuses.get(RunStatus::Completed.as_str()).copied().unwrap_or(0) as usize,
        total,
        "every run completed: {statuses:?}"
    );
    assert!(double_starts.is_empty(), "double starts: {double_starts:?}");
    assert_eq!(integrity, "ok");
    // Loose: the list must keep answering, not be fast on a loaded machine.
    assert!(
        latencies.last().copied().unwrap_or_default() < Duration::from_secs(10),
        "the run list stalled"
    );
}
