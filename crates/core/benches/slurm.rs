//! Cluster executor benchmark on the local single-node Slurm (started and
//! stopped here with scripts/slurm-local.sh), printed as figures:
//! - 1 000 runs created at once (`create_many`: folders, configs, rows,
//!   batch scripts and one `sbatch` of a job array): runs per second;
//! - time from the array's submission to RUNNING as FUSION Desk records it
//!   (its poller asks Slurm every second; a run that ends between two polls
//!   counts as started when its end is seen), percentiles over the 1 000
//!   runs, which queue for the node's 16 slots, and the time until all have
//!   completed;
//! - 100 runs created one by one (one plain `sbatch` each): runs per second.
//!
//! Run with `cargo build --workspace --bins && cargo bench -p fusion-desk-core --bench slurm`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use fusion_desk_core::exec::slurm::ClusterProfile;
use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{timestamp, CreateRunRequest, Desk, DeskOptions, Settings};

const RUNS: usize = 1000;
const SINGLE_RUNS: usize = 100;

/// A workspace binary: beside this bench's profile dir, else the debug build.
fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let candidates = [
        profile_dir.join(name),
        profile_dir.parent().unwrap().join("debug").join(name),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} missing: cargo build --workspace --bins first"))
        .clone()
}

fn cluster(action: &str) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/slurm-local.sh");
    let ok = Command::new("bash")
        .arg(script)
        .arg(action)
        .status()
        .unwrap()
        .success();
    assert!(ok, "slurm-local.sh {action} failed");
}

struct StopCluster;
impl Drop for StopCluster {
    fn drop(&mut self) {
        cluster("stop");
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn request() -> CreateRunRequest {
    CreateRunRequest {
        template: "quick".into(),
        overrides: vec!["test_sim.iterations=1".into(), "test_sim.step_ms=10".into()],
        executor: Some("loopback".into()),
        ..Default::default()
    }
}

async fn open_desk(home: &std::path::Path) -> Desk {
    let desk = Desk::open(DeskOptions {
        data: DataDir::at(home.to_owned()).unwrap(),
        supervisor: SupervisorProgram(bin("fdesk")),
        watch_runs: true,
    })
    .await
    .unwrap();
    desk.save_settings(&Settings {
        simulator_command: bin("test-sim").to_string_lossy().into_owned(),
        ..Default::default()
    })
    .await
    .unwrap();
    desk.clusters()
        .save(&ClusterProfile {
            name: "loopback".into(),
            partition: "debug".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    desk
}

fn main() {
    std::env::set_var("SLURM_CONF", "/tmp/fusion-desk-slurm/slurm.conf");
    cluster("start");
    let _stop = StopCluster;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let home = tempfile::tempdir().unwrap();
        let desk = open_desk(home.path()).await;

        let reqs: Vec<CreateRunRequest> = (0..RUNS).map(|_| request()).collect();
        let started = Instant::now();
        let runs = desk.create_many(&reqs).await.unwrap();
        let took = started.elapsed();
        // The array's one sbatch is the last thing create_many does.
        let submitted_at = timestamp::parse(&timestamp::now()).unwrap();
        assert!(runs.iter().all(|r| r.slurm_job_id.is_some()), "every run was submitted");
        println!(
            "slurm array submit: {RUNS} runs in {:.2} s = {:.0} runs/s (create_many: folders, configs, rows, scripts, one sbatch)",
            took.as_secs_f64(),
            RUNS as f64 / took.as_secs_f64()
        );

        let deadline = Instant::now() + Duration::from_secs(900);
        let mut latencies = Vec::with_capacity(RUNS);
        for r in &runs {
            let run = loop {
                let run = desk.get(&r.id).await.unwrap();
                if run.status.is_terminal() {
                    break run;
                }
                assert!(Instant::now() < deadline, "run {} never ended", r.id);
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            assert_eq!(run.status, fusion_desk_core::RunStatus::Completed, "{run:#?}");
            let start = timestamp::parse(run.started_at.as_deref().unwrap()).unwrap();
            latencies.push(Duration::try_from(start - submitted_at).unwrap_or_default());
        }
        let all_done = submitted_at;
        let all_done = Duration::try_from(timestamp::parse(&timestamp::now()).unwrap() - all_done).unwrap();
        latencies.sort();
        println!(
            "slurm submit→RUNNING (as recorded, 1 s polling): p50 {:.2} s, p90 {:.2} s, p99 {:.2} s, max {:.2} s; \
             first {:.2} s; all {RUNS} completed {:.1} s after the submission",
            percentile(&latencies, 0.5).as_secs_f64(),
            percentile(&latencies, 0.9).as_secs_f64(),
            percentile(&latencies, 0.99).as_secs_f64(),
            latencies.last().unwrap().as_secs_f64(),
            latencies[0].as_secs_f64(),
            all_done.as_secs_f64()
        );

        let started = Instant::now();
        for _ in 0..SINGLE_RUNS {
            desk.create(&request()).await.unwrap();
        }
        let took = started.elapsed();
        println!(
            "slurm single submit: {SINGLE_RUNS} runs one by one in {:.2} s = {:.0} runs/s (one sbatch each)",
            took.as_secs_f64(),
            SINGLE_RUNS as f64 / took.as_secs_f64()
        );
    });
}
