//! The results table: FUSION's own `<E>_erlang.json` outputs (copied from the
//! reference data into tests/data), registered as an extra root the way the
//! Python FUSION's source-tree outputs are, and a fresh run of the embedded
//! `fusion-sim`; the CSV export of the table.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use fusion_desk_core::artifacts::results::{parse_erlang_json, to_csv};
use fusion_desk_core::artifacts::ResultsTable;
use fusion_desk_core::{CreateRunRequest, RunStatus};

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fusion_reference")
        .join(name)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn a_real_fusion_output_parses_into_a_row() {
    let bytes = std::fs::read(reference("real_nsfnet_1core_2000x2/300.0_erlang.json")).unwrap();
    let row = parse_erlang_json(&bytes, 300.0, "@fusion/300.0_erlang.json").unwrap();
    assert_eq!(row.erlang, 300.0);
    assert!(!row.is_training);
    assert!(close(row.blocking_mean, 0.03025));
    assert!(close(row.blocking_variance, 2.8125000000000023e-05));
    assert!(close(row.ci_rate_block, 0.006168750000000002));
    assert!(close(row.ci_percent_block, 40.785123966942166));
    assert!(close(row.bit_rate_blocking_mean, 0.20477272727272727));
    assert_eq!(row.sim_block_list, vec![Some(0.034), Some(0.0265)]);
    assert_eq!(row.iterations, 2);
    assert_eq!(row.last_saved_iteration, Some(1));
    assert!(close(row.hops_mean, 2.35));
    assert!(close(row.lengths_mean, 1972.98));
    assert!(close(row.trans_mean, 1.27));
    assert!(close(row.lightpath_utilization, 100.0));
    assert_eq!(row.sim_end_time.as_deref(), Some("1126_05_07_13_912525"));
    // mods_used_dict: bandwidth entries only, bandwidths in numeric order.
    let bws: Vec<&str> = row.modulations.iter().map(|m| m.bandwidth.as_str()).collect();
    assert_eq!(bws.first(), Some(&"25"));
    assert_eq!(bws.last(), Some(&"400"));
    assert_eq!(row.modulations.len(), 15);
    let m = row
        .modulations
        .iter()
        .find(|m| m.bandwidth == "25" && m.modulation == "64-QAM")
        .unwrap();
    assert_eq!(m.count, 193);
    let blocked: Vec<(&str, u64)> = row
        .blocked_per_bandwidth
        .iter()
        .map(|b| (b.bandwidth.as_str(), b.count))
        .collect();
    assert_eq!(
        blocked,
        [("25", 0), ("50", 0), ("100", 4), ("200", 5), ("400", 44)]
    );
}

#[test]
fn a_training_output_has_null_blocking_statistics() {
    let bytes = std::fs::read(reference("baseline_kspf_ff/300.0_erlang.json")).unwrap();
    let row = parse_erlang_json(&bytes, 300.0, "x").unwrap();
    assert!(row.is_training);
    assert_eq!(row.blocking_mean, None);
    assert_eq!(row.ci_rate_block, None);
    assert_eq!(row.ci_percent_block, None);
    assert_eq!(row.iterations, 4);
    assert_eq!(row.last_saved_iteration, Some(3));
    let csv = to_csv(&ResultsTable {
        run_id: "x".into(),
        rows: vec![row],
        problems: vec![],
    });
    let line = csv.lines().nth(1).unwrap();
    assert!(line.starts_with("300,4,,,,,"), "{line}");
}

#[test]
fn malformed_files_are_refused_not_panicked_on() {
    for bad in [&b""[..], b"[]", b"{", b"null", b"{\"iter_stats\": 5}"] {
        let _ = parse_erlang_json(bad, 1.0, "x");
    }
    assert!(parse_erlang_json(b"{", 1.0, "x").is_err());
    let row = parse_erlang_json(b"{\"iter_stats\": {\"a\": 1}}", 1.0, "x").unwrap();
    assert_eq!(row.iterations, 0);
}

async fn run_with_roots(roots: &[(&str, &Path)]) -> (support::TestDesk, String) {
    let t = support::desk(2, 1.0).await;
    let run = t.create(&[]).await;
    t.wait(&run.id).await;
    for (label, path) in roots {
        t.desk
            .artifacts()
            .register_artifact_root(&run.id, label, path)
            .await
            .unwrap();
    }
    (t, run.id)
}

#[tokio::test]
async fn registered_fusion_outputs_form_a_table_sorted_by_erlang() {
    let one = reference("real_nsfnet_1core_2000x2");
    let three = reference("real_nsfnet_3cores_2000x2");
    let (t, id) = run_with_roots(&[("one_core", &one), ("three_cores", &three)]).await;
    let mut table = t.desk.artifacts().results(&id).await.unwrap();
    assert!(table.problems.is_empty(), "{:?}", table.problems);
    // The test simulator's own output/ row is not what this test is about.
    table.rows.retain(|r| r.path.starts_with('@'));
    let erlangs: Vec<f64> = table.rows.iter().map(|r| r.erlang).collect();
    assert_eq!(erlangs, [300.0, 600.0, 900.0, 1000.0, 2000.0, 3000.0]);
    assert_eq!(table.rows[0].path, "@one_core/300.0_erlang.json");
    assert_eq!(table.rows[3].path, "@three_cores/1000.0_erlang.json");

    let csv = to_csv(&table);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        t.desk.artifacts().results_csv(&id).await.unwrap().lines().count(),
        8
    );
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..3], ["erlang", "iterations", "blocking_mean"]);
    assert!(header.contains(&"mods_used[25][64-QAM]"));
    assert!(header.contains(&"blocked[400]"));
    assert_eq!(header.last(), Some(&"path"));
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(first[0], "300");
    assert_eq!(first[1], "2");
    assert_eq!(first[2], "0.03025");
    assert_eq!(
        first[header.iter().position(|h| *h == "sim_block_list").unwrap()],
        "0.034;0.0265"
    );
    assert_eq!(
        first[header.iter().position(|h| *h == "blocked[400]").unwrap()],
        "44"
    );
    assert_eq!(
        first[header.iter().position(|h| *h == "mods_used[25][64-QAM]").unwrap()],
        "193"
    );
}

#[tokio::test]
async fn unreadable_result_files_are_reported_not_fatal() {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("100.0_erlang.json"), "{not json").unwrap();
    std::fs::copy(
        reference("real_nsfnet_1core_2000x2/600.0_erlang.json"),
        scratch.path().join("600.0_erlang.json"),
    )
    .unwrap();
    let (t, id) = run_with_roots(&[("x", scratch.path())]).await;
    let table = t.desk.artifacts().results(&id).await.unwrap();
    assert_eq!(table.rows.iter().filter(|r| r.path.starts_with('@')).count(), 1);
    assert_eq!(table.problems.len(), 1);
    assert!(table.problems[0].contains("100.0_erlang.json"));
}

#[tokio::test]
async fn a_fresh_fusion_sim_run_has_one_row_per_load() {
    let t = support::engine_desk(2, 1.0).await;
    let run = t
        .desk
        .create(&CreateRunRequest {
            template: "quick".into(),
            name: None,
            overrides: vec![
                "general_settings.num_requests=300".into(),
                "general_settings.max_iters=2".into(),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    let run = t
        .desk
        .wait(&run.id, Some(Duration::from_secs(120)))
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Completed, "{run:?}");
    let table = t.desk.artifacts().results(&run.id).await.unwrap();
    assert!(table.problems.is_empty(), "{:?}", table.problems);
    let erlangs: Vec<f64> = table.rows.iter().map(|r| r.erlang).collect();
    assert_eq!(erlangs, [300.0, 400.0, 500.0]);
    for row in &table.rows {
        assert!(row.path.starts_with("output/"), "{}", row.path);
        assert!(row.iterations >= 1 && row.iterations <= 2, "{row:?}");
        let mean = row.blocking_mean.unwrap();
        assert!((0.0..=1.0).contains(&mean));
        assert!(row.hops_mean.is_some() && row.lengths_mean.is_some());
        assert!(!row.modulations.is_empty());
        assert_eq!(row.blocked_per_bandwidth.len(), 5);
    }
    // The output folder is browsable and the result previews as JSON.
    let listing = t
        .desk
        .artifacts()
        .list_artifacts(&run.id, "output", None, None)
        .await
        .unwrap();
    assert!(listing.entries.iter().any(|e| e.name == "300.0_erlang.json"));
    let preview = t
        .desk
        .artifacts()
        .preview_artifact(&run.id, &table.rows[0].path)
        .await
        .unwrap();
    assert!(matches!(
        preview.content,
        fusion_desk_core::artifacts::PreviewContent::Json { value: Some(_), .. }
    ));
    let csv = t.desk.artifacts().results_csv(&run.id).await.unwrap();
    assert_eq!(csv.lines().count(), 4);
}

#[tokio::test]
async fn runs_of_the_embedded_engine_fill_the_results_cache_as_they_end() {
    let t = support::engine_desk(3, 1.0).await;
    let create = |k: &str, requests: &str, iters: &str| CreateRunRequest {
        template: "quick".into(),
        name: Some(format!("k={k}")),
        overrides: vec![
            format!("general_settings.num_requests={requests}"),
            format!("general_settings.max_iters={iters}"),
            "general_settings.erlang_start=600".into(),
            "general_settings.erlang_stop=1000".into(),
            "general_settings.erlang_step=200".into(),
            format!("routing_settings.k_paths={k}"),
        ],
        ..Default::default()
    };
    let mut ids = Vec::new();
    for k in ["1", "3"] {
        ids.push(t.desk.create(&create(k, "300", "2")).await.unwrap().id);
    }
    // A run far too long to finish, cancelled while it runs.
    let long = t.desk.create(&create("2", "5000000", "100")).await.unwrap().id;
    t.wait_for_status(&long, RunStatus::Running).await;
    for id in &ids {
        let run = t.desk.wait(id, Some(Duration::from_secs(120))).await.unwrap();
        assert_eq!(run.status, RunStatus::Completed, "{run:?}");
    }
    t.desk.cancel(&long).await.unwrap();
    let cancelled = t.desk.wait(&long, Some(Duration::from_secs(60))).await.unwrap();
    assert_eq!(cancelled.status, RunStatus::Cancelled);

    // Each finished run's summary agrees with the comparison, which reads
    // the result files on its own.
    let compared = t.desk.comparisons().compare(&ids).await.unwrap();
    for c in &compared.runs {
        let run = t.desk.get(&c.id).await.unwrap();
        let m = run.metrics.expect("summarised when the run ended");
        assert_eq!(m.loads, 3);
        assert_eq!(m.mean_blocking, c.metrics.mean_blocking);
        assert_eq!(m.highest_erlang, Some(1000.0));
        assert_eq!(m.highest_blocking, c.metrics.highest_blocking);
        assert_eq!(m.iterations, c.metrics.iterations);
        let per_load: Vec<(f64, Option<f64>)> = m.per_load.iter().map(|l| (l.erlang, l.blocking)).collect();
        let curve: Vec<(f64, Option<f64>)> = c.points.iter().map(|p| (p.erlang, p.mean)).collect();
        assert_eq!(per_load, curve);
        assert!(m.duration_seconds.is_some_and(|d| d >= 0.0));
    }
    // A cancelled run is summarised too, with whatever it had saved.
    let m = t
        .desk
        .get(&long)
        .await
        .unwrap()
        .metrics
        .expect("summarised when cancelled");
    let saved = t.desk.artifacts().results(&long).await.unwrap().rows.len() as u32;
    assert_eq!(m.loads, saved);

    // Sorting and the per-load filter over the real summaries.
    let page = t
        .desk
        .list(&fusion_desk_core::ListQuery {
            sort: Some("blocking@1000".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let at_1000 = |r: &fusion_desk_core::Run| {
        r.metrics
            .as_ref()
            .and_then(|m| m.per_load.iter().find(|l| l.erlang == 1000.0))
            .and_then(|l| l.blocking)
    };
    let values: Vec<Option<f64>> = page.runs.iter().map(at_1000).collect();
    assert_eq!(values.len(), 3);
    assert!(values[0] <= values[1] && values[1].is_some(), "{values:?}");
    assert_eq!(values[2], None, "the cancelled run has no 1000 E result: last");
    let threshold = values[0].unwrap();
    let filtered = t
        .desk
        .list(&fusion_desk_core::ListQuery {
            metric_filters: Some(vec![format!("blocking@1000<={threshold}")]),
            ..Default::default()
        })
        .await
        .unwrap();
    let expect = page
        .runs
        .iter()
        .filter(|r| at_1000(r).is_some_and(|v| v <= threshold))
        .count();
    assert_eq!(filtered.total as usize, expect);
    assert!(filtered
        .runs
        .iter()
        .all(|r| at_1000(r).is_some_and(|v| v <= threshold)));
}
