//! "Test connection" for a cluster reached over SSH: log in, ask Slurm for
//! its partitions and expand the remote folder, so every way the profile
//! can be wrong (a name that does not resolve, a refused port or login, an
//! unknown host key, no Slurm, a folder variable the cluster does not set)
//! shows as one sentence and a code. An unknown host key is trusted only
//! when the caller confirms the very fingerprint the server presented.

use fusion_desk_remote::{Connection, ErrorKind, RemoteError, RemoteRoot};

use super::connect;
use crate::exec::slurm::{ClusterCheck, ClusterConnection, ClusterProfile};
use crate::layout::DataDir;

/// What to do with a login node whose host key the app has not seen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HostKeyTrust {
    /// Refuse it and report its fingerprint.
    #[default]
    Refuse,
    /// Accept it if, and only if, it has this fingerprint (`SHA256:…`).
    Accept { fingerprint: String },
}

pub async fn check(data: &DataDir, profile: &ClusterProfile, trust: &HostKeyTrust) -> ClusterCheck {
    let conn = match connect::connection(data, profile) {
        Ok(Some(conn)) => conn,
        Ok(None) => {
            return failed(
                profile,
                "invalid_input",
                "the profile is not reached over SSH".into(),
            )
        }
        Err(e) => return failed(profile, "invalid_input", e.message),
    };
    let result = checked(&conn, profile, trust).await;
    // A check is rare: leave no master behind it.
    conn.close().await;
    match result {
        Ok(summary) => ClusterCheck {
            profile: profile.name.clone(),
            ok: true,
            summary,
            problem: None,
            host_key_type: None,
            host_key_fingerprint: None,
        },
        Err(e) => {
            let mut check = failed(
                profile,
                e.kind.code(),
                format!("{}: {}", e.kind.label(), e.message),
            );
            if let Some(key) = e.host_key {
                check.host_key_type = Some(key.key_type);
                check.host_key_fingerprint = Some(key.fingerprint);
            }
            check
        }
    }
}

async fn checked(
    conn: &Connection,
    profile: &ClusterProfile,
    trust: &HostKeyTrust,
) -> Result<String, RemoteError> {
    let partitions = match conn.check().await {
        Err(e) if e.kind == ErrorKind::HostKeyUnknown => {
            let HostKeyTrust::Accept { fingerprint } = trust else {
                return Err(e);
            };
            match &e.host_key {
                Some(key) if key.fingerprint == *fingerprint => conn.accept_host_key(key)?,
                Some(key) => {
                    return Err(RemoteError {
                        message: format!(
                            "{} now presents the key {}, not the {fingerprint} that was confirmed; \
                             nothing was accepted",
                            conn.target().display(),
                            key.fingerprint
                        ),
                        ..e.clone()
                    })
                }
                None => return Err(e),
            }
            conn.check().await?
        }
        other => other?,
    };
    let ClusterConnection::Ssh { remote_folder, .. } = &profile.connection else {
        unreachable!("only SSH profiles are checked here");
    };
    let root = RemoteRoot::resolve(conn, remote_folder).await?;
    let mut lines: Vec<String> = partitions
        .partitions
        .iter()
        .map(|p| {
            format!(
                "partition {}{} ({}): {} node(s) {}",
                p.name,
                if p.is_default { " (default)" } else { "" },
                p.availability,
                p.nodes,
                p.node_state
            )
        })
        .collect();
    if lines.is_empty() {
        return Err(RemoteError::new(
            ErrorKind::NoSlurm,
            format!(
                "Connected to {}, but Slurm reports no partitions",
                conn.target().display()
            ),
        ));
    }
    if !profile.partition.is_empty() && !partitions.partitions.iter().any(|p| p.name == profile.partition) {
        return Err(RemoteError::new(
            ErrorKind::CommandFailed,
            format!(
                "Connected to {}, but the cluster has no partition {:?}",
                conn.target().display(),
                profile.partition
            ),
        ));
    }
    lines.push(format!("runs go to {}/runs", root.as_str()));
    Ok(format!("{}: {}", conn.target().display(), lines.join("; ")))
}

fn failed(profile: &ClusterProfile, problem: &str, summary: String) -> ClusterCheck {
    ClusterCheck {
        profile: profile.name.clone(),
        ok: false,
        summary,
        problem: Some(problem.to_owned()),
        host_key_type: None,
        host_key_fingerprint: None,
    }
}
