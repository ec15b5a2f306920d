//! Host keys: reading the key a login node presents, so the user can
//! compare its fingerprint with the one the cluster publishes, and
//! recording it in the app's known_hosts once they accept it. The key is
//! read by OpenSSH itself, into a throwaway known_hosts file, rather than
//! by ssh-keyscan: ssh follows the user's config (an alias's HostName and
//! Port, ProxyJump through a gateway) and writes the entry under the very
//! name it later looks up, which ssh-keyscan knows nothing of.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::process::Stdio;

use crate::connection::{spawn_error, ssh_path, Connection};
use crate::diagnose::{connection_failure, first_line};
use crate::error::{ErrorKind, RemoteError, Result};
use crate::host_key::{parse_fingerprint_line, HostKey};

impl Connection {
    /// The key the login node presents. Connects without the master, and
    /// without trusting or recording anything.
    pub async fn scan_host_key(&self) -> Result<HostKey> {
        let scratch = self
            .dir()
            .join(format!("scan-{:016x}.known_hosts", rand::random::<u64>()));
        let result = self.scan_into(&scratch).await;
        let _ = std::fs::remove_file(&scratch);
        result
    }

    async fn scan_into(&self, scratch: &std::path::Path) -> Result<HostKey> {
        let o = self.options();
        let mut cmd = tokio::process::Command::new("ssh");
        cmd.args(self.config_args())
            .args([
                "-oBatchMode=yes".to_owned(),
                // The only place the app lets ssh record a key by itself: into
                // a file that is read here and deleted.
                "-oStrictHostKeyChecking=accept-new".to_owned(),
                format!("-oUserKnownHostsFile={}", ssh_path(scratch)),
                "-oGlobalKnownHostsFile=/dev/null".to_owned(),
                "-oUpdateHostKeys=no".to_owned(),
                "-oHashKnownHosts=no".to_owned(),
                "-oCheckHostIP=no".to_owned(),
                // The key exchange is all that is wanted: offer no credentials.
                "-oPreferredAuthentications=none".to_owned(),
                "-oControlMaster=no".to_owned(),
                "-oControlPath=none".to_owned(),
                format!("-oConnectTimeout={}", o.connect_timeout.as_secs().max(1)),
                "-oLogLevel=ERROR".to_owned(),
                "-oClearAllForwardings=yes".to_owned(),
                "-T".to_owned(),
            ])
            .args(self.target().ssh_args())
            .arg("--")
            .arg(self.target().host())
            .arg("true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = cmd.spawn().map_err(spawn_error)?;
        let out = tokio::time::timeout(o.connect_timeout * 2, child.wait_with_output())
            .await
            .map_err(|_| {
                RemoteError::new(
                    ErrorKind::Timeout,
                    format!("{} did not present a host key in time", self.target().host()),
                )
            })?
            .map_err(|e| RemoteError::local("ssh failed", e))?;
        let line = std::fs::read_to_string(scratch)
            .unwrap_or_default()
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned);
        let Some(line) = line else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(connection_failure(&stderr, self.target()).unwrap_or_else(|| {
                RemoteError::new(
                    ErrorKind::Disconnected,
                    format!(
                        "{} presented no host key: {}",
                        self.target().host(),
                        first_line(&stderr)
                    ),
                )
            }));
        };
        let (key_type, fingerprint) = fingerprint_of(scratch).await?;
        Ok(HostKey {
            key_type,
            fingerprint,
            known_hosts_line: line,
        })
    }

    /// Records `key` in the app's known_hosts: call it only after the user
    /// confirmed the fingerprint. Accepting the same key again changes
    /// nothing.
    pub fn accept_host_key(&self, key: &HostKey) -> Result<()> {
        let line = key.known_hosts_line.trim();
        if line.is_empty() || line.contains('\n') {
            return Err(RemoteError::invalid("not a known_hosts line"));
        }
        let path = self.known_hosts_file();
        let current = std::fs::read_to_string(path)
            .map_err(|e| RemoteError::local(&format!("cannot read {}", path.display()), e))?;
        if current.lines().any(|l| l.trim() == line) {
            return Ok(());
        }
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| RemoteError::local(&format!("cannot open {}", path.display()), e))?;
        let sep = if current.is_empty() || current.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        file.write_all(format!("{sep}{line}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| RemoteError::local(&format!("cannot write {}", path.display()), e))
    }
}

/// `ssh-keygen -lf` on a known_hosts file: the first key's type and
/// SHA256 fingerprint (`256 SHA256:… host (ED25519)`).
async fn fingerprint_of(file: &std::path::Path) -> Result<(String, String)> {
    let out = tokio::process::Command::new("ssh-keygen")
        .arg("-E")
        .arg("sha256")
        .arg("-lf")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| RemoteError::local("cannot run ssh-keygen", e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_fingerprint_line(text.lines().next().unwrap_or("")).ok_or_else(|| {
        RemoteError::new(
            ErrorKind::Protocol,
            format!(
                "ssh-keygen could not read the host key: {}",
                first_line(&String::from_utf8_lossy(&out.stderr))
            ),
        )
    })
}
