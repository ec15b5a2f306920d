//! Shared by the `fdesk` test suites: a scratch data dir driven through
//! the real `fdesk` binary, an in-process view of the same store for checks,
//! and the checks of the product promise (no run lost, none double-started,
//! progress neither missing nor duplicated).
//!
//! `FUSION_DESK_LONG_TESTS=1` turns on the long variants.

#![allow(dead_code)]

pub use fusion_desk_test_support::processes_of_run;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{Desk, DeskOptions, RunStatus};
use serde_json::Value;

pub fn long() -> bool {
    std::env::var("FUSION_DESK_LONG_TESTS").is_ok_and(|v| v == "1")
}

pub fn fdesk() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fdesk"))
}

pub fn test_sim() -> PathBuf {
    let path = fdesk().parent().unwrap().join("test-sim");
    assert!(
        path.is_file(),
        "build the workspace binaries first (cargo build --workspace --bins)"
    );
    path
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A data dir whose runs use test-sim, set up through `fdesk settings`.
    pub fn new(max_concurrent: u32) -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        home.ok(&settings_args(max_concurrent)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>());
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        cmd_at(self.path(), args)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "fdesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// Creates a run from the `quick` template with `--set` overrides; its id.
    pub fn create(&self, sets: &[&str]) -> String {
        let mut args = vec!["create", "--template", "quick"];
        for s in sets {
            args.extend(["--set", s]);
        }
        self.json(&args)["id"].as_str().unwrap().to_owned()
    }

    /// Every run of the data dir, newest first.
    pub fn runs(&self) -> Vec<Value> {
        self.json(&["list", "--limit", "1000"])["runs"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// A Desk on the same data dir that only looks: it never launches runs.
    pub async fn observer(&self) -> Desk {
        open_desk(self.path(), false).await
    }
}

pub fn settings_args(max_concurrent: u32) -> Vec<String> {
    vec![
        "settings".into(),
        "--simulator".into(),
        test_sim().to_string_lossy().into_owned(),
        "--max-concurrent".into(),
        max_concurrent.to_string(),
        "--grace-seconds".into(),
        "1".into(),
    ]
}

pub fn cmd_at(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(fdesk());
    c.args(args)
        .env("FUSION_DESK_HOME", home)
        .env_remove("FUSION_DESK_SIMULATOR");
    c
}

/// A Desk on `home` whose runs, if it launches any, are supervised by `fdesk`.
pub async fn open_desk(home: &Path, watch_runs: bool) -> Desk {
    Desk::open(DeskOptions {
        data: DataDir::at(home.to_owned()).unwrap(),
        supervisor: SupervisorProgram(fdesk()),
        watch_runs,
    })
    .await
    .unwrap()
}

/// True when `pid` is alive and started at `start` (not a recycled pid).
pub fn alive(pid: Option<i64>, start: Option<i64>) -> bool {
    match (pid, start) {
        (Some(pid), Some(start)) => fusion_desk_core::procfs::is_same_process(pid as i32, start as u64),
        _ => false,
    }
}

/// What the run's frozen config told test-sim to do: (iterations, exit code).
pub fn planned(config: &str) -> (u32, i32) {
    let get = |key: &str, default: i64| {
        fusion_desk_core::ini::get(config, "test_sim", key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    (get("iterations", 3) as u32, get("exit_code", 0) as i32)
}

/// Everything wrong with one terminal run, checked against its frozen config:
/// its status, its progress (each iteration exactly once, 100 % when
/// completed) and a single start of its simulator.
pub async fn problems_of_finished_run(desk: &Desk, id: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let run = match desk.get(id).await {
        Ok(run) => run,
        Err(e) => return vec![format!("{id}: lost ({})", e.message)],
    };
    let dir = Path::new(&run.run_dir);
    let config = std::fs::read_to_string(dir.join("config.ini")).unwrap_or_default();
    let (iterations, exit_code) = planned(&config);
    let expected = if exit_code == 0 {
        RunStatus::Completed
    } else {
        RunStatus::Failed
    };
    if run.status != expected {
        problems.push(format!(
            "{id}: {:?}, expected {expected:?} ({:?})",
            run.status, run.error_message
        ));
        return problems;
    }
    let started = std::fs::read_to_string(dir.join("logs/supervisor.log"))
        .unwrap_or_default()
        .matches("started simulator")
        .count();
    if started != 1 {
        problems.push(format!("{id}: simulator started {started} times"));
    }
    // progress.jsonl: iterations 1..=N, each exactly once.
    let jsonl = std::fs::read_to_string(dir.join("progress.jsonl")).unwrap_or_default();
    let mut seen = vec![0u32; iterations as usize + 1];
    for line in jsonl.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            problems.push(format!("{id}: progress.jsonl has a broken line {line:?}"));
            continue;
        };
        if v["type"] == "iteration" {
            let i = v["iteration"].as_u64().unwrap_or(0) as usize;
            match seen.get_mut(i) {
                Some(n) if i > 0 => *n += 1,
                _ => problems.push(format!("{id}: iteration {i} out of range")),
            }
        }
    }
    for (i, n) in seen.iter().enumerate().skip(1) {
        if *n != 1 {
            problems.push(format!(
                "{id}: iteration {i} recorded {n} times in progress.jsonl"
            ));
        }
    }
    if run.status == RunStatus::Completed {
        match desk.live().progress(id).await {
            Ok(Some(p)) => {
                let total = p.total_iterations.unwrap_or(0) * p.total_erlangs.unwrap_or(1);
                if p.finished_iterations != iterations || total != iterations || p.percent != Some(100.0) {
                    problems.push(format!(
                        "{id}: progress {} of {total} ({:?} %), expected {iterations} of {iterations} (100 %)",
                        p.finished_iterations, p.percent
                    ));
                }
            }
            Ok(None) => problems.push(format!("{id}: completed without progress")),
            Err(e) => problems.push(format!("{id}: progress: {}", e.message)),
        }
    }
    problems
}

/// Waits (bounded) until every run is terminal, running `fdesk list` now and
/// then as a restarted process would (it settles runs whose owners have gone).
pub async fn wait_all_terminal(home: &Path, desk: &Desk, within: Duration) -> Vec<String> {
    let deadline = std::time::Instant::now() + within;
    let mut last_restart = std::time::Instant::now();
    loop {
        let active: Vec<String> = desk
            .active_runs()
            .await
            .unwrap()
            .into_iter()
            .map(|r| format!("{} {:?}", r.id, r.status))
            .collect();
        if active.is_empty() || std::time::Instant::now() >= deadline {
            return active;
        }
        if last_restart.elapsed() > Duration::from_secs(2) {
            let _ = cmd_at(home, &["list", "--limit", "1"]).output();
            last_restart = std::time::Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
