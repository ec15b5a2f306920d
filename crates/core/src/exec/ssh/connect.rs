//! The SSH connection of a cluster profile. Its master socket and the
//! host keys accepted in the app live in `<data dir>/ssh` (mode 0700), so
//! several profiles to one login node share what was accepted once.

use std::path::PathBuf;

use fusion_desk_remote::{Connection, ConnectionOptions};

use crate::error::{DeskError, Result};
use crate::exec::slurm::{ClusterConnection, ClusterProfile};
use crate::layout::DataDir;

/// An SSH config file to use instead of `~/.ssh/config` (`ssh -F`). When
/// it is set it is the whole SSH setup: only host keys accepted in the app
/// count, not the user's own known_hosts (tests and locked-down setups).
pub const SSH_CONFIG_ENV: &str = "FUSION_DESK_SSH_CONFIG";

/// The folder of the app's SSH connections and accepted host keys.
pub fn control_dir(data: &DataDir) -> PathBuf {
    data.root().join("ssh")
}

/// The SSH options in effect for this process.
pub fn options() -> ConnectionOptions {
    let config_file = std::env::var_os(SSH_CONFIG_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    ConnectionOptions {
        use_user_known_hosts: config_file.is_none(),
        config_file,
        ..ConnectionOptions::default()
    }
}

/// A connection to the profile's login node; `None` for a profile reached
/// from this machine. Nothing is connected until the first command.
pub fn connection(data: &DataDir, profile: &ClusterProfile) -> Result<Option<Connection>> {
    let ClusterConnection::Ssh { .. } = &profile.connection else {
        return Ok(None);
    };
    let target = match profile.connection.ssh_target() {
        Some(Ok(target)) => target,
        Some(Err(why)) => {
            return Err(DeskError::invalid_input(format!(
                "cluster profile SSH host: {why}"
            )))
        }
        None => return Ok(None),
    };
    Connection::new(target, &control_dir(data), options())
        .map(Some)
        .map_err(|e| DeskError::invalid_input(e.message))
}
