//! "Test connection" of a cluster this machine submits to: `sinfo` for the
//! profile's partition. (A cluster reached over SSH is checked by
//! [`crate::exec::ssh::check`], which reports the same [`ClusterCheck`].)

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::commands::{self, SlurmError};
use super::profile::ClusterProfile;
use super::transport::CommandTransport;

/// What `sinfo` said about a cluster profile's partition.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ClusterCheck {
    pub profile: String,
    pub ok: bool,
    /// The partitions and node states, or exactly what is wrong.
    pub summary: String,
    /// What failed, as a stable code (`unresolvable`, `unreachable`,
    /// `authentication`, `host_key_unknown`, `no_slurm`, …); none when ok.
    pub problem: Option<String>,
    /// The key an unknown or changed login node presented, for the user to
    /// confirm before it is accepted.
    pub host_key_type: Option<String>,
    pub host_key_fingerprint: Option<String>,
}

/// Asks the cluster (`sinfo`) whether the profile's partition exists and
/// what its nodes are doing.
pub async fn check_here(transport: &dyn CommandTransport, profile: ClusterProfile) -> ClusterCheck {
    let mut args = vec!["-h".to_owned(), "-o".to_owned(), "%P %a %D %T %c".to_owned()];
    if !profile.partition.is_empty() {
        args.extend(["-p".to_owned(), profile.partition.clone()]);
    }
    let (problem, summary) = match commands::run(transport, "sinfo", &args).await {
        Ok(text) if text.trim().is_empty() => (
            Some("command_failed"),
            if profile.partition.is_empty() {
                "the cluster has no partitions".to_owned()
            } else {
                format!("the cluster has no partition {:?}", profile.partition)
            },
        ),
        Ok(text) => {
            let lines: Vec<String> = text
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    (f.len() >= 5).then(|| {
                        format!(
                            "partition {} ({}): {} node(s) {}, {} CPUs each",
                            f[0], f[1], f[2], f[3], f[4]
                        )
                    })
                })
                .collect();
            (None, lines.join("; "))
        }
        Err(SlurmError::Unreachable(m)) => (
            Some("slurm_unreachable"),
            format!("cannot reach the Slurm controller: {m}"),
        ),
        Err(e @ SlurmError::Missing(_)) => (Some("no_slurm"), e.message().to_owned()),
        Err(e) => (Some("command_failed"), e.message().to_owned()),
    };
    ClusterCheck {
        profile: profile.name,
        ok: problem.is_none(),
        problem: problem.map(str::to_owned),
        summary,
        host_key_type: None,
        host_key_fingerprint: None,
    }
}
