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
        let existed = root.exists();
        create_private_dir_all(&root.join("runs"))
            .map_err(|e| DeskError::io(format!("cannot create data dir {}", root.display()), e))?;
        let root = root
            .canonicalize()
            .map_err(|e| DeskError::io(format!("cannot resolve data dir {}", root.display()), e))?;
        let dir = Self { root };
        if existed {
            dir.protect();
        }
        Ok(dir)
    }

    /// An existing data dir that grants group or other access: on a local
    /// filesystem it is made the user's alone; on a shared one (where a
    /// group may share it on purpose) a warning says what others can do.
    fn protect(&self) {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(&self.root) else {
            return;
        };
        if meta.permissions().mode() & 0o077 == 0 {
            return;
        }
        if let Some(warning) = self.exposure_warning() {
            tracing::warn!("{warning}");
        } else if let Err(e) = std::fs::set_permissions(&self.root, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!("cannot make the data dir {} private: {e}", self.root.display());
        }
    }

    /// A warning when others may read or change what the data dir holds: it
    /// is on a filesystem shared with other machines' users (NFS, Lustre,
    /// GPFS, SMB, Ceph, a FUSE mount) and grants group or other access.
    pub fn exposure_warning(&self) -> Option<String> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&self.root).ok()?.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return None;
        }
        let fs = nix::sys::statfs::statfs(&self.root).ok()?.filesystem_type().0 as u64;
        let shared = SHARED_FILESYSTEMS.iter().find(|(magic, _)| *magic == fs)?;
        Some(format!(
            "FUSION Desk's data folder {} is on a shared {} filesystem and has mode {mode:o}: \
             other users may read or change runs, configs and scripts. Run `chmod 700 {}`.",
            self.root.display(),
            shared.1,
            self.root.display()
        ))
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

/// Filesystem magic numbers (statfs `f_type`) of filesystems shared with
/// other machines.
const SHARED_FILESYSTEMS: [(u64, &str); 10] = [
    (0x6969, "NFS"),
    (0x0BD0_0BD0, "Lustre"),
    (0x4750_4653, "GPFS"),
    (0x517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2"),
    (0x00C3_6400, "Ceph"),
    (0x5346_414F, "AFS"),
    (0x6573_5546, "FUSE"),
    (0x0102_1997, "9p"),
];

/// Creates `path` and its missing parents with mode 0700.
pub fn create_private_dir_all(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

/// Creates the folder `path` with mode 0700; fails if it exists.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

/// Makes the file at `path` (created empty if missing) readable and
/// writable by its owner only.
pub fn private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| DeskError::io(format!("cannot open {}", path.display()), e))?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(|e| DeskError::io(format!("cannot protect {}", path.display()), e))
}

/// The folder of one run; see the README's run directory section.
#[derive(Debug, Clone)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    /// The same layout under another root: a run folder as the nodes of a
    /// cluster see it, where the simulator is told its paths.
    pub fn at(root: PathBuf) -> RunDir {
        RunDir { root }
    }
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
