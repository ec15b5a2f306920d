//! The results table: FUSION's own `<E>_erlang.json` outputs (copied from the
//! reference data into tests/data), registered as an extra root the way the
//! Python FUSION's source-tree outputs are, and a fresh run of the embedded
//! `fusion-sim`; the CSV export of the table.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use fusion_desk_core::artifacts::results::{parse_erlang_json, to_csv};
use fusion_desk_core::artifacts::ResultsTable;
use fusion_desk_core::{CreateRunRequest, RunStatus, Settings};

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
        t.desk.register_artifact_root(&run.id, label, path).await.unwrap();
    }
    (t, run.id)
}

#[tokio::test]
async fn registered_fusion_outputs_form_a_table_sorted_by_erlang() {
    let one = reference("real_nsfnet_1core_2000x2");
    let three = reference("real_nsfnet_3cores_2000x2");
    let (t, id) = run_with_roots(&[("one_core", &one), ("three_cores", &three)]).await;
    let mut table = t.desk.results(&id).await.unwrap();
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
    assert_eq!(t.desk.results_csv(&id).await.unwrap().lines().count(), 8);
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
    let table = t.desk.results(&id).await.unwrap();
    assert_eq!(table.rows.iter().filter(|r| r.path.starts_with('@')).count(), 1);
    assert_eq!(table.problems.len(), 1);
    assert!(table.problems[0].contains("100.0_erlang.json"));
}

#[tokio::test]
async fn a_fresh_fusion_sim_run_has_one_row_per_load() {
    let t = support::desk(2, 1.0).await;
    t.desk
        .save_settings(&Settings {
            simulator_command: support::bin("fusion-sim").to_string_lossy().into_owned(),
            max_concurrent_runs: 2,
            cancel_grace_seconds: 1.0,
            ..Default::default()
        })
        .await
        .unwrap();
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
    let table = t.desk.results(&run.id).await.unwrap();
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
        .list_artifacts(&run.id, "output", None, None)
        .await
        .unwrap();
    assert!(listing.entries.iter().any(|e| e.name == "300.0_erlang.json"));
    let preview = t
        .desk
        .preview_artifact(&run.id, &table.rows[0].path)
        .await
        .unwrap();
    assert!(matches!(
        preview.content,
        fusion_desk_core::artifacts::PreviewContent::Json { value: Some(_), .. }
    ));
    let csv = t.desk.results_csv(&run.id).await.unwrap();
    assert_eq!(csv.lines().count(), 4);
}
