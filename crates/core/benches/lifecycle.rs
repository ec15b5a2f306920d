//! Lifecycle benchmarks, printed as figures (run with
//! `cargo build --release --bins && cargo bench -p fusion-desk-core --bench lifecycle`):
//! - cancel latency, from the cancel call to an empty process group, for a
//!   simulator that honours SIGTERM and one that ignores it (grace 0);
//! - listing 10 000 runs with a status filter and a name search, and sorted
//!   and filtered by metrics of the results cache, from the core.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::procfs;
use fusion_desk_core::{CreateRunRequest, Desk, DeskOptions, ListQuery, RunId, RunStatus, Settings};

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join(name);
    assert!(
        path.is_file(),
        "{} missing: cargo build --release --bins first",
        path.display()
    );
    path
}

async fn desk(home: &std::path::Path, grace: f64) -> Desk {
    let desk = Desk::open(DeskOptions {
        data: DataDir::at(home.to_owned()).unwrap(),
        supervisor: SupervisorProgram(bin("fdesk")),
        watch_runs: true,
    })
    .await
    .unwrap();
    desk.save_settings(&Settings {
        simulator_command: bin("test-sim").to_string_lossy().into_owned(),
        max_concurrent_runs: 4,
        cancel_grace_seconds: grace,
        ..Default::default()
    })
    .await
    .unwrap();
    desk
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn cancel_latency(label: &str, sigterm: &str, grace: f64, samples: usize) {
    let home = tempfile::tempdir().unwrap();
    let desk = desk(home.path(), grace).await;
    let mut latencies = Vec::new();
    for _ in 0..samples {
        let run = desk
            .create(&CreateRunRequest {
                template: "quick".into(),
                name: None,
                overrides: vec![
                    "test_sim.iterations=1000000".into(),
                    format!("test_sim.sigterm={sigterm}"),
                    "test_sim.children=3".into(),
                ],
                ..Default::default()
            })
            .await
            .unwrap();
        let (pgid, start) = loop {
            let r = desk.get(&run.id).await.unwrap();
            if let Some(pid) = r.pid {
                let st = procfs::start_time(pid as i32).unwrap();
                if procfs::group_members(pid as i32, st).len() >= 4 {
                    break (pid as i32, st);
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let t0 = Instant::now();
        desk.cancel(&run.id).await.unwrap();
        while !procfs::group_members(pgid, start).is_empty() {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        latencies.push(t0.elapsed());
        assert_eq!(
            desk.wait(&run.id, Some(Duration::from_secs(10)))
                .await
                .unwrap()
                .status,
            RunStatus::Cancelled
        );
    }
    latencies.sort();
    println!(
        "cancel latency, {label} (grace {grace} s, 4 processes, {samples} runs): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
}

async fn list_10k() {
    let home = tempfile::tempdir().unwrap();
    let desk = desk(home.path(), 0.0).await;
    let statuses = ["COMPLETED", "FAILED", "CANCELLED", "COMPLETED", "COMPLETED"];
    let t0 = Instant::now();
    let mut tx = desk.ctx().store().raw_pool().begin().await.unwrap();
    for i in 0..10_000 {
        let id = RunId::generate();
        sqlx::query(
            "INSERT INTO runs (id, name, template, status, created_at, updated_at) VALUES (?, ?, 'quick', ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(format!("sweep {} nsfnet k={}", i, i % 7))
        .bind(statuses[i % statuses.len()])
        .bind(fusion_desk_core::timestamp::now())
        .bind(fusion_desk_core::timestamp::now())
        .execute(&mut *tx)
        .await
        .unwrap();
        // A results summary for 9 runs in 10, blocking at 900 E for most.
        if i % 10 != 0 {
            let mean = (i * 7919 % 10007) as f64 / 10007.0 * 0.1;
            sqlx::query(
                "INSERT INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, loads, \
                 iterations, duration_seconds, computed_at) VALUES (?, ?, 900, ?, 3, 3, 60, '')",
            )
            .bind(id.as_str())
            .bind(mean)
            .bind(mean * 2.0)
            .execute(&mut *tx)
            .await
            .unwrap();
            for (erlang, blocking) in [(300.0, 0.0), (600.0, mean), (900.0, mean * 2.0)] {
                sqlx::query(
                    "INSERT INTO run_load_metrics (run_id, erlang, blocking, iterations) VALUES (?, ?, ?, 3)",
                )
                .bind(id.as_str())
                .bind(erlang)
                .bind(blocking)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
    println!(
        "inserted 10 000 runs in {:.0} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    for (label, query) in [
        (
            "status=FAILED",
            ListQuery {
                status: Some(RunStatus::Failed),
                ..Default::default()
            },
        ),
        (
            "search \"k=3\"",
            ListQuery {
                search: Some("k=3".into()),
                ..Default::default()
            },
        ),
        (
            "status=COMPLETED + search + page 10",
            ListQuery {
                status: Some(RunStatus::Completed),
                search: Some("nsfnet".into()),
                offset: Some(450),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "template + created since a date",
            ListQuery {
                template: Some("quick".into()),
                created_after: Some("2020-01-01".into()),
                ..Default::default()
            },
        ),
        (
            "tag (none match)",
            ListQuery {
                tag: Some("paper".into()),
                ..Default::default()
            },
        ),
        (
            "sorted by mean blocking",
            ListQuery {
                sort: Some("mean_blocking".into()),
                ..Default::default()
            },
        ),
        (
            "sorted by mean blocking, highest first, page 100",
            ListQuery {
                sort: Some("mean_blocking".into()),
                descending: Some(true),
                offset: Some(4_950),
                ..Default::default()
            },
        ),
        (
            "blocking@900<1%, sorted by blocking@900",
            ListQuery {
                sort: Some("blocking@900".into()),
                metric_filters: Some(vec!["blocking@900<1%".into()]),
                ..Default::default()
            },
        ),
    ] {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..200 {
            let t = Instant::now();
            let page = desk.list(&query).await.unwrap();
            times.push(t.elapsed());
            total = page.total;
        }
        times.sort();
        println!(
            "list 10 000 runs, {label} ({total} match, page of 50): p50 {:.2} ms, p95 {:.2} ms",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.95).as_secs_f64() * 1e3
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; any other argument filters nothing here.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        cancel_latency("simulator honours SIGTERM", "default", 0.0, 20).await;
        cancel_latency("simulator honours SIGTERM", "default", 10.0, 20).await;
        cancel_latency("simulator ignores SIGTERM", "ignore", 0.0, 20).await;
        list_10k().await;
    });
}
