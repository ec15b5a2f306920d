//! The real Python FUSION as the simulator, played by a stand-in that
//! reproduces what FUSION Desk depends on (tests/fusion-standin): its command
//! line, its log lines on stderr and no progress file, results written in its
//! own source tree and announced by "Saving to:", SIGTERM ignored once
//! running, a helper process that outlives its parent, exit code 1 with a
//! traceback. Launch, live progress, results found, failure messages and a
//! cancel that leaves nothing running.

use crate::support;

use std::path::Path;
use std::time::Duration;

use fusion_desk_core::live::ProgressSource;
use fusion_desk_core::simulator::{self, SimulatorIdentity};
use fusion_desk_core::{RunStatus, Settings};
use support::{install_standin, processes_of_run, survivors_after};

async fn fusion_desk(script: &Path, grace: f64) -> support::TestDesk {
    let t = support::desk(2, grace).await;
    t.desk
        .save_settings(&Settings {
            simulator_command: script.to_string_lossy().into_owned(),
            max_concurrent_runs: 2,
            cancel_grace_seconds: grace,
            ..Default::default()
        })
        .await
        .unwrap();
    t
}

#[tokio::test(flavor = "multi_thread")]
async fn fusion_is_recognised_from_its_command_line() {
    let (_install, script) = install_standin();
    let check = simulator::check(&[script.to_string_lossy().into_owned()]).await;
    assert!(check.ok, "{}", check.summary);
    assert_eq!(check.kind, Some(SimulatorIdentity::FusionPython));

    let python = simulator::command_for_program(Path::new("python3"));
    let mut with_path = python.clone();
    with_path.insert(0, "env".into());
    with_path.insert(
        1,
        format!(
            "PYTHONPATH={}",
            script.parent().unwrap().parent().unwrap().display()
        ),
    );
    let check = simulator::check(&with_path).await;
    assert!(check.ok, "python -m fusion.cli.run_sim: {}", check.summary);

    let bare = simulator::check(&python).await;
    assert!(
        !bare.ok && bare.summary.contains("no FUSION installed"),
        "{}",
        bare.summary
    );

    let embedded = simulator::check(&[support::bin("fusion-sim").to_string_lossy().into_owned()]).await;
    assert_eq!(
        embedded.kind,
        Some(SimulatorIdentity::Embedded),
        "{}",
        embedded.summary
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fusion_run_shows_progress_from_its_log_and_its_results_are_found() {
    let (install, script) = install_standin();
    let t = fusion_desk(&script, 5.0).await;
    let run = t
        .create(&["rl_settings.is_training = True", "general_settings.max_iters = 4"])
        .await;
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Completed, "{:?}", done.error_message);
    assert!(
        !Path::new(&done.run_dir).join("progress.jsonl").exists()
            || std::fs::read(Path::new(&done.run_dir).join("progress.jsonl"))
                .unwrap()
                .is_empty(),
        "FUSION writes no progress file"
    );

    let progress = t
        .desk
        .live()
        .progress(&run.id)
        .await
        .unwrap()
        .expect("progress derived from the log");
    assert_eq!(progress.source, ProgressSource::Log);
    assert_eq!(progress.percent, Some(100.0));
    assert_eq!(progress.total_erlangs, Some(3));
    assert_eq!(progress.loads.len(), 3);

    let roots = t.desk.artifacts().artifact_roots(&run.id).await.unwrap();
    assert_eq!(roots.len(), 1, "{roots:?}");
    assert_eq!(roots[0].label, "fusion");
    let expected = install
        .path()
        .join("FUSION/data/output/NSFNet")
        .canonicalize()
        .unwrap();
    assert!(
        Path::new(&roots[0].path).starts_with(&expected),
        "{} not under {}",
        roots[0].path,
        expected.display()
    );

    let results = t.desk.artifacts().results(&run.id).await.unwrap();
    let loads: Vec<f64> = results.rows.iter().map(|r| r.erlang).collect();
    assert_eq!(loads, vec![300.0, 400.0, 500.0], "{:?}", results.problems);
    let listing = t
        .desk
        .artifacts()
        .list_artifacts(&run.id, "@fusion", None, None)
        .await
        .unwrap();
    assert_eq!(listing.entries.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fusion_simulation_error_reads_as_a_sentence() {
    let (_install, script) = install_standin();
    // The stand-in reads its knobs from the environment the supervisor passes on.
    std::env::set_var("FUSION_STANDIN_FAIL_AT_LOAD", "2");
    let t = fusion_desk(&script, 5.0).await;
    let run = t.create(&[]).await;
    let done = t.wait(&run.id).await;
    std::env::remove_var("FUSION_STANDIN_FAIL_AT_LOAD");
    assert_eq!(done.status, RunStatus::Failed);
    assert_eq!(done.exit_code, Some(1));
    let msg = done.error_message.unwrap();
    assert!(
        msg.starts_with("The simulator failed with a simulation error (exit code 1): spectrum assignment failed at 400.0 Erlang"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_fusion_leaves_nothing_running() {
    let (_install, script) = install_standin();
    std::env::set_var("FUSION_STANDIN_ITER_SECONDS", "0.5");
    let t = fusion_desk(&script, 1.0).await;
    let run = t
        .create(&[
            "rl_settings.is_training = True",
            "general_settings.max_iters = 1000",
        ])
        .await;
    // FUSION and its Manager helper process.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while processes_of_run(&run.id).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "FUSION never started its helper"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let it reach its first load: its SIGTERM handler is installed by then.
    let log = Path::new(&run.run_dir).join("logs/sim.log");
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("Starting simulation for")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "FUSION never started its first load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    t.desk.cancel(&run.id).await.unwrap();
    let done = t.wait(&run.id).await;
    std::env::remove_var("FUSION_STANDIN_ITER_SECONDS");
    assert_eq!(done.status, RunStatus::Cancelled);
    let log = std::fs::read_to_string(Path::new(&done.run_dir).join("logs/sim.log")).unwrap();
    assert!(
        log.contains("Received signal 15, saving statistics..."),
        "it did get SIGTERM and ignored it"
    );
    assert_eq!(
        survivors_after(&run.id, Duration::from_secs(2)).await,
        Vec::<i32>::new()
    );
}
