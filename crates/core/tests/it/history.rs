//! The history at scale: names, tags and notes; filters and search over
//! 10 000 runs; bulk deletion and export; disk use and the clean-up of old runs.

use crate::history_support;

use std::time::Instant;

use fusion_desk_core::history::CleanupQuery;
use fusion_desk_core::{ErrorCode, ListQuery, RunEvent, RunStatus};
use history_support::{config, scratch, Point};

fn q() -> ListQuery {
    ListQuery::default()
}

#[tokio::test]
async fn rename_tags_and_note_are_stored_announced_and_searchable() {
    let s = scratch().await;
    let id = s
        .finished_run("first", "COMPLETED", &config("NSFNet", ""), &[])
        .await;
    let mut events = s.desk.subscribe();

    let run = s.desk.history().rename(&id, "  Baseline k=3  ").await.unwrap();
    assert_eq!(run.name, "Baseline k=3");
    let run = s
        .desk
        .history()
        .set_tags(&id, &["Paper".into(), "k-paths".into(), "paper".into()])
        .await
        .unwrap();
    assert_eq!(run.tags, vec!["k-paths", "paper"]);
    let run = s
        .desk
        .history()
        .set_note(&id, "Blocking *doubles* past 600 E.")
        .await
        .unwrap();
    assert_eq!(run.note, "Blocking *doubles* past 600 E.");
    for _ in 0..3 {
        match events.try_recv().unwrap() {
            RunEvent::RunUpdated { run } => assert_eq!(run.id, id),
            other => panic!("unexpected {other:?}"),
        }
    }
    let got = s.desk.get(&id).await.unwrap();
    assert_eq!((got.tags.len(), got.network.as_deref()), (2, Some("NSFNet")));

    for (search, expect) in [("baseline", 1), ("DOUBLES", 1), ("pap", 1), ("nothing", 0)] {
        let page = s
            .desk
            .list(&ListQuery {
                search: Some(search.into()),
                ..q()
            })
            .await
            .unwrap();
        assert_eq!(page.total, expect, "search {search:?}");
    }
    let tagged = s
        .desk
        .list(&ListQuery {
            tag: Some("Paper".into()),
            ..q()
        })
        .await
        .unwrap();
    assert_eq!(tagged.total, 1);

    // Clearing works, and bad input changes nothing.
    assert!(s.desk.history().set_tags(&id, &[]).await.unwrap().tags.is_empty());
    assert_eq!(
        s.desk.history().rename(&id, "  ").await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        s.desk
            .history()
            .set_tags(&id, &["two words".into()])
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        s.desk
            .history()
            .set_note(&id, &"x".repeat(70_000))
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    let got = s.desk.get(&id).await.unwrap();
    assert_eq!(got.name, "Baseline k=3");
    assert_eq!(got.note, "Blocking *doubles* past 600 E.");
    assert_eq!(
        s.desk
            .history()
            .set_note("0123456789ab", "x")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

/// 10 000 rows written in one transaction, with names, notes, templates,
/// networks, statuses, creation days and tags that follow the index, so each
/// filter's expected count is known.
async fn seed_10k(s: &history_support::Scratch) {
    let mut tx = s.desk.ctx().store().raw_pool().begin().await.unwrap();
    for i in 0..10_000u32 {
        let id = format!("{i:012x}");
        let status = ["COMPLETED", "FAILED", "CANCELLED", "COMPLETED"][(i % 4) as usize];
        let template = ["quick", "baseline", "multicore"][(i % 3) as usize];
        let network = ["NSFNet", "USNet", "Pan-European", "toy_network", "dt_network"][(i % 5) as usize];
        let day = 1 + i % 28;
        let created = format!("2026-02-{day:02}T12:00:00.000+00:00");
        let note = if i % 100 == 7 {
            "saturation at high LOAD"
        } else {
            ""
        };
        sqlx::query(
            "INSERT INTO runs (id, name, template, status, created_at, updated_at, note, network) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(format!("sweep {} run {i}", i % 50))
        .bind(template)
        .bind(status)
        .bind(&created)
        .bind(&created)
        .bind(note)
        .bind(network)
        .execute(&mut *tx)
        .await
        .unwrap();
        if i % 10 == 0 {
            sqlx::query("INSERT INTO run_tags (run_id, tag) VALUES (?, 'paper')")
                .bind(&id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        if i % 25 == 0 {
            sqlx::query("INSERT INTO run_tags (run_id, tag) VALUES (?, 'k=3')")
                .bind(&id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn search_and_filters_over_10000_runs_are_correct() {
    let s = scratch().await;
    seed_10k(&s).await;
    let expect = |f: &dyn Fn(u32) -> bool| (0..10_000u32).filter(|i| f(*i)).count() as u32;
    let cases: Vec<(&str, ListQuery, u32)> = vec![
        ("all", q(), 10_000),
        (
            "status",
            ListQuery {
                status: Some(RunStatus::Failed),
                ..q()
            },
            expect(&|i| i % 4 == 1),
        ),
        (
            "template",
            ListQuery {
                template: Some("baseline".into()),
                ..q()
            },
            expect(&|i| i % 3 == 1),
        ),
        (
            "network",
            ListQuery {
                network: Some("USNet".into()),
                ..q()
            },
            expect(&|i| i % 5 == 1),
        ),
        (
            "tag",
            ListQuery {
                tag: Some("k=3".into()),
                ..q()
            },
            expect(&|i| i % 25 == 0),
        ),
        (
            "dates (inclusive days)",
            ListQuery {
                created_after: Some("2026-02-03".into()),
                created_before: Some("2026-02-05".into()),
                ..q()
            },
            expect(&|i| (3..=5).contains(&(1 + i % 28))),
        ),
        (
            "search name",
            ListQuery {
                search: Some("SWEEP 7 run".into()),
                ..q()
            },
            expect(&|i| i % 50 == 7),
        ),
        (
            "search note",
            ListQuery {
                search: Some("high load".into()),
                ..q()
            },
            expect(&|i| i % 100 == 7),
        ),
        (
            "search tag",
            ListQuery {
                search: Some("K=3".into()),
                ..q()
            },
            expect(&|i| i % 25 == 0),
        ),
        (
            "search wildcard is literal",
            ListQuery {
                search: Some("sweep _ run".into()),
                ..q()
            },
            0,
        ),
        (
            "combined",
            ListQuery {
                status: Some(RunStatus::Completed),
                template: Some("quick".into()),
                network: Some("NSFNet".into()),
                tag: Some("paper".into()),
                ..q()
            },
            expect(&|i| (i % 4 == 0 || i % 4 == 3) && i % 3 == 0 && i % 5 == 0 && i % 10 == 0),
        ),
    ];
    for (label, query, total) in cases {
        let started = Instant::now();
        let page = s
            .desk
            .list(&ListQuery {
                limit: Some(50),
                ..query.clone()
            })
            .await
            .unwrap();
        println!(
            "{label}: {total} runs in {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
        assert_eq!(page.total, total, "{label}");
        assert_eq!(page.runs.len() as u32, total.min(50), "{label}");
        // Newest first.
        assert!(page.runs.windows(2).all(|w| w[0].id > w[1].id), "{label}");
    }
    // A deep page carries its tags (one statement with the rows).
    let deep = s
        .desk
        .list(&ListQuery {
            offset: Some(9_950),
            limit: Some(50),
            ..q()
        })
        .await
        .unwrap();
    let last = deep.runs.last().unwrap();
    assert_eq!(last.id, "000000000000");
    assert_eq!(last.tags, vec!["k=3", "paper"]);

    let facets = s.desk.history().facets().await.unwrap();
    assert_eq!(facets.templates, vec!["baseline", "multicore", "quick"]);
    assert_eq!(facets.networks.len(), 5);
    assert_eq!(facets.tags, vec!["k=3", "paper"]);

    assert_eq!(
        s.desk
            .list(&ListQuery {
                created_after: Some("last week".into()),
                ..q()
            })
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn bulk_delete_removes_finished_runs_and_refuses_active_ones() {
    let s = scratch().await;
    let a = s.finished_run("a", "COMPLETED", &config("NSFNet", ""), &[]).await;
    let b = s.finished_run("b", "FAILED", &config("NSFNet", ""), &[]).await;
    let active = s.finished_run("c", "RUNNING", &config("NSFNet", ""), &[]).await;
    let items = s
        .desk
        .history()
        .delete_many(&[a.clone(), active.clone(), b.clone(), "0123456789ab".into()])
        .await
        .unwrap();
    let ok: Vec<bool> = items.iter().map(|i| i.ok).collect();
    assert_eq!(ok, vec![true, false, true, false]);
    assert!(
        items[1].message.as_deref().unwrap().contains("RUNNING"),
        "{:?}",
        items[1]
    );
    assert!(
        items[3].message.as_deref().unwrap().contains("no run"),
        "{:?}",
        items[3]
    );
    for gone in [&a, &b] {
        assert_eq!(s.desk.get(gone).await.unwrap_err().code, ErrorCode::NotFound);
        assert!(!s.home.path().join("runs").join(gone).exists());
    }
    assert!(s.desk.get(&active).await.is_ok());
    assert!(s
        .home
        .path()
        .join("runs")
        .join(&active)
        .join("config.ini")
        .is_file());
}

#[tokio::test]
async fn bulk_export_copies_each_run_to_a_named_folder() {
    let s = scratch().await;
    let points = [Point {
        erlang: 100.0,
        mean: 0.01,
        ci: 0.0,
    }];
    let a = s
        .finished_run("k=3 / first", "COMPLETED", &config("NSFNet", ""), &points)
        .await;
    let b = s
        .finished_run("second", "COMPLETED", &config("NSFNet", ""), &[])
        .await;
    let dest = tempfile::tempdir().unwrap();
    let items = s
        .desk
        .history()
        .export_many(&[a.clone(), b.clone()], dest.path())
        .await
        .unwrap();
    assert!(items.iter().all(|i| i.ok), "{items:?}");
    let first = dest.path().join(format!("k_3___first-{a}"));
    assert_eq!(items[0].destination.as_deref(), Some(first.to_str().unwrap()));
    assert!(first.join("config.ini").is_file());
    assert!(first.join("output/100.0_erlang.json").is_file());
    assert!(dest.path().join(format!("second-{b}/logs/sim.log")).is_file());
    // Again: the copies exist, so each is refused rather than overwritten.
    let again = s.desk.history().export_many(&[a], dest.path()).await.unwrap();
    assert!(!again[0].ok);
    assert!(again[0].message.as_deref().unwrap().contains("already exists"));
    // Never into the data dir.
    let inside = s.desk.history().export_many(&[b], s.home.path()).await.unwrap();
    assert!(!inside[0].ok);
}

#[tokio::test]
async fn disk_use_is_measured_and_cached_in_the_row() {
    let s = scratch().await;
    let id = s.finished_run("a", "COMPLETED", &config("NSFNet", ""), &[]).await;
    assert_eq!(s.desk.get(&id).await.unwrap().disk_bytes, None);
    let dir = s.home.path().join("runs").join(&id);
    std::fs::write(dir.join("output/big.bin"), vec![7u8; 50_000]).unwrap();
    let run = s.desk.history().disk_use(&id).await.unwrap();
    let expected = 50_000
        + std::fs::metadata(dir.join("config.ini")).unwrap().len()
        + std::fs::metadata(dir.join("logs/sim.log")).unwrap().len();
    assert_eq!(run.disk_bytes, Some(expected));
    let listed = s.desk.list(&q()).await.unwrap();
    assert_eq!(listed.runs[0].disk_bytes, Some(expected));
}

#[tokio::test]
async fn backfill_fills_network_and_disk_use_of_older_rows() {
    let s = scratch().await;
    let id = s.finished_run("a", "COMPLETED", &config("USNet", ""), &[]).await;
    sqlx::query("UPDATE runs SET network = NULL, disk_bytes = NULL")
        .execute(s.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    assert_eq!(s.desk.history().backfill().await.unwrap(), 1);
    let run = s.desk.get(&id).await.unwrap();
    assert_eq!(run.network.as_deref(), Some("USNet"));
    assert!(run.disk_bytes.unwrap() > 0);
    assert_eq!(s.desk.history().backfill().await.unwrap(), 0, "done once");
}

#[tokio::test]
async fn cleanup_previews_then_really_removes_old_finished_runs_only() {
    let s = scratch().await;
    let cfg = config("NSFNet", "");
    let old_done = s.finished_run("old ok", "COMPLETED", &cfg, &[]).await;
    let old_failed = s.finished_run("old failed", "FAILED", &cfg, &[]).await;
    let old_running = s.finished_run("old running", "RUNNING", &cfg, &[]).await;
    let new_failed = s.finished_run("new failed", "FAILED", &cfg, &[]).await;
    let runs = s.home.path().join("runs");
    std::fs::write(runs.join(&old_failed).join("output/blob"), vec![1u8; 10_000]).unwrap();
    sqlx::query("UPDATE runs SET completed_at = '2020-01-01T00:00:00.000+00:00' WHERE id IN (?, ?, ?)")
        .bind(&old_done)
        .bind(&old_failed)
        .bind(&old_running)
        .execute(s.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    sqlx::query("UPDATE runs SET completed_at = ? WHERE id = ?")
        .bind(fusion_desk_core::timestamp::now())
        .bind(&new_failed)
        .execute(s.desk.ctx().store().raw_pool())
        .await
        .unwrap();

    let only_failed = CleanupQuery {
        older_than_days: 30,
        only_unsuccessful: true,
    };
    let preview = s.desk.history().cleanup_preview(&only_failed).await.unwrap();
    assert_eq!(preview.ids, vec![old_failed.clone()]);
    assert!(preview.bytes >= 10_000, "{preview:?}");
    // A preview deletes nothing.
    assert!(runs.join(&old_failed).is_dir());

    let report = s.desk.history().cleanup(&only_failed).await.unwrap();
    assert_eq!(report.deleted, 1);
    assert!(report.bytes >= 10_000);
    assert!(!runs.join(&old_failed).exists(), "the folder is really gone");
    assert_eq!(
        s.desk.get(&old_failed).await.unwrap_err().code,
        ErrorCode::NotFound
    );

    let all_old = CleanupQuery {
        older_than_days: 30,
        only_unsuccessful: false,
    };
    let report = s.desk.history().cleanup(&all_old).await.unwrap();
    assert_eq!(report.deleted, 1);
    assert!(!runs.join(&old_done).exists());
    // The running run and the newer run are untouched.
    for kept in [&old_running, &new_failed] {
        assert!(s.desk.get(kept).await.is_ok());
        assert!(runs.join(kept).join("config.ini").is_file());
    }
    // No leftovers of the deletion beside the run folders.
    let leftovers: Vec<_> = std::fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The results summary seeded for run `i` of [`seed_10k`]: None for a run
/// never summarised; a summary without results for every 11th; otherwise a
/// mean blocking spread over [0, 0.1) with exact zeros, and per load 300,
/// 600 and (except for one run in 7) 900 E, where blocking crosses 1 %.
struct Seeded {
    mean: Option<f64>,
    at_900: Option<f64>,
}

fn seeded(i: u32) -> Option<Seeded> {
    if i.is_multiple_of(13) {
        return None;
    }
    if i.is_multiple_of(11) {
        return Some(Seeded {
            mean: None,
            at_900: None,
        });
    }
    let mean = if i.is_multiple_of(17) {
        0.0
    } else {
        f64::from((i * 7919) % 10007) / 10007.0 * 0.1
    };
    let at_900 = (i % 7 != 3).then(|| {
        if i.is_multiple_of(19) {
            0.0
        } else {
            f64::from((i * 104_729) % 1009) / 1009.0 * 0.02
        }
    });
    Some(Seeded {
        mean: Some(mean),
        at_900,
    })
}

async fn seed_metrics(s: &history_support::Scratch) {
    let mut tx = s.desk.ctx().store().raw_pool().begin().await.unwrap();
    for i in 0..10_000u32 {
        let Some(m) = seeded(i) else { continue };
        let id = format!("{i:012x}");
        let loads: u32 = match (m.mean, m.at_900) {
            (None, _) => 0,
            (Some(_), None) => 2,
            (Some(_), Some(_)) => 3,
        };
        sqlx::query(
            "INSERT INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, \
             bit_rate_blocking, loads, iterations, duration_seconds, computed_at) \
             VALUES (?, ?, ?, ?, NULL, ?, 3, ?, '2026-02-01T00:00:00.000+00:00')",
        )
        .bind(&id)
        .bind(m.mean)
        .bind(m.mean.map(|_| if loads == 3 { 900.0 } else { 600.0 }))
        .bind(if loads == 3 { m.at_900 } else { m.mean })
        .bind(loads)
        .bind(f64::from(i % 100))
        .execute(&mut *tx)
        .await
        .unwrap();
        if let Some(mean) = m.mean {
            for (erlang, blocking) in [(300.0, Some(0.0)), (600.0, Some(mean)), (900.0, m.at_900)] {
                if erlang == 900.0 && blocking.is_none() {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO run_load_metrics (run_id, erlang, blocking, ci_half_width, \
                     bit_rate_blocking, iterations) VALUES (?, ?, ?, 0.0001, NULL, 3)",
                )
                .bind(&id)
                .bind(erlang)
                .bind(blocking)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
}

/// Ids in the order the list promises: by value (ascending or descending),
/// runs without a value last, ties newest first.
fn expected_order(values: &[(u32, Option<f64>)], descending: bool) -> Vec<String> {
    let mut v = values.to_vec();
    v.sort_by(|(ia, a), (ib, b)| match (a, b) {
        (Some(a), Some(b)) => {
            let o = a.total_cmp(b);
            (if descending { o.reverse() } else { o }).then(ib.cmp(ia))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => ib.cmp(ia),
    });
    v.into_iter().map(|(i, _)| format!("{i:012x}")).collect()
}

#[tokio::test]
async fn sorting_and_filtering_by_metrics_over_10000_runs_match_the_data() {
    let s = scratch().await;
    seed_10k(&s).await;
    seed_metrics(&s).await;
    let all: Vec<u32> = (0..10_000).collect();
    let mean: Vec<(u32, Option<f64>)> = all
        .iter()
        .map(|i| (*i, seeded(*i).and_then(|m| m.mean)))
        .collect();
    let at_900: Vec<(u32, Option<f64>)> = all
        .iter()
        .map(|i| (*i, seeded(*i).and_then(|m| m.at_900)))
        .collect();
    let page = |q: ListQuery| {
        let desk = s.desk.clone();
        async move {
            let started = Instant::now();
            let page = desk.list(&q).await.unwrap();
            (page, started.elapsed().as_secs_f64() * 1e3)
        }
    };
    let ids = |p: &fusion_desk_core::RunPage| p.runs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();

    // Sorted by mean blocking, both ways, first and deep pages.
    for (descending, offset) in [(false, 0u32), (true, 0), (false, 9_950), (true, 4_000)] {
        let (p, ms) = page(ListQuery {
            sort: Some("mean_blocking".into()),
            descending: Some(descending),
            offset: Some(offset),
            limit: Some(50),
            ..q()
        })
        .await;
        println!("sort by mean_blocking (desc {descending}, offset {offset}): {ms:.1} ms");
        let want = expected_order(&mean, descending);
        assert_eq!(
            ids(&p),
            want[offset as usize..offset as usize + 50],
            "desc {descending} offset {offset}"
        );
        assert_eq!(p.total, 10_000);
    }
    let (p, _) = page(ListQuery {
        sort: Some("mean_blocking".into()),
        limit: Some(5),
        ..q()
    })
    .await;
    assert_eq!(
        p.runs[0].metrics.as_ref().unwrap().mean_blocking,
        Some(0.0),
        "zero blocking sorts first"
    );
    assert_eq!(p.runs[0].metrics.as_ref().unwrap().per_load.len(), 3);

    // "Blocking at 900 E below 1 %", sorted by that blocking, highest first.
    let below: Vec<(u32, Option<f64>)> = at_900
        .iter()
        .copied()
        .filter(|(_, v)| v.is_some_and(|v| v < 0.01))
        .collect();
    let (p, ms) = page(ListQuery {
        metric_filters: Some(vec!["blocking@900<1%".into()]),
        sort: Some("blocking@900".into()),
        descending: Some(true),
        limit: Some(100),
        ..q()
    })
    .await;
    println!("blocking@900<1%, sorted by it: {} runs in {ms:.1} ms", p.total);
    assert_eq!(p.total as usize, below.len());
    assert_eq!(ids(&p), expected_order(&below, true)[..100]);
    assert!(p.runs.iter().all(|r| {
        let m = r.metrics.as_ref().unwrap();
        m.per_load
            .iter()
            .any(|l| l.erlang == 900.0 && l.blocking.unwrap() < 0.01)
    }));

    // Combined with the history's own filters and another metric.
    let expect = (0..10_000u32)
        .filter(|i| (i % 4 == 0 || i % 4 == 3) && i % 10 == 0)
        .filter(|i| seeded(*i).and_then(|m| m.at_900).is_some_and(|v| v <= 0.005))
        .filter(|i| seeded(*i).and_then(|m| m.mean).is_some_and(|v| v > 0.05))
        .count();
    let (p, ms) = page(ListQuery {
        status: Some(RunStatus::Completed),
        tag: Some("paper".into()),
        metric_filters: Some(vec!["blocking@900 <= 0.5 %".into(), "mean_blocking>0.05".into()]),
        ..q()
    })
    .await;
    println!(
        "status + tag + two metric filters: {} runs in {ms:.1} ms",
        p.total
    );
    assert!(expect > 10, "the case selects some runs: {expect}");
    assert_eq!(p.total as usize, expect);

    // Loads, duration: counts and seconds compare as numbers.
    let (p, _) = page(ListQuery {
        metric_filters: Some(vec!["loads=0".into()]),
        ..q()
    })
    .await;
    assert_eq!(
        p.total as usize,
        (0..10_000u32).filter(|i| i % 13 != 0 && i % 11 == 0).count()
    );

    // The per-load filter is an index lookup, not a scan of the runs.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT run_id FROM run_load_metrics WHERE erlang = 900 AND blocking < 0.01",
    )
    .fetch_all(s.desk.ctx().store().raw_pool())
    .await
    .unwrap();
    assert!(
        plan.iter()
            .any(|(_, _, _, d)| d.contains("run_load_metrics_by_load")),
        "{plan:?}"
    );

    // Bad sort keys and filters are refused with the accepted forms named.
    for bad in [
        ListQuery {
            sort: Some("colour".into()),
            ..q()
        },
        ListQuery {
            metric_filters: Some(vec!["blocking@900 < lots".into()]),
            ..q()
        },
        ListQuery {
            metric_filters: Some(vec!["mean_blocking<1".into(); 17]),
            ..q()
        },
    ] {
        let e = s.desk.list(&bad).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
    }
}

#[tokio::test]
async fn the_backfill_summarises_runs_that_ended_before_the_cache_and_deletion_clears_them() {
    let s = scratch().await;
    let p = |erlang, mean, ci| Point { erlang, mean, ci };
    let a = s
        .finished_run(
            "a",
            "COMPLETED",
            &config("USNet", ""),
            &[p(300.0, 0.0, 0.0), p(600.0, 0.012, 0.003), p(900.0, 0.04, 0.006)],
        )
        .await;
    let cancelled = s
        .finished_run("b", "CANCELLED", &config("USNet", ""), &[p(300.0, 0.001, 0.002)])
        .await;
    let empty = s.finished_run("c", "FAILED", &config("USNet", ""), &[]).await;
    assert!(s.desk.get(&a).await.unwrap().metrics.is_none());
    assert_eq!(s.desk.history().backfill_metrics().await.unwrap(), 3);
    assert_eq!(s.desk.history().backfill_metrics().await.unwrap(), 0, "done once");

    let m = s.desk.get(&a).await.unwrap().metrics.unwrap();
    assert!((m.mean_blocking.unwrap() - (0.0 + 0.012 + 0.04) / 3.0).abs() < 1e-12);
    assert_eq!((m.highest_erlang, m.highest_blocking), (Some(900.0), Some(0.04)));
    assert_eq!((m.loads, m.iterations), (3, 2));
    assert_eq!(m.duration_seconds, Some(90.0));
    assert_eq!(m.per_load[1].ci_half_width, Some(0.003));
    let b = s.desk.get(&cancelled).await.unwrap().metrics.unwrap();
    assert_eq!(
        (b.loads, b.mean_blocking),
        (1, Some(0.001)),
        "a cancelled run keeps what it saved"
    );
    let c = s.desk.get(&empty).await.unwrap().metrics.unwrap();
    assert_eq!((c.loads, c.mean_blocking, c.highest_erlang), (0, None, None));

    // Runs without the metric sort last whichever the direction.
    for descending in [false, true] {
        let page = s
            .desk
            .list(&ListQuery {
                sort: Some("mean_blocking".into()),
                descending: Some(descending),
                ..q()
            })
            .await
            .unwrap();
        let order: Vec<&str> = page.runs.iter().map(|r| r.id.as_str()).collect();
        let want = if descending {
            [&a, &cancelled, &empty]
        } else {
            [&cancelled, &a, &empty]
        };
        assert_eq!(order, want.map(String::as_str));
    }

    s.desk.delete(&a).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM run_load_metrics WHERE run_id = ?")
        .bind(&a)
        .fetch_one(s.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "a deleted run's summary goes with it");
}
