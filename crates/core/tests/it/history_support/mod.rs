//! Runs written straight into a scratch data dir (row, folder, frozen config,
//! result files) for the history and comparison tests: no simulator runs, so
//! thousands of runs take a second.

#![allow(dead_code)]

use std::path::PathBuf;

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{Desk, DeskOptions, RunId};

pub struct Scratch {
    pub desk: Desk,
    pub home: tempfile::TempDir,
}

pub async fn scratch() -> Scratch {
    let home = tempfile::tempdir().unwrap();
    let desk = Desk::open(DeskOptions {
        data: DataDir::at(home.path().to_owned()).unwrap(),
        // Nothing is launched: every run is written as already finished.
        supervisor: SupervisorProgram(PathBuf::from("/nonexistent/fdesk")),
        watch_runs: false,
    })
    .await
    .unwrap();
    Scratch { desk, home }
}

/// One load point to write as `<erlang>_erlang.json`.
pub struct Point {
    pub erlang: f64,
    pub mean: f64,
    pub ci: f64,
}

pub fn config(network: &str, extra: &str) -> String {
    format!(
        "[general_settings]\nnum_requests = 500\nmax_iters = 2\n{extra}\n[topology_settings]\nnetwork = {network}\ncores_per_link = 1\n"
    )
}

impl Scratch {
    /// A finished run with its folder, config and results.
    pub async fn finished_run(&self, name: &str, status: &str, config: &str, points: &[Point]) -> String {
        let id = RunId::generate();
        let dir = self.desk.data().run(&id);
        std::fs::create_dir_all(dir.output()).unwrap();
        std::fs::create_dir_all(dir.logs()).unwrap();
        std::fs::write(dir.config(), config).unwrap();
        std::fs::write(dir.sim_log(), "simulated\n").unwrap();
        for p in points {
            let json = format!(
                r#"{{"blocking_mean": {}, "blocking_variance": 0.0, "ci_rate_block": {}, "ci_percent_block": 1.0,
                "iter_stats": {{"0": {{"sim_block_list": [{}, {}]}}}}}}"#,
                p.mean, p.ci, p.mean, p.mean
            );
            std::fs::write(dir.output().join(format!("{:.1}_erlang.json", p.erlang)), json).unwrap();
        }
        self.desk
            .ctx()
            .store()
            .insert_run(&id, name, "quick", &[], "sim")
            .await
            .unwrap();
        sqlx::query(
            "UPDATE runs SET status = ?, network = ?, started_at = '2026-01-01T00:00:00.000+00:00', \
             completed_at = '2026-01-01T00:01:30.000+00:00' WHERE id = ?",
        )
        .bind(status)
        .bind(fusion_desk_core::history::network_of_config(config))
        .bind(id.as_str())
        .execute(self.desk.ctx().store().raw_pool())
        .await
        .unwrap();
        id.to_string()
    }
}
