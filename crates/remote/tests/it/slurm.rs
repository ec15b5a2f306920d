//! The login node in front of the local Slurm: the test user's ~/.bashrc
//! exports SLURM_CONF, as a cluster's module setup would put Slurm in
//! reach; submitting, following and cancelling go over the connection.

use std::time::{Duration, Instant};

use fusion_desk_remote::{Connection, RemotePath, RemoteRoot};

use crate::support::login_node::login_node;
use crate::support::slurm_cluster::Cluster;

const RUN: &str = "a1b2c3d4e5f6";

async fn job_state(conn: &Connection, job: &str) -> String {
    let out = conn
        .run_ok(&["squeue", "-h", "-t", "all", "-j", job, "-o", "%T"])
        .await
        .unwrap();
    out.stdout_text().trim().to_owned()
}

async fn wait_for_state(conn: &Connection, job: &str, want: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let state = job_state(conn, job).await;
        if want.contains(&state.as_str()) {
            return state;
        }
        assert!(Instant::now() < deadline, "job {job} is {state:?}, not {want:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn check_lists_the_clusters_partitions() {
    let Some(node) = login_node() else {
        return;
    };
    let _cluster = Cluster::start();
    let check = node.connection().check().await.unwrap();
    let debug = check
        .partitions
        .iter()
        .find(|p| p.name == "debug")
        .unwrap_or_else(|| panic!("{check:?}"));
    assert!(debug.is_default);
    assert_eq!(debug.availability, "up");
    assert!(debug.nodes >= 1);
}

/// Stages `script` as the run's `slurm.sh` in `$SCRATCH/fusion-desk` and
/// submits it with its output in `logs/sim.log`, as the executor will;
/// the run folder and the job id.
async fn submit(conn: &Connection, script: &str) -> (RemotePath, String) {
    let root = RemoteRoot::resolve(conn, "$SCRATCH/fusion-desk").await.unwrap();
    let run_dir = root.run_dir(RUN).unwrap();
    let local = tempfile::tempdir().unwrap();
    let file = local.path().join("slurm.sh");
    std::fs::write(&file, script).unwrap();
    conn.push_files(&run_dir, &[&file]).await.unwrap();
    conn.run_ok(&["mkdir", "-p", run_dir.join("logs").unwrap().as_str()])
        .await
        .unwrap();
    let submitted = conn
        .run_ok(&[
            "sbatch",
            "--parsable",
            "--chdir",
            run_dir.as_str(),
            "--output",
            run_dir.join("logs/sim.log").unwrap().as_str(),
            run_dir.join("slurm.sh").unwrap().as_str(),
        ])
        .await
        .unwrap();
    let job = submitted.stdout_text().trim().to_owned();
    assert!(
        job.chars().all(|c| c.is_ascii_digit()) && !job.is_empty(),
        "{job:?}"
    );
    (run_dir, job)
}

#[tokio::test]
async fn submits_follows_and_cancels_a_job_over_ssh() {
    let Some(node) = login_node() else {
        return;
    };
    let _cluster = Cluster::start();
    let conn = node.connection();
    let (run_dir, job) = submit(
        &conn,
        "#!/bin/sh\necho \"started on $(hostname) as $(id -un)\"\nexec sleep 300\n",
    )
    .await;
    let log = run_dir.join("logs/sim.log").unwrap();

    wait_for_state(&conn, &job, &["RUNNING"]).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        let pulled = conn.pull_from(&log, 0, 4096).await.unwrap();
        if !pulled.bytes.is_empty() {
            break String::from_utf8(pulled.bytes).unwrap();
        }
        assert!(Instant::now() < deadline, "the job's log stays empty");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(text.ends_with("as fdremote\n"), "{text:?}");

    conn.run_ok(&["scancel", &job]).await.unwrap();
    assert_eq!(wait_for_state(&conn, &job, &["CANCELLED"]).await, "CANCELLED");

    // Accounting: the executor reads sacct when the cluster keeps it, and
    // needs to tell "disabled" from an answer.
    let sacct = conn
        .run(&["sacct", "-n", "-X", "-P", "-j", &job, "-o", "JobID,State"])
        .await
        .unwrap();
    if sacct.success() {
        assert!(sacct.stdout_text().contains(&job), "{sacct:?}");
    } else {
        assert!(
            sacct.stderr_text().to_lowercase().contains("accounting"),
            "{sacct:?}"
        );
    }
}

#[tokio::test]
async fn a_finished_jobs_results_come_back() {
    let Some(node) = login_node() else {
        return;
    };
    let _cluster = Cluster::start();
    let conn = node.connection();
    let (run_dir, job) = submit(
        &conn,
        "#!/bin/sh\nmkdir -p output && printf '{\"blocking\":0.01}' > output/300_erlang.json\n",
    )
    .await;
    assert_eq!(
        wait_for_state(&conn, &job, &["COMPLETED", "FAILED"]).await,
        "COMPLETED"
    );
    let local = tempfile::tempdir().unwrap();
    let dest = local.path().join("output");
    conn.fetch_dir(&run_dir.join("output").unwrap(), &dest, None)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dest.join("300_erlang.json")).unwrap(),
        "{\"blocking\":0.01}"
    );
}
