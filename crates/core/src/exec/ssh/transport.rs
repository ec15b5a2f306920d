//! Slurm's client commands run on a login node over one SSH connection, so
//! the Slurm executor's parsing of sbatch, squeue, sacct and scancel serves
//! a remote cluster unchanged. The transport also knows the profile's
//! remote folder (expanded on the cluster once) and since when the login
//! node has not answered, for the runs' status lines.

use std::sync::Mutex;
use std::time::Duration;

use fusion_desk_remote::{Connection, ErrorKind, RemoteError, RemotePath, RemoteRoot};

use crate::exec::slurm::transport::{CommandOutput, CommandTransport, TransportFailure, TransportFuture};
use crate::exec::slurm::ClusterConnection;
use crate::timestamp;

/// What the remote shell answers for a command it cannot find.
const NOT_FOUND_STATUS: i32 = 127;

#[derive(Debug)]
pub struct SshTransport {
    conn: Connection,
    /// The profile's connection this transport was made for.
    spec: ClusterConnection,
    root: tokio::sync::OnceCell<RemoteRoot>,
    /// When the login node stopped answering (UTC, RFC 3339); none while it answers.
    unreachable_since: Mutex<Option<String>>,
}

impl SshTransport {
    pub fn new(conn: Connection, spec: ClusterConnection) -> SshTransport {
        SshTransport {
            conn,
            spec,
            root: tokio::sync::OnceCell::new(),
            unreachable_since: Mutex::new(None),
        }
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn spec(&self) -> &ClusterConnection {
        &self.spec
    }

    /// The remote folder, expanded by the cluster's environment on first use.
    pub async fn root(&self) -> Result<&RemoteRoot, RemoteError> {
        let ClusterConnection::Ssh { remote_folder, .. } = &self.spec else {
            return Err(RemoteError::new(
                ErrorKind::InvalidInput,
                "not a cluster reached over SSH",
            ));
        };
        let root = self
            .root
            .get_or_try_init(|| RemoteRoot::resolve(&self.conn, remote_folder))
            .await;
        self.saw(root.as_ref().err());
        root
    }

    /// A run's folder on the cluster, `<remote folder>/runs/<id>`.
    pub async fn run_dir(&self, run_id: &str) -> Result<RemotePath, RemoteError> {
        self.root().await?.run_dir(run_id)
    }

    /// Records how the last exchange with the login node went.
    pub fn saw(&self, failure: Option<&RemoteError>) {
        let mut since = self.unreachable_since.lock().expect("unreachable lock");
        match failure {
            Some(e) if e.kind.is_transient() => {
                since.get_or_insert_with(timestamp::now);
            }
            _ => *since = None,
        }
    }

    /// "cluster unreachable since HH:MM UTC" while the login node does not answer.
    pub fn unreachable_note(&self) -> Option<String> {
        let since = self.unreachable_since.lock().expect("unreachable lock");
        since
            .as_deref()
            .map(|t| format!("cluster unreachable since {} UTC", t.get(11..16).unwrap_or(t)))
    }
}

impl CommandTransport for SshTransport {
    fn run<'a>(&'a self, argv: &'a [String], timeout: Duration) -> TransportFuture<'a> {
        Box::pin(async move {
            let words: Vec<&str> = argv.iter().map(String::as_str).collect();
            if words.is_empty() {
                return Err(TransportFailure::CannotRun("no command given".to_owned()));
            }
            let ran = self.conn.run_with_timeout(&words, timeout).await;
            self.saw(ran.as_ref().err());
            match ran {
                Ok(out) if out.status == NOT_FOUND_STATUS => Err(TransportFailure::NotFound),
                Ok(out) => Ok(CommandOutput {
                    stdout: out.stdout_text(),
                    stderr: out.stderr_text(),
                    success: out.success(),
                    status: format!("exit status: {}", out.status),
                }),
                Err(e) if e.kind == ErrorKind::Timeout => Err(TransportFailure::TimedOut),
                Err(e) if e.kind.is_transient() => Err(TransportFailure::Unreachable(e.message)),
                Err(e) => Err(TransportFailure::CannotRun(e.message)),
            }
        })
    }
}
