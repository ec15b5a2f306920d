//! Benchmark of a Slurm cluster reached over SSH: the test suite's login
//! node (a private sshd on loopback, the cluster-side user `fdremote`) in
//! front of the local single-node Slurm (scripts/slurm-local.sh, started
//! and stopped here under the same lock as the test suites), printed as
//! figures:
//! - staging N run folders (config.ini + batch script, logs/ and output/
//!   each): one rsync per run folder after batched mkdirs, against one
//!   rsync of one staging tree (`push_tree`), side by side over the same
//!   connection, with their ratio;
//! - N runs created at once over SSH (`create_many`: folders, configs,
//!   rows, scripts, the staging transfer, one `sbatch` of a job array):
//!   runs per second;
//! - time from the submission to each run being seen RUNNING by FUSION
//!   Desk (its poller follows the cluster every second; a run that ends
//!   between two polls counts when its end is seen): first, median, last,
//!   and the time until all have completed with their files here;
//! - the delay from a line appended to a running job's log on the cluster
//!   side to the same line in the local run's logs/sim.log.
//!
//! Run as root with
//! `cargo build -p fdesk -p test-sim && cargo bench -p fusion-desk-core --bench ssh [-- N]`
//! (N defaults to 1000).

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fusion_desk_core::exec::slurm::{ClusterConnection, ClusterProfile};
use fusion_desk_core::exec::ssh::connect::{self, SSH_CONFIG_ENV};
use fusion_desk_core::exec::ssh::HostKeyTrust;
use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{CreateRunRequest, Desk, DeskOptions, RunStatus};
use fusion_desk_remote::{Connection, RemotePath, RemoteRoot};
use fusion_desk_test_support::login_node::{login_node, LoginNode};

const PROFILE: &str = "remote";
const ALIAS: &str = "benchcluster";
const REMOTE_FOLDER: &str = "$SCRATCH/fusion-desk";
/// Folders per remote `mkdir` in the per-folder staging, as it was done.
const MKDIR_BATCH: usize = 200;
const PROBE_LINES: usize = 40;

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
        .unwrap_or_else(|| panic!("{name} missing: cargo build -p fdesk -p test-sim first"))
        .clone()
}

/// The local Slurm, under the lock every suite that starts it takes;
/// stopped (its jobs cancelled) on drop.
struct Cluster {
    _lock: File,
}

fn slurm_local(action: &str) -> bool {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/slurm-local.sh");
    Command::new("bash")
        .arg(script)
        .arg(action)
        .status()
        .unwrap()
        .success()
}

impl Cluster {
    fn start() -> Cluster {
        let lock = File::create("/tmp/fusion-desk-slurm.lock").unwrap();
        // SAFETY: flock on a descriptor we own; released when it closes.
        assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
        assert!(slurm_local("start"), "slurm-local.sh start failed");
        Cluster { _lock: lock }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        slurm_local("stop");
    }
}

fn profile(simulator: &Path) -> ClusterProfile {
    ClusterProfile {
        name: PROFILE.into(),
        partition: "debug".into(),
        simulator_command: simulator.display().to_string(),
        connection: ClusterConnection::Ssh {
            host: ALIAS.into(),
            user: None,
            port: None,
            remote_folder: REMOTE_FOLDER.into(),
        },
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

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn pick(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let Some(node) = login_node() else { return };
    std::env::set_var(SSH_CONFIG_ENV, node.ssh_config(ALIAS));
    std::env::set_var("SLURM_CONF", "/tmp/fusion-desk-slurm/slurm.conf");
    let _cluster = Cluster::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let home = tempfile::tempdir().unwrap();
        let desk = Desk::open(DeskOptions {
            data: DataDir::at(home.path().to_owned()).unwrap(),
            supervisor: SupervisorProgram(bin("fdesk")),
            watch_runs: true,
        })
        .await
        .unwrap();
        let simulator = node.install_program(&bin("test-sim"), "test-sim");
        let profile = profile(&simulator);
        desk.clusters().save(&profile).await.unwrap();
        let trust = HostKeyTrust::Accept {
            fingerprint: node.host_fingerprint(),
        };
        let check = desk.clusters().check_trusting(PROFILE, &trust).await.unwrap();
        assert!(check.ok, "{check:?}");

        let conn = connect::connection(desk.data(), &profile).unwrap().unwrap();
        let root = RemoteRoot::resolve(&conn, REMOTE_FOLDER).await.unwrap();
        staging(&conn, &root, n).await;
        submission(&desk, n).await;
        log_delay(&desk, &node).await;
        conn.close().await;
    });
}

/// `n` run folders staged one rsync each (the way before) and as one tree.
async fn staging(conn: &Connection, root: &RemoteRoot, n: usize) {
    let local = tempfile::tempdir().unwrap();
    let config = "[general_settings]\n".to_owned() + &"key = value of a frozen config\n".repeat(60);
    let runs: Vec<(String, PathBuf)> = (0..n)
        .map(|i| {
            let id = format!("{i:012x}");
            let dir = local.path().join("runs").join(&id);
            std::fs::create_dir_all(dir.join("logs")).unwrap();
            std::fs::create_dir_all(dir.join("output")).unwrap();
            std::fs::write(dir.join("config.ini"), &config).unwrap();
            std::fs::write(
                dir.join("slurm.sh"),
                "#!/bin/bash\n#SBATCH --job-name=x\nexec true\n",
            )
            .unwrap();
            (id, dir)
        })
        .collect();

    let before = root.join("bench-per-folder").unwrap();
    let started = Instant::now();
    let dirs: Vec<RemotePath> = runs
        .iter()
        .flat_map(|(id, _)| {
            let run = before.join(&format!("runs/{id}")).unwrap();
            [run.join("logs").unwrap(), run.join("output").unwrap()]
        })
        .collect();
    for batch in dirs.chunks(MKDIR_BATCH) {
        let mut argv = vec!["mkdir", "-p", "-m", "700"];
        argv.extend(batch.iter().map(RemotePath::as_str));
        conn.run_ok(&argv).await.unwrap();
    }
    for (id, dir) in &runs {
        let remote = before.join(&format!("runs/{id}")).unwrap();
        conn.push_files(&remote, &[&dir.join("config.ini"), &dir.join("slurm.sh")])
            .await
            .unwrap();
    }
    let per_folder = started.elapsed();

    let after = root.join("bench-one-tree").unwrap();
    let started = Instant::now();
    conn.push_tree(local.path(), &after).await.unwrap();
    let one_tree = started.elapsed();
    println!(
        "ssh staging of {n} run folders: one rsync per folder {:.2} s ({:.0} folders/s), one rsync of one \
         tree {:.2} s ({:.0} folders/s): {:.1}x faster",
        seconds(per_folder),
        n as f64 / seconds(per_folder),
        seconds(one_tree),
        n as f64 / seconds(one_tree),
        seconds(per_folder) / seconds(one_tree)
    );
}

/// `n` runs created at once, submitted as one array, followed to the end.
async fn submission(desk: &Desk, n: usize) {
    let reqs: Vec<CreateRunRequest> = (0..n)
        .map(|_| request(&["test_sim.iterations=1", "test_sim.step_ms=10"]))
        .collect();
    let started = Instant::now();
    let runs = desk.create_many(&reqs).await.unwrap();
    let submitted = started.elapsed();
    assert!(
        runs.iter().all(|r| r.slurm_job_id.is_some()),
        "every run was submitted"
    );
    println!(
        "ssh array submit: {n} runs in {:.2} s = {:.0} runs/s (create_many: folders, configs, rows, \
         scripts, one staging transfer, one sbatch over SSH)",
        seconds(submitted),
        n as f64 / seconds(submitted)
    );

    let since = Instant::now();
    let mut seen_running: Vec<Option<f64>> = vec![None; runs.len()];
    let mut ended = vec![false; runs.len()];
    let deadline = since + Duration::from_secs(1800);
    while ended.iter().any(|e| !e) {
        assert!(Instant::now() < deadline, "the runs never all ended");
        for (i, r) in runs.iter().enumerate() {
            if ended[i] {
                continue;
            }
            let run = desk.get(&r.id).await.unwrap();
            if seen_running[i].is_none() && (run.status == RunStatus::Running || run.status.is_terminal()) {
                seen_running[i] = Some(seconds(since.elapsed()));
            }
            if run.status.is_terminal() {
                assert_eq!(run.status, RunStatus::Completed, "{run:#?}");
                ended[i] = true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let all_done = since.elapsed();
    let mut seen: Vec<f64> = seen_running.into_iter().map(Option::unwrap).collect();
    seen.sort_by(f64::total_cmp);
    println!(
        "ssh submit→RUNNING as seen here (1 s polling): first {:.2} s, median {:.2} s, last {:.2} s; all {n} \
         completed with their files here {:.1} s after the submission",
        seen[0],
        pick(&seen, 0.5),
        seen[seen.len() - 1],
        seconds(all_done)
    );
}

/// Lines appended on the cluster side to a running job's log, each
/// stamped with the time it was written, and the time each appears in the
/// local run's logs/sim.log (one clock: the cluster is this machine).
async fn log_delay(desk: &Desk, node: &LoginNode) {
    let run = desk
        .create(&request(&["test_sim.iterations=100000", "test_sim.step_ms=500"]))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while desk.get(&run.id).await.unwrap().status != RunStatus::Running {
        assert!(Instant::now() < deadline, "the probe run never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let remote_log = node.scratch_path(&format!("fusion-desk/runs/{}/logs/sim.log", run.id));
    let writer = std::thread::spawn(move || {
        for _ in 0..PROBE_LINES {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&remote_log)
                .unwrap();
            // One write: appended whole between the simulator's lines.
            f.write_all(format!("fdesk-probe {:.6}\n", now.as_secs_f64()).as_bytes())
                .unwrap();
            std::thread::sleep(Duration::from_millis(137));
        }
    });
    let local_log = Path::new(&run.run_dir).join("logs/sim.log");
    let (mut offset, mut pending, mut delays) = (0u64, Vec::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    while delays.len() < PROBE_LINES && Instant::now() < deadline {
        let mut f = File::open(&local_log).unwrap();
        f.seek(std::io::SeekFrom::Start(offset)).unwrap();
        let mut fresh = Vec::new();
        f.read_to_end(&mut fresh).unwrap();
        let seen = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        offset += fresh.len() as u64;
        pending.extend(fresh);
        while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=nl).collect();
            let line = String::from_utf8_lossy(&line);
            if let Some(stamp) = line.trim().strip_prefix("fdesk-probe ") {
                delays.push((seen - stamp.parse::<f64>().unwrap()) * 1000.0);
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    writer.join().unwrap();
    desk.cancel(&run.id).await.unwrap();
    assert_eq!(delays.len(), PROBE_LINES, "every probe line arrived");
    delays.sort_by(f64::total_cmp);
    println!(
        "ssh cluster log line → local sim.log, {} lines: median {:.0} ms, p95 {:.0} ms, max {:.0} ms \
         (the follower polls every second)",
        delays.len(),
        pick(&delays, 0.5),
        pick(&delays, 0.95),
        pick(&delays, 1.0)
    );
}
