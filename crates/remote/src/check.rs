//! "Test connection": log in and ask Slurm for its partitions, so every
//! way a cluster profile can be wrong shows as one sentence.

use crate::connection::Connection;
use crate::diagnose::first_line;
use crate::error::{ErrorKind, RemoteError, Result};

/// What `sinfo` reports, one entry per partition and node state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterCheck {
    pub partitions: Vec<PartitionState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionState {
    pub name: String,
    /// The partition jobs go to when none is named.
    pub is_default: bool,
    /// `up`, `down`, `drain` or `inact`.
    pub availability: String,
    pub nodes: u32,
    /// The nodes' state, e.g. `idle`, `mixed`, `allocated`.
    pub node_state: String,
}

/// sinfo's fields, `|`-separated: a partition name cannot hold one.
const SINFO_FORMAT: &str = "%P|%a|%D|%T";

impl Connection {
    pub async fn check(&self) -> Result<ClusterCheck> {
        let out = self.run(&["sinfo", "-h", "-o", SINFO_FORMAT]).await?;
        let host = self.target().host();
        if out.status == 127 {
            return Err(RemoteError::new(
                ErrorKind::NoSlurm,
                format!(
                    "Connected to {host}, but Slurm's sinfo is not on the PATH of commands run \
                     there over SSH. If Slurm is loaded as a module, load it in your \
                     ~/.bashrc on the cluster (before any line that stops non-interactive \
                     shells)."
                ),
            ));
        }
        let stderr = out.stderr_text();
        if !out.success() {
            let lower = stderr.to_ascii_lowercase();
            let kind = if lower.contains("unable to contact slurm controller")
                || lower.contains("connection refused")
                || lower.contains("socket timed out")
            {
                ErrorKind::SlurmUnreachable
            } else {
                ErrorKind::CommandFailed
            };
            return Err(RemoteError::new(
                kind,
                format!("Connected to {host}, but sinfo failed: {}", first_line(&stderr)),
            ));
        }
        Ok(ClusterCheck {
            partitions: parse_sinfo(&out.stdout_text()),
        })
    }
}

fn parse_sinfo(text: &str) -> Vec<PartitionState> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.trim().split('|');
            let name = f.next()?;
            let availability = f.next()?;
            let nodes = f.next()?.trim().parse().ok()?;
            let node_state = f.next()?;
            let (name, is_default) = match name.strip_suffix('*') {
                Some(n) => (n, true),
                None => (name, false),
            };
            Some(PartitionState {
                name: name.to_owned(),
                is_default,
                availability: availability.to_owned(),
                nodes,
                node_state: node_state.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_partitions_and_the_default_mark() {
        let got = parse_sinfo("debug*|up|1|idle\nlong|up|12|mixed\nnot a line\n");
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            PartitionState {
                name: "debug".into(),
                is_default: true,
                availability: "up".into(),
                nodes: 1,
                node_state: "idle".into()
            }
        );
        assert!(!got[1].is_default);
        assert_eq!(got[1].nodes, 12);
    }
}
