//! A Slurm cluster reached over SSH: a login node on loopback (sshd and the
//! test user `fdremote`, whose home is the cluster side, never the tester's
//! data dir) in front of the local test Slurm. "Test connection" logs in
//! through an SSH config alias, refuses a host key it has not seen (naming
//! its fingerprint) and accepts it only when that very fingerprint is
//! confirmed, lists the partitions and expands the remote folder on the
//! cluster, and names an unreachable login node. Runs are staged into the
//! remote folder, submitted on the login node, followed with their log and
//! progress pulled into the LOCAL run folder, and settled with their
//! results fetched: completed, failed, cancelled, stopped at the profile's
//! time limit, and across a login node that goes down and comes back
//! mid-run. A result over the fetch cap stays on the cluster, listed, until
//! it is asked for; a job that ended and was forgotten by the controller
//! while the app was closed is settled from the cluster's accounting.

use crate::support;
use crate::support::slurm_cluster::Cluster;

use std::path::Path;
use std::time::{Duration, Instant};

use fusion_desk_core::sweeps::{AxisSpec, SweepRequest};
use fusion_desk_core::{CreateRunRequest, ErrorCode, Run, RunStatus};

use fusion_desk_core::exec::slurm::{ClusterConnection, ClusterProfile};
use fusion_desk_core::exec::ssh::connect::{control_dir, SSH_CONFIG_ENV};
use fusion_desk_core::exec::ssh::results;
use fusion_desk_core::exec::ssh::results::RESULT_FILE_CAP;
use fusion_desk_core::exec::ssh::HostKeyTrust;
use fusion_desk_test_support::login_node::{login_node, LoginNode};
use support::{wait_ended, wait_until, TestDesk};

const PROFILE: &str = "remote";
const ALIAS: &str = "testcluster";

fn profile(simulator_command: String) -> ClusterProfile {
    ClusterProfile {
        name: PROFILE.into(),
        partition: "debug".into(),
        simulator_command,
        connection: ClusterConnection::Ssh {
            host: ALIAS.into(),
            user: None,
            port: None,
            remote_folder: "$SCRATCH/fusion-desk".into(),
        },
        ..Default::default()
    }
}

/// A Desk whose SSH setup is the login node's alias only.
async fn desk_for(node: &LoginNode) -> TestDesk {
    // Each test runs in a process of its own (nextest), so the variable
    // reaches only this test's Desk.
    std::env::set_var(SSH_CONFIG_ENV, node.ssh_config(ALIAS));
    let t = support::desk(2, 1.0).await;
    assert!(
        !t.home.path().starts_with(&node.scratch),
        "the remote folder must not be the local data dir"
    );
    // The cluster runs its own copy of the simulator, under the test user.
    let simulator = node.install_program(&support::bin("test-sim"), "test-sim");
    t.desk
        .clusters()
        .save(&profile(simulator.display().to_string()))
        .await
        .unwrap();
    t
}

fn accepted_keys(t: &TestDesk) -> String {
    std::fs::read_to_string(control_dir(t.desk.data()).join("known_hosts")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_key_is_refused_with_its_fingerprint() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    let check = t.desk.clusters().check(PROFILE).await.unwrap();
    assert!(!check.ok, "{check:?}");
    assert_eq!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert_eq!(check.host_key_fingerprint, Some(node.host_fingerprint()));
    assert_eq!(check.host_key_type.as_deref(), Some("ED25519"));
    assert_eq!(accepted_keys(&t), "", "a refusal records nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_key_is_accepted_only_by_the_fingerprint_it_presents() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    let wrong = HostKeyTrust::Accept {
        fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
    };
    let check = t.desk.clusters().check_trusting(PROFILE, &wrong).await.unwrap();
    assert_eq!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert!(
        check.summary.contains("nothing was accepted"),
        "{}",
        check.summary
    );
    assert_eq!(accepted_keys(&t), "");

    let right = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.clusters().check_trusting(PROFILE, &right).await.unwrap();
    assert_ne!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert_eq!(accepted_keys(&t).lines().count(), 1, "{}", accepted_keys(&t));
    // Trusted from now on, without being asked again.
    let again = t.desk.clusters().check(PROFILE).await.unwrap();
    assert_ne!(again.problem.as_deref(), Some("host_key_unknown"), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_node_that_is_down_is_reported_unreachable() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    node.stop();
    let check = t.desk.clusters().check(PROFILE).await.unwrap();
    assert!(!check.ok);
    assert_eq!(check.problem.as_deref(), Some("unreachable"), "{check:?}");
    assert!(check.summary.contains("unreachable"), "{}", check.summary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_lists_the_partitions_and_the_remote_run_folder() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = desk_for(&node).await;
    let accept = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.clusters().check_trusting(PROFILE, &accept).await.unwrap();
    assert!(check.ok, "{check:?}\n{}", node.log());
    assert_eq!(check.problem, None);
    assert!(
        check.summary.contains("partition debug (default) (up)"),
        "{}",
        check.summary
    );
    let runs = format!("runs go to {}/fusion-desk/runs", node.scratch);
    assert!(check.summary.contains(&runs), "{}", check.summary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_the_cluster_lacks_is_named() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = desk_for(&node).await;
    t.desk
        .clusters()
        .save(&ClusterProfile {
            partition: "gpu-huge".into(),
            ..profile(String::new())
        })
        .await
        .unwrap();
    let accept = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.clusters().check_trusting(PROFILE, &accept).await.unwrap();
    assert!(!check.ok);
    assert!(
        check.summary.contains("no partition \"gpu-huge\""),
        "{}",
        check.summary
    );
}

/// A Desk that already trusts the login node, with the cluster up.
async fn trusting_desk(node: &LoginNode) -> TestDesk {
    let t = desk_for(node).await;
    let accept = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.clusters().check_trusting(PROFILE, &accept).await.unwrap();
    assert!(check.ok, "{check:?}");
    t
}

fn request(overrides: &[&str]) -> CreateRunRequest {
    CreateRunRequest {
        template: "quick".into(),
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
        executor: Some(PROFILE.into()),
        ..Default::default()
    }
}

/// A run created on the cluster from `quick` with `overrides`, once its
/// job runs.
async fn running(t: &TestDesk, overrides: &[&str]) -> Run {
    let run = t.desk.create(&request(overrides)).await.unwrap();
    wait_until(t, &run.id, Duration::from_secs(30), "ran", |r| {
        r.status == RunStatus::Running
    })
    .await
}

fn remote_run_dir(node: &LoginNode, id: &str) -> std::path::PathBuf {
    node.scratch_path(&format!("fusion-desk/runs/{id}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_over_ssh_streams_its_progress_here_and_completes_with_its_results() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = running(
        &t,
        &[
            "test_sim.loads=2",
            "test_sim.iterations=8",
            "test_sim.step_ms=300",
        ],
    )
    .await;
    assert!(run.slurm_job_id.is_some());
    let remote = remote_run_dir(&node, &run.id);
    let local = Path::new(&run.run_dir);
    assert!(!local.starts_with(&node.scratch));
    // The script staged on the cluster names the REMOTE run folder.
    let script = std::fs::read_to_string(remote.join("slurm.sh")).unwrap();
    assert!(
        script.contains(&remote.to_string_lossy().into_owned()),
        "{script}"
    );
    assert!(remote.join("config.ini").is_file());
    // Live progress arrives in the local run folder while the job runs.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let p = t.desk.live().progress(&run.id).await.unwrap();
        if p.as_ref()
            .is_some_and(|p| p.finished_iterations > 0 && !p.complete)
        {
            break;
        }
        assert!(Instant::now() < deadline, "no progress from the remote run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done = wait_ended(&t, &run.id, Duration::from_secs(90)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    assert_eq!(done.exit_code, Some(0));
    // Everything the cluster wrote is here, byte for byte.
    for rel in ["logs/sim.log", "progress.jsonl", "exit.json"] {
        assert_eq!(
            std::fs::read(local.join(rel)).unwrap(),
            std::fs::read(remote.join(rel)).unwrap(),
            "{rel} differs"
        );
    }
    let remote_outputs = std::fs::read_dir(remote.join("output")).unwrap().count();
    assert!(remote_outputs > 0, "the simulator wrote no output");
    assert_eq!(
        std::fs::read_dir(local.join("output")).unwrap().count(),
        remote_outputs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_fails_on_the_cluster_fails_here_with_its_log() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = t.desk.create(&request(&["test_sim.exit_code=3"])).await.unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(90)).await;
    assert_eq!(done.status, RunStatus::Failed, "{done:#?}");
    assert_eq!(done.exit_code, Some(3));
    assert!(Path::new(&done.run_dir).join("exit.json").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_run_over_ssh_stops_its_job() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = running(&t, &["test_sim.iterations=100000", "test_sim.step_ms=50"]).await;
    t.desk.cancel(&run.id).await.unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(60)).await;
    assert_eq!(done.status, RunStatus::Cancelled, "{done:#?}");
    // The job is gone from the cluster's queue.
    let job = done.slurm_job_id.unwrap();
    let out = std::process::Command::new("squeue")
        .args(["-h", "-t", "PENDING,RUNNING", "-j", &job, "-o", "%i"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "",
        "job {job} still queued"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_node_that_goes_down_mid_run_is_shown_and_the_run_completes_after() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = running(
        &t,
        &[
            "test_sim.loads=2",
            "test_sim.iterations=30",
            "test_sim.step_ms=300",
        ],
    )
    .await;
    node.stop();
    let cut = wait_until(
        &t,
        &run.id,
        Duration::from_secs(60),
        "showed the cluster unreachable",
        |r| {
            r.status_detail
                .as_deref()
                .is_some_and(|d| d.contains("cluster unreachable since"))
        },
    )
    .await;
    assert_eq!(cut.status, RunStatus::Running, "nothing is lost: {cut:#?}");
    node.start();
    let done = wait_ended(&t, &run.id, Duration::from_secs(120)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let remote = remote_run_dir(&node, &run.id);
    let local = Path::new(&done.run_dir);
    assert_eq!(
        std::fs::read(local.join("progress.jsonl")).unwrap(),
        std::fs::read(remote.join("progress.jsonl")).unwrap(),
        "the progress file resumed from its offset without gaps or repeats"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_app_resumes_following_from_the_local_offsets() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = running(
        &t,
        &[
            "test_sim.loads=2",
            "test_sim.iterations=20",
            "test_sim.step_ms=300",
        ],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while t
        .desk
        .live()
        .progress(&run.id)
        .await
        .unwrap()
        .is_none_or(|p| p.finished_iterations == 0)
    {
        assert!(Instant::now() < deadline, "no progress from the remote run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The app closes while the job goes on, and opens again.
    let TestDesk { desk, home } = t;
    drop(desk);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t = TestDesk {
        desk: support::open(home.path(), true).await,
        home,
    };
    // What the app and fdesk do once they have opened the data dir.
    t.desk.recover().await.unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(120)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let remote = remote_run_dir(&node, &run.id);
    let local = Path::new(&done.run_dir);
    for rel in ["logs/sim.log", "progress.jsonl"] {
        assert_eq!(
            std::fs::read(local.join(rel)).unwrap(),
            std::fs::read(remote.join(rel)).unwrap(),
            "{rel} resumed with a gap or a repeat"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_of_a_hundred_runs_goes_over_ssh_as_one_job_array() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let sweep = t
        .desk
        .sweeps()
        .create(&SweepRequest {
            template: "quick".into(),
            overrides: vec!["test_sim.iterations=1".into()],
            axes: vec![AxisSpec {
                key: "test_sim.step_ms".into(),
                values: "1..100".into(),
            }],
            executor: Some(PROFILE.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sweep.runs.len(), 100);
    let first = sweep.runs[0].slurm_job_id.clone().unwrap();
    let array = first.split('_').next().unwrap();
    for (i, r) in sweep.runs.iter().enumerate() {
        assert_eq!(r.slurm_job_id.as_deref(), Some(format!("{array}_{i}").as_str()));
    }
    // The array reads remote paths only: its index names the remote run folders.
    let sweep_dir = node.scratch_path(&format!("fusion-desk/sweeps/{}", sweep.sweep.id));
    let index = std::fs::read_to_string(sweep_dir.join("index")).unwrap();
    assert!(sweep_dir.join("array.sh").is_file());
    assert_eq!(index.lines().count(), 100);
    assert!(
        !index.contains(&t.home.path().to_string_lossy().into_owned()),
        "{index}"
    );
    for r in &sweep.runs {
        let done = wait_ended(&t, &r.id, Duration::from_secs(240)).await;
        assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
        let local = Path::new(&done.run_dir);
        let remote = remote_run_dir(&node, &r.id);
        for rel in ["logs/sim.log", "exit.json"] {
            assert_eq!(
                std::fs::read(local.join(rel)).unwrap(),
                std::fs::read(remote.join(rel)).unwrap(),
                "{rel} of {} differs",
                r.id
            );
        }
        assert!(std::fs::read_dir(local.join("output")).unwrap().count() > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_past_its_time_limit_over_ssh_fails_as_a_timeout_with_its_log_here() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let simulator = node.scratch_path("bin/test-sim").display().to_string();
    t.desk
        .clusters()
        .save(&ClusterProfile {
            time_limit: "1".into(),
            ..profile(simulator)
        })
        .await
        .unwrap();
    let run = running(&t, &["test_sim.iterations=100000", "test_sim.step_ms=100"]).await;
    // Slurm's limits are whole minutes, enforced up to 30 s late.
    let done = wait_ended(&t, &run.id, Duration::from_secs(150)).await;
    assert_eq!(done.status, RunStatus::Failed, "{done:#?}");
    let msg = done.error_message.clone().unwrap();
    assert!(
        msg.contains("at its time limit (") && msg.contains("TIMEOUT"),
        "{msg}"
    );
    assert!(msg.contains("Last lines of the log"), "{msg}");
    assert!(
        done.status_detail
            .as_deref()
            .is_some_and(|d| d.contains("ended as TIMEOUT")),
        "{done:#?}"
    );
    // The log the job wrote until Slurm stopped it is here, whole.
    let remote = remote_run_dir(&node, &run.id);
    let local = Path::new(&done.run_dir);
    assert_eq!(
        std::fs::read(local.join("logs/sim.log")).unwrap(),
        std::fs::read(remote.join("logs/sim.log")).unwrap()
    );
    assert!(local.join("exit.json").is_file(), "the job's exit.json came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_over_the_fetch_cap_stays_on_the_cluster_is_listed_and_comes_when_asked() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = trusting_desk(&node).await;
    let run = running(
        &t,
        &[
            "test_sim.loads=2",
            "test_sim.iterations=10",
            "test_sim.step_ms=300",
        ],
    )
    .await;
    // The job leaves a result one byte over the cap (sparse: no disk used).
    let size = RESULT_FILE_CAP + 1;
    let big_dir = remote_run_dir(&node, &run.id).join("output/traffic");
    std::fs::create_dir_all(&big_dir).unwrap();
    let big = std::fs::File::create(big_dir.join("matrix.bin")).unwrap();
    big.set_len(size - 4).unwrap();
    drop(big);
    let mut big = std::fs::OpenOptions::new()
        .append(true)
        .open(big_dir.join("matrix.bin"))
        .unwrap();
    std::io::Write::write_all(&mut big, b"tail").unwrap();
    let chowned = std::process::Command::new("chown")
        .args(["-R", node.user])
        .arg(&big_dir)
        .status()
        .unwrap();
    assert!(chowned.success());

    let done = wait_ended(&t, &run.id, Duration::from_secs(90)).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let local = Path::new(&done.run_dir).join("output/traffic/matrix.bin");
    assert!(
        !local.exists(),
        "a result over the cap is not fetched with the rest"
    );
    let left = results::on_cluster(t.desk.ctx(), &run.id).await.unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        (left[0].path.as_str(), left[0].size),
        ("traffic/matrix.bin", size)
    );

    // Only what the record lists can be asked for.
    for other in ["traffic", "../config.ini", "nothing.json"] {
        let e = results::fetch_from_cluster(t.desk.ctx(), &run.id, other)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{other}: {e}");
    }
    let fetched = results::fetch_from_cluster(t.desk.ctx(), &run.id, "traffic/matrix.bin")
        .await
        .unwrap();
    assert_eq!(fetched, local);
    let mut file = std::fs::File::open(&local).unwrap();
    assert_eq!(file.metadata().unwrap().len(), size);
    std::io::Seek::seek(&mut file, std::io::SeekFrom::End(-4)).unwrap();
    let mut tail = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut tail).unwrap();
    assert_eq!(tail, b"tail");
    assert_eq!(
        results::on_cluster(t.desk.ctx(), &run.id).await.unwrap(),
        [],
        "once fetched it is no longer listed as on the cluster"
    );
}

/// squeue on this machine (the test cluster's controller) knows the job.
fn squeue_knows(job: &str) -> bool {
    let out = std::process::Command::new("squeue")
        .args(["-h", "-t", "all", "-j", job, "-o", "%i"])
        .output()
        .unwrap();
    out.status.success() && !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_ended_and_was_forgotten_while_the_app_was_closed_is_settled_from_accounting() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start_with_accounting(2);
    let t = trusting_desk(&node).await;
    let run = running(&t, &["test_sim.iterations=100000", "test_sim.step_ms=100"]).await;
    let job = run.slurm_job_id.clone().unwrap();

    // The app closes; meanwhile an administrator cancels the job, and the
    // controller forgets it (only accounting remembers how it ended: its
    // exit.json says no more than "stopped by a signal").
    let TestDesk { desk, home } = t;
    drop(desk);
    let cancelled = std::process::Command::new("scancel").arg(&job).status().unwrap();
    assert!(cancelled.success());
    let deadline = Instant::now() + Duration::from_secs(150);
    while squeue_knows(&job) {
        assert!(Instant::now() < deadline, "the controller never forgot job {job}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let t = TestDesk {
        desk: support::open(home.path(), true).await,
        home,
    };
    t.desk.recover().await.unwrap();
    let done = wait_ended(&t, &run.id, Duration::from_secs(60)).await;
    assert_eq!(done.status, RunStatus::Cancelled, "{done:#?}");
    let said = format!("{:?} {:?}", done.error_message, done.status_detail);
    assert!(said.contains("outside FUSION Desk"), "{said}");
    assert!(said.contains("ended as CANCELLED"), "{said}");
    let remote = remote_run_dir(&node, &run.id);
    assert_eq!(
        std::fs::read(Path::new(&done.run_dir).join("logs/sim.log")).unwrap(),
        std::fs::read(remote.join("logs/sim.log")).unwrap(),
        "the log came back whole"
    );
}
