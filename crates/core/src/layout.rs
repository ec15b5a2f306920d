//! Where things live on disk: the data dir and the fixed layout of a run folder.

use std::path::{Path, PathBuf};

use crate::error::{DeskError, Result};
use crate::run_id::RunId;

/// Environment variable that overrides the platform data dir (tests, several profiles).
pub const HOME_ENV: &str = "FUSION_DESK_HOME";

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// `FUSION_DESK_HOME` if set, else the platform data dir
    /// (`$XDG_DATA_HOME/fusion-desk` or `~/.local/share/fusion-desk`).
    pub fn from_env() -> Result<Self> {
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Self::at(PathBuf::from(home));
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .ok_or_else(|| DeskError::internal("neither FUSION_DESK_HOME nor HOME is set"))?;
        Self::at(base.join("fusion-desk"))
    }

    /// A data dir at `root`, created if missing. The path is made absolute so
    /// that every path handed to a simulator is absolute too.
    pub fn at(root: PathBuf) -> Result<Self> {
        std::fs::create_dir_all(root.join("runs"))
            .map_err(|e| DeskError::io(format!("cannot create data dir {}", root.display()), e))?;
        let root = root
            .canonicalize()
            .map_err(|e| DeskError::io(format!("cannot resolve data dir {}", root.display()), e))?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("fusion-desk.db")
    }

    pub fn runs(&self) -> PathBuf {
        self.root.join("runs")
    }

    pub fn run(&self, id: &RunId) -> RunDir {
        RunDir {
            root: self.runs().join(id.as_str()),
        }
    }
}

/// The folder of one run; see the README's run directory section.
#[derive(Debug, Clone)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config(&self) -> PathBuf {
        self.root.join("config.ini")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn sim_log(&self) -> PathBuf {
        self.logs().join("sim.log")
    }
    pub fn supervisor_log(&self) -> PathBuf {
        self.logs().join("supervisor.log")
    }
    pub fn output(&self) -> PathBuf {
        self.root.join("output")
    }
    pub fn progress(&self) -> PathBuf {
        self.root.join("progress.jsonl")
    }
    /// Written by the supervisor when the simulator is gone: the outcome.
    pub fn exit_file(&self) -> PathBuf {
        self.root.join("exit.json")
    }
    /// Written by whoever cancels: tells the supervisor the grace period to use.
    pub fn cancel_file(&self) -> PathBuf {
        self.root.join("cancel.json")
    }
    /// Held (flock) for as long as a launcher or supervisor owns the run.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("run.lock")
    }
}
