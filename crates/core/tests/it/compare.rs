//! Comparing runs: curves over different loads, the config diff, labels,
//! runs without results, and the CSV export.

use crate::history_support;

use fusion_desk_core::compare::csv::to_csv;
use fusion_desk_core::ErrorCode;
use history_support::{config, scratch, Point};

fn p(erlang: f64, mean: f64, ci: f64) -> Point {
    Point { erlang, mean, ci }
}

#[tokio::test]
async fn runs_with_different_loads_share_one_load_axis_with_gaps() {
    let s = scratch().await;
    let a = s
        .finished_run(
            "low",
            "COMPLETED",
            &config("NSFNet", "k_paths = 2"),
            &[p(100.0, 0.01, 0.002), p(200.0, 0.05, 0.004)],
        )
        .await;
    let b = s
        .finished_run(
            "high",
            "COMPLETED",
            &config("NSFNet", "k_paths = 3"),
            &[p(200.0, 0.03, 0.001), p(300.0, 0.08, 0.01)],
        )
        .await;
    let c = s
        .desk
        .comparisons()
        .compare(&[a.clone(), b.clone()])
        .await
        .unwrap();
    assert_eq!(c.erlangs, vec![100.0, 200.0, 300.0]);
    assert_eq!(c.runs.len(), 2);
    let (ra, rb) = (&c.runs[0], &c.runs[1]);
    assert_eq!(ra.id, a);
    assert_eq!(
        ra.points.iter().map(|p| p.erlang).collect::<Vec<_>>(),
        vec![100.0, 200.0]
    );
    assert_eq!(
        rb.points.iter().map(|p| p.erlang).collect::<Vec<_>>(),
        vec![200.0, 300.0]
    );
    // Confidence interval: mean ± ci_rate_block.
    let pt = &ra.points[1];
    assert_eq!(pt.mean, Some(0.05));
    assert!((pt.ci_low.unwrap() - 0.046).abs() < 1e-12);
    assert!((pt.ci_high.unwrap() - 0.054).abs() < 1e-12);
    // Final metrics: the highest load's blocking, the mean over loads, the run's duration.
    assert_eq!(rb.metrics.highest_erlang, Some(300.0));
    assert_eq!(rb.metrics.highest_blocking, Some(0.08));
    assert!((rb.metrics.mean_blocking.unwrap() - 0.055).abs() < 1e-12);
    assert_eq!(rb.metrics.requests_per_iteration, Some(500));
    assert_eq!(rb.metrics.iterations, 2);
    assert_eq!(rb.metrics.duration_seconds, Some(90.0));
    // The legend names what differs.
    assert_eq!(ra.label, "k_paths=2");
    assert_eq!(rb.label, "k_paths=3");
    assert!(ra.problem.is_none() && rb.problem.is_none());
}

#[tokio::test]
async fn the_config_diff_lists_only_differing_keys_with_missing_ones_as_none() {
    let s = scratch().await;
    let a = s
        .finished_run(
            "a",
            "COMPLETED",
            &config("NSFNet", "k_paths = 2"),
            &[p(100.0, 0.01, 0.0)],
        )
        .await;
    let b = s
        .finished_run(
            "b",
            "COMPLETED",
            &config("USNet", "k_paths = 2"),
            &[p(100.0, 0.02, 0.0)],
        )
        .await;
    let c = s
        .finished_run("c", "COMPLETED", &config("NSFNet", ""), &[p(100.0, 0.03, 0.0)])
        .await;
    let cmp = s.desk.comparisons().compare(&[a, b, c]).await.unwrap();
    let keys: Vec<&str> = cmp.diff.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(
        keys,
        vec!["general_settings.k_paths", "topology_settings.network"]
    );
    assert_eq!(cmp.diff[0].values, vec![Some("2".into()), Some("2".into()), None]);
    assert_eq!(
        cmp.diff[1].values,
        vec![Some("NSFNet".into()), Some("USNet".into()), Some("NSFNet".into())]
    );
    let labels: Vec<&str> = cmp.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "k_paths=2 · network=NSFNet",
            "k_paths=2 · network=USNet",
            "k_paths=none · network=NSFNet"
        ]
    );
}

#[tokio::test]
async fn a_run_without_results_is_listed_with_a_note_and_the_others_still_compare() {
    let s = scratch().await;
    let a = s
        .finished_run("ok", "COMPLETED", &config("NSFNet", ""), &[p(100.0, 0.01, 0.0)])
        .await;
    let b = s
        .finished_run("broken", "FAILED", &config("NSFNet", ""), &[])
        .await;
    let cmp = s.desk.comparisons().compare(&[a, b.clone()]).await.unwrap();
    assert_eq!(cmp.runs[0].points.len(), 1);
    assert!(cmp.runs[0].problem.is_none());
    assert_eq!(cmp.runs[1].id, b);
    assert!(cmp.runs[1].points.is_empty());
    assert_eq!(cmp.runs[1].problem.as_deref(), Some("the run wrote no results"));
    // Nothing differs: the labels are the names.
    assert_eq!(cmp.runs[1].label, "broken");
    assert_eq!(cmp.erlangs, vec![100.0]);
}

#[tokio::test]
async fn unknown_or_no_runs_are_refused_clearly() {
    let s = scratch().await;
    let e = s.desk.comparisons().compare(&[]).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = s
        .desk
        .comparisons()
        .compare(&["0123456789ab".into()])
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = s
        .desk
        .comparisons()
        .compare(&["../etc".into()])
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn the_csv_has_a_row_per_run_and_load_with_the_differing_keys() {
    let s = scratch().await;
    let a = s
        .finished_run(
            "=cmd",
            "COMPLETED",
            &config("NSFNet", "k_paths = 2"),
            &[p(100.0, 0.01, 0.002), p(200.0, 0.05, 0.004)],
        )
        .await;
    let b = s
        .finished_run("none", "FAILED", &config("NSFNet", "k_paths = 3"), &[])
        .await;
    let csv = to_csv(
        &s.desk
            .comparisons()
            .compare(&[a.clone(), b.clone()])
            .await
            .unwrap(),
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("run_id,name,label,status,erlang,blocking_mean,ci_low,ci_high,iterations,"));
    assert!(lines[0].ends_with(",general_settings.k_paths,problem"));
    // A name that looks like a formula is defused.
    assert!(
        lines[1].starts_with(&format!("{a},'=cmd,k_paths=2,COMPLETED,100,0.01,0.008,0.012,2,")),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].starts_with(&format!("{b},none,k_paths=3,FAILED,,,,,,")),
        "{}",
        lines[3]
    );
    assert!(lines[3].ends_with(",3,the run wrote no results"), "{}", lines[3]);
}

#[tokio::test]
async fn runs_of_one_config_on_different_executors_differ_by_executor() {
    let s = scratch().await;
    let cfg = config("NSFNet", "k_paths = 2");
    let local = s
        .finished_run("here", "COMPLETED", &cfg, &[p(100.0, 0.01, 0.0)])
        .await;
    let cluster = s
        .finished_run("there", "COMPLETED", &cfg, &[p(100.0, 0.01, 0.0)])
        .await;
    sqlx::query("UPDATE runs SET executor = 'hpc' WHERE id = ?")
        .bind(&cluster)
        .execute(s.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    let c = s
        .desk
        .comparisons()
        .compare(&[local.clone(), cluster.clone()])
        .await
        .unwrap();
    assert_eq!(c.diff.len(), 1, "{:?}", c.diff);
    assert_eq!(c.diff[0].key, "executor");
    assert_eq!(
        c.diff[0].values,
        vec![Some("local".to_owned()), Some("hpc".to_owned())]
    );
    assert_eq!(c.runs[1].label, "executor=hpc");

    // Runs that ran in one place show no executor row.
    let same = s.desk.comparisons().compare(&[local]).await.unwrap();
    assert!(same.diff.is_empty(), "{:?}", same.diff);
}
