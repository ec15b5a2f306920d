//! Helpers shared by the integration tests.
#![allow(dead_code)]

use fusion_sim::batch::{self, RunOptions, RunSummary};
use fusion_sim::config;
use fusion_sim::engine::Model;
use fusion_sim::log::Logger;
use fusion_sim::progress::Progress;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fusion-sim-test-{}-{}", tag, std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Loads a config with overrides and runs it into `out`.
pub fn run_config(path: &Path, overrides: &[(&str, &str)], out: &Path, threads: usize) -> RunSummary {
    let ov: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let cfg = config::load_with_overrides(path, &ov).expect("config loads");
    cfg.check_supported().expect("supported");
    let model = Model::new(cfg);
    let logger = Logger::new();
    let progress = Progress::disabled();
    let stop = AtomicBool::new(false);
    let opts = RunOptions {
        output_dir: out.to_path_buf(),
        threads,
        logger: &logger,
        progress: &progress,
        stop: &stop,
        fixed_end_time: Some(std::time::UNIX_EPOCH),
    };
    batch::run(&model, &opts).expect("run")
}
