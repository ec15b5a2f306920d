//! How FUSION Desk reaches a cluster's Slurm: from this machine (a submit
//! host on the cluster's shared filesystem), or over SSH to a login node
//! whose files live in a remote folder the app stages runs into.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use fusion_desk_remote::{RemoteRoot, SshTarget};

/// Where a cluster profile's Slurm commands run. Profiles stored before
/// there was a choice load as `Local`, which is what they did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClusterConnection {
    /// This machine runs Slurm's client commands and sees the run folders.
    #[default]
    Local,
    /// A login node reached with the system's OpenSSH client.
    Ssh {
        /// A host name, an address or an alias from `~/.ssh/config`.
        host: String,
        /// The login name; none means what the SSH config says.
        #[serde(default)]
        user: Option<String>,
        /// The SSH port; none means what the SSH config says (22).
        #[serde(default)]
        port: Option<u16>,
        /// Where runs go on the cluster, as the user would type it
        /// (`$SCRATCH/fusion-desk`, `~/fusion-desk`, `/scratch/ann/fd`);
        /// variables are expanded by the cluster's environment.
        remote_folder: String,
    },
}

impl ClusterConnection {
    /// The login node, for an SSH connection.
    pub fn ssh_target(&self) -> Option<Result<SshTarget, String>> {
        match self {
            ClusterConnection::Local => None,
            ClusterConnection::Ssh { host, user, port, .. } => Some(
                SshTarget::new(host, user.as_deref().filter(|u| !u.is_empty()), *port).map_err(|e| e.message),
            ),
        }
    }

    /// Why the connection cannot be used, naming the field.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let ClusterConnection::Ssh { remote_folder, .. } = self else {
            return None;
        };
        if let Some(Err(why)) = self.ssh_target() {
            return Some(("SSH host", why));
        }
        remote_folder_problem(remote_folder).map(|why| ("remote folder", why))
    }
}

/// The remote folder's rules that hold before it is expanded on the
/// cluster: it starts at the root, the home (`~`) or a variable, and holds
/// no control character; a plain absolute path must already be a valid
/// remote root.
fn remote_folder_problem(spec: &str) -> Option<String> {
    if spec.trim().is_empty() {
        return Some("is required for a cluster reached over SSH".to_owned());
    }
    if spec.chars().any(char::is_control) {
        return Some(format!("{spec:?} holds a control character"));
    }
    if spec.starts_with('~') || spec.starts_with('$') {
        return None;
    }
    if !spec.starts_with('/') {
        return Some(format!(
            "{spec:?} must be absolute, or start with ~ or a variable such as $SCRATCH"
        ));
    }
    if spec.contains('$') {
        return None;
    }
    match RemoteRoot::from_absolute(spec) {
        Ok(root) if root.as_str() == "/" => Some("must not be the cluster's root folder".to_owned()),
        Ok(_) => None,
        Err(e) => Some(e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssh(host: &str, folder: &str) -> ClusterConnection {
        ClusterConnection::Ssh {
            host: host.into(),
            user: None,
            port: None,
            remote_folder: folder.into(),
        }
    }

    #[test]
    fn a_stored_profile_without_a_connection_is_local() {
        let c: ClusterConnection = serde_json::from_str(r#"{"kind":"local"}"#).unwrap();
        assert_eq!(c, ClusterConnection::Local);
        assert_eq!(c.problem(), None);
    }

    #[test]
    fn an_ssh_connection_round_trips_with_its_optional_fields() {
        let c = ClusterConnection::Ssh {
            host: "login.hpc".into(),
            user: Some("ann".into()),
            port: Some(2222),
            remote_folder: "$SCRATCH/fusion-desk".into(),
        };
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<ClusterConnection>(&text).unwrap(), c);
        let bare: ClusterConnection =
            serde_json::from_str(r#"{"kind":"ssh","host":"hpc","remote_folder":"~/fd"}"#).unwrap();
        assert_eq!(bare, ssh("hpc", "~/fd"));
    }

    #[test]
    fn accepts_the_folders_people_type() {
        for folder in [
            "$SCRATCH/fusion-desk",
            "${WORK}/fd",
            "~/fusion-desk",
            "~",
            "/scratch/ann/fd",
        ] {
            assert_eq!(ssh("hpc", folder).problem(), None, "{folder}");
        }
    }

    #[test]
    fn refuses_bad_hosts_and_folders_naming_the_field() {
        for (c, field) in [
            (ssh("-oProxyCommand=x", "~/fd"), "SSH host"),
            (ssh("two words", "~/fd"), "SSH host"),
            (ssh("hpc", ""), "remote folder"),
            (ssh("hpc", "relative/fd"), "remote folder"),
            (ssh("hpc", "/"), "remote folder"),
            (ssh("hpc", "/fd\nx"), "remote folder"),
        ] {
            assert_eq!(c.problem().map(|p| p.0), Some(field), "{c:?}");
        }
    }
}
