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

    let run = s.desk.rename(&id, "  Baseline k=3  ").await.unwrap();
    assert_eq!(run.name, "Baseline k=3");
    let run = s
        .desk
        .set_tags(&id, &["Paper".into(), "k-paths".into(), "paper".into()])
        .await
        .unwrap();
    assert_eq!(run.tags, vec!["k-paths", "paper"]);
    let run = s
        .desk
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
    assert!(s.desk.set_tags(&id, &[]).await.unwrap().tags.is_empty());
    assert_eq!(
        s.desk.rename(&id, "  ").await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        s.desk
            .set_tags(&id, &["two words".into()])
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        s.desk.set_note(&id, &"x".repeat(70_000)).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    let got = s.desk.get(&id).await.unwrap();
    assert_eq!(got.name, "Baseline k=3");
    assert_eq!(got.note, "Blocking *doubles* past 600 E.");
    assert_eq!(
        s.desk.set_note("0123456789ab", "x").await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

/// 10 000 rows written in one transaction, with names, notes, templates,
/// networks, statuses, creation days and tags that follow the index, so each
/// filter's expected count is known.
async fn seed_10k(s: &history_support::Scratch) {
    let mut tx = s.desk.store().pool().begin().await.unwrap();
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

    let facets = s.desk.facets().await.unwrap();
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
    let again = s.desk.export_many(&[a], dest.path()).await.unwrap();
    assert!(!again[0].ok);
    assert!(again[0].message.as_deref().unwrap().contains("already exists"));
    // Never into the data dir.
    let inside = s.desk.export_many(&[b], s.home.path()).await.unwrap();
    assert!(!inside[0].ok);
}

#[tokio::test]
async fn disk_use_is_measured_and_cached_in_the_row() {
    let s = scratch().await;
    let id = s.finished_run("a", "COMPLETED", &config("NSFNet", ""), &[]).await;
    assert_eq!(s.desk.get(&id).await.unwrap().disk_bytes, None);
    let dir = s.home.path().join("runs").join(&id);
    std::fs::write(dir.join("output/big.bin"), vec![7u8; 50_000]).unwrap();
    let run = s.desk.disk_use(&id).await.unwrap();
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
        .execute(s.desk.store().pool())
        .await
        .unwrap();
    assert_eq!(s.desk.backfill_history().await.unwrap(), 1);
    let run = s.desk.get(&id).await.unwrap();
    assert_eq!(run.network.as_deref(), Some("USNet"));
    assert!(run.disk_bytes.unwrap() > 0);
    assert_eq!(s.desk.backfill_history().await.unwrap(), 0, "done once");
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
        .execute(s.desk.store().pool())
        .await
        .unwrap();
    sqlx::query("UPDATE runs SET completed_at = ? WHERE id = ?")
        .bind(fusion_desk_core::timestamp::now())
        .bind(&new_failed)
        .execute(s.desk.store().pool())
        .await
        .unwrap();

    let only_failed = CleanupQuery {
        older_than_days: 30,
        only_unsuccessful: true,
    };
    let preview = s.desk.cleanup_preview(&only_failed).await.unwrap();
    assert_eq!(preview.ids, vec![old_failed.clone()]);
    assert!(preview.bytes >= 10_000, "{preview:?}");
    // A preview deletes nothing.
    assert!(runs.join(&old_failed).is_dir());

    let report = s.desk.cleanup(&only_failed).await.unwrap();
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
    let report = s.desk.cleanup(&all_old).await.unwrap();
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
