//! Runs on a real Slurm cluster (single node, on loopback, started and
//! stopped by each test): submission, live progress, outcomes, time limits,
//! cancel of a process tree, a controller restart, a 100-run job array, a
//! sweep as one array and its re-run, a job that can never start, and the
//! Python FUSION's own results folder.

use crate::support;
use crate::support::slurm_cluster;

use std::time::{Duration, Instant};

use fusion_desk_core::exec::slurm::ClusterProfile;
use fusion_desk_core::sweeps::{AxisSpec, SweepRequest};
use fusion_desk_core::{CreateRunRequest, Run, RunStatus};
use slurm_cluster::Cluster;
use support::{wait_ended, wait_until, TestDesk};

const PROFILE: &str = "loopback";

async fn desk_with(profile: ClusterProfile, grace: f64) -> TestDesk {
    let t = support::desk(2, grace).await;
    t.desk.clusters().save(&profile).await.unwrap();
    t
}

fn profile() -> ClusterProfile {
    ClusterProfile {
        name: PROFILE.into(),
        partition: "debug".into(),
        ..Default::default()
    }
}

fn request(overrides: &[&str]) -> CreateRunRequest {
    CreateRunRequest {
        template: "quick".into(),
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
        executor: Some(PROFILE.into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_submitted_shows_progress_and_completes() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let run = t
        .desk
        .create(&request(&[
            "test_sim.loads=2",
            "test_sim.iterations=6",
            "test_sim.step_ms=250",
        ]))
        .await
        .unwrap();
    assert_eq!(run.executor, PROFILE);
    let job = run.slurm_job_id.clone().expect("submitted at once");
    assert!(job.chars().all(|c| c.is_ascii_digit()), "a plain job id: {job}");
    // The local dispatcher never takes a cluster run.
    assert!(t.desk.ctx().store().next_pending(0).await.unwrap().is_none());

    let running = wait_until(&t, &run.id, Duration::from_secs(20), "ran", |r| {
        r.status == RunStatus::Running
    })
    .await;
    assert!(
        running
            .status_detail
            .as_deref()
            .is_some_and(|d| d.contains("Running on localhost")),
        "{running:#?}"
    );
    // Live progress from the run folder while Slurm runs it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let p = t.desk.live().progress(&run.id).await.unwrap();
        if p.as_ref()
            .is_some_and(|p| p.finished_iterations > 0 && !p.complete)
        {
            break;
        }
        assert!(Instant::now() < deadline, "no progress from the cluster run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done = wait_ended(&t, &run.id, Duration::from_secs(60)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    assert_eq!(done.exit_code, Some(0));
    assert!(done.started_at.is_some() && done.completed_at.is_some());
    let dir = std::path::Path::new(&done.run_dir);
    let script = std::fs::read_to_string(dir.join("slurm.sh")).unwrap();
    assert!(script.contains("#SBATCH --partition=debug"), "{script}");
    assert!(dir.join("exit.json").is_file());
    // A script others could edit would run as the user on the cluster.
    let mode = |p: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&dir.join("slurm.sh")), 0o700);
    assert_eq!(mode(dir), 0o700);
    let log = std::fs::read_to_string(dir.join("logs/sim.log")).unwrap();
    assert!(!log.is_empty());
    // The cached progress (what lists show) is final.
    let cached = t
        .desk
        .live()
        .cached_progress(std::slice::from_ref(&done.id))
        .await
        .unwrap();
    assert!(cached.contains_key(&done.id), "no cached progress");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fusion_on_the_cluster_has_its_results_folder_found() {
    // The Python FUSION (its stand-in) saves results in its own source tree
    // and says where in its log; on a cluster that folder is found when the
    // run is settled and becomes the run's `@fusion` artifact root.
    let _cluster = Cluster::start();
    let (install, script) = support::install_standin();
    let t = desk_with(
        ClusterProfile {
            simulator_command: script.to_string_lossy().into_owned(),
            ..profile()
        },
        5.0,
    )
    .await;
    let run = t
        .desk
        .create(&CreateRunRequest {
            template: "quick".into(),
            executor: Some(PROFILE.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(90)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let roots = t.desk.artifacts().artifact_roots(&run.id).await.unwrap();
    assert_eq!(roots.len(), 1, "{roots:?}");
    assert_eq!(roots[0].label, "fusion");
    let tree = install.path().join("FUSION/data/output").canonicalize().unwrap();
    assert!(
        std::path::Path::new(&roots[0].path).starts_with(&tree),
        "{} not under {}",
        roots[0].path,
        tree.display()
    );
    let results = t.desk.artifacts().results(&run.id).await.unwrap();
    assert_eq!(results.rows.len(), 3, "{:?}", results.problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_simulator_fails_with_its_exit_code_and_log() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let run = t.desk.create(&request(&["test_sim.exit_code=3"])).await.unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(60)).await;
    assert_eq!(done.status, RunStatus::Failed);
    assert_eq!(done.exit_code, Some(3));
    let msg = done.error_message.unwrap();
    assert!(msg.starts_with("The simulator exited with code 3"), "{msg}");
    assert!(msg.contains("Last lines of the log"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_past_its_time_limit_fails_with_a_timeout_message() {
    let _cluster = Cluster::start();
    let t = desk_with(
        ClusterProfile {
            time_limit: "1".into(),
            ..profile()
        },
        5.0,
    )
    .await;
    let run = t
        .desk
        .create(&request(&["test_sim.iterations=100000", "test_sim.step_ms=100"]))
        .await
        .unwrap();
    // Slurm's limits are whole minutes, enforced up to 30 s late.
    let done = wait_ended(&t, &run.id, Duration::from_secs(150)).await;
    assert_eq!(done.status, RunStatus::Failed, "{done:#?}");
    let msg = done.error_message.unwrap();
    assert!(msg.contains("time limit") && msg.contains("TIMEOUT"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_the_whole_process_tree() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 1.0).await;
    let run = t
        .desk
        .create(&request(&[
            "test_sim.iterations=100000",
            "test_sim.step_ms=50",
            "test_sim.children=2",
            "test_sim.grandchildren=2",
            "test_sim.ignoring_child=true",
            "test_sim.double_fork=true",
        ]))
        .await
        .unwrap();
    wait_until(&t, &run.id, Duration::from_secs(20), "ran", |r| {
        r.status == RunStatus::Running
    })
    .await;
    // The whole tree is up: simulator, 2 children with 2 each, the ignoring
    // child, the double-forked one, and the batch shell.
    let deadline = Instant::now() + Duration::from_secs(10);
    while support::processes_of_run(&run.id).len() < 9 {
        assert!(Instant::now() < deadline, "the process tree never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cancelling = t.desk.cancel(&run.id).await.unwrap();
    assert!(cancelling.cancel_requested_at.is_some());
    let done = wait_ended(&t, &run.id, Duration::from_secs(30)).await;
    assert_eq!(done.status, RunStatus::Cancelled, "{done:#?}");
    let left = support::survivors_after(&run.id, Duration::from_secs(10)).await;
    assert!(left.is_empty(), "processes of the run survived: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_survive_a_controller_restart() {
    let cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let runs = t
        .desk
        .create_many(&[
            request(&["test_sim.iterations=40", "test_sim.step_ms=200"]),
            request(&["test_sim.iterations=40", "test_sim.step_ms=200"]),
        ])
        .await
        .unwrap();
    for r in &runs {
        wait_until(&t, &r.id, Duration::from_secs(20), "ran", |r| {
            r.status == RunStatus::Running
        })
        .await;
    }
    cluster.stop_controller();
    for r in &runs {
        let kept = wait_until(
            &t,
            &r.id,
            Duration::from_secs(40),
            "said the controller is away",
            |r| {
                r.status_detail
                    .as_deref()
                    .is_some_and(|d| d.contains("Cannot reach the Slurm controller"))
            },
        )
        .await;
        assert_eq!(kept.status, RunStatus::Running, "{kept:#?}");
    }
    // A run created meanwhile is kept, unsubmitted, and says why.
    let later = t.desk.create(&request(&["test_sim.iterations=2"])).await.unwrap();
    assert_eq!(later.status, RunStatus::Pending);
    assert_eq!(later.slurm_job_id, None);
    assert!(
        later
            .status_detail
            .as_deref()
            .is_some_and(|d| d.contains("Not submitted yet")),
        "{later:#?}"
    );
    cluster.start_controller();
    for r in runs.iter().chain([&later]) {
        let done = wait_ended(&t, &r.id, Duration::from_secs(60)).await;
        assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    }
    assert!(t.desk.get(&later.id).await.unwrap().slurm_job_id.is_some());
}

/// Slurm forgets finished jobs after `MinJobAge`; a forgotten id answers
/// like an unknown one. Such runs are settled from their exit.json.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_slurm_has_forgotten_are_settled_from_exit_json() {
    let _cluster = Cluster::start();
    let home = tempfile::tempdir().unwrap();
    // No watcher: nothing polls Slurm until the test asks.
    let desk = support::open(home.path(), false).await;
    desk.save_settings(&fusion_desk_core::Settings {
        simulator_command: support::bin("test-sim").to_string_lossy().into_owned(),
        ..Default::default()
    })
    .await
    .unwrap();
    desk.clusters().save(&profile()).await.unwrap();
    let ok = desk.create(&request(&["test_sim.iterations=1"])).await.unwrap();
    let failed = desk.create(&request(&["test_sim.exit_code=4"])).await.unwrap();
    let lost = desk.create(&request(&["test_sim.iterations=1"])).await.unwrap();
    for r in [&ok, &failed, &lost] {
        let exit = std::path::Path::new(&r.run_dir).join("exit.json");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !exit.is_file() {
            assert!(Instant::now() < deadline, "run {} never wrote exit.json", r.id);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    std::fs::remove_file(std::path::Path::new(&lost.run_dir).join("exit.json")).unwrap();
    // Point the runs at ids the controller does not know, as after a purge.
    for (i, r) in [&ok, &failed, &lost].iter().enumerate() {
        sqlx::query("UPDATE runs SET slurm_job_id = ? WHERE id = ?")
            .bind(format!("{}", 9_000_000 + i))
            .bind(&r.id)
            .execute(desk.ctx().store().raw_pool())
            .await
            .unwrap();
    }
    desk.clusters().poll().await.unwrap();
    let ok = desk.get(&ok.id).await.unwrap();
    assert_eq!(ok.status, RunStatus::Completed, "{ok:#?}");
    let failed = desk.get(&failed.id).await.unwrap();
    assert_eq!(
        (failed.status, failed.exit_code),
        (RunStatus::Failed, Some(4)),
        "{failed:#?}"
    );
    let lost = desk.get(&lost.id).await.unwrap();
    assert_eq!(lost.status, RunStatus::Failed);
    assert!(lost.error_message.unwrap().contains("no longer knows job"));
}

/// `fdesk cluster add`, `fdesk create --executor`, `fdesk wait` and `show`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fdesk_sends_runs_to_a_cluster() {
    let _cluster = Cluster::start();
    let home = tempfile::tempdir().unwrap();
    let fdesk = |args: &[&str]| {
        let out = std::process::Command::new(support::bin("fdesk"))
            .args(args)
            .env("FUSION_DESK_HOME", home.path())
            .env("FUSION_DESK_SIMULATOR", support::bin("test-sim"))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = fdesk(&["cluster", "add", "bad", "--time-limit", "soon"]);
    assert!(!ok && err.contains("time limit"), "{err}");
    let (ok, out, err) = fdesk(&["cluster", "add", PROFILE, "--partition", "debug", "--cpus", "1"]);
    assert!(ok, "{err}");
    assert!(out.contains("loopback: partition debug"), "{out}");
    let (ok, out, err) = fdesk(&["cluster", "check", PROFILE]);
    assert!(ok && out.contains("partition debug"), "{out}{err}");
    let (ok, out, err) = fdesk(&["--json", "create", "--template", "quick", "--executor", PROFILE]);
    assert!(ok, "{err}");
    let run: Run = serde_json::from_str(&out).unwrap();
    assert_eq!(run.executor, PROFILE);
    let (ok, out, err) = fdesk(&["--json", "wait", &run.id, "--timeout", "60"]);
    assert!(ok, "{err}");
    let done: Run = serde_json::from_str(&out).unwrap();
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let (_, out, _) = fdesk(&["show", &run.id]);
    assert!(
        out.contains("executor:     loopback") && out.contains("slurm job:"),
        "{out}"
    );
    let (ok, _, err) = fdesk(&["create", "--template", "quick", "--executor", "nowhere"]);
    assert!(
        !ok && err.contains("executor: no cluster profile named \"nowhere\""),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_runs_go_as_one_job_array() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let reqs: Vec<CreateRunRequest> = (0..100)
        .map(|_| request(&["test_sim.iterations=1", "test_sim.step_ms=10"]))
        .collect();
    let runs = t.desk.create_many(&reqs).await.unwrap();
    assert_eq!(runs.len(), 100);
    let array = runs[0]
        .slurm_job_id
        .as_deref()
        .unwrap()
        .split('_')
        .next()
        .unwrap()
        .to_owned();
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.slurm_job_id.as_deref(), Some(format!("{array}_{i}").as_str()));
    }
    for r in &runs {
        let done = wait_ended(&t, &r.id, Duration::from_secs(120)).await;
        assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_on_a_cluster_goes_as_one_job_array_and_reruns_there() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let sweep = t
        .desk
        .sweeps()
        .create(&SweepRequest {
            template: "quick".into(),
            overrides: vec!["test_sim.iterations=1".into(), "test_sim.step_ms=10".into()],
            axes: vec![AxisSpec {
                key: "routing_settings.k_paths".into(),
                values: "1..4".into(),
            }],
            executor: Some(PROFILE.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sweep.runs.len(), 4);
    let array = sweep.runs[0].slurm_job_id.clone().unwrap();
    let array = array.split('_').next().unwrap();
    for (i, r) in sweep.runs.iter().enumerate() {
        assert_eq!(r.executor, PROFILE);
        assert_eq!(r.slurm_job_id.as_deref(), Some(format!("{array}_{i}").as_str()));
    }
    for r in &sweep.runs {
        let done = wait_ended(&t, &r.id, Duration::from_secs(60)).await;
        assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    }
    // A re-run goes where the run went.
    let again = t.desk.sweeps().rerun(&sweep.runs[0].id).await.unwrap();
    assert_eq!(again.executor, PROFILE);
    assert!(again.slurm_job_id.is_some(), "{again:#?}");
    let done = wait_ended(&t, &again.id, Duration::from_secs(60)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_can_never_start_is_named_as_such() {
    let _cluster = Cluster::start();
    let t = desk_with(
        ClusterProfile {
            cpus_per_run: 64,
            ..profile()
        },
        5.0,
    )
    .await;
    let run = t.desk.create(&request(&[])).await.unwrap();
    assert_eq!(run.status, RunStatus::Pending);
    let done = wait_ended(&t, &run.id, Duration::from_secs(30)).await;
    assert_eq!(done.status, RunStatus::Failed);
    let msg = done.error_message.unwrap();
    assert!(
        msg.contains("can never start") && msg.contains("PartitionConfig"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_executor_is_refused_naming_the_field() {
    let t = support::desk(2, 5.0).await;
    let e = t.desk.create(&request(&[])).await.unwrap_err();
    assert_eq!(e.code, fusion_desk_core::ErrorCode::InvalidInput);
    assert!(e.message.starts_with("executor:"), "{}", e.message);
    assert_eq!(
        t.desk.ctx().store().count().await.unwrap(),
        0,
        "nothing was created"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_desk_stops_its_cluster_poller() {
    let _cluster = Cluster::start();
    let t = desk_with(profile(), 5.0).await;
    let run = t
        .desk
        .create(&request(&[
            "test_sim.loads=1",
            "test_sim.iterations=50",
            "test_sim.step_ms=200",
        ]))
        .await
        .unwrap();
    wait_until(&t, &run.id, Duration::from_secs(20), "ran", |r| {
        r.status == RunStatus::Running
    })
    .await;
    let probes = t.desk.background_tasks();
    assert!(!probes.is_empty(), "a watching Desk follows its cluster runs");
    assert!(probes.iter().all(|p| p.is_running()));
    let TestDesk { desk, home } = t;
    drop(desk);
    assert!(
        crate::background::all_stop(&probes).await,
        "the cluster poller outlived its Desk"
    );
    // The job itself is Slurm's: it goes on, and a new Desk settles it.
    let t = TestDesk {
        desk: support::open(home.path(), true).await,
        home,
    };
    t.desk.cancel(&run.id).await.unwrap();
    wait_ended(&t, &run.id, Duration::from_secs(30)).await;
}
