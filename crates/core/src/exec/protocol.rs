//! What the launcher, the supervisor, the batch scripts and whoever cancels
//! a run agree on: the supervisor's invocation, the descriptor that carries
//! the run's lock, the cancel request file, and the simulator's command line.

use std::os::fd::RawFd;

use serde::{Deserialize, Serialize};

use crate::error::{DeskError, Result};
use crate::layout::RunDir;
use crate::run_id::RunId;
use crate::settings;

/// First argument that turns a FUSION Desk binary into a run supervisor.
pub const SUPERVISE_ARG: &str = "__supervise";
/// The descriptor on which the launcher hands over the run's lock.
pub const LOCK_FD: RawFd = 3;

/// True when the current process was started as a supervisor.
pub fn is_invocation() -> bool {
    std::env::args_os().nth(1).is_some_and(|a| a == SUPERVISE_ARG)
}

/// Written to `cancel.json` by whoever cancels a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CancelRequest {
    pub grace_seconds: f64,
    pub requested_at: String,
}

/// The simulator's command line for a run: the recorded simulator command
/// followed by FUSION's `run_sim` interface with absolute paths (FUSION
/// resolves relative ones against its own source tree). `dir` is the run
/// folder as the machine running the simulator sees it.
pub fn run_sim_command(simulator: Option<&str>, dir: &RunDir, id: &RunId) -> Result<Vec<String>> {
    let simulator = simulator
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| DeskError::internal(format!("run {id} has no simulator recorded")))?;
    let mut cmd = settings::split_command(simulator)?;
    let path = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    cmd.extend([
        "run_sim".to_owned(),
        "--config_path".to_owned(),
        path(dir.config()),
        "--run_id".to_owned(),
        id.to_string(),
        "--output_dir".to_owned(),
        path(dir.output()),
        "--progress_file".to_owned(),
        path(dir.progress()),
    ]);
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_names_every_path_inside_the_given_folder() {
        let id = RunId::parse("0123456789ab").unwrap();
        let dir = RunDir::at("/cluster/runs/0123456789ab".into());
        let cmd = run_sim_command(Some("python3 -m fusion"), &dir, &id).unwrap();
        assert_eq!(&cmd[..3], ["python3", "-m", "fusion"]);
        assert_eq!(cmd[3], "run_sim");
        let value = |flag: &str| cmd[cmd.iter().position(|a| a == flag).unwrap() + 1].clone();
        assert_eq!(value("--config_path"), "/cluster/runs/0123456789ab/config.ini");
        assert_eq!(value("--output_dir"), "/cluster/runs/0123456789ab/output");
        assert_eq!(
            value("--progress_file"),
            "/cluster/runs/0123456789ab/progress.jsonl"
        );
        assert_eq!(value("--run_id"), "0123456789ab");
    }

    #[test]
    fn a_run_without_a_simulator_is_refused() {
        let id = RunId::parse("0123456789ab").unwrap();
        let dir = RunDir::at("/r".into());
        assert!(run_sim_command(Some("  "), &dir, &id).is_err());
        assert!(run_sim_command(None, &dir, &id).is_err());
    }
}
